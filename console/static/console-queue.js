/*
 * Staff console page, part 3 of 5 (the parts and their order are listed in console.js):
 * the queue list: drawing it, its counts, announcing changes, following the selection.
 */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;
  var P = C.consolePage;
  // Nothing without the parts before it (console.js first); nothing twice if loaded twice.
  if (!P || !P.loaded || !P.loaded.live || P.loaded.queue) return;
  P.loaded.queue = true;

  // From console.js.
  var S = P.S;
  var ui = P.ui;
  var announce = P.announce;
  // From console-conversation.js, which loads after this file: looked up when called.
  function select(id, opts) {
    return P.select(id, opts);
  }
  function loadConversation(id, opts) {
    return P.loadConversation(id, opts);
  }
  function drawConversationHead() {
    return P.drawConversationHead();
  }
  function drawDetails() {
    return P.drawDetails();
  }
  // From console-actions.js, which loads after this file: looked up when called.
  function drawActions() {
    return P.drawActions();
  }
  function keepFocus() {
    return P.keepFocus();
  }

  // ---------------------------------------------------------------- queue
  function isMine(item) {
    return !!(item && item.assigned_to && S.me && item.assigned_to.username === S.me.username);
  }

  function assignedText(item) {
    if (item.status === "with_staff" || item.assigned_to) {
      if (isMine(item)) return "With you";
      if (item.assigned_to) return "With " + (item.assigned_to.name || item.assigned_to.username);
      return "With staff";
    }
    if (item.status === "waiting") return "Not claimed";
    return C.label("status", item.status);
  }

  function summaryOf(item) {
    return (item && item.summary && typeof item.summary === "object") ? item.summary : {};
  }

  function badge(kind, text) {
    return el("span", { className: "badge badge--" + kind }, [text]);
  }

  function buildQueueItem(item) {
    var urgent = item.priority === "urgent";
    var summary = summaryOf(item);
    var detailsId = "q-details-" + item.id;
    var waiting = el("span", { className: "q-wait", "data-since": item.waiting_since || "" }, [
      "waiting " + C.since(item.waiting_since)
    ]);
    var button = el(
      "button",
      {
        type: "button",
        className: "q-select",
        "data-id": item.id,
        "aria-describedby": detailsId
      },
      [
        el("span", { className: "q-line q-line--top" }, [
          urgent ? badge("urgent", "Urgent") : null,
          item.overdue ? badge("overdue", "Overdue") : null,
          el("span", { className: "q-reason" }, [C.label("reason", item.reason)])
        ]),
        el("span", { className: "q-line q-line--meta" }, [
          el("span", null, [C.label("language", item.language)]),
          el("span", { className: "q-sep", "aria-hidden": "true" }, [" \u00b7 "]),
          el("span", { className: "sr-only" }, [", "]),
          el("span", null, [C.label("channel", item.channel)]),
          el("span", { className: "q-sep", "aria-hidden": "true" }, [" \u00b7 "]),
          el("span", { className: "sr-only" }, [", "]),
          waiting
        ])
      ]
    );

    var rows = [
      ["Theme", C.label("theme", summary.theme)],
      ["Topic", C.label("topic", summary.topic)],
      ["Enquirer", C.label("enquirer", summary.enquirer)]
    ];
    if (summary.concern) rows.push(["Concern", C.humanize(summary.concern), "q-concern"]);
    var dl = el("dl", { className: "q-summary" });
    rows.forEach(function (row) {
      dl.appendChild(el("div", { className: row[2] || null }, [el("dt", null, [row[0]]), el("dd", null, [row[1]])]));
    });

    var assignedClass = isMine(item) ? " q-assigned--mine" : item.assigned_to ? "" : " q-assigned--none";
    var assigned = el("p", { className: "q-assigned" + assignedClass }, [assignedText(item)]);
    var details = el("div", { className: "q-details", id: detailsId }, [assigned, dl]);

    var li = el(
      "li",
      {
        className: "q-item" + (urgent ? " q-item--urgent" : "") + (item.overdue ? " q-item--overdue" : ""),
        "data-id": item.id,
        "data-priority": item.priority,
        "data-reason": item.reason
      },
      [button, details]
    );
    // Clicking anywhere on the card opens it (the button is the keyboard way in).
    li.addEventListener("click", function (ev) {
      if (ev.target.closest("button") === button) return;
      if (window.getSelection && String(window.getSelection())) return; // selecting text
      select(item.id, { focus: false });
    });
    button.addEventListener("click", function () {
      select(item.id, { focus: false });
    });
    return li;
  }

  function drawQueue(items) {
    items = items.filter(function (i) {
      return i && i.id;
    });
    var list = ui.queueList;

    // Remember keyboard focus inside the list, to put it back after re-drawing.
    var active = document.activeElement;
    var activeItem = active && list.contains(active) ? active.closest(".q-item") : null;
    var activeId = activeItem ? activeItem.getAttribute("data-id") : null;
    var activeIndex = activeItem ? Array.prototype.indexOf.call(list.children, activeItem) : -1;

    var old = {};
    Array.prototype.forEach.call(list.children, function (li) {
      old[li.getAttribute("data-id")] = li;
    });
    var nodes = items.map(function (item) {
      var sig = JSON.stringify(item) + "|" + (S.me ? S.me.username : "");
      var li = old[item.id];
      if (li && li.__sig === sig) {
        delete old[item.id];
        return li;
      }
      var fresh = buildQueueItem(item);
      fresh.__sig = sig;
      if (li) {
        list.replaceChild(fresh, li);
        delete old[item.id];
      }
      return fresh;
    });
    Object.keys(old).forEach(function (id) {
      list.removeChild(old[id]);
    });
    nodes.forEach(function (li, i) {
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    });

    if (activeId && document.activeElement !== active) {
      var target = list.querySelector('.q-item[data-id="' + cssId(activeId) + '"] .q-select');
      if (!target && nodes.length) target = nodes[Math.min(Math.max(activeIndex, 0), nodes.length - 1)].querySelector(".q-select");
      (target || ui.queueHeading).focus();
    }

    announceChanges(items);
    S.queue = items;
    markSelected();
    drawCounts(items);
    followSelected(items);
  }

  function cssId(id) {
    return String(id).replace(/["\\]/g, "\\$&");
  }

  function announceChanges(items) {
    var now = {};
    items.forEach(function (i) {
      now[i.id] = i.priority;
    });
    if (S.known) {
      var urgentNew = [];
      var normalNew = [];
      var raised = [];
      items.forEach(function (i) {
        if (!(i.id in S.known)) {
          if (i.status !== "waiting") return;
          (i.priority === "urgent" ? urgentNew : normalNew).push(i);
        } else if (i.priority === "urgent" && S.known[i.id] !== "urgent") {
          raised.push(i);
        }
      });
      var urgentWords = [];
      if (urgentNew.length === 1) {
        urgentWords.push("Urgent: new " + C.label("reason", urgentNew[0].reason).toLowerCase() + " conversation waiting");
      } else if (urgentNew.length > 1) {
        urgentWords.push("Urgent: " + urgentNew.length + " new urgent conversations waiting");
      }
      if (raised.length) {
        urgentWords.push(
          "Urgent: " + (raised.length === 1 ? "a conversation in the queue is" : raised.length + " conversations are") +
            " now marked urgent"
        );
      }
      if (urgentWords.length) announce(urgentWords.join(". ") + ".", true);
      if (normalNew.length === 1) {
        var n = normalNew[0];
        announce(
          "New conversation waiting: " + C.label("reason", n.reason).toLowerCase() + ", " + C.label("language", n.language) +
            ", " + C.label("channel", n.channel) + ".",
          false
        );
      } else if (normalNew.length > 1) {
        announce(normalNew.length + " new conversations waiting.", false);
      }
    }
    S.known = now;
  }

  function drawCounts(items) {
    var waiting = items.filter(function (i) {
      return i.status === "waiting";
    });
    var urgent = waiting.filter(function (i) {
      return i.priority === "urgent";
    }).length;
    var overdue = items.filter(function (i) {
      return i.overdue;
    }).length;
    var mine = items.filter(isMine).length;
    var parts = [waiting.length + " waiting"];
    if (urgent) parts.push(urgent + " urgent");
    if (overdue) parts.push(overdue + " overdue");
    parts.push(mine + " with you");
    ui.queueCounts.textContent = parts.join(", ");
    ui.queueEmpty.hidden = items.length > 0;
    document.title =
      (urgent ? "(" + urgent + " urgent) " : waiting.length ? "(" + waiting.length + ") " : "") +
      "Staff console \u2013 Care and support front door";
  }

  function markSelected() {
    Array.prototype.forEach.call(ui.queueList.children, function (li) {
      var on = li.getAttribute("data-id") === S.selectedId;
      li.classList.toggle("q-item--selected", on);
      var b = li.querySelector(".q-select");
      if (on) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    });
  }

  /* The queue says something changed about the conversation on screen: bring the header and
     actions up to date, or reload it when it left the queue (closed, back with the bot). */
  function followSelected(items) {
    if (!S.selectedId || !S.conv) return;
    var item = null;
    items.forEach(function (i) {
      if (i.id === S.selectedId) item = i;
    });
    var c = S.conv.conversation;
    if (item) {
      if (JSON.stringify(item) !== JSON.stringify(pick(c, item))) {
        S.conv.conversation = Object.assign({}, c, item);
        var focusWasHere = ui.conversationBody.contains(document.activeElement);
        drawConversationHead();
        drawDetails();
        drawActions();
        if (focusWasHere) keepFocus();
      }
    } else if (c.status === "waiting" || c.status === "with_staff") {
      loadConversation(S.selectedId, { fresh: false });
    }
  }

  function pick(obj, like) {
    var out = {};
    Object.keys(like).forEach(function (k) {
      out[k] = obj[k];
    });
    return out;
  }

  function tick() {
    Array.prototype.forEach.call(document.querySelectorAll(".q-wait[data-since]"), function (span) {
      var since = span.getAttribute("data-since");
      if (since) span.textContent = "waiting " + C.since(since);
    });
    if (S.conv) drawDetails();
  }

  P.tick = tick;
  P.isMine = isMine;
  P.drawQueue = drawQueue;
  P.assignedText = assignedText;
  P.summaryOf = summaryOf;
  P.badge = badge;
  P.cssId = cssId;
  P.markSelected = markSelected;
})();

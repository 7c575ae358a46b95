/*
 * Staff console page, part 3 of 5 (the parts and their order are listed in console.js):
 * the queue list: drawing it, its counts, announcing changes, following the selection, and
 * the language filter. A Welsh conversation is marked "Welsh speaker wanted"; for someone
 * without Welsh while a Welsh speaker is signed in (leave_to_welsh_speaker), it also asks them
 * to leave it to that person. The server puts Welsh first in a Welsh speaker's queue.
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
  var t = C.t;
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
      if (isMine(item)) return t("assigned.you");
      if (item.assigned_to) return t("assigned.with", { name: item.assigned_to.name || item.assigned_to.username });
      return t("assigned.staff");
    }
    if (item.status === "waiting") return t("assigned.none");
    return C.label("status", item.status);
  }

  function summaryOf(item) {
    return (item && item.summary && typeof item.summary === "object") ? item.summary : {};
  }

  function badge(kind, text) {
    return el("span", { className: "badge badge--" + kind }, [text]);
  }

  /* "Eleri is" / "Eleri and Siân are": who the conversation can be left to. */
  function namesOf(list) {
    list = (Array.isArray(list) ? list : []).map(String);
    if (!list.length) return "";
    if (list.length === 1) return t("queue.leaveToOne", { name: list[0] });
    return t("queue.leaveToMany", { names: list.join(", ") });
  }

  function leaveNote(item) {
    if (!item.leave_to_welsh_speaker) return null;
    return el("p", { className: "q-leave" }, [t("queue.leaveTo", { names: namesOf(item.welsh_speakers_on_duty) })]);
  }

  function buildQueueItem(item) {
    var urgent = item.priority === "urgent";
    var summary = summaryOf(item);
    var detailsId = "q-details-" + item.id;
    var waiting = el("span", { className: "q-wait", "data-since": item.waiting_since || "" }, [
      t("queue.waitingFor", { time: C.since(item.waiting_since) })
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
          urgent ? badge("urgent", t("badge.urgent")) : null,
          item.overdue ? badge("overdue", t("badge.overdue")) : null,
          item.welsh_speaker_wanted ? badge("welsh", t("badge.welsh")) : null,
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
      [t("summary.theme"), C.label("theme", summary.theme)],
      [t("summary.topic"), C.label("topic", summary.topic)],
      [t("summary.enquirer"), C.label("enquirer", summary.enquirer)]
    ];
    if (summary.concern) rows.push([t("summary.concern"), C.humanize(summary.concern), "q-concern"]);
    var dl = el("dl", { className: "q-summary" });
    rows.forEach(function (row) {
      dl.appendChild(el("div", { className: row[2] || null }, [el("dt", null, [row[0]]), el("dd", null, [row[1]])]));
    });

    var assignedClass = isMine(item) ? " q-assigned--mine" : item.assigned_to ? "" : " q-assigned--none";
    var assigned = el("p", { className: "q-assigned" + assignedClass }, [assignedText(item)]);
    var details = el("div", { className: "q-details", id: detailsId }, [assigned, leaveNote(item), dl]);

    var li = el(
      "li",
      {
        className: "q-item" + (urgent ? " q-item--urgent" : "") + (item.overdue ? " q-item--overdue" : ""),
        "data-id": item.id,
        "data-priority": item.priority,
        "data-reason": item.reason,
        "data-language": item.language
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

  /* `opts.quiet`: a redraw (the language switched): nothing is announced. */
  function drawQueue(items, opts) {
    items = (items || []).filter(function (i) {
      return i && i.id;
    });
    S.allQueue = items;
    if (S.language) {
      items = items.filter(function (i) {
        return i.language === S.language;
      });
    }
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
      var sig = JSON.stringify(item) + "|" + (S.me ? S.me.username : "") + "|" + C.lang;
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

    if (opts && opts.quiet) {
      S.known = {};
      items.forEach(function (i) {
        S.known[i.id] = i.priority;
      });
    } else announceChanges(items);
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
        urgentWords.push(t("announce.urgentOne", { reason: C.label("reason", urgentNew[0].reason).toLowerCase() }));
      } else if (urgentNew.length > 1) {
        urgentWords.push(t("announce.urgentMany", { n: urgentNew.length }));
      }
      if (raised.length) {
        urgentWords.push(raised.length === 1 ? t("announce.raisedOne") : t("announce.raisedMany", { n: raised.length }));
      }
      if (urgentWords.length) announce(urgentWords.join(". ") + ".", true);
      if (normalNew.length === 1) {
        var n = normalNew[0];
        announce(t("announce.newOne", { reason: C.label("reason", n.reason).toLowerCase(),
                                        language: C.label("language", n.language),
                                        channel: C.label("channel", n.channel) }), false);
      } else if (normalNew.length > 1) {
        announce(t("announce.newMany", { n: normalNew.length }), false);
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
    var welsh = waiting.filter(function (i) {
      return i.language === "cy";
    }).length;
    var parts = [t("counts.waiting", { n: waiting.length })];
    if (urgent) parts.push(t("counts.urgent", { n: urgent }));
    if (overdue) parts.push(t("counts.overdue", { n: overdue }));
    if (welsh && S.language !== "cy") parts.push(t("counts.welsh", { n: welsh }));
    parts.push(t("counts.mine", { n: mine }));
    ui.queueCounts.textContent = parts.join(", ");
    ui.queueEmpty.hidden = items.length > 0;
    ui.queueEmpty.textContent = S.language && S.allQueue.length ? t("queue.emptyFiltered") : t("queue.empty");
    document.title =
      (urgent ? "(" + t("counts.urgent", { n: urgent }) + ") " : waiting.length ? "(" + waiting.length + ") " : "") +
      t("page.console");
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
    } else if (S.language && c.language !== S.language) {
      return; // hidden by the language filter, not gone from the queue
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
      if (since) span.textContent = t("queue.waitingFor", { time: C.since(since) });
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
  P.namesOf = namesOf;
})();

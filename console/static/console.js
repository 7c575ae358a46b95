/*
 * Staff console: the live queue (left) and the selected conversation (right).
 *
 * Live updates come over the websocket /console/ws ({"type":"queue"}, {"type":"message"} and
 * {"type":"flag"} frames); if it cannot be opened or drops, the page polls GET /console/api/queue
 * (and the selected conversation) every 5 seconds and keeps trying to reconnect.
 *
 * Citizen text is untrusted: every message, note and summary value is put in the page with
 * textContent / text nodes only.
 */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;

  var POLL_MS = 5000;
  var WS_OPEN_TIMEOUT_MS = 6000;
  var RECONNECT_MS = [2000, 5000, 15000, 30000, 60000];
  var TICK_MS = 30000;
  var SELECTED_KEY = "iaa-console:selected";

  var S = {
    me: null,
    queue: [],
    known: null, // {id: priority} of the queue last drawn; null before the first draw
    haveSocketQueue: false,
    selectedId: null,
    conv: null, // {conversation, messages, notes, flags} of the selected conversation
    loadToken: 0,
    messageIds: {},
    flags: {}, // {message id: flag view} of the selected conversation (flags.js draws them)
    staff: [],
    canned: [],
    socket: null,
    socketReady: false,
    failures: 0,
    pollTimer: null,
    reconnectTimer: null,
    busy: false
  };

  var ui = {};

  // ---------------------------------------------------------------- start
  function start() {
    [
      "queue-list", "queue-empty", "queue-counts", "live-state", "conversation-heading", "conversation-state",
      "action-status", "action-error", "conversation-placeholder", "conversation-body", "conversation-details",
      "transcript", "reply-form", "reply-text", "reply-send", "canned-row", "canned-select", "canned-insert",
      "actions-hint", "action-claim", "action-release", "action-return", "transfer-form", "transfer-select",
      "close-form", "close-outcome", "notes-list", "notes-empty", "note-form", "note-text", "announce-polite",
      "announce-urgent", "queue-heading"
    ].forEach(function (id) {
      ui[id.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })] = C.$(id);
    });

    C.OUTCOMES.forEach(function (code) {
      ui.closeOutcome.appendChild(el("option", { value: code }, [C.label("outcome", code)]));
    });
    wire();

    C.loadMe().then(function (me) {
      if (!me) {
        if (!document.hidden) C.goToLogin("expired");
        return;
      }
      S.me = me;
      C.setUpHeader(me);
      if (me.role !== "staff" && me.role !== "admin") {
        setLive("off", "Not available");
        showError("The queue is for IAA staff. You are signed in as a " + C.label("role", me.role).toLowerCase() + ".");
        return;
      }
      loadQueueOnce();
      connect();
      loadStaff();
      loadCanned();
      var wanted = fromHash() || storedSelection();
      if (wanted) select(wanted, { focus: false, quiet: true });
      setInterval(tick, TICK_MS);
    });
  }

  function fromHash() {
    var m = /(?:^#|&)conversation=([0-9A-Za-z_-]+)/.exec(location.hash || "");
    return m ? m[1] : null;
  }

  function storedSelection() {
    try {
      return sessionStorage.getItem(SELECTED_KEY);
    } catch (e) {
      return null;
    }
  }

  function storeSelection(id) {
    try {
      if (id) sessionStorage.setItem(SELECTED_KEY, id);
      else sessionStorage.removeItem(SELECTED_KEY);
    } catch (e) {
      /* ignore */
    }
  }

  // ---------------------------------------------------------------- status and announcements
  function showStatus(text) {
    ui.actionError.textContent = "";
    ui.actionStatus.textContent = "";
    if (text) ui.actionStatus.appendChild(el("p", null, [text]));
  }

  function showError(text) {
    ui.actionStatus.textContent = "";
    ui.actionError.textContent = "";
    if (text) ui.actionError.appendChild(el("p", null, [text]));
  }

  function clearMessages() {
    ui.actionStatus.textContent = "";
    ui.actionError.textContent = "";
  }

  var announceTimers = {};
  function announce(text, urgent) {
    var region = urgent ? ui.announceUrgent : ui.announcePolite;
    clearTimeout(announceTimers[region.id]);
    region.textContent = "";
    // A short pause so the same words said twice are still announced.
    announceTimers[region.id] = setTimeout(function () {
      region.textContent = text;
    }, 100);
  }

  function setLive(state, text) {
    ui.liveState.setAttribute("data-state", state);
    ui.liveState.textContent = text;
    document.body.setAttribute("data-live", state);
  }

  // ---------------------------------------------------------------- live connection
  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/console/ws";
  }

  function connect() {
    clearTimeout(S.reconnectTimer);
    if (typeof window.WebSocket !== "function") {
      startPolling();
      return;
    }
    var socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (e) {
      socketLost();
      return;
    }
    S.socket = socket;
    var opened = false;
    var openTimer = setTimeout(function () {
      if (!opened) {
        try {
          socket.close();
        } catch (e) {
          /* ignore */
        }
        if (S.socket === socket) socketLost();
      }
    }, WS_OPEN_TIMEOUT_MS);

    socket.onopen = function () {
      if (S.socket !== socket) return;
      opened = true;
      clearTimeout(openTimer);
      S.socketReady = true;
      S.failures = 0;
      stopPolling();
      setLive("socket", "Live");
      if (S.selectedId) {
        watch(S.selectedId);
        // Catch up with anything said while the connection was down.
        if (S.conv) loadConversation(S.selectedId, { fresh: false });
      }
    };
    socket.onmessage = function (ev) {
      if (S.socket !== socket) return;
      var data;
      try {
        data = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (!data || typeof data !== "object") return;
      if (data.type === "queue" && Array.isArray(data.conversations)) {
        S.haveSocketQueue = true;
        drawQueue(data.conversations);
      } else if (data.type === "message") {
        incomingMessage(data.conversation_id, data.message);
      } else if (data.type === "flag") {
        incomingFlag(data.conversation_id, data.flag);
      }
    };
    socket.onerror = function () {
      /* onclose follows */
    };
    socket.onclose = function () {
      clearTimeout(openTimer);
      if (S.socket !== socket) return;
      socketLost();
    };
  }

  function socketLost() {
    S.socket = null;
    S.socketReady = false;
    startPolling();
    var delay = RECONNECT_MS[Math.min(S.failures, RECONNECT_MS.length - 1)];
    S.failures += 1;
    clearTimeout(S.reconnectTimer);
    S.reconnectTimer = setTimeout(connect, delay);
  }

  function watch(id) {
    if (!S.socket || !S.socketReady) return;
    try {
      S.socket.send(JSON.stringify({ type: "watch", conversation_id: id }));
    } catch (e) {
      /* the close handler takes over */
    }
  }

  function startPolling() {
    setLive("polling", "Updating every 5 seconds");
    if (S.pollTimer) return;
    S.pollTimer = setInterval(poll, POLL_MS);
    poll();
  }

  function stopPolling() {
    clearInterval(S.pollTimer);
    S.pollTimer = null;
  }

  function poll() {
    C.get("/console/api/queue").then(function (r) {
      if (r.ok && r.data && Array.isArray(r.data.conversations) && !S.socketReady) drawQueue(r.data.conversations);
      else if (r.status === 403) showError(C.detail(r.data, "Not allowed for your role"));
    });
    // New messages in the open conversation: every time for one you are handling, every 30 s
    // otherwise (each fetch is a "view" in the audit log).
    S.polls = (S.polls || 0) + 1;
    if (S.selectedId && S.conv) {
      var c = S.conv.conversation;
      if ((c.status === "with_staff" && isMine(c)) || S.polls % 6 === 0) loadConversation(S.selectedId, { fresh: false });
    }
  }

  function loadQueueOnce() {
    C.get("/console/api/queue").then(function (r) {
      if (S.haveSocketQueue) return; // the socket's copy is newer
      if (r.ok && r.data && Array.isArray(r.data.conversations)) drawQueue(r.data.conversations);
      else if (r.status === 403) showError(C.detail(r.data, "Not allowed for your role"));
      else if (!r.redirecting) ui.queueCounts.textContent = "The queue could not be loaded. Trying again\u2026";
    });
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

  // ---------------------------------------------------------------- selecting a conversation
  function select(id, opts) {
    opts = opts || {};
    if (!id) return;
    var changed = id !== S.selectedId;
    S.selectedId = id;
    storeSelection(id);
    markSelected();
    if (changed) {
      clearMessages();
      watch(id);
    }
    loadConversation(id, { fresh: true, focus: opts.focus, quiet: opts.quiet, reveal: !opts.quiet });
  }

  function loadConversation(id, opts) {
    opts = opts || {};
    var token = ++S.loadToken;
    return C.get("/console/api/conversations/" + encodeURIComponent(id)).then(function (r) {
      if (token !== S.loadToken || id !== S.selectedId) return;
      if (!r.ok || !r.data || !r.data.conversation) {
        if (r.redirecting) return;
        if (r.status === 404) {
          if (opts.quiet) {
            deselect();
            return;
          }
          showError("That conversation could not be found.");
          deselect();
          return;
        }
        if (opts.fresh && !opts.quiet) showError(C.detail(r.data, "The conversation could not be loaded. Please try again."));
        return;
      }
      var fresh = opts.fresh || !S.conv || S.conv.conversation.id !== id;
      // A redraw may hide the control that has focus (a live update can land mid-action).
      var focusWasHere = ui.conversationBody.contains(document.activeElement);
      S.conv = {
        conversation: r.data.conversation,
        messages: Array.isArray(r.data.messages) ? r.data.messages : [],
        notes: Array.isArray(r.data.notes) ? r.data.notes : [],
        flags: Array.isArray(r.data.flags) ? r.data.flags : []
      };
      S.flags = {};
      S.conv.flags.forEach(rememberFlag);
      ui.conversationPlaceholder.hidden = true;
      ui.conversationBody.hidden = false;
      drawConversationHead();
      drawDetails();
      if (fresh) drawTranscript(S.conv.messages);
      else {
        S.conv.messages.forEach(appendMessage);
        Object.keys(S.flags).forEach(function (mid) {
          showFlag(S.flags[mid]);
        });
      }
      drawNotes();
      drawActions();
      if (focusWasHere) keepFocus();
      if (opts.focus) ui.conversationHeading.focus();
      else if (opts.reveal) {
        // Narrow windows (or zoom) stack the panes: bring the conversation into view.
        var top = ui.conversationHeading.getBoundingClientRect().top;
        if (top > window.innerHeight - 80 || top < 0) ui.conversationHeading.scrollIntoView({ block: "start" });
      }
    });
  }

  function deselect() {
    S.selectedId = null;
    S.conv = null;
    storeSelection(null);
    markSelected();
    ui.conversationBody.hidden = true;
    ui.conversationPlaceholder.hidden = false;
    ui.conversationHeading.textContent = "Conversation";
    ui.conversationState.textContent = "";
  }

  function conversationTitle(c) {
    return C.label("reason", c.reason) + " \u2013 " + C.label("language", c.language) + ", " + C.label("channel", c.channel);
  }

  function statusText(c) {
    if (c.status === "with_staff") return assignedText(c);
    if (c.status === "waiting") return "Waiting for staff, not claimed yet";
    if (c.status === "bot") return "Back with the assistant";
    if (c.status === "closed") return "Closed" + (c.outcome ? " \u2013 " + C.label("outcome", c.outcome) : "");
    return C.label("status", c.status);
  }

  function drawConversationHead() {
    var c = S.conv.conversation;
    C.clear(ui.conversationHeading);
    if (c.priority === "urgent") {
      ui.conversationHeading.appendChild(badge("urgent", "Urgent"));
      ui.conversationHeading.appendChild(document.createTextNode(" "));
    }
    ui.conversationHeading.appendChild(document.createTextNode(c.reason ? conversationTitle(c) : "Conversation"));
    ui.conversationState.textContent = statusText(c);
    ui.conversationState.setAttribute("data-status", c.status || "");
  }

  function drawDetails() {
    var c = S.conv.conversation;
    var s = summaryOf(c);
    var dl = C.clear(ui.conversationDetails);
    function row(term, value, cls) {
      if (value === null || value === undefined || value === "") return;
      dl.appendChild(el("div", { className: cls || null }, [el("dt", null, [term]), el("dd", null, [value])]));
    }
    // Priority, reason, language, channel and status are in the heading above.
    if (c.waiting_since && (c.status === "waiting" || c.status === "with_staff")) {
      row("Waiting", C.since(c.waiting_since) + " (since " + C.formatTime(c.waiting_since) + ")");
    }
    if (c.due_by) {
      var due = el("span", null, [C.formatDate(c.due_by)]);
      if (c.overdue) {
        row("Reply due by", el("span", null, [badge("overdue", "Overdue"), " ", due]), "row--overdue");
      } else row("Reply due by", due);
    }
    row("Theme", C.label("theme", s.theme));
    row("Topic", C.label("topic", s.topic));
    row("Enquirer", C.label("enquirer", s.enquirer));
    if (Array.isArray(s.concerns) && s.concerns.length > 1) {
      row("Concerns", s.concerns.map(function (c) { return C.humanize(String(c)); }).join("; "), "row--concern");
    } else if (s.concern) row("Concern", C.humanize(s.concern), "row--concern");
    if (Array.isArray(s.services_offered) && s.services_offered.length) {
      row("Services offered", s.services_offered.map(String).join("; "));
    }
    if (c.callback && c.callback.phone) {
      row(
        "Call back on",
        el("span", null, [
          el("a", { href: "tel:" + String(c.callback.phone).replace(/[^\d+]/g, "") }, [String(c.callback.phone)]),
          c.callback.consented_at ? " (agreed " + C.formatTime(c.callback.consented_at) + ")" : ""
        ])
      );
    }
  }

  // ---------------------------------------------------------------- transcript
  var SENDER = { citizen: "Citizen", bot: "Assistant", staff: "Staff", system: "System" };

  function buildMessage(m) {
    var sender = Object.prototype.hasOwnProperty.call(SENDER, m.sender) ? m.sender : "system";
    var who = SENDER[sender];
    if (sender === "staff" && m.author && m.author.name) {
      who = (S.me && m.author.name === S.me.name ? "You" : m.author.name) + " (staff)";
    }
    var text = el("p", { className: "msg__text" });
    text.textContent = typeof m.text === "string" ? m.text : "";
    var head = el("p", { className: "msg__head" }, [
      el("span", { className: "msg__who" }, [who]),
      m.at ? el("span", { className: "sr-only" }, [", "]) : null,
      m.at ? el("time", { className: "msg__time", datetime: String(m.at) }, [C.formatTime(m.at)]) : null,
      el("span", { className: "sr-only" }, [": "])
    ]);
    var flag = sender === "citizen" && m.id !== undefined && m.id !== null ? S.flags[m.id] || m.flag : null;
    var flagClass = flag ? " msg--flagged msg--flagged-" + (flag.tier === "urgent" ? "urgent" : "check") : "";
    return el("div", { className: "msg msg--" + sender + flagClass, "data-sender": sender, "data-id": m.id || null }, [
      head,
      text,
      flag ? flagBadge(flag) : null
    ]);
  }

  /* A new conversation gets a new log element, so switching does not read the whole of it out;
     messages added afterwards are announced. */
  function drawTranscript(messages) {
    var log = el("div", {
      id: "transcript",
      className: "transcript",
      role: "log",
      "aria-live": "polite",
      "aria-labelledby": "transcript-heading",
      tabindex: "0"
    });
    S.messageIds = {};
    messages.forEach(function (m) {
      if (!m || typeof m !== "object") return;
      if (m.id !== undefined && m.id !== null) S.messageIds[m.id] = true;
      log.appendChild(buildMessage(m));
    });
    if (!messages.length) log.appendChild(el("p", { className: "hint-text" }, ["No messages yet."]));
    ui.transcript.parentNode.replaceChild(log, ui.transcript);
    ui.transcript = log;
    followBottom(log);
  }

  function toBottom(log) {
    log.scrollTop = log.scrollHeight;
    log.__lastTop = log.scrollTop; // the scroll event this causes is not the reader scrolling up
    log.__atBottom = true;
  }

  /* Keep the transcript scrolled to the newest message while the reader is at the bottom,
     also when the space around it changes (the reply box appearing, the window resizing). */
  function followBottom(log) {
    toBottom(log);
    log.addEventListener("scroll", function () {
      // Only a real move counts: a scroll event also comes when the box merely changes size.
      if (log.scrollTop === log.__lastTop) return;
      log.__lastTop = log.scrollTop;
      log.__atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    });
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () {
        if (log.__atBottom) toBottom(log);
      }).observe(log);
    }
  }

  function appendMessage(m) {
    if (!m || typeof m !== "object") return;
    if (m.id !== undefined && m.id !== null) {
      if (S.messageIds[m.id]) return;
      S.messageIds[m.id] = true;
    }
    var log = ui.transcript;
    var empty = log.querySelector(".hint-text");
    if (empty) log.removeChild(empty);
    var nearBottom = log.__atBottom !== false || log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    log.appendChild(buildMessage(m));
    if (nearBottom || m.sender === "staff") toBottom(log);
  }

  function incomingMessage(conversationId, message) {
    if (!conversationId || conversationId !== S.selectedId || !S.conv) return;
    if (!message || typeof message !== "object") return;
    S.conv.messages.push(message);
    appendMessage(message);
  }

  // ---------------------------------------------------------------- safeguarding flags
  /* Why a message was flagged and whether staff agreed (flags.js). A flag's event comes just
     before its message's, so a flag for a message not yet shown waits for it. */
  function rememberFlag(flag) {
    if (!flag || typeof flag !== "object" || flag.message_id === null || flag.message_id === undefined) return;
    var had = S.flags[flag.message_id];
    if (!had || had.id <= flag.id) S.flags[flag.message_id] = had && had.id === flag.id ? Object.assign({}, had, flag) : flag;
  }

  function flagBadge(flag) {
    return C.flags.render(flag, {
      idPrefix: "msg-flag-",
      onSaved: function (saved, words) {
        rememberFlag(saved);
        showStatus(words);
      },
      onError: showError
    });
  }

  function showFlag(flag) {
    var msg = ui.transcript.querySelector('.msg[data-sender="citizen"][data-id="' + cssId(flag.message_id) + '"]');
    if (!msg) return false;
    var badge = msg.querySelector(".flag");
    if (badge && String(badge.getAttribute("data-flag-id")) === String(flag.id)) C.flags.update(badge, flag);
    else if (!badge || Number(badge.getAttribute("data-flag-id")) < flag.id) {
      var fresh = flagBadge(flag);
      if (badge) msg.replaceChild(fresh, badge);
      else msg.appendChild(fresh);
      msg.classList.remove("msg--flagged-urgent", "msg--flagged-check");
      msg.classList.add("msg--flagged", "msg--flagged-" + (flag.tier === "urgent" ? "urgent" : "check"));
    }
    return true;
  }

  function incomingFlag(conversationId, flag) {
    if (!conversationId || conversationId !== S.selectedId || !S.conv) return;
    if (!flag || typeof flag !== "object") return;
    rememberFlag(flag);
    if (flag.message_id === null || flag.message_id === undefined) return;
    flag = S.flags[flag.message_id];
    if (showFlag(flag)) return;
    // Its message should follow at once; if it does not (not sent to staff), fetch it.
    var id = S.selectedId;
    setTimeout(function () {
      if (S.selectedId === id && S.conv && !showFlag(S.flags[flag.message_id] || flag)) loadConversation(id, { fresh: false });
    }, 2000);
  }

  // ---------------------------------------------------------------- notes
  function drawNotes() {
    var list = C.clear(ui.notesList);
    S.conv.notes.forEach(function (n) {
      list.appendChild(buildNote(n));
    });
    ui.notesEmpty.hidden = S.conv.notes.length > 0;
  }

  function buildNote(n) {
    var text = el("p", { className: "note__text" });
    text.textContent = typeof n.text === "string" ? n.text : "";
    return el("li", { className: "note" }, [
      el("p", { className: "note__head" }, [
        el("span", { className: "note__who" }, [(n.author && n.author.name) || "Staff"]),
        n.at ? el("span", { className: "sr-only" }, [", "]) : null,
        n.at ? el("time", { datetime: String(n.at) }, [C.formatTime(n.at)]) : null
      ]),
      text
    ]);
  }

  // ---------------------------------------------------------------- actions
  /* What can be done depends on the conversation's state and who holds it; the server checks
     again and a refusal (e.g. 409 "Already taken by Sam") is shown in the status region. */
  function drawActions() {
    var c = S.conv.conversation;
    var mine = isMine(c);
    var waiting = c.status === "waiting";
    var heldByMe = c.status === "with_staff" && mine;

    ui.actionClaim.hidden = !waiting;
    ui.actionRelease.hidden = !heldByMe;
    ui.actionReturn.hidden = !heldByMe;
    ui.transferForm.hidden = !heldByMe || !transferChoices(c).length;
    ui.closeForm.hidden = !(waiting || heldByMe);
    ui.replyForm.hidden = !heldByMe;

    var hint;
    if (waiting) hint = "Claim this conversation to reply. The citizen is told when you join.";
    else if (heldByMe) hint = "You are handling this conversation.";
    else if (c.status === "with_staff") hint = assignedText(c) + ": only they can reply, release or transfer it.";
    else if (c.status === "bot") hint = "This conversation is back with the assistant. You can still add notes.";
    else if (c.status === "closed") hint = "This conversation is closed. You can still add notes.";
    else hint = "";
    ui.actionsHint.textContent = hint;
    drawTransferOptions(c);
  }

  function transferChoices(c) {
    return S.staff.filter(function (p) {
      if (!p || !p.username) return false;
      if (S.me && p.username === S.me.username) return false;
      return !(c.assigned_to && p.username === c.assigned_to.username);
    });
  }

  function drawTransferOptions(c) {
    var select = ui.transferSelect;
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    transferChoices(c).forEach(function (p) {
      select.appendChild(el("option", { value: p.username }, [(p.name || p.username) + " (" + p.username + ")"]));
    });
    select.value = keep;
    if (select.value !== keep) select.value = "";
  }

  function loadStaff() {
    C.get("/console/api/staff").then(function (r) {
      if (r.ok && r.data && Array.isArray(r.data.staff)) {
        S.staff = r.data.staff;
        if (S.conv) drawActions();
      }
    });
  }

  function loadCanned() {
    C.get("/console/api/canned-replies").then(function (r) {
      if (!(r.ok && r.data && Array.isArray(r.data.replies))) return;
      S.canned = r.data.replies.filter(function (x) {
        return x && typeof x.text === "string";
      });
      var select = ui.cannedSelect;
      while (select.options.length > 1) select.remove(1);
      S.canned.forEach(function (x, i) {
        select.appendChild(el("option", { value: String(i) }, [x.title || x.text.slice(0, 60)]));
      });
      ui.cannedRow.hidden = S.canned.length === 0;
    });
  }

  function insertCanned() {
    var i = ui.cannedSelect.value;
    if (i === "") {
      showError("Choose a saved reply first.");
      ui.cannedSelect.focus();
      return;
    }
    var text = S.canned[Number(i)].text;
    var box = ui.replyText;
    var start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
    var end = typeof box.selectionEnd === "number" ? box.selectionEnd : box.value.length;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    var at = start + text.length;
    try {
      box.setSelectionRange(at, at);
    } catch (e) {
      /* ignore */
    }
    ui.cannedSelect.value = "";
    showStatus("Saved reply inserted. Check it, then send.");
  }

  /* POST an action on the selected conversation. Resolves the reply, or null if not sent. */
  function act(action, body, button, pending) {
    if (!S.selectedId || S.busy) return Promise.resolve(null);
    var id = S.selectedId;
    S.busy = true;
    var label = button ? button.textContent : "";
    if (button) {
      button.setAttribute("aria-disabled", "true");
      if (pending) button.textContent = pending;
    }
    clearMessages();
    return C.post("/console/api/conversations/" + encodeURIComponent(id) + "/" + action, body).then(function (r) {
      S.busy = false;
      if (button) {
        button.removeAttribute("aria-disabled");
        if (pending) button.textContent = label;
      }
      if (r.redirecting) return null;
      if (!r.ok) {
        if (r.network) showError("We could not reach the server. Check your connection and try again.");
        else showError(C.detail(r.data, "That did not work (error " + r.status + "). Please try again."));
        if (r.status === 409 || r.status === 404) loadConversation(id, { fresh: false }).then(keepFocus);
        refreshQueueIfPolling();
        return null;
      }
      refreshQueueIfPolling();
      return r;
    });
  }

  function afterStateChange(message) {
    showStatus(message);
    return loadConversation(S.selectedId, { fresh: false }).then(keepFocus);
  }

  /* The button just pressed may have gone (hidden for the conversation's new state): keep
     keyboard focus in the conversation rather than losing it to the page. */
  function keepFocus() {
    var a = document.activeElement;
    if (!a || a === document.body || a.hidden || (a.closest && a.closest("[hidden]"))) ui.conversationHeading.focus();
  }

  /* Without the live connection, show the effect of an action at once instead of at the next poll. */
  function refreshQueueIfPolling() {
    if (S.socketReady) return;
    C.get("/console/api/queue").then(function (r) {
      if (r.ok && r.data && Array.isArray(r.data.conversations) && !S.socketReady) drawQueue(r.data.conversations);
    });
  }

  function wire() {
    ui.actionClaim.addEventListener("click", function () {
      act("claim", null, ui.actionClaim, "Claiming\u2026").then(function (r) {
        if (!r) return;
        if (r.data && r.data.conversation && S.conv) {
          S.conv.conversation = Object.assign({}, S.conv.conversation, r.data.conversation);
          drawConversationHead();
          drawDetails();
          drawActions();
        }
        showStatus("You have claimed this conversation. The citizen has been told you have joined.");
        if (!ui.replyForm.hidden) ui.replyText.focus();
        loadConversation(S.selectedId, { fresh: false });
      });
    });

    ui.actionRelease.addEventListener("click", function () {
      act("release", null, ui.actionRelease, "Releasing\u2026").then(function (r) {
        if (r) afterStateChange("Released. The conversation is back in the queue for anyone to claim.");
      });
    });

    ui.actionReturn.addEventListener("click", function () {
      act("return-to-bot", null, ui.actionReturn, "Returning\u2026").then(function (r) {
        if (r) afterStateChange("Returned to the assistant. The citizen can carry on with the bot.");
      });
    });

    ui.transferForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var username = ui.transferSelect.value;
      if (!username) {
        showError("Choose who to transfer the conversation to.");
        ui.transferSelect.focus();
        return;
      }
      var who = ui.transferSelect.options[ui.transferSelect.selectedIndex].textContent;
      act("transfer", { username: username }, C.$("action-transfer"), "Transferring\u2026").then(function (r) {
        if (r) {
          ui.transferSelect.value = "";
          afterStateChange("Transferred to " + who + ".");
        }
      });
    });

    ui.closeForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var outcome = ui.closeOutcome.value;
      if (!outcome) {
        showError("Choose an outcome before closing the conversation.");
        ui.closeOutcome.focus();
        return;
      }
      act("close", { outcome: outcome }, C.$("action-close"), "Closing\u2026").then(function (r) {
        if (r) {
          ui.closeOutcome.value = "";
          afterStateChange("Closed with the outcome \u201c" + C.label("outcome", outcome) + "\u201d.");
        }
      });
    });

    ui.replyForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      sendReply();
    });
    ui.replyText.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        sendReply();
      }
    });
    ui.cannedInsert.addEventListener("click", insertCanned);

    ui.noteForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = ui.noteText.value.trim();
      if (!text) {
        showError("Write the note first.");
        ui.noteText.focus();
        return;
      }
      act("notes", { text: text }, C.$("note-add"), "Adding\u2026").then(function (r) {
        if (!r) return;
        ui.noteText.value = "";
        var note = r.data && r.data.note;
        if (note && S.conv) {
          S.conv.notes.push(note);
          drawNotes();
        } else loadConversation(S.selectedId, { fresh: false });
        showStatus("Note added.");
        ui.noteText.focus();
      });
    });

    window.addEventListener("hashchange", function () {
      var id = fromHash();
      if (id && id !== S.selectedId) select(id, { focus: true });
    });
  }

  function sendReply() {
    var text = ui.replyText.value.trim();
    if (!text) {
      showError("Write a reply first.");
      ui.replyText.focus();
      return;
    }
    act("reply", { text: text }, ui.replySend, "Sending\u2026").then(function (r) {
      if (!r) {
        ui.replyText.focus();
        return;
      }
      ui.replyText.value = "";
      var m = r.data && r.data.message;
      if (m && S.conv) {
        if (!m.sender) m.sender = "staff";
        if (!m.author && S.me) m.author = { name: S.me.name };
        S.conv.messages.push(m);
        appendMessage(m);
      } else loadConversation(S.selectedId, { fresh: false });
      showStatus("Reply sent.");
      ui.replyText.focus();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

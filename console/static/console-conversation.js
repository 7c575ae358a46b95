/*
 * Staff console page, part 4 of 5 (the parts and their order are listed in console.js):
 * the selected conversation: loading it, its heading and details, the transcript,
 * its safeguarding flags and its notes.
 */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;
  var P = C.consolePage;
  // Nothing without the parts before it (console.js first); nothing twice if loaded twice.
  if (!P || !P.loaded || !P.loaded.queue || P.loaded.conversation) return;
  P.loaded.conversation = true;

  // From console.js.
  var S = P.S;
  var ui = P.ui;
  var storeSelection = P.storeSelection;
  var showStatus = P.showStatus;
  var showError = P.showError;
  var clearMessages = P.clearMessages;
  var t = C.t;
  // From console-live.js.
  var watch = P.watch;
  // From console-queue.js.
  var assignedText = P.assignedText;
  var summaryOf = P.summaryOf;
  var badge = P.badge;
  var cssId = P.cssId;
  var markSelected = P.markSelected;
  // From console-actions.js, which loads after this file: looked up when called.
  function drawActions() {
    return P.drawActions();
  }
  function keepFocus() {
    return P.keepFocus();
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
          showError(t("err.notFound"));
          deselect();
          return;
        }
        if (opts.fresh && !opts.quiet) showError(C.detail(r.data, t("err.load")));
        return;
      }
      var fresh = opts.fresh || !S.conv || S.conv.conversation.id !== id;
      // A redraw may hide the control that has focus (a live update can land mid-action).
      var focusWasHere = ui.conversationBody.contains(document.activeElement);
      S.conv = {
        conversation: r.data.conversation,
        messages: Array.isArray(r.data.messages) ? r.data.messages : [],
        notes: Array.isArray(r.data.notes) ? r.data.notes : [],
        flags: Array.isArray(r.data.flags) ? r.data.flags : [],
        deliveries: Array.isArray(r.data.sms_deliveries) ? r.data.sms_deliveries : []
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
      S.conv.deliveries.forEach(showDelivery);
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
    ui.conversationHeading.textContent = t("conv.heading");
    ui.conversationState.textContent = "";
  }

  function conversationTitle(c) {
    return C.label("reason", c.reason) + " \u2013 " + C.label("language", c.language) + ", " + C.label("channel", c.channel);
  }

  function statusText(c) {
    if (c.status === "with_staff") return assignedText(c);
    if (c.status === "waiting") return t("conv.status.waiting");
    if (c.status === "bot") return t("conv.status.bot");
    if (c.status === "closed") return t("conv.status.closed") + (c.outcome ? " \u2013 " + C.label("outcome", c.outcome) : "");
    return C.label("status", c.status);
  }

  function drawConversationHead() {
    var c = S.conv.conversation;
    C.clear(ui.conversationHeading);
    if (c.priority === "urgent") {
      ui.conversationHeading.appendChild(badge("urgent", t("badge.urgent")));
      ui.conversationHeading.appendChild(document.createTextNode(" "));
    }
    if (c.welsh_speaker_wanted) {
      ui.conversationHeading.appendChild(badge("welsh", t("badge.welsh")));
      ui.conversationHeading.appendChild(document.createTextNode(" "));
    }
    ui.conversationHeading.appendChild(document.createTextNode(c.reason ? conversationTitle(c) : t("conv.heading")));
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
    // Priority, reason, channel and status are in the heading above. The language the person
    // chose is said in words (the assistant's summary carries it; else the conversation's).
    var chosen = s.language === "cy" || s.language === "en" ? s.language : c.language;
    row(t("summary.language"), C.label("language", chosen), chosen === "cy" ? "row--welsh" : null);
    if (c.waiting_since && (c.status === "waiting" || c.status === "with_staff")) {
      row(t("summary.waiting"), t("summary.since", { time: C.since(c.waiting_since), at: C.formatTime(c.waiting_since) }));
    }
    if (c.due_by) {
      var due = el("span", null, [C.formatDate(c.due_by)]);
      if (c.overdue) {
        row(t("summary.due"), el("span", null, [badge("overdue", t("badge.overdue")), " ", due]), "row--overdue");
      } else row(t("summary.due"), due);
    }
    row(t("summary.theme"), C.label("theme", s.theme));
    row(t("summary.topic"), C.label("topic", s.topic));
    row(t("summary.enquirer"), C.label("enquirer", s.enquirer));
    if (Array.isArray(s.concerns) && s.concerns.length > 1) {
      row(t("summary.concerns"), s.concerns.map(function (c) { return C.humanize(String(c)); }).join("; "), "row--concern");
    } else if (s.concern) row(t("summary.concern"), C.humanize(s.concern), "row--concern");
    if (Array.isArray(s.services_offered) && s.services_offered.length) {
      row(t("summary.services"), s.services_offered.map(String).join("; "));
    }
    // SMS: the person texted STOP, or texts to them did not arrive (and what to do next).
    if (c.sms_opted_out_at) {
      row(t("sms.optedOut"), t("sms.optedOutNote", { at: C.formatTime(c.sms_opted_out_at) }), "row--concern");
    }
    var failed = (S.conv.deliveries || []).filter(function (d) { return d && d.failed; });
    if (failed.length) {
      row(t("sms.failedTexts"), el("span", null, [String(failed.length) + " ", deliveryAdvice(failed[failed.length - 1])]),
        "row--concern");
    }
    if (c.callback && c.callback.phone) {
      row(
        t("summary.callback"),
        el("span", null, [
          el("a", { href: "tel:" + String(c.callback.phone).replace(/[^\d+]/g, "") }, [String(c.callback.phone)]),
          c.callback.consented_at ? t("summary.agreed", { at: C.formatTime(c.callback.consented_at) }) : ""
        ])
      );
    }
  }

  // ---------------------------------------------------------------- transcript
  var SENDERS = ["citizen", "bot", "staff", "system"];

  function buildMessage(m) {
    var sender = SENDERS.indexOf(m.sender) >= 0 ? m.sender : "system";
    var who = t("sender." + sender);
    if (sender === "staff" && m.author && m.author.name) {
      who = t("sender.staffNamed", { name: S.me && m.author.name === S.me.name ? t("sender.you") : m.author.name });
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
    var failed = m.id !== undefined && m.id !== null ? failedDeliveryOf(m.id) : null;
    return el("div", { className: "msg msg--" + sender + flagClass, "data-sender": sender, "data-id": m.id || null }, [
      head,
      text,
      flag ? flagBadge(flag) : null,
      failed ? deliveryNote(failed) : null
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
    if (!messages.length) log.appendChild(el("p", { className: "hint-text" }, [t("transcript.empty")]));
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

  // ---------------------------------------------------------------- SMS delivery
  /* What Twilio said became of a text, on the message it carried: only a failure is shown,
     with what to do next (Twilio's error code says which kind of failure). */
  var UNREACHABLE = [30003, 30005, 30006, 30008];
  var BLOCKED = [21610, 30004, 30007, 21614];
  var STATUS_WORDS = { failed: "sms.status.failed", undelivered: "sms.status.undelivered", error: "sms.status.error" };

  function deliveryAdvice(d) {
    var code = Number(d.error_code);
    if (UNREACHABLE.indexOf(code) >= 0) return t("sms.advice.unreachable");
    if (BLOCKED.indexOf(code) >= 0) return t("sms.advice.blocked");
    return t("sms.advice.other");
  }

  function deliveryNote(d) {
    var status = t(STATUS_WORDS[d.status] || "sms.status.failed");
    return el("p", { className: "msg__delivery", role: "status" }, [
      t("sms.notDelivered", { status: status }) + (d.error_code ? " (" + String(d.error_code) + ")" : "") + " ",
      deliveryAdvice(d)
    ]);
  }

  /* The latest text that carried message ID, when it failed (a redraw keeps what came live). */
  function failedDeliveryOf(id) {
    var found = null;
    ((S.conv && S.conv.deliveries) || []).forEach(function (d) {
      if (d && d.message_id === id && (!found || d.id > found.id)) found = d;
    });
    return found && found.failed ? found : null;
  }

  function showDelivery(d) {
    if (!d || typeof d !== "object" || d.message_id === null || d.message_id === undefined) return;
    var msg = ui.transcript.querySelector('.msg[data-id="' + cssId(d.message_id) + '"]');
    if (!msg) return;
    var had = msg.querySelector(".msg__delivery");
    if (!d.failed) {
      if (had) msg.removeChild(had);
      return;
    }
    var note = deliveryNote(d);
    if (had) msg.replaceChild(note, had);
    else msg.appendChild(note);
  }

  function incomingDelivery(conversationId, d) {
    if (!conversationId || conversationId !== S.selectedId || !S.conv || !d || typeof d !== "object") return;
    var known = S.conv.deliveries.filter(function (x) { return x.id === d.id; })[0];
    if (known) Object.assign(known, d);
    else S.conv.deliveries.push(d);
    showDelivery(d);
    drawDetails();
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
        el("span", { className: "note__who" }, [(n.author && n.author.name) || t("sender.staff")]),
        n.at ? el("span", { className: "sr-only" }, [", "]) : null,
        n.at ? el("time", { datetime: String(n.at) }, [C.formatTime(n.at)]) : null
      ]),
      text
    ]);
  }

  /* The language switched: the open conversation again (what staff typed is kept). */
  function redrawConversation() {
    drawConversationHead();
    drawDetails();
    drawTranscript(S.conv.messages);
    drawNotes();
    drawActions();
  }

  P.select = select;
  P.redrawConversation = redrawConversation;
  P.loadConversation = loadConversation;
  P.incomingMessage = incomingMessage;
  P.incomingFlag = incomingFlag;
  P.incomingDelivery = incomingDelivery;
  P.drawConversationHead = drawConversationHead;
  P.drawDetails = drawDetails;
  P.appendMessage = appendMessage;
  P.drawNotes = drawNotes;
})();

/*
 * Staff console page, part 5 of 5 (the parts and their order are listed in console.js):
 * actions on the conversation (claim, release, return, transfer, close, notes, canned
 * replies, replying) and the event wiring; it starts the page, so it loads last.
 */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;
  var P = C.consolePage;
  // Nothing without the parts before it (console.js first); nothing twice if loaded twice.
  if (!P || !P.loaded || !P.loaded.conversation || P.loaded.actions) return;
  P.loaded.actions = true;

  // From console.js.
  var S = P.S;
  var ui = P.ui;
  var start = P.start;
  var fromHash = P.fromHash;
  var showStatus = P.showStatus;
  var showError = P.showError;
  var clearMessages = P.clearMessages;
  // From console-live.js.
  var poll = P.poll;
  // From console-queue.js.
  var isMine = P.isMine;
  var assignedText = P.assignedText;
  var drawQueue = P.drawQueue;
  // From console-conversation.js.
  var select = P.select;
  var loadConversation = P.loadConversation;
  var drawConversationHead = P.drawConversationHead;
  var drawDetails = P.drawDetails;
  var appendMessage = P.appendMessage;
  var drawNotes = P.drawNotes;
  var t = C.t;

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
    ui.replyWelsh.hidden = !(heldByMe && c.language === "cy");
    // Someone without Welsh is asked to leave a Welsh conversation to a Welsh speaker who is
    // signed in; the button still works (a person waiting must not be left unanswered).
    var leave = waiting && !!c.leave_to_welsh_speaker;
    ui.actionClaim.textContent = t(leave ? "action.claimAnyway" : "action.claim");
    ui.actionClaim.className = "button " + (leave ? "button--secondary" : "button--primary");

    var hint;
    if (leave) hint = t("hint.leaveTo", { names: (c.welsh_speakers_on_duty || []).join(", ") });
    else if (waiting && c.language === "cy" && S.me && S.me.speaks_welsh) hint = t("hint.welshYou");
    else if (waiting && c.language === "cy") hint = t("hint.welshNobody");
    else if (waiting) hint = t("hint.waiting");
    else if (heldByMe) hint = t("hint.mine");
    else if (c.status === "with_staff") hint = t("hint.other", { who: assignedText(c) });
    else if (c.status === "bot") hint = t("hint.bot");
    else if (c.status === "closed") hint = t("hint.closed");
    else hint = "";
    ui.actionsHint.textContent = hint;
    ui.actionsHint.classList.toggle("hint-text--welsh", waiting && c.language === "cy");
    drawTransferOptions(c);
  }

  function transferChoices(c) {
    return S.staff.filter(function (p) {
      if (!p || !p.username) return false;
      if (S.me && p.username === S.me.username) return false;
      return !(c.assigned_to && p.username === c.assigned_to.username);
    });
  }

  /* Colleagues to transfer to; in a Welsh conversation, those who speak Welsh first. Each says
     whether they speak Welsh. */
  function drawTransferOptions(c) {
    var select = ui.transferSelect;
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    var choices = transferChoices(c);
    if (c.language === "cy") {
      choices = choices.filter(function (p) { return p.speaks_welsh; })
        .concat(choices.filter(function (p) { return !p.speaks_welsh; }));
    }
    choices.forEach(function (p) {
      var values = { name: p.name || p.username, username: p.username };
      select.appendChild(el("option", { value: p.username, "data-welsh": p.speaks_welsh ? "true" : null },
                            [t(p.speaks_welsh ? "transfer.optionWelsh" : "transfer.option", values)]));
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
      showError(t("err.chooseCanned"));
      ui.cannedSelect.focus();
      return;
    }
    // The reply in the conversation's language (text_cy for a Welsh conversation).
    var reply = S.canned[Number(i)];
    var welsh = S.conv && S.conv.conversation && S.conv.conversation.language === "cy";
    var text = welsh && typeof reply.text_cy === "string" && reply.text_cy ? reply.text_cy : reply.text;
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
    showStatus(t("done.canned"));
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
        if (r.network) showError(t("err.network"));
        else showError(C.detail(r.data, t("err.failed", { status: r.status })));
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
    C.get(P.queuePath()).then(function (r) {
      if (r.ok && r.data && Array.isArray(r.data.conversations) && !S.socketReady) drawQueue(r.data.conversations);
    });
  }

  function wire() {
    ui.actionClaim.addEventListener("click", function () {
      act("claim", null, ui.actionClaim, t("pending.claiming")).then(function (r) {
        if (!r) return;
        if (r.data && r.data.conversation && S.conv) {
          S.conv.conversation = Object.assign({}, S.conv.conversation, r.data.conversation);
          drawConversationHead();
          drawDetails();
          drawActions();
        }
        showStatus(t("done.claimed"));
        if (!ui.replyForm.hidden) ui.replyText.focus();
        loadConversation(S.selectedId, { fresh: false });
      });
    });

    ui.actionRelease.addEventListener("click", function () {
      act("release", null, ui.actionRelease, t("pending.releasing")).then(function (r) {
        if (r) afterStateChange(t("done.released"));
      });
    });

    ui.actionReturn.addEventListener("click", function () {
      act("return-to-bot", null, ui.actionReturn, t("pending.returning")).then(function (r) {
        if (r) afterStateChange(t("done.returned"));
      });
    });

    ui.transferForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var username = ui.transferSelect.value;
      if (!username) {
        showError(t("err.chooseTransfer"));
        ui.transferSelect.focus();
        return;
      }
      var who = ui.transferSelect.options[ui.transferSelect.selectedIndex].textContent;
      act("transfer", { username: username }, C.$("action-transfer"), t("pending.transferring")).then(function (r) {
        if (r) {
          ui.transferSelect.value = "";
          afterStateChange(t("done.transferred", { who: who }));
        }
      });
    });

    ui.closeForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var outcome = ui.closeOutcome.value;
      if (!outcome) {
        showError(t("err.chooseOutcome"));
        ui.closeOutcome.focus();
        return;
      }
      act("close", { outcome: outcome }, C.$("action-close"), t("pending.closing")).then(function (r) {
        if (r) {
          ui.closeOutcome.value = "";
          afterStateChange(t("done.closed", { outcome: C.label("outcome", outcome) }));
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
        showError(t("err.writeNote"));
        ui.noteText.focus();
        return;
      }
      act("notes", { text: text }, C.$("note-add"), t("pending.adding")).then(function (r) {
        if (!r) return;
        ui.noteText.value = "";
        var note = r.data && r.data.note;
        if (note && S.conv) {
          S.conv.notes.push(note);
          drawNotes();
        } else loadConversation(S.selectedId, { fresh: false });
        showStatus(t("done.note"));
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
      showError(t("err.writeReply"));
      ui.replyText.focus();
      return;
    }
    act("reply", { text: text }, ui.replySend, t("pending.sending")).then(function (r) {
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
      showStatus(t("done.reply"));
      ui.replyText.focus();
    });
  }

  P.loadStaff = loadStaff;
  P.loadCanned = loadCanned;
  P.wire = wire;
  P.drawActions = drawActions;
  P.drawTransferOptionsNow = function () {
    if (S.conv) drawTransferOptions(S.conv.conversation);
  };
  P.keepFocus = keepFocus;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

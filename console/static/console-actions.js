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

  P.loadStaff = loadStaff;
  P.loadCanned = loadCanned;
  P.wire = wire;
  P.drawActions = drawActions;
  P.keepFocus = keepFocus;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

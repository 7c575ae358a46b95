/*
 * Citizen chat widget, part 6 of 6 (the parts and their order are listed in widget.js):
 * applying the server's updates, catching up after a reload or reconnect, sending, and
 * starting the chat once the page and its assets are ready.
 */
(function () {
  "use strict";

  var W = window.IAAWidget;
  // Nothing without the parts before it (widget.js first); nothing twice if loaded twice.
  if (!W || !W.loaded || !W.loaded.transport || W.loaded.conversation) return;
  W.loaded.conversation = true;

  // From widget.js.
  var API_ORIGIN = W.API_ORIGIN;
  var FRAMED = W.FRAMED;
  var MAX_CHARS = W.MAX_CHARS;
  var FEEDBACK = W.FEEDBACK;
  var POLL_MS = W.POLL_MS;
  var save = W.save;
  var normLang = W.normLang;
  var state = W.state;
  // From widget-assets.js.
  var loadAssets = W.loadAssets;
  // From widget-render.js.
  var addEntry = W.addEntry;
  var revealFrom = W.revealFrom;
  var addError = W.addError;
  // From widget-ui.js.
  var build = W.build;
  var setLang = W.setLang;
  var showStatus = W.showStatus;
  var isTypingShown = W.isTypingShown;
  var showTyping = W.showTyping;
  var focusInputIfNothingElse = W.focusInputIfNothingElse;
  // From widget-transport.js.
  var ws = W.ws;
  var postQueue = W.postQueue;

  // ================================================================ 7. server updates
  function handleUpdate(data) {
    if (!data || typeof data !== "object") return;
    if (typeof data.conversation_id === "string" && data.conversation_id) setConversation(data.conversation_id);

    var lang = normLang(data.language);
    if (lang) {
      // Follow a language change the conversation made (e.g. the bot's "Cymraeg" button),
      // but do not undo the citizen's own toggle on every reply.
      if (state.serverLang && lang !== state.serverLang) setLang(lang);
      state.serverLang = lang;
    }

    if (Array.isArray(data.messages)) {
      var first = null;
      data.messages.forEach(function (m) {
        if (!m || typeof m !== "object") return;
        if (typeof m.id === "number") {
          // A push and a catch-up can bring the same message: show it once.
          if (state.seenIds[m.id]) return;
          noteSeen(m.id);
        }
        var sender = m.sender === "staff" || m.sender === "system" ? m.sender : "bot";
        var text = typeof m.text === "string" ? m.text : "";
        var hasExtras =
          (Array.isArray(m.buttons) && m.buttons.length) || (Array.isArray(m.services) && m.services.length);
        if (!text && !hasExtras) return;
        var node = addEntry(
          {
            sender: sender,
            text: text,
            lang: lang || undefined,
            buttons: Array.isArray(m.buttons) ? m.buttons : undefined,
            services: Array.isArray(m.services) ? m.services : undefined
          },
          true
        );
        first = first || node;
      });
      if (first) revealFrom(first);
    }

    if (typeof data.status === "string") {
      state.status = data.status;
      save("status", data.status);
      showStatus();
      if (data.status === "closed") endConversation();
    }
  }

  function setConversation(id) {
    state.conversationId = id;
    save("conversation_id", id);
  }

  function forgetConversation() {
    state.conversationId = null;
    save("conversation_id", null);
    state.serverLang = null;
    state.lastSeen = 0;
    state.seenIds = {};
    save("last_seen", null);
  }

  function noteSeen(id) {
    state.seenIds[id] = true;
    if (id > state.lastSeen) {
      state.lastSeen = id;
      save("last_seen", String(id));
    }
  }

  /* Fetch what was sent while this page could not hear it: after a reload or reconnect, and
     every few seconds while waiting for staff without a websocket. */
  function catchUp() {
    var id = state.conversationId;
    if (!id || state.catchingUp) return Promise.resolve();
    state.catchingUp = true;
    var url = API_ORIGIN + "/api/chat/" + encodeURIComponent(id) + "/messages?after=" + state.lastSeen;
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(
        function (data) {
          state.catchingUp = false;
          if (data && typeof data === "object" && id === state.conversationId) handleUpdate(data);
        },
        function () {
          state.catchingUp = false;
        }
      );
  }

  function pollWhileWaiting() {
    var waiting = state.status === "waiting" || state.status === "with_staff";
    if (waiting && state.conversationId && !ws.ready) catchUp();
  }

  /* The conversation is over: the next message starts a new one, except the answer to the
     closing feedback question, which belongs to the conversation that asked it. */
  function endConversation() {
    if (state.conversationId) {
      state.feedbackFor = state.conversationId;
      save("feedback_for", state.conversationId);
    }
    forgetConversation();
    if (ws.socket) ws.close();
  }

  function sendFeedback(text) {
    var id = state.feedbackFor;
    state.feedbackFor = null;
    save("feedback_for", null);
    state.conversationId = id;
    return postQueue(text, state.lang, null).then(function () {
      // The thanks that comes back closes the conversation again; nothing more is asked.
      state.feedbackFor = null;
      save("feedback_for", null);
    });
  }

  /* An {"type":"error","detail":...} frame: never shown as such, only a friendly line. */
  function socketError(detail) {
    var pending = ws.pending;
    if (pending && /unknown conversation/i.test(detail)) {
      // The server lost the conversation: send this message again to start a new one.
      clearTimeout(pending.timer);
      ws.pending = null;
      state.awaiting = Math.max(0, state.awaiting - 1);
      endConversation();
      postQueue(pending.text, pending.lang, pending.restore);
      return;
    }
    replyArrived();
    addError(/too many/i.test(detail) ? "tooMany" : /\btext\b/i.test(detail) ? "badRequest" : "serverError");
  }

  // ================================================================ 10. sending
  function updateTyping() {
    var botTurn = !state.status || state.status === "bot" || state.status === "closed";
    var on = state.awaiting > 0 && botTurn;
    if (on !== isTypingShown()) showTyping(on);
  }

  function replyArrived() {
    if (ws.pending) {
      clearTimeout(ws.pending.timer);
      ws.pending = null;
      state.awaiting = Math.max(0, state.awaiting - 1);
    }
    updateTyping();
  }

  function replyTimedOut() {
    state.awaiting = Math.max(0, state.awaiting - 1);
    updateTyping();
    addError("noReply");
  }

  /* Send `text` to the service, showing `shown` as what the citizen said. */
  function sendMessage(text, shown) {
    text = String(text || "").trim();
    if (!text) return;
    if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS);
    var lang = state.lang;
    var restore = shown ? null : text;
    addEntry({ sender: "user", text: shown || text, lang: lang });
    if (state.status === "closed" && state.feedbackFor && FEEDBACK.test(text)) {
      sendFeedback(text);
      return;
    }
    if (state.status === "closed") {
      state.status = null;
      save("status", null);
      showStatus();
      state.feedbackFor = null;
      save("feedback_for", null);
    }

    if (ws.usable()) {
      state.awaiting += 1;
      updateTyping();
      ws
        .connect()
        .then(function () {
          if (ws.pending) {
            // Already waiting for a reply: send this one too (the server answers in order);
            // the typing indicator and reply timer stay with the first.
            ws.socket.send(JSON.stringify({ type: "message", text: text, lang: lang }));
            state.awaiting = Math.max(0, state.awaiting - 1);
            updateTyping();
            return;
          }
          ws.send(text, lang, restore);
        })
        .catch(function () {
          state.awaiting = Math.max(0, state.awaiting - 1);
          postQueue(text, lang, restore);
        });
    } else {
      postQueue(text, lang, restore);
    }
  }

  // ================================================================ 12. start
  function start() {
    if (!document.body) return;
    var host = document.getElementById("iaa-chat-inline");
    build(host);
    // Framed: the parent may have focused this window before the chat was drawn (it waits for
    // its CSS and strings), so the focus listener missed it; go to the message box now.
    if (FRAMED && document.hasFocus()) focusInputIfNothingElse();
    setInterval(pollWhileWaiting, POLL_MS);
    // A conversation already under way in this tab: listen for staff replies.
    if (state.conversationId && (state.inline || state.status === "waiting" || state.status === "with_staff")) {
      ws.connect().catch(function () {});
    }
  }

  W.handleUpdate = handleUpdate;
  W.setConversation = setConversation;
  W.endConversation = endConversation;
  W.forgetConversation = forgetConversation;
  W.catchUp = catchUp;
  W.socketError = socketError;
  W.replyArrived = replyArrived;
  W.updateTyping = updateTyping;
  W.replyTimedOut = replyTimedOut;
  W.sendMessage = sendMessage;

  // The CSS and strings are on their way while the page finishes parsing; draw when both are
  // ready (or have failed, or taken too long).
  var domReady = new Promise(function (resolve) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
    else resolve();
  });
  Promise.all([loadAssets(), domReady]).then(start);
})();

/*
 * Citizen chat widget, part 5 of 6 (the parts and their order are listed in widget.js):
 * the two ways to the front door's API, a WebSocket and, without one, POST /api/chat.
 */
(function () {
  "use strict";

  var W = window.IAAWidget;
  // Nothing without the parts before it (widget.js first); nothing twice if loaded twice.
  if (!W || !W.loaded || !W.loaded.ui || W.loaded.transport) return;
  W.loaded.transport = true;

  // From widget.js.
  var API_ORIGIN = W.API_ORIGIN;
  var WS_HELLO_TIMEOUT_MS = W.WS_HELLO_TIMEOUT_MS;
  var REPLY_TIMEOUT_MS = W.REPLY_TIMEOUT_MS;
  var WS_MAX_FAILURES = W.WS_MAX_FAILURES;
  var state = W.state;
  var ui = W.ui;
  // From widget-render.js.
  var addError = W.addError;
  // From widget-conversation.js, which loads after this file: looked up when called.
  function handleUpdate(data) {
    return W.handleUpdate(data);
  }
  function setConversation(id) {
    return W.setConversation(id);
  }
  function forgetConversation() {
    return W.forgetConversation();
  }
  function catchUp() {
    return W.catchUp();
  }
  function endConversation() {
    return W.endConversation();
  }
  function socketError(detail) {
    return W.socketError(detail);
  }
  function updateTyping() {
    return W.updateTyping();
  }
  function replyArrived() {
    return W.replyArrived();
  }
  function replyTimedOut() {
    return W.replyTimedOut();
  }

  // ================================================================ 8. transport: WebSocket
  var ws = {
    socket: null,
    ready: false,
    connecting: null, // Promise while connecting
    failures: 0,
    reconnectTimer: null,
    pending: null, // {text, lang} sent over the socket and not answered yet

    url: function () {
      var u = new URL("/api/chat/ws", API_ORIGIN);
      u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
      return u.href;
    },

    usable: function () {
      return typeof window.WebSocket === "function" && ws.failures < WS_MAX_FAILURES;
    },

    connect: function () {
      if (ws.ready) return Promise.resolve();
      if (ws.connecting) return ws.connecting;
      if (!ws.usable()) return Promise.reject(new Error("no websocket"));
      clearTimeout(ws.reconnectTimer);
      var socket;
      try {
        socket = new WebSocket(ws.url());
      } catch (e) {
        ws.failures += 1;
        return Promise.reject(e);
      }
      ws.socket = socket;
      ws.connecting = new Promise(function (resolve, reject) {
        var settled = false; // the hello exchange has succeeded or failed
        var opened = false; // the hello exchange succeeded
        var timer = setTimeout(function () {
          fail(new Error("hello timeout"));
          try {
            socket.close();
          } catch (e) {
            /* ignore */
          }
        }, WS_HELLO_TIMEOUT_MS);

        function current() {
          return ws.socket === socket;
        }

        function fail(err) {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (!socket.__iaaDeliberate) ws.failures += 1;
          if (current()) {
            ws.socket = null;
            ws.connecting = null;
          }
          reject(err);
        }

        socket.onopen = function () {
          try {
            socket.send(
              JSON.stringify({ type: "hello", conversation_id: state.conversationId || null, lang: state.lang })
            );
          } catch (e) {
            fail(e);
          }
        };
        socket.onmessage = function (ev) {
          if (!current()) return;
          var data;
          try {
            data = JSON.parse(ev.data);
          } catch (e) {
            return;
          }
          if (!data || typeof data !== "object") return;
          if (data.type === "hello") {
            // The server names the conversation it continues; none means the next message
            // starts a new one (it did not know ours, or we had none).
            if (typeof data.conversation_id === "string" && data.conversation_id) {
              setConversation(data.conversation_id);
              catchUp();
            } else if (state.conversationId) forgetConversation();
            if (!settled) {
              settled = true;
              opened = true;
              clearTimeout(timer);
              ws.ready = true;
              ws.failures = 0;
              ws.connecting = null;
              resolve();
            }
          } else if (data.type === "update") {
            replyArrived();
            handleUpdate(data);
          } else if (data.type === "error") {
            var detail = typeof data.detail === "string" ? data.detail : "";
            // Before the hello reply, an error only says our old conversation is gone.
            if (settled) socketError(detail);
          }
        };
        socket.onerror = function () {
          /* onclose follows */
        };
        socket.onclose = function () {
          if (!settled) {
            fail(new Error("closed before hello"));
            return;
          }
          if (!opened || !current()) return; // an old socket, or one we closed ourselves
          ws.socket = null;
          ws.ready = false;
          // Lost a working connection: anything unanswered goes by POST instead,
          // and we try to reconnect so staff replies can still be pushed to us.
          var pending = ws.pending;
          ws.pending = null;
          if (pending) {
            clearTimeout(pending.timer);
            state.awaiting = Math.max(0, state.awaiting - 1);
            postQueue(pending.text, pending.lang, pending.restore);
          }
          ws.scheduleReconnect();
        };
      });
      return ws.connecting;
    },

    scheduleReconnect: function () {
      clearTimeout(ws.reconnectTimer);
      if (!ws.usable() || !state.conversationId) return;
      var delay = [1000, 5000, 15000][ws.failures] || 30000;
      ws.reconnectTimer = setTimeout(function () {
        ws.connect().catch(function () {
          ws.scheduleReconnect();
        });
      }, delay);
    },

    /* Close on purpose (the conversation ended): no fallback, no reconnecting. */
    close: function () {
      clearTimeout(ws.reconnectTimer);
      var socket = ws.socket;
      ws.socket = null;
      ws.ready = false;
      ws.connecting = null;
      if (socket) {
        socket.__iaaDeliberate = true;
        try {
          socket.close(1000);
        } catch (e) {
          /* ignore */
        }
      }
    },

    send: function (text, lang, restore) {
      ws.socket.send(JSON.stringify({ type: "message", text: text, lang: lang }));
      var pending = { text: text, lang: lang, restore: restore };
      pending.timer = setTimeout(function () {
        if (ws.pending === pending) {
          ws.pending = null;
          replyTimedOut();
        }
      }, REPLY_TIMEOUT_MS);
      ws.pending = pending;
    }
  };

  // ================================================================ 9. transport: POST
  var postChain = Promise.resolve();

  /* `restore`: what the citizen typed, put back in the empty text box if it could not be sent. */
  function postQueue(text, lang, restore) {
    postChain = postChain.then(function () {
      return postOnce(text, lang, true, restore);
    });
    return postChain;
  }

  function postOnce(text, lang, mayRetryFresh, restore) {
    state.awaiting += 1;
    updateTyping();
    var body = { text: text, lang: lang };
    if (state.conversationId) body.conversation_id = state.conversationId;
    var hadConversation = !!state.conversationId;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, REPLY_TIMEOUT_MS + 5000)
      : null;
    return fetch(API_ORIGIN + "/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(
        function (res) {
          return res
            .json()
            .catch(function () {
              return null;
            })
            .then(function (data) {
              return { res: res, data: data };
            });
        },
        function () {
          return { network: true };
        }
      )
      .then(function (r) {
        clearTimeout(timer);
        state.awaiting = Math.max(0, state.awaiting - 1);
        updateTyping();
        if (r.network) {
          addError("netError");
          if (restore && !ui.input.value) ui.input.value = restore;
          return;
        }
        if (r.res.ok && r.data && typeof r.data === "object") {
          handleUpdate(r.data);
          return;
        }
        // The server no longer knows this conversation: start a new one, once.
        if ((r.res.status === 404 || r.res.status === 410) && hadConversation && mayRetryFresh) {
          endConversation();
          return postOnce(text, lang, false, restore);
        }
        addError(r.res.ok ? "serverError" : errorKindForStatus(r.res.status));
      });
  }

  function errorKindForStatus(status) {
    if (status === 429) return "tooMany";
    if (status >= 400 && status < 500) return "badRequest";
    return "serverError";
  }

  W.ws = ws;
  W.postQueue = postQueue;
})();

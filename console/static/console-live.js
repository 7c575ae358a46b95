/*
 * Staff console page, part 2 of 5 (the parts and their order are listed in console.js):
 * live updates: the websocket /console/ws, and polling when it cannot be had.
 */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var P = C.consolePage;
  // Nothing without the parts before it (console.js first); nothing twice if loaded twice.
  if (!P || !P.loaded || !P.loaded.core || P.loaded.live) return;
  P.loaded.live = true;

  // From console.js.
  var POLL_MS = P.POLL_MS;
  var WS_OPEN_TIMEOUT_MS = P.WS_OPEN_TIMEOUT_MS;
  var RECONNECT_MS = P.RECONNECT_MS;
  var S = P.S;
  var ui = P.ui;
  var showError = P.showError;
  var setLive = P.setLive;
  // From console-queue.js, which loads after this file: looked up when called.
  function isMine(item) {
    return P.isMine(item);
  }
  function drawQueue(items) {
    return P.drawQueue(items);
  }
  // From console-conversation.js, which loads after this file: looked up when called.
  function loadConversation(id, opts) {
    return P.loadConversation(id, opts);
  }
  function incomingMessage(conversationId, message) {
    return P.incomingMessage(conversationId, message);
  }
  function incomingFlag(conversationId, flag) {
    return P.incomingFlag(conversationId, flag);
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
      setLive("socket", "live.live");
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
      } else if (data.type === "sms_delivery") {
        P.incomingDelivery(data.conversation_id, data.delivery);
      } else if (data.type === "sms_opted_out" && data.conversation_id === S.selectedId) {
        loadConversation(data.conversation_id, { fresh: false });
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
    setLive("polling", "live.polling");
    if (S.pollTimer) return;
    S.pollTimer = setInterval(poll, POLL_MS);
    poll();
  }

  function stopPolling() {
    clearInterval(S.pollTimer);
    S.pollTimer = null;
  }

  function poll() {
    C.get(queuePath()).then(function (r) {
      if (r.ok && r.data && Array.isArray(r.data.conversations) && !S.socketReady) drawQueue(r.data.conversations);
      else if (r.status === 403) showError(C.detail(r.data, C.t("err.notAllowed")));
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
    C.get(queuePath()).then(function (r) {
      if (S.haveSocketQueue) return; // the socket's copy is newer
      if (r.ok && r.data && Array.isArray(r.data.conversations)) drawQueue(r.data.conversations);
      else if (r.status === 403) showError(C.detail(r.data, C.t("err.notAllowed")));
      else if (!r.redirecting) ui.queueCounts.textContent = C.t("queue.loadFailed");
    });
  }

  /* GET /console/api/queue, with the language filter when one is chosen (the socket's frames
     carry the whole queue; console-queue.js filters those). */
  function queuePath() {
    return "/console/api/queue" + (S.language ? "?language=" + encodeURIComponent(S.language) : "");
  }

  /* The language filter changed: the socket's last queue, filtered again, or a fresh one. */
  function filterChanged() {
    if (S.socketReady && S.haveSocketQueue) drawQueue(S.allQueue);
    else {
      C.get(queuePath()).then(function (r) {
        if (r.ok && r.data && Array.isArray(r.data.conversations) && !S.socketReady) drawQueue(r.data.conversations);
      });
    }
  }

  P.connect = connect;
  P.loadQueueOnce = loadQueueOnce;
  P.queuePath = queuePath;
  P.filterChanged = filterChanged;
  P.watch = watch;
  P.poll = poll;
})();

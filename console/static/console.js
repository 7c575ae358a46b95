/*
 * Staff console: the live queue (left) and the selected conversation (right).
 *
 * Live updates come over the websocket /console/ws ({"type":"queue"}, {"type":"message"} and
 * {"type":"flag"} frames); if it cannot be opened or drops, the page polls GET /console/api/queue
 * (and the selected conversation) every 5 seconds and keeps trying to reconnect.
 *
 * Citizen text is untrusted: every message, note and summary value is put in the page with
 * textContent / text nodes only.
 *
 * In English or Welsh: the page's text is in console-strings.json (C.t, common.js); the switch in
 * the header redraws everything in the other language at once (P.redraw) and the browser
 * remembers the choice. Welsh conversations: a Welsh speaker's queue puts them first (the
 * server orders it); others see "Welsh speaker wanted" and, while a Welsh speaker is signed in,
 * are asked to leave it to them (a request: they may still claim it).
 *
 * Plain scripts, no build step. After common.js and flags.js, console.html loads this page's five
 * parts with `defer`, in this order (deferred scripts run in document order); they share one
 * object, IAAConsole.consolePage (P):
 *   console.js              settings, the page's state (S) and elements (ui), start, the kept
 *                           selection, status messages and screen-reader announcements
 *   console-live.js         live updates: the websocket, polling without it, reconnecting
 *   console-queue.js        the queue list, its counts and announcements
 *   console-conversation.js the selected conversation: details, transcript, flags, notes
 *   console-actions.js      claim, release, return, transfer, close, notes, canned replies,
 *                           replying, the event wiring; it calls start(), so it loads last
 * Each part takes what it needs from the parts before it when it loads (`var S = P.S`) and what
 * later parts define when it is called (a small function at its top), and puts on P what the
 * others use.
 */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;
  // This page's own parts share P (C.consolePage); common.js and flags.js are shared with others.
  var P = (C.consolePage = C.consolePage || {});
  if (P.loaded) return; // loaded twice
  P.loaded = { core: true };

  // From console-live.js, which loads after this file: looked up when called.
  function connect() {
    return P.connect();
  }
  function loadQueueOnce() {
    return P.loadQueueOnce();
  }
  // From console-queue.js, which loads after this file: looked up when called.
  function tick() {
    return P.tick();
  }
  // From console-conversation.js, which loads after this file: looked up when called.
  function select(id, opts) {
    return P.select(id, opts);
  }
  // From console-actions.js, which loads after this file: looked up when called.
  function loadStaff() {
    return P.loadStaff();
  }
  function loadCanned() {
    return P.loadCanned();
  }
  function wire() {
    return P.wire();
  }

  var POLL_MS = 5000;
  var WS_OPEN_TIMEOUT_MS = 6000;
  var RECONNECT_MS = [2000, 5000, 15000, 30000, 60000];
  var TICK_MS = 30000;
  var SELECTED_KEY = "iaa-console:selected";
  var FILTER_KEY = "iaa-console:queue-language";

  var S = {
    me: null,
    queue: [],
    allQueue: [], // the queue as last received, before the language filter
    language: "", // the queue's language filter: "" (all), "cy" or "en"
    live: ["connecting", "live.connecting"],
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
      "announce-urgent", "queue-heading", "queue-language", "reply-welsh"
    ].forEach(function (id) {
      ui[id.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })] = C.$(id);
    });

    C.applyStrings(document);
    C.loadStrings().then(begin);
  }

  /* Once the strings have arrived (or could not): the page in the chosen language, then its data. */
  function begin() {
    C.applyStrings(document);
    C.setUpLanguageSwitch(redraw);
    drawOutcomes();
    S.language = storedFilter();
    ui.queueLanguage.value = S.language;
    ui.queueLanguage.addEventListener("change", function () {
      S.language = ui.queueLanguage.value === "cy" || ui.queueLanguage.value === "en" ? ui.queueLanguage.value : "";
      try {
        localStorage.setItem(FILTER_KEY, S.language);
      } catch (e) {
        /* for this page only */
      }
      P.filterChanged();
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
        setLive("off", "live.off");
        showError(C.t("err.role", { role: C.label("role", me.role) }));
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

  function drawOutcomes() {
    var keep = ui.closeOutcome.value;
    while (ui.closeOutcome.options.length > 1) ui.closeOutcome.remove(1);
    C.OUTCOMES.forEach(function (code) {
      ui.closeOutcome.appendChild(el("option", { value: code }, [C.label("outcome", code)]));
    });
    ui.closeOutcome.value = keep;
  }

  function storedFilter() {
    try {
      var v = localStorage.getItem(FILTER_KEY);
      return v === "cy" || v === "en" ? v : "";
    } catch (e) {
      return "";
    }
  }

  /* The language switch was pressed: everything the scripts drew, again in the new language. */
  function redraw() {
    drawOutcomes();
    setLive(S.live[0], S.live[1]);
    if (S.me) C.setUpHeader(S.me);
    if (S.known !== null) P.drawQueue(S.allQueue, { quiet: true });
    if (S.conv) P.redrawConversation();
    else ui.conversationHeading.textContent = C.t("conv.heading");
    if (S.me) P.drawTransferOptionsNow();
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

  /* `key`: a string's key (console-strings.json). */
  function setLive(state, key) {
    S.live = [state, key];
    ui.liveState.setAttribute("data-state", state);
    ui.liveState.textContent = C.t(key);
    document.body.setAttribute("data-live", state);
  }

  P.POLL_MS = POLL_MS;
  P.WS_OPEN_TIMEOUT_MS = WS_OPEN_TIMEOUT_MS;
  P.RECONNECT_MS = RECONNECT_MS;
  P.S = S;
  P.ui = ui;
  P.showError = showError;
  P.setLive = setLive;
  P.announce = announce;
  P.storeSelection = storeSelection;
  P.showStatus = showStatus;
  P.clearMessages = clearMessages;
  P.start = start;
  P.fromHash = fromHash;
})();

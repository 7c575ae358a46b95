/*
 * Citizen chat widget for the social care front door.
 *
 * On the front door's own pages only (council sites use embed.js), this file's script tag with
 * the settings, then the other five parts (listed below), all deferred:
 *   <script src="/static/widget.js" defer data-lang="en" data-phone="029 2018 0123"></script>
 *   <script src="/static/widget-assets.js" defer></script> ... widget-conversation.js
 * If the page has an element #iaa-chat-inline, the chat is drawn open inside it; otherwise a
 * launcher button opens it as a (non-modal) dialog.
 * With data-frame, on the front door's own /widget page shown in a council's iframe (embed.js),
 * the inline chat also has a Close button, and it or Escape asks the parent page to close the
 * frame: the only message this script ever posts to another window is "iaa-chat:close".
 *
 * Its looks are in widget.css and its English and Welsh text in widget-strings.json, both next
 * to this file: the script loads them itself before drawing (the page needs no tag for them),
 * and without them still draws a plain launcher, English text and the phone number.
 *
 * Plain ES2019, no dependencies, no build step, no requests other than to the front door (these
 * two files and its API). Server text is only ever put in the page with textContent / text nodes.
 *
 * The code is six classic scripts sharing one object, window.IAAWidget (W). The page loads them
 * with `defer`, in this order (deferred scripts run in document order), and this file's tag is
 * the one with the data-* attributes above:
 *   widget.js              1. configuration      the script tag's attributes, limits and timings
 *                          3. storage and state  sessionStorage (a reload continues the conversation)
 *   widget-assets.js       2. assets             loading widget.css and widget-strings.json; the fallbacks
 *   widget-render.js       4. DOM helpers        building elements, links made with the DOM only
 *                          6. rendering messages one message, service cards
 *   widget-ui.js           5. UI                 the launcher, panel, language, status and typing line
 *                         11. open / close       focus, Escape, the framed page's Close
 *   widget-transport.js    8. transport: WebSocket
 *                          9. transport: POST
 *   widget-conversation.js 7. server updates     applying replies, catching up after a reload or reconnect
 *                         10. sending
 *                         12. start
 * (each a numbered "// ====" section). Each part takes what it needs from the parts before it
 * when it loads (`var state = W.state`) and what the later parts define when it is called (a
 * small function at its top), and puts on W what the others use.
 */
(function () {
  "use strict";

  if (window.__iaaChatWidget) return;
  window.__iaaChatWidget = true;

  var W = (window.IAAWidget = window.IAAWidget || {});
  W.loaded = { config: true };

  // ================================================================ 1. configuration
  var SCRIPT =
    document.currentScript ||
    document.querySelector('script[src$="/widget.js"], script[src*="/widget.js?"]');

  var API_ORIGIN = (function () {
    try {
      if (SCRIPT && SCRIPT.src) return new URL(SCRIPT.src, location.href).origin;
    } catch (e) {
      /* fall through */
    }
    return location.origin;
  })();

  var PHONE = ((SCRIPT && SCRIPT.getAttribute("data-phone")) || "").trim();
  var FRAMED = !!(SCRIPT && SCRIPT.hasAttribute("data-frame")) && window.parent !== window;
  // The front door's limit (Settings.max_message_chars), from data-max-chars on the script tag.
  var MAX_CHARS = parseInt((SCRIPT && SCRIPT.getAttribute("data-max-chars")) || "", 10);
  if (!(MAX_CHARS > 0)) MAX_CHARS = 2000;
  var FEEDBACK = /^\/feedback\{"answer": ?"(yes|no)"\}$/; // the closing question's buttons
  var WS_HELLO_TIMEOUT_MS = 5000;
  var REPLY_TIMEOUT_MS = 30000;
  var POLL_MS = 5000; // without a websocket, how often a waiting citizen's page asks for news
  var WS_MAX_FAILURES = 3;
  var HISTORY_LIMIT = 200;
  var KEY = "iaa-chat:";

  // ================================================================ 3. storage and state
  function load(name) {
    try {
      return window.sessionStorage.getItem(KEY + name);
    } catch (e) {
      return null;
    }
  }
  function save(name, value) {
    try {
      if (value === null || value === undefined) window.sessionStorage.removeItem(KEY + name);
      else window.sessionStorage.setItem(KEY + name, value);
    } catch (e) {
      /* storage full or blocked: the chat still works for this page */
    }
  }

  function normLang(v) {
    v = String(v || "").toLowerCase();
    if (v.indexOf("cy") === 0) return "cy";
    if (v.indexOf("en") === 0) return "en";
    return null;
  }

  var state = {
    lang:
      normLang(load("lang")) ||
      normLang(SCRIPT && SCRIPT.getAttribute("data-lang")) ||
      normLang(document.documentElement.lang) ||
      "en",
    conversationId: load("conversation_id") || null,
    feedbackFor: load("feedback_for") || null,
    lastSeen: parseInt(load("last_seen") || "0", 10) || 0, // newest message id shown
    seenIds: {},
    catchingUp: false,
    status: load("status") || null,
    serverLang: null,
    history: [],
    open: false,
    inline: false,
    awaiting: 0
  };
  try {
    var saved = JSON.parse(load("history") || "[]");
    if (Array.isArray(saved)) state.history = saved.slice(-HISTORY_LIMIT);
  } catch (e) {
    state.history = [];
  }

  W.ui = ui;
  W.SCRIPT = SCRIPT;
  W.API_ORIGIN = API_ORIGIN;
  W.PHONE = PHONE;
  W.FRAMED = FRAMED;
  W.MAX_CHARS = MAX_CHARS;
  W.FEEDBACK = FEEDBACK;
  W.WS_HELLO_TIMEOUT_MS = WS_HELLO_TIMEOUT_MS;
  W.REPLY_TIMEOUT_MS = REPLY_TIMEOUT_MS;
  W.POLL_MS = POLL_MS;
  W.WS_MAX_FAILURES = WS_MAX_FAILURES;
  W.HISTORY_LIMIT = HISTORY_LIMIT;
  W.state = state;
  W.save = save;
  W.normLang = normLang;

  // The chat's elements, made by build() in widget-ui.js.
  var ui = {};

  W.SCRIPT = SCRIPT;
  W.API_ORIGIN = API_ORIGIN;
  W.PHONE = PHONE;
  W.FRAMED = FRAMED;
  W.MAX_CHARS = MAX_CHARS;
  W.FEEDBACK = FEEDBACK;
  W.WS_HELLO_TIMEOUT_MS = WS_HELLO_TIMEOUT_MS;
  W.REPLY_TIMEOUT_MS = REPLY_TIMEOUT_MS;
  W.POLL_MS = POLL_MS;
  W.WS_MAX_FAILURES = WS_MAX_FAILURES;
  W.HISTORY_LIMIT = HISTORY_LIMIT;
  W.save = save;
  W.normLang = normLang;
  W.state = state;
  W.ui = ui;
  W.STR = null; // widget-assets.js: {en, cy} from widget-strings.json, once it has arrived
})();

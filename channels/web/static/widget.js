/*
 * Citizen chat widget for the social care front door.
 *
 * Embed with one script tag:
 *   <script src="/static/widget.js" defer data-lang="en" data-phone="029 2018 0123"></script>
 * If the page has an element #iaa-chat-inline, the chat is drawn open inside it; otherwise a
 * launcher button opens it as a (non-modal) dialog.
 * With data-frame, on the front door's own /widget page shown in a council's iframe (embed.js),
 * the inline chat also has a Close button, and it or Escape asks the parent page to close the
 * frame: the only message this script ever posts to another window is "iaa-chat:close".
 *
 * Its looks are in widget.css and its English and Welsh text in widget-strings.json, both next
 * to this file: the script loads them itself before drawing (the page still needs only the one
 * tag), and without them still draws a plain launcher, English text and the phone number.
 *
 * Plain ES2019, no dependencies, no requests other than to the front door (these two files and
 * its API). Server text is only ever put in the page with textContent / text nodes.
 *
 * Contents (each a numbered "// ====" section below):
 *   1. configuration      the script tag's attributes, limits and timings
 *   2. assets             loading widget.css and widget-strings.json; the fallbacks
 *   3. storage and state  sessionStorage (a reload continues the conversation)
 *   4. DOM helpers        building elements, links made with the DOM only
 *   5. UI                 the launcher, panel, language, status and typing line
 *   6. rendering messages one message, service cards
 *   7. server updates     applying replies, catching up after a reload or reconnect
 *   8. transport: WebSocket
 *   9. transport: POST
 *  10. sending
 *  11. open / close       focus, Escape, the framed page's Close
 *  12. start
 */
(function () {
  "use strict";

  if (window.__iaaChatWidget) return;
  window.__iaaChatWidget = true;

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

  // ================================================================ 2. assets: CSS and strings
  /* widget.css and widget-strings.json sit next to this script (same origin, same query string,
     so a versioned src versions them too). Both are asked for at once, as soon as the script
     runs, and the chat is drawn when both have arrived, failed, or ASSET_TIMEOUT_MS has passed:
     a slow or missing file never leaves the page without a way to reach the council. A <link>
     is a stylesheet from 'self' to a Content-Security-Policy (style-src 'self'), and the
     strings come with fetch (connect-src 'self'), as the chat's own API calls do. */
  var ASSET_TIMEOUT_MS = 3000;

  /* Just enough English for a usable chat when widget-strings.json cannot be loaded; the
     launcher keeps its Welsh name. Any other key falls back to these too. */
  var FALLBACK_EN = {
    title: "Chat with us",
    close: "Close",
    logLabel: "Conversation",
    inputLabel: "Type your message",
    send: "Send",
    you: "You said",
    bot: "Assistant said",
    staff: "Staff member said",
    typing: "The assistant is typing\u2026",
    waiting: "Waiting for a member of staff",
    withStaff: "You are talking to a member of staff",
    closed: "This conversation has ended. Send a message to start a new one.",
    newMessage: "New message",
    welcome: "Ask a question about care and support.",
    unavailable: "If the chat does not work, call us",
    serverError: "Sorry, something went wrong. Please try again, or call us",
    callOn: " on ",
    newTab: "(opens in a new tab)"
  };
  var FALLBACK_CY_TITLE = "Sgwrsio \u00e2 ni";

  /* Only for the launcher and panel when widget.css cannot be loaded: the launcher bottom right
     and the panel above it, plain. A constructed stylesheet, which style-src 'self' allows. */
  var FALLBACK_CSS =
    ".iaa-root [hidden]{display:none!important;}" +
    ".iaa-sr{position:absolute!important;width:1px!important;height:1px!important;overflow:hidden!important;" +
    "clip:rect(0 0 0 0)!important;white-space:nowrap!important;}" +
    ".iaa-launcher{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;max-width:calc(100vw - 2rem);" +
    "padding:.6rem 1rem;border:2px solid #fff;background:#0b4f6c;color:#fff;font:inherit;font-weight:700;}" +
    ".iaa-panel--float{position:fixed;right:1rem;bottom:4.5rem;z-index:2147483001;width:24rem;" +
    "max-width:calc(100vw - 2rem);max-height:calc(100vh - 6rem);overflow:auto;padding:.5rem;" +
    "background:#fff;color:#0b0c0c;border:2px solid #0b4f6c;}";

  var STR = null; // {en, cy} from widget-strings.json, each filled in from English; null without it
  var fallbackSheet = null;

  function assetUrl(name) {
    try {
      if (SCRIPT && SCRIPT.src) {
        var u = new URL(name, SCRIPT.src);
        u.search = new URL(SCRIPT.src, location.href).search;
        return u.href;
      }
    } catch (e) {
      /* fall through */
    }
    return API_ORIGIN + "/static/" + name;
  }

  /* Resolves true once widget.css applies, false if it cannot be loaded. */
  function loadCss() {
    var href = assetUrl("widget.css");
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      // The page (or an earlier copy of this script) already has it.
      if (links[i].href === href && links[i].sheet) return Promise.resolve(true);
    }
    return new Promise(function (resolve) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.setAttribute("data-iaa-chat", "");
      link.onload = function () {
        resolve(true);
      };
      link.onerror = function () {
        resolve(false);
      };
      (document.head || document.documentElement).appendChild(link);
    });
  }

  function useFallbackCss(on) {
    try {
      if (!document.adoptedStyleSheets || typeof CSSStyleSheet !== "function") return;
      var others = Array.prototype.filter.call(document.adoptedStyleSheets, function (s) {
        return s !== fallbackSheet;
      });
      if (on) {
        if (!fallbackSheet) {
          fallbackSheet = new CSSStyleSheet();
          fallbackSheet.replaceSync(FALLBACK_CSS);
        }
        others.push(fallbackSheet);
      }
      document.adoptedStyleSheets = others;
    } catch (e) {
      /* unstyled, but still a button at the end of the page */
    }
  }

  /* Resolves true once the strings are in STR, false if they cannot be had. */
  function loadStrings() {
    return fetch(assetUrl("widget-strings.json"), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(
        function (data) {
          if (!data || typeof data !== "object" || !data.en || typeof data.en !== "object") return false;
          var en = Object.assign({}, FALLBACK_EN, onlyStrings(data.en));
          STR = { en: en, cy: Object.assign({}, en, onlyStrings(data.cy)) };
          return true;
        },
        function () {
          return false;
        }
      );
  }

  function onlyStrings(table) {
    var out = {};
    if (table && typeof table === "object") {
      Object.keys(table).forEach(function (k) {
        if (typeof table[k] === "string") out[k] = table[k];
      });
    }
    return out;
  }

  /* Resolves when the chat may be drawn. What arrives later is still used: the real styles
     replace the fallback ones, and late strings relabel the chat (see restring). */
  function loadAssets() {
    var drawn = false;
    var cssSettled = false;
    var css = loadCss().then(function (ok) {
      cssSettled = true;
      useFallbackCss(!ok);
    });
    var text = loadStrings().then(function (ok) {
      if (ok && drawn) restring();
    });
    var deadline = new Promise(function (resolve) {
      setTimeout(resolve, ASSET_TIMEOUT_MS);
    });
    return Promise.race([Promise.all([css, text]), deadline]).then(function () {
      drawn = true;
      if (!cssSettled) useFallbackCss(true); // until widget.css arrives, if it does
    });
  }

  /* The strings of a language the chat can show (English until the strings file arrives). */
  function shownLang(lang) {
    return STR ? lang : "en";
  }
  function stringsFor(lang) {
    return STR ? STR[lang] || STR.en : FALLBACK_EN;
  }
  function t(key) {
    return stringsFor(shownLang(state.lang))[key] || "";
  }

  /* Error messages that end "... or call us" and get the phone number appended. */
  var CALL_US = { netError: true, serverError: true, badRequest: true, noReply: true };

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

  // ================================================================ 4. DOM helpers
  var uid = 0;
  function nextId(prefix) {
    uid += 1;
    return "iaa-" + prefix + "-" + uid;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /* Text with newlines as <br>, built from text nodes only. Given `links` (the strings of the
     message's language), web addresses, email addresses and UK phone numbers in it become
     links, made with the DOM, never HTML. */
  function textWithBreaks(text, links) {
    var frag = document.createDocumentFragment();
    String(text).split(/\r\n|\r|\n/).forEach(function (line, i) {
      if (i) frag.appendChild(document.createElement("br"));
      if (links) appendLinked(frag, line, links);
      else frag.appendChild(document.createTextNode(line));
    });
    return frag;
  }

  // https://… or www.…; an email address; a UK number (0 and 10 or 11 digits, 999, 111, 116 xxx).
  var LINKABLE =
    /(\bhttps?:\/\/[^\s<>"]+|\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"]*)|([a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)|((?<![\d+])(?:0\d(?: ?\d){8,9}|999|111|116 ?\d{3})(?!\d))/gi;

  function appendLinked(parent, line, strings) {
    var last = 0;
    line.replace(LINKABLE, function (match, web, email, phone, offset) {
      var text = match;
      var trailing = "";
      if (web || email) {
        // Sentence punctuation after an address is not part of it.
        var m = /[.,;:!?)\]'"]+$/.exec(text);
        if (m) {
          trailing = m[0];
          text = text.slice(0, -trailing.length);
        }
      }
      var node = null;
      if (web) {
        var href = safeUrl(/^www\./i.test(text) ? "https://" + text : text);
        if (href) {
          node = el("a", { href: href, target: "_blank", rel: "noopener" }, [
            text,
            el("span", { className: "iaa-sr" }, [" " + strings.newTab])
          ]);
        }
      } else if (email) {
        node = el("a", { href: "mailto:" + text }, [text]);
      } else if (phone) {
        node = phoneLink(text);
      }
      if (!node) return match;
      if (offset > last) parent.appendChild(document.createTextNode(line.slice(last, offset)));
      parent.appendChild(node);
      if (trailing) parent.appendChild(document.createTextNode(trailing));
      last = offset + match.length;
      return match;
    });
    if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
  }

  function telHref(phone) {
    var digits = String(phone).replace(/[^\d+]/g, "");
    return digits ? "tel:" + digits : null;
  }

  function safeUrl(url) {
    try {
      var u = new URL(String(url), location.href);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function phoneLink(phone) {
    var href = telHref(phone);
    return href ? el("a", { href: href }, [String(phone)]) : document.createTextNode(String(phone));
  }

  // ================================================================ 5. UI
  var ui = {};

  function build(inlineHost) {
    state.inline = !!inlineHost;

    var root = el("div", { className: "iaa-root", "data-iaa-chat": "" });
    var headingId = nextId("title");
    var panelId = nextId("panel");
    var inputId = nextId("input");

    ui.title = el("h2", { className: "iaa-title", id: headingId });
    ui.langBtn = el("button", { type: "button", className: "iaa-hbtn iaa-lang" });
    ui.closeBtn = state.inline && !FRAMED ? null : el("button", { type: "button", className: "iaa-hbtn iaa-close" });
    var header = el("div", { className: "iaa-header" }, [ui.title, ui.langBtn, ui.closeBtn]);

    ui.status = el("p", { className: "iaa-status", role: "status", hidden: true });
    ui.log = el("div", {
      className: "iaa-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      tabindex: "0"
    });
    ui.typing = el("div", { className: "iaa-typing", role: "status", "aria-live": "polite" });

    ui.label = el("label", { className: "iaa-label", for: inputId });
    ui.input = el("input", {
      className: "iaa-input",
      id: inputId,
      type: "text",
      name: "message",
      autocomplete: "off",
      maxlength: String(MAX_CHARS),
      enterkeyhint: "send"
    });
    ui.send = el("button", { type: "submit", className: "iaa-send" });
    ui.form = el("form", { className: "iaa-form", novalidate: true }, [ui.label, ui.input, ui.send]);

    ui.panel = el(
      "div",
      {
        id: panelId,
        className: "iaa-panel " + (state.inline ? "iaa-panel--inline" : "iaa-panel--float"),
        role: state.inline ? "region" : "dialog",
        "aria-labelledby": headingId,
        hidden: !state.inline
      },
      [header, ui.status, ui.log, ui.typing, ui.form]
    );

    // Welcome line, then whatever this tab already said (a reload continues the conversation).
    ui.welcome = renderWelcome();
    ui.log.appendChild(ui.welcome);
    state.history.forEach(function (entry) {
      ui.log.appendChild(renderEntry(entry));
    });

    if (!state.inline) {
      ui.launcherText = el("span", { className: "iaa-launcher-text" });
      ui.badge = el("span", { className: "iaa-badge", hidden: true });
      ui.launcher = el(
        "button",
        {
          type: "button",
          className: "iaa-launcher",
          "aria-expanded": "false",
          "aria-controls": panelId
        },
        [launcherIcon(), ui.launcherText, ui.badge]
      );
      root.appendChild(ui.launcher);
      root.appendChild(ui.panel);
      document.body.appendChild(root);
    } else {
      root.appendChild(ui.panel);
      inlineHost.appendChild(root);
    }

    applyLanguage();
    showStatus();
    wire();
    scrollLog();
  }

  function launcherIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("width", "1.4em"); // its size even without widget.css
    svg.setAttribute("height", "1.4em");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 5v2h12V8H6zm0 4v2h8v-2H6z"
    );
    svg.appendChild(path);
    return svg;
  }

  /* "Chat with us / Sgwrsio â ni", whichever language the chat is in. */
  function launcherLabel() {
    var cy = STR ? STR.cy.title : FALLBACK_CY_TITLE;
    return [el("span", { lang: "en" }, [stringsFor("en").title]), " / ", el("span", { lang: "cy" }, [cy])];
  }

  function applyLanguage() {
    ui.panel.setAttribute("lang", shownLang(state.lang));
    if (ui.launcherText) {
      ui.launcherText.textContent = "";
      launcherLabel().forEach(function (n) {
        ui.launcherText.appendChild(typeof n === "string" ? document.createTextNode(n) : n);
      });
    }
    // No Welsh without the strings file: no button offering it.
    ui.langBtn.hidden = !STR;
    ui.title.textContent = t("title");
    ui.langBtn.textContent = t("switchTo");
    ui.langBtn.setAttribute("lang", t("switchToLang"));
    if (ui.closeBtn) {
      ui.closeBtn.textContent = "";
      ui.closeBtn.appendChild(el("span", { "aria-hidden": "true" }, ["\u00d7 "]));
      ui.closeBtn.appendChild(document.createTextNode(t("close")));
      ui.closeBtn.appendChild(el("span", { className: "iaa-sr" }, [" \u2013 " + t("title")]));
    }
    ui.log.setAttribute("aria-label", t("logLabel"));
    ui.label.textContent = t("inputLabel");
    ui.send.textContent = t("send");
    if (ui.badge) ui.badge.textContent = t("newMessage");
    if (state.awaiting && isTypingShown()) showTyping(true);
    showStatus();
  }

  /* The strings file arrived after the chat was drawn: relabel it in the chosen language. */
  function restring() {
    if (!ui.panel) return;
    var welcome = renderWelcome();
    ui.log.replaceChild(welcome, ui.welcome);
    ui.welcome = welcome;
    applyLanguage();
  }

  function setLang(lang) {
    lang = normLang(lang);
    if (!lang || lang === state.lang) return;
    state.lang = lang;
    save("lang", lang);
    applyLanguage();
  }

  function showStatus() {
    var key = { waiting: "waiting", with_staff: "withStaff", closed: "closed" }[state.status];
    if (key) {
      ui.status.textContent = t(key);
      ui.status.hidden = false;
    } else {
      ui.status.textContent = "";
      ui.status.hidden = true;
    }
  }

  function isTypingShown() {
    return ui.typing.childNodes.length > 0;
  }

  function showTyping(on) {
    ui.typing.textContent = "";
    if (!on) return;
    var dots = el("span", { className: "iaa-dots", "aria-hidden": "true" }, [
      el("span"),
      el("span"),
      el("span")
    ]);
    ui.typing.appendChild(dots);
    ui.typing.appendChild(document.createTextNode(t("typing")));
  }

  function scrollLog() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // ================================================================ 6. rendering messages
  /* Always in both languages; without the strings file, English and the phone number. */
  function renderWelcome() {
    var text = el("p", { className: "iaa-text" }, [el("span", { lang: "en" }, [stringsFor("en").welcome])]);
    var node = el("div", { className: "iaa-msg iaa-msg--welcome", "data-sender": "welcome" }, [text]);
    if (STR) {
      text.appendChild(document.createTextNode(" "));
      text.appendChild(el("span", { lang: "cy" }, [STR.cy.welcome]));
    } else if (PHONE) {
      node.setAttribute("lang", "en");
      node.appendChild(
        el("p", { className: "iaa-text" }, [FALLBACK_EN.unavailable + FALLBACK_EN.callOn, phoneLink(PHONE), "."])
      );
    }
    return node;
  }

  /* entry: {sender: user|bot|staff|system|error, text, lang, ui, buttons?, services?, error?} */
  function renderEntry(entry) {
    var sender = entry.sender;
    if (["user", "bot", "staff", "system", "error"].indexOf(sender) < 0) sender = "bot";
    var uiLang = shownLang(normLang(entry.ui) || state.lang);
    var strings = stringsFor(uiLang);
    var node = el("div", {
      className: "iaa-msg iaa-msg--" + sender,
      "data-sender": sender,
      lang: uiLang
    });
    var whoKey = { user: "you", bot: "bot", staff: "staff" }[sender];
    if (whoKey) node.appendChild(el("p", { className: "iaa-who" }, [strings[whoKey]]));

    var body = el("p", { className: "iaa-text" });
    var contentLang = normLang(entry.lang);
    if (contentLang && contentLang !== uiLang) body.setAttribute("lang", contentLang);
    if (sender === "error") {
      var kind = strings[entry.error] ? entry.error : "serverError";
      body.appendChild(document.createTextNode(strings[kind]));
      if (CALL_US[kind]) {
        // "... or call us" + " on 029 …" (as a tel: link when the page gave a number) + "."
        if (PHONE) {
          body.appendChild(document.createTextNode(strings.callOn));
          body.appendChild(phoneLink(PHONE));
        }
        body.appendChild(document.createTextNode("."));
      }
    } else {
      body.appendChild(textWithBreaks(entry.text || "", sender === "user" ? null : strings));
    }
    node.appendChild(body);

    if (Array.isArray(entry.buttons) && entry.buttons.length) {
      var group = el("div", { className: "iaa-replies", role: "group", "aria-label": strings.replies });
      entry.buttons.forEach(function (b) {
        if (!b || (typeof b.title !== "string" && typeof b.payload !== "string")) return;
        var title = typeof b.title === "string" && b.title ? b.title : b.payload;
        var payload = typeof b.payload === "string" && b.payload ? b.payload : b.title;
        var btn = el("button", { type: "button", className: "iaa-reply", "data-payload": payload }, [title]);
        if (contentLang && contentLang !== uiLang) btn.setAttribute("lang", contentLang);
        group.appendChild(btn);
      });
      if (group.childNodes.length) node.appendChild(group);
    }

    if (Array.isArray(entry.services) && entry.services.length) {
      var list = el("div", { className: "iaa-services" });
      entry.services.forEach(function (s) {
        if (s && typeof s === "object") list.appendChild(renderService(s, strings));
      });
      node.appendChild(list);
    }
    return node;
  }

  function renderService(s, strings) {
    var card = el("div", { className: "iaa-service" });
    card.appendChild(el("h3", null, [String(s.name || "")]));
    if (s.description) card.appendChild(el("p", null, [textWithBreaks(s.description, strings)]));
    var dl = el("dl");
    function field(label, valueNode) {
      dl.appendChild(el("dt", null, [label]));
      dl.appendChild(el("dd", null, [valueNode]));
    }
    if (s.address) field(strings.address, textWithBreaks(s.address));
    if (s.phone) field(strings.phone, phoneLink(s.phone));
    if (s.email) {
      var email = String(s.email).trim();
      field(
        strings.email,
        /^[^\s@<>"]+@[^\s@<>"]+$/.test(email)
          ? el("a", { href: "mailto:" + email }, [email])
          : document.createTextNode(email)
      );
    }
    if (s.url) {
      var href = safeUrl(s.url);
      if (href) {
        var shown = String(s.url).replace(/^https?:\/\//i, "").replace(/\/$/, "");
        field(
          strings.website,
          el("a", { href: href, target: "_blank", rel: "noopener" }, [
            shown,
            el("span", { className: "iaa-sr" }, [" " + strings.newTab])
          ])
        );
      } else {
        field(strings.website, document.createTextNode(String(s.url)));
      }
    }
    if (s.schedule) field(strings.schedule, textWithBreaks(s.schedule));
    if (s.cost) field(strings.cost, textWithBreaks(s.cost, strings));
    if (dl.childNodes.length) card.appendChild(dl);
    if (s.welsh === true) card.appendChild(el("p", null, [strings.welsh]));
    if (s.last_checked) card.appendChild(el("p", null, [strings.lastChecked + ": " + String(s.last_checked)]));
    return card;
  }

  /* Add a message to the log (and to this tab's saved history); returns its element. */
  function addEntry(entry, keepScroll) {
    entry.ui = entry.ui || state.lang;
    state.history.push(entry);
    if (state.history.length > HISTORY_LIMIT) state.history = state.history.slice(-HISTORY_LIMIT);
    save("history", JSON.stringify(state.history));
    var node = renderEntry(entry);
    ui.log.appendChild(node);
    if (!keepScroll) scrollLog();
    if (!state.inline && !state.open && entry.sender !== "user") {
      ui.badge.hidden = false;
    }
    return node;
  }

  /* Scroll so a new reply is read from its start: to the bottom if it all fits,
     otherwise with its first message at the top of the log. */
  function revealFrom(node) {
    var delta = node.getBoundingClientRect().top - ui.log.getBoundingClientRect().top;
    ui.log.scrollTop = Math.max(0, ui.log.scrollTop + delta - 8);
  }

  function addError(kind) {
    addEntry({ sender: "error", error: kind });
  }

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

  // ================================================================ 11. open / close
  function openPanel() {
    if (state.inline || state.open) return;
    state.open = true;
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.badge.hidden = true;
    scrollLog();
    ui.input.focus();
    if (state.conversationId && ws.usable()) ws.connect().catch(function () {});
  }

  /* In a council's frame: ask the parent page (embed.js) to hide the frame. Nothing but this
     fixed string goes to the parent; it is sent to the page that framed us when the browser
     says which that is (it carries nothing, so "*" is no leak where it cannot). */
  function askParentToClose() {
    var target = "*";
    try {
      if (location.ancestorOrigins && location.ancestorOrigins.length) target = location.ancestorOrigins[0];
      else if (document.referrer) target = new URL(document.referrer).origin;
    } catch (e) {
      target = "*";
    }
    try {
      window.parent.postMessage("iaa-chat:close", target);
    } catch (e) {
      /* nothing to close */
    }
  }

  function closePanel() {
    if (state.inline && FRAMED) {
      askParentToClose();
      return;
    }
    if (state.inline || !state.open) return;
    state.open = false;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
  }

  function focusInputIfNothingElse() {
    var active = document.activeElement;
    if (!active || active === document.body || active === document.documentElement) ui.input.focus();
  }

  function wire() {
    if (ui.launcher) {
      ui.launcher.addEventListener("click", function () {
        if (state.open) closePanel();
        else openPanel();
      });
    }
    if (ui.closeBtn) ui.closeBtn.addEventListener("click", closePanel);
    if (FRAMED) {
      document.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape" || ev.key === "Esc") {
          ev.preventDefault();
          askParentToClose();
        }
      });
      // The parent focuses the frame when it opens it: go straight to the message box.
      window.addEventListener("focus", focusInputIfNothingElse);
    }
    if (!state.inline) {
      ui.panel.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape" || ev.key === "Esc") {
          ev.preventDefault();
          ev.stopPropagation();
          closePanel();
        }
      });
    }
    ui.langBtn.addEventListener("click", function () {
      setLang(state.lang === "en" ? "cy" : "en");
    });
    ui.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = ui.input.value;
      if (!text.trim()) {
        ui.input.focus();
        return;
      }
      ui.input.value = "";
      ui.input.focus();
      sendMessage(text);
    });
    ui.log.addEventListener("click", function (ev) {
      var btn = ev.target && ev.target.closest ? ev.target.closest(".iaa-reply") : null;
      if (!btn || !ui.log.contains(btn)) return;
      var payload = btn.getAttribute("data-payload") || btn.textContent;
      sendMessage(payload, btn.textContent);
      ui.input.focus();
    });
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

  // The CSS and strings are on their way while the page finishes parsing; draw when both are
  // ready (or have failed, or taken too long).
  var domReady = new Promise(function (resolve) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
    else resolve();
  });
  Promise.all([loadAssets(), domReady]).then(start);
})();

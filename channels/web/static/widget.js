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
 * Plain ES2019, no dependencies, no requests other than to the front door's own API.
 * Server text is only ever put in the page with textContent / text nodes.
 */
(function () {
  "use strict";

  if (window.__iaaChatWidget) return;
  window.__iaaChatWidget = true;

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

  // ---------------------------------------------------------------- strings
  var T = {
    en: {
      title: "Chat with us",
      switchTo: "Cymraeg",
      switchToLang: "cy",
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
      replies: "Suggested replies",
      newMessage: "New message",
      netError: "Sorry, we couldn't send that. Please try again, or call us",
      serverError: "Sorry, something went wrong. Please try again, or call us",
      badRequest: "Sorry, we couldn't send that message. Please check it and try again, or call us",
      tooMany: "You're sending messages too quickly. Please wait a moment and try again.",
      noReply: "Sorry, we haven't had a reply yet. Please try again, or call us",
      callOn: " on ",
      address: "Address",
      phone: "Phone",
      email: "Email",
      website: "Website",
      schedule: "When",
      cost: "Cost",
      welsh: "Service available in Welsh",
      lastChecked: "Details last checked",
      newTab: "(opens in a new tab)"
    },
    cy: {
      title: "Sgwrsio \u00e2 ni",
      switchTo: "English",
      switchToLang: "en",
      close: "Cau",
      logLabel: "Sgwrs",
      inputLabel: "Teipiwch eich neges",
      send: "Anfon",
      you: "Dywedoch chi",
      bot: "Dywedodd y cynorthwyydd",
      staff: "Dywedodd aelod o staff",
      typing: "Mae'r cynorthwyydd yn teipio\u2026",
      waiting: "Yn aros am aelod o staff",
      withStaff: "Rydych yn siarad ag aelod o staff",
      closed: "Mae'r sgwrs hon wedi dod i ben. Anfonwch neges i ddechrau un newydd.",
      replies: "Atebion awgrymedig",
      newMessage: "Neges newydd",
      netError: "Mae'n ddrwg gennym, ni allem anfon hynny. Rhowch gynnig arall arni, neu ffoniwch ni",
      serverError: "Mae'n ddrwg gennym, aeth rhywbeth o'i le. Rhowch gynnig arall arni, neu ffoniwch ni",
      badRequest: "Mae'n ddrwg gennym, ni allem anfon y neges honno. Gwiriwch hi a rhowch gynnig arall arni, neu ffoniwch ni",
      tooMany: "Rydych yn anfon negeseuon yn rhy gyflym. Arhoswch funud a rhowch gynnig arall arni.",
      noReply: "Mae'n ddrwg gennym, nid oes ateb eto. Rhowch gynnig arall arni, neu ffoniwch ni",
      callOn: " ar ",
      address: "Cyfeiriad",
      phone: "Ff\u00f4n",
      email: "E-bost",
      website: "Gwefan",
      schedule: "Pryd",
      cost: "Cost",
      welsh: "Gwasanaeth ar gael yn Gymraeg",
      lastChecked: "Manylion wedi'u gwirio ddiwethaf",
      newTab: "(yn agor mewn tab newydd)"
    }
  };

  /* Error messages that end "... or call us" and get the phone number appended. */
  var CALL_US = { netError: true, serverError: true, badRequest: true, noReply: true };

  // ---------------------------------------------------------------- storage
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

  // ---------------------------------------------------------------- state
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

  function t(key) {
    return T[state.lang][key];
  }

  // ---------------------------------------------------------------- CSS
  var CSS = [
    ".iaa-root{--iaa-brand:#0b4f6c;--iaa-brand-dark:#083a50;--iaa-text:#0b0c0c;--iaa-muted:#4a5459;",
    "--iaa-bg:#ffffff;--iaa-bot:#f3f2f1;--iaa-staff:#e6f0e0;--iaa-error:#a4161a;--iaa-focus:#ffdd00;",
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:1rem;line-height:1.45;color:var(--iaa-text);}",
    ".iaa-root *,.iaa-root *::before,.iaa-root *::after{box-sizing:border-box;}",
    ".iaa-root [hidden]{display:none!important;}",
    ".iaa-root button,.iaa-root input{font:inherit;letter-spacing:normal;text-transform:none;margin:0;}",
    ".iaa-sr{position:absolute!important;width:1px!important;height:1px!important;padding:0!important;margin:-1px!important;",
    "overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;white-space:nowrap!important;border:0!important;}",
    /* focus: yellow ring inside a dark ring, visible on light and dark backgrounds */
    ".iaa-root :focus{outline:3px solid transparent;}",
    ".iaa-root :focus-visible{outline:3px solid var(--iaa-focus);outline-offset:0;box-shadow:0 0 0 6px var(--iaa-text);}",
    ".iaa-root a:focus-visible{background:var(--iaa-focus);color:var(--iaa-text);text-decoration:underline;}",
    /* launcher */
    ".iaa-launcher{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;display:inline-flex;align-items:center;gap:.5rem;",
    "max-width:calc(100vw - 2rem);padding:.7rem 1.1rem;border:2px solid var(--iaa-bg);border-radius:2rem;background:var(--iaa-brand);",
    "color:#fff;font-weight:700;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.35);text-align:left;}",
    ".iaa-launcher:hover{background:var(--iaa-brand-dark);}",
    ".iaa-launcher svg{flex:none;width:1.4em;height:1.4em;}",
    ".iaa-badge{display:inline-block;margin-left:.25rem;padding:0 .5rem;border-radius:1rem;background:#fff;color:var(--iaa-brand);font-size:.85em;}",
    /* panel */
    ".iaa-panel{display:flex;flex-direction:column;background:var(--iaa-bg);color:var(--iaa-text);border:2px solid var(--iaa-brand);}",
    ".iaa-panel--float{position:fixed;right:1rem;bottom:5rem;z-index:2147483001;width:24rem;max-width:calc(100vw - 2rem);",
    "height:36rem;max-height:calc(100vh - 6.5rem);border-radius:.5rem;box-shadow:0 4px 24px rgba(0,0,0,.35);overflow:hidden;",
    "animation:iaa-in .18s ease-out;}",
    ".iaa-panel--inline{position:relative;width:100%;height:32rem;max-height:80vh;border-radius:.5rem;}",
    "@keyframes iaa-in{from{opacity:0;transform:translateY(.75rem);}to{opacity:1;transform:none;}}",
    ".iaa-header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding:.6rem .75rem;background:var(--iaa-brand);color:#fff;}",
    ".iaa-title{flex:1 1 8rem;margin:0;font-size:1.15rem;line-height:1.3;font-weight:700;color:#fff;}",
    ".iaa-hbtn{flex:none;padding:.3rem .7rem;border:2px solid #fff;border-radius:.3rem;background:transparent;color:#fff;font-weight:600;cursor:pointer;}",
    ".iaa-hbtn:hover{background:var(--iaa-brand-dark);text-decoration:underline;}",
    ".iaa-hbtn:focus-visible{background:var(--iaa-focus);color:var(--iaa-text);}",
    ".iaa-status{margin:0;padding:.35rem .75rem;background:#fff4c2;color:var(--iaa-text);font-size:.9rem;border-bottom:1px solid #b59a00;}",
    ".iaa-log{flex:1 1 auto;min-height:6rem;overflow-y:auto;overflow-x:hidden;padding:.75rem;display:flex;flex-direction:column;gap:.75rem;",
    "overscroll-behavior:contain;}",
    ".iaa-log:focus-visible{outline-offset:-3px;box-shadow:inset 0 0 0 6px var(--iaa-text);}",
    ".iaa-msg{max-width:92%;padding:.5rem .75rem;border-radius:.6rem;border:1px solid transparent;overflow-wrap:anywhere;word-break:break-word;}",
    ".iaa-msg--user{align-self:flex-end;background:var(--iaa-brand);color:#fff;}",
    ".iaa-msg--bot,.iaa-msg--welcome{align-self:flex-start;background:var(--iaa-bot);}",
    ".iaa-msg--staff{align-self:flex-start;background:var(--iaa-staff);border-color:#3d6b2a;}",
    ".iaa-msg--system{align-self:center;max-width:100%;padding:.25rem .5rem;background:transparent;color:var(--iaa-muted);font-style:italic;text-align:center;}",
    ".iaa-msg--error{align-self:stretch;max-width:100%;background:#fdeeee;border-color:var(--iaa-error);border-left:5px solid var(--iaa-error);}",
    ".iaa-who{display:block;margin:0 0 .15rem;font-size:.8rem;font-weight:700;color:var(--iaa-muted);}",
    ".iaa-msg--user .iaa-who{color:#fff;}",
    ".iaa-text{margin:0;}",
    ".iaa-msg a{color:inherit;text-decoration:underline;}",
    ".iaa-root a[href^='tel:']{white-space:nowrap;}",
    ".iaa-msg--bot a,.iaa-msg--staff a,.iaa-msg--error a,.iaa-msg--welcome a,.iaa-service a{color:#1d4ed8;}",
    ".iaa-replies{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.5rem;}",
    ".iaa-reply{padding:.35rem .75rem;border:2px solid var(--iaa-brand);border-radius:1rem;background:#fff;color:var(--iaa-brand);",
    "font-weight:600;cursor:pointer;text-align:left;max-width:100%;}",
    ".iaa-reply:hover{background:#e3eef3;text-decoration:underline;}",
    ".iaa-services{display:flex;flex-direction:column;gap:.5rem;margin-top:.5rem;}",
    ".iaa-service{padding:.5rem .75rem;border:1px solid #6f777b;border-radius:.4rem;background:#fff;}",
    ".iaa-service h3{margin:0 0 .25rem;font-size:1rem;line-height:1.3;}",
    ".iaa-service p{margin:.15rem 0;}",
    ".iaa-service dl{margin:.25rem 0 0;}",
    ".iaa-service dt{font-weight:700;font-size:.85rem;margin-top:.25rem;}",
    ".iaa-service dd{margin:0;}",
    ".iaa-typing{min-height:0;padding:0 .75rem;font-size:.9rem;color:var(--iaa-muted);}",
    ".iaa-typing:not(:empty){padding:.25rem .75rem .4rem;}",
    ".iaa-dots{display:inline-flex;gap:.2rem;margin-right:.4rem;vertical-align:middle;}",
    ".iaa-dots span{width:.45rem;height:.45rem;border-radius:50%;background:var(--iaa-muted);animation:iaa-blink 1.2s infinite ease-in-out;}",
    ".iaa-dots span:nth-child(2){animation-delay:.2s;}.iaa-dots span:nth-child(3){animation-delay:.4s;}",
    "@keyframes iaa-blink{0%,80%,100%{opacity:.25;}40%{opacity:1;}}",
    ".iaa-form{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.5rem;padding:.6rem .75rem .75rem;border-top:1px solid #b1b4b6;}",
    ".iaa-label{flex:1 0 100%;font-weight:700;font-size:.95rem;}",
    ".iaa-input{flex:1 1 8rem;min-width:0;min-height:2.75rem;padding:.4rem .5rem;border:2px solid var(--iaa-text);border-radius:.25rem;",
    "background:#fff;color:var(--iaa-text);font-size:1rem;}",
    ".iaa-send{flex:none;min-height:2.75rem;padding:.4rem 1rem;border:2px solid var(--iaa-brand);border-radius:.25rem;",
    "background:var(--iaa-brand);color:#fff;font-weight:700;cursor:pointer;}",
    ".iaa-send:hover{background:var(--iaa-brand-dark);}",
    ".iaa-send:focus-visible{background:var(--iaa-focus);color:var(--iaa-text);border-color:var(--iaa-text);}",
    /* small or short screens (phones, or 200%+ zoom): the panel fills the screen */
    "@media (max-width:480px),(max-height:500px){",
    ".iaa-panel--float{top:0;right:0;bottom:0;left:0;width:auto;max-width:none;height:auto;max-height:none;border-radius:0;border-width:0;}",
    ".iaa-panel--inline{height:auto;min-height:24rem;max-height:none;}",
    ".iaa-panel--inline .iaa-log{max-height:60vh;}",
    ".iaa-launcher{right:.5rem;bottom:.5rem;max-width:calc(100vw - 1rem);}",
    ".iaa-msg{max-width:100%;}}",
    "@media (prefers-reduced-motion:reduce){.iaa-root *,.iaa-root *::before,.iaa-root *::after{animation:none!important;transition:none!important;scroll-behavior:auto!important;}",
    ".iaa-dots span{opacity:.7;}}",
    "@media (forced-colors:active){.iaa-launcher,.iaa-send,.iaa-reply,.iaa-hbtn{border-color:ButtonText;}",
    ".iaa-root :focus-visible{outline-color:Highlight;}}"
  ].join("");

  function injectCss() {
    if (document.getElementById("iaa-chat-style") || window.__iaaChatSheet) return;
    // A constructed stylesheet is not inline style to a Content-Security-Policy, so the chat
    // keeps its looks under style-src 'self' (the /widget page); a <style> element otherwise.
    try {
      if (document.adoptedStyleSheets && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        document.adoptedStyleSheets = Array.prototype.slice.call(document.adoptedStyleSheets).concat([sheet]);
        window.__iaaChatSheet = sheet;
        return;
      }
    } catch (e) {
      /* fall back to a <style> element */
    }
    var style = document.createElement("style");
    style.id = "iaa-chat-style";
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  // ---------------------------------------------------------------- DOM helpers
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

  // ---------------------------------------------------------------- UI
  var ui = {};

  function build(inlineHost) {
    injectCss();
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
    ui.log.appendChild(renderWelcome());
    state.history.forEach(function (entry) {
      ui.log.appendChild(renderEntry(entry));
    });

    if (!state.inline) {
      ui.launcherText = el("span", { className: "iaa-launcher-text" }, [
        el("span", { lang: "en" }, ["Chat with us"]),
        " / ",
        el("span", { lang: "cy" }, ["Sgwrsio \u00e2 ni"])
      ]);
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
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 5v2h12V8H6zm0 4v2h8v-2H6z"
    );
    svg.appendChild(path);
    return svg;
  }

  function applyLanguage() {
    ui.panel.setAttribute("lang", state.lang);
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

  // ---------------------------------------------------------------- rendering messages
  function renderWelcome() {
    return el("div", { className: "iaa-msg iaa-msg--welcome", "data-sender": "welcome" }, [
      el("p", { className: "iaa-text" }, [
        el("span", { lang: "en" }, ["Ask a question about care and support."]),
        " ",
        el("span", { lang: "cy" }, ["Gofynnwch gwestiwn yn Gymraeg neu Saesneg."])
      ])
    ]);
  }

  /* entry: {sender: user|bot|staff|system|error, text, lang, ui, buttons?, services?, error?} */
  function renderEntry(entry) {
    var sender = entry.sender;
    if (["user", "bot", "staff", "system", "error"].indexOf(sender) < 0) sender = "bot";
    var uiLang = normLang(entry.ui) || state.lang;
    var strings = T[uiLang];
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

  // ---------------------------------------------------------------- server updates
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

  // ---------------------------------------------------------------- transport: WebSocket
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

  // ---------------------------------------------------------------- transport: POST
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

  // ---------------------------------------------------------------- sending
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

  // ---------------------------------------------------------------- open / close
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
      window.addEventListener("focus", function () {
        var active = document.activeElement;
        if (!active || active === document.body || active === document.documentElement) ui.input.focus();
      });
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

  // ---------------------------------------------------------------- start
  function start() {
    if (!document.body) return;
    var host = document.getElementById("iaa-chat-inline");
    build(host);
    setInterval(pollWhileWaiting, POLL_MS);
    // A conversation already under way in this tab: listen for staff replies.
    if (state.conversationId && (state.inline || state.status === "waiting" || state.status === "with_staff")) {
      ws.connect().catch(function () {});
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

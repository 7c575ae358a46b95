/*
 * Citizen chat widget, part 2 of 6 (the parts and their order are listed in widget.js):
 * loading widget.css and widget-strings.json, the fallbacks without them, and t(), the
 * chat's text in the chosen language.
 */
(function () {
  "use strict";

  var W = window.IAAWidget;
  // Nothing without the parts before it (widget.js first); nothing twice if loaded twice.
  if (!W || !W.loaded || !W.loaded.config || W.loaded.assets) return;
  W.loaded.assets = true;

  // From widget.js.
  var SCRIPT = W.SCRIPT;
  var API_ORIGIN = W.API_ORIGIN;
  var state = W.state;
  // From widget-ui.js, which loads after this file: looked up when called.
  function restring() {
    return W.restring();
  }

  // ================================================================ 2. assets: CSS and strings
  /* widget.css and widget-strings.json sit next to widget.js (same origin, same query string,
     so a versioned src versions them too). Both are asked for at once, as soon as the scripts
     have run, and the chat is drawn when both have arrived, failed, or ASSET_TIMEOUT_MS has passed:
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
          STR = W.STR = { en: en, cy: Object.assign({}, en, onlyStrings(data.cy)) };
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

  W.t = t;
  W.FALLBACK_EN = FALLBACK_EN;
  W.FALLBACK_CY_TITLE = FALLBACK_CY_TITLE;
  W.loadAssets = loadAssets;
  W.shownLang = shownLang;
  W.stringsFor = stringsFor;
  W.CALL_US = CALL_US;
})();

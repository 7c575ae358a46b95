/*
 * The chat for a council's own website, in a frame from the front door.
 *
 * One script tag on the council's page:
 *   <script src="https://frontdoor.example/static/embed.js" defer data-lang="cy"></script>
 * draws a "Chat with us" / "Sgwrsio â ni" button that opens and closes an iframe of the front
 * door's /widget page. The conversation lives only in that frame, on the front door's origin:
 * the browser's same-origin policy keeps the council page's scripts (analytics, tag managers,
 * other chat tools) from reading what the citizen types or is told, and the chat's API needs no
 * cross-origin access. This script never sees a word of the conversation: the only message it
 * accepts from the frame is the fixed string "iaa-chat:close", and it sends none.
 *
 * The front door must list the council's site in IAA_WIDGET_ORIGINS (CSP frame-ancestors).
 * The council page's own CSP, if it has one, must allow the front door in script-src and
 * frame-src. No inline style: styles are a constructed stylesheet in a shadow root (a <style>
 * element only in browsers without constructed stylesheets).
 *
 * Plain ES2019, no dependencies.
 */
(function () {
  "use strict";

  if (window.__iaaChatEmbed) return;
  window.__iaaChatEmbed = true;

  var SCRIPT =
    document.currentScript ||
    document.querySelector('script[src$="/embed.js"], script[src*="/embed.js?"]');
  if (!SCRIPT || !SCRIPT.src) return;

  var FRONT_DOOR = new URL(SCRIPT.src, location.href).origin;
  var CLOSE = "iaa-chat:close";

  var T = {
    en: { launcher: "Chat with us", title: "Chat with us" },
    cy: { launcher: "Sgwrsio \u00e2 ni", title: "Sgwrsio \u00e2 ni" }
  };

  function normLang(v) {
    v = String(v || "").toLowerCase();
    if (v.indexOf("cy") === 0) return "cy";
    if (v.indexOf("en") === 0) return "en";
    return null;
  }

  var LANG = normLang(SCRIPT.getAttribute("data-lang")) || normLang(document.documentElement.lang) || "en";

  var CSS = [
    ":host{all:initial;}",
    "*,*::before,*::after{box-sizing:border-box;}",
    "[hidden]{display:none!important;}",
    ".iaa-embed-launcher{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;display:inline-flex;align-items:center;gap:.5rem;",
    "max-width:calc(100vw - 2rem);margin:0;padding:.7rem 1.1rem;border:2px solid #fff;border-radius:2rem;background:#0b4f6c;",
    "color:#fff;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:1rem;line-height:1.3;",
    "font-weight:700;letter-spacing:normal;text-transform:none;text-align:left;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.35);}",
    ".iaa-embed-launcher:hover{background:#083a50;}",
    ".iaa-embed-launcher svg{flex:none;width:1.4em;height:1.4em;}",
    /* focus: yellow ring inside a dark ring, visible on light and dark pages */
    ".iaa-embed-launcher:focus{outline:3px solid transparent;}",
    ".iaa-embed-launcher:focus-visible{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c;}",
    ".iaa-embed-frame{position:fixed;right:1rem;bottom:5rem;z-index:2147483001;display:block;width:24rem;max-width:calc(100vw - 2rem);",
    "height:38rem;max-height:calc(100vh - 6.5rem);margin:0;padding:0;border:0;border-radius:.5rem;background:#fff;",
    "box-shadow:0 4px 24px rgba(0,0,0,.35);color-scheme:light;}",
    /* phones, or 200%+ zoom: the chat fills the screen (its own Close button or Escape shuts it) */
    "@media (max-width:480px),(max-height:500px){",
    ".iaa-embed-frame{top:0;right:0;bottom:0;left:0;width:100%;height:100%;max-width:none;max-height:none;border-radius:0;box-shadow:none;}",
    ".iaa-embed-launcher{right:.5rem;bottom:.5rem;max-width:calc(100vw - 1rem);}}",
    "@media (forced-colors:active){.iaa-embed-launcher{border-color:ButtonText;}.iaa-embed-launcher:focus-visible{outline-color:Highlight;}",
    ".iaa-embed-frame{border:2px solid CanvasText;}}"
  ].join("");

  function addStyles(root) {
    try {
      if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      }
    } catch (e) {
      /* fall back to a <style> element */
    }
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }

  function icon() {
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

  var host, root, launcher, frame;
  var loaded = false;
  var open = false;

  function focusFrame() {
    // The frame's page puts focus in its message box when its window gets focus.
    try {
      frame.contentWindow.focus();
    } catch (e) {
      frame.focus();
    }
  }

  function makeFrame() {
    frame = document.createElement("iframe");
    frame.id = "iaa-chat-frame";
    frame.className = "iaa-embed-frame";
    frame.title = T[LANG].title;
    frame.setAttribute("lang", LANG);
    // The front door learns only which site framed it, not the page's address.
    frame.setAttribute("referrerpolicy", "origin");
    frame.addEventListener("load", function () {
      loaded = true;
      if (open) focusFrame();
    });
    frame.src = FRONT_DOOR + "/widget?lang=" + LANG;
    root.appendChild(frame);
    launcher.setAttribute("aria-controls", frame.id);
  }

  function openChat() {
    if (open) return;
    open = true;
    if (!frame) makeFrame();
    frame.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (loaded) focusFrame();
  }

  function closeChat() {
    if (!open) return;
    open = false;
    frame.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function start() {
    if (!document.body || host) return;
    host = document.createElement("div");
    host.setAttribute("data-iaa-chat-embed", "");
    root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    addStyles(root);

    launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "iaa-embed-launcher";
    launcher.setAttribute("lang", LANG);
    launcher.setAttribute("aria-expanded", "false");
    launcher.appendChild(icon());
    var text = document.createElement("span");
    text.textContent = T[LANG].launcher;
    launcher.appendChild(text);
    launcher.addEventListener("click", function () {
      if (open) closeChat();
      else openChat();
    });
    root.appendChild(launcher);

    // Escape on this page (the launcher has focus); inside the frame, the frame asks us.
    root.addEventListener("keydown", function (ev) {
      if ((ev.key === "Escape" || ev.key === "Esc") && open) {
        ev.preventDefault();
        closeChat();
      }
    });

    window.addEventListener("message", function (ev) {
      if (ev.origin !== FRONT_DOOR || !frame || ev.source !== frame.contentWindow) return;
      if (ev.data === CLOSE) closeChat();
    });

    document.body.appendChild(host);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/*
 * Citizen chat widget, part 4 of 6 (the parts and their order are listed in widget.js):
 * the launcher, panel, composer, language button, status and typing line; opening and closing
 * (focus, Escape, the framed page's Close) and the event wiring.
 */
(function () {
  "use strict";

  var W = window.IAAWidget;
  // Nothing without the parts before it (widget.js first); nothing twice if loaded twice.
  if (!W || !W.loaded || !W.loaded.render || W.loaded.ui) return;
  W.loaded.ui = true;

  // From widget.js.
  var FRAMED = W.FRAMED;
  var MAX_CHARS = W.MAX_CHARS;
  var save = W.save;
  var normLang = W.normLang;
  var state = W.state;
  var ui = W.ui;
  // From widget-assets.js.
  var FALLBACK_CY_TITLE = W.FALLBACK_CY_TITLE;
  var shownLang = W.shownLang;
  var stringsFor = W.stringsFor;
  var t = W.t;
  // From widget-render.js.
  var nextId = W.nextId;
  var el = W.el;
  var renderWelcome = W.renderWelcome;
  var renderEntry = W.renderEntry;
  // From widget-conversation.js, which loads after this file: looked up when called.
  function sendMessage(text, shown) {
    return W.sendMessage(text, shown);
  }

  // ================================================================ 5. UI
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
    var cy = W.STR ? W.STR.cy.title : FALLBACK_CY_TITLE;
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
    ui.langBtn.hidden = !W.STR;
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

  // ================================================================ 11. open / close
  function openPanel() {
    if (state.inline || state.open) return;
    state.open = true;
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.badge.hidden = true;
    scrollLog();
    ui.input.focus();
    if (state.conversationId && W.ws.usable()) W.ws.connect().catch(function () {});
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

  W.build = build;
  W.showStatus = showStatus;
  W.scrollLog = scrollLog;
  W.isTypingShown = isTypingShown;
  W.showTyping = showTyping;
  W.restring = restring;
  W.setLang = setLang;
  W.focusInputIfNothingElse = focusInputIfNothingElse;
})();

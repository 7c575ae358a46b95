/*
 * Citizen chat widget, part 3 of 6 (the parts and their order are listed in widget.js):
 * DOM helpers (elements, links made with the DOM only) and rendering messages and service
 * cards into the log. Server text only ever goes in as text nodes / textContent.
 */
(function () {
  "use strict";

  var W = window.IAAWidget;
  // Nothing without the parts before it (widget.js first); nothing twice if loaded twice.
  if (!W || !W.loaded || !W.loaded.assets || W.loaded.render) return;
  W.loaded.render = true;

  // From widget.js.
  var PHONE = W.PHONE;
  var HISTORY_LIMIT = W.HISTORY_LIMIT;
  var save = W.save;
  var normLang = W.normLang;
  var state = W.state;
  var ui = W.ui;
  // From widget-assets.js.
  var FALLBACK_EN = W.FALLBACK_EN;
  var shownLang = W.shownLang;
  var stringsFor = W.stringsFor;
  var CALL_US = W.CALL_US;
  // From widget-ui.js, which loads after this file: looked up when called.
  function scrollLog() {
    return W.scrollLog();
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

  // ================================================================ 6. rendering messages
  /* Always in both languages; without the strings file, English and the phone number. */
  function renderWelcome() {
    var text = el("p", { className: "iaa-text" }, [el("span", { lang: "en" }, [stringsFor("en").welcome])]);
    var node = el("div", { className: "iaa-msg iaa-msg--welcome", "data-sender": "welcome" }, [text]);
    if (W.STR) {
      text.appendChild(document.createTextNode(" "));
      text.appendChild(el("span", { lang: "cy" }, [W.STR.cy.welcome]));
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
    /* whether the service works in Welsh (welsh: true, false or null: unknown), as the card words it */
    if (typeof s.welsh_label === "string" && s.welsh_label) {
      card.appendChild(el("p", { className: "iaa-service-welsh" }, [s.welsh_label]));
    } else if (s.welsh === true) {
      card.appendChild(el("p", { className: "iaa-service-welsh" }, [strings.welsh]));
    }
    /* in Welsh, a service whose details exist only in English says so */
    if (typeof s.language_note === "string" && s.language_note) {
      card.appendChild(el("p", { className: "iaa-service-note", lang: s.language === "cy" ? "cy" : "en" },
        [s.language_note]));
    }
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

  W.el = el;
  W.nextId = nextId;
  W.renderWelcome = renderWelcome;
  W.renderEntry = renderEntry;
  W.addEntry = addEntry;
  W.revealFrom = revealFrom;
  W.addError = addError;
})();

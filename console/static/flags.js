/*
 * Safeguarding flags, shared by the console's transcript and the safeguarding flags page: the
 * badge on a flagged message (tier, why, the citizen's answer to a check-in) with the two review
 * buttons, and the English and Welsh strings for both.
 *
 * A flag never carries the citizen's words, only why it was raised (a lexicon cue id, or the
 * learned screen and its score). Staff marking a flag is counted for the safeguarding lead;
 * nothing retrains from it.
 */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;

  // ---------------------------------------------------------------- strings
  var T = {
    en: {
      flag: "Safeguarding flag",
      tier_urgent: "Urgent",
      tier_check: "Check-in asked",
      why_cue: "Cue",
      why_learned: "Learned screen, score {score}",
      why_learned_no_score: "Learned screen",
      in_context: "Read with the previous message",
      answer_yes: "Citizen's answer to the check-in: yes",
      answer_no: "Citizen's answer to the check-in: no",
      answer_other: "Citizen's answer to the check-in: something else",
      answer_none: "No answer to the check-in yet",
      question: "Was this flag right?",
      real: "Real concern",
      false_alarm: "False alarm",
      not_reviewed: "Not reviewed yet.",
      marked_real: "Marked as a real concern",
      marked_false_alarm: "Marked as a false alarm",
      by: "by {name}",
      saving: "Saving\u2026",
      saved_real: "Flag marked as a real concern.",
      saved_false_alarm: "Flag marked as a false alarm.",
      already: "This flag is already marked that way.",
      failed: "The review could not be saved (error {status}). Please try again.",
      offline: "We could not reach the server. Check your connection and try again.",
      concern_immediate_danger: "Immediate danger",
      concern_suicide_self_harm: "Suicide or self-harm",
      concern_child_homeless: "Child or young person homeless",
      concern_child_abuse_neglect: "Child abuse or neglect",
      concern_domestic_abuse: "Domestic abuse",
      concern_sexual_exploitation: "Sexual exploitation",
      concern_criminal_exploitation: "Criminal exploitation",
      concern_modern_slavery: "Modern slavery",
      concern_forced_marriage: "Forced marriage",
      concern_adult_abuse_neglect: "Adult abuse or neglect",
      channel_web: "Web chat",
      channel_sms: "Text message (SMS)",
      language_en: "English",
      language_cy: "Welsh",
      none_reviewed: "none reviewed"
    },
    cy: {
      flag: "Fflag diogelu",
      tier_urgent: "Brys",
      tier_check: "Gofynnwyd cwestiwn gwirio",
      why_cue: "Arwydd",
      why_learned: "Sgrinio dysgedig, sgôr {score}",
      why_learned_no_score: "Sgrinio dysgedig",
      in_context: "Wedi'i darllen gyda'r neges flaenorol",
      answer_yes: "Ateb y dinesydd i'r cwestiwn gwirio: ie",
      answer_no: "Ateb y dinesydd i'r cwestiwn gwirio: na",
      answer_other: "Ateb y dinesydd i'r cwestiwn gwirio: rhywbeth arall",
      answer_none: "Dim ateb i'r cwestiwn gwirio eto",
      question: "Oedd y fflag hon yn gywir?",
      real: "Pryder go iawn",
      false_alarm: "Larwm ffug",
      not_reviewed: "Heb ei hadolygu eto.",
      marked_real: "Wedi'i nodi'n bryder go iawn",
      marked_false_alarm: "Wedi'i nodi'n larwm ffug",
      by: "gan {name}",
      saving: "Wrthi'n cadw\u2026",
      saved_real: "Mae'r fflag wedi'i nodi'n bryder go iawn.",
      saved_false_alarm: "Mae'r fflag wedi'i nodi'n larwm ffug.",
      already: "Mae'r fflag hon eisoes wedi'i nodi felly.",
      failed: "Nid oedd modd cadw'r adolygiad (gwall {status}). Rhowch gynnig arall arni.",
      offline: "Nid oedd modd cysylltu â'r gweinydd. Gwiriwch eich cysylltiad a rhowch gynnig arall arni.",
      concern_immediate_danger: "Perygl uniongyrchol",
      concern_suicide_self_harm: "Hunanladdiad neu hunan-niwed",
      concern_child_homeless: "Plentyn neu berson ifanc digartref",
      concern_child_abuse_neglect: "Cam-drin neu esgeuluso plant",
      concern_domestic_abuse: "Cam-drin domestig",
      concern_sexual_exploitation: "Camfanteisio rhywiol",
      concern_criminal_exploitation: "Camfanteisio troseddol",
      concern_modern_slavery: "Caethwasiaeth fodern",
      concern_forced_marriage: "Priodas dan orfod",
      concern_adult_abuse_neglect: "Cam-drin neu esgeuluso oedolion",
      channel_web: "Sgwrs ar y we",
      channel_sms: "Neges destun (SMS)",
      language_en: "Saesneg",
      language_cy: "Cymraeg",
      none_reviewed: "dim wedi'u hadolygu"
    }
  };
  var t = C.strings(T);

  function known(prefix, code) {
    return Object.prototype.hasOwnProperty.call(T.en, prefix + code);
  }

  function concern(code) {
    return known("concern_", code) ? t("concern_" + code) : C.humanize(code);
  }

  function channel(code) {
    return known("channel_", code) ? t("channel_" + code) : C.humanize(code);
  }

  function language(code) {
    return known("language_", code) ? t("language_" + code) : C.humanize(code);
  }

  function tier(code) {
    return code === "urgent" ? t("tier_urgent") : t("tier_check");
  }

  // Browsers often have no Welsh dates (Intl falls back to American English), so by hand.
  var CY_DAYS = ["Sul", "Llun", "Maw", "Mer", "Iau", "Gwe", "Sad"];
  var CY_MONTHS = ["Ion", "Chwef", "Maw", "Ebr", "Mai", "Meh", "Gorff", "Awst", "Medi", "Hyd", "Tach", "Rhag"];

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* "Tue 3 Dec 2026" / "Maw 3 Rhag 2026" (local time); weekday: false leaves it out. */
  function date(d, weekday) {
    if (C.lang === "cy") {
      return (weekday === false ? "" : CY_DAYS[d.getDay()] + " ") + d.getDate() + " " + CY_MONTHS[d.getMonth()] + " " + d.getFullYear();
    }
    var opts = { day: "numeric", month: "short", year: "numeric" };
    if (weekday !== false) opts.weekday = "short";
    return d.toLocaleDateString("en-GB", opts);
  }

  /* "Tue 3 Dec 2026, 14:05". */
  function when(v) {
    var d = C.toDate(v);
    return d ? date(d) + ", " + two(d.getHours()) + ":" + two(d.getMinutes()) : "";
  }

  /* A YYYY-MM-DD day: "30 Nov 2026". */
  function day(iso) {
    var d = C.toDate(iso + "T12:00:00");
    return d ? date(d, false) : String(iso || "");
  }

  function score(v) {
    return typeof v === "number" ? v.toFixed(2) : "";
  }

  /* "0.75", or a dash (read out as "none reviewed") when nothing was reviewed. */
  function precision(p) {
    if (typeof p !== "number") {
      return el("span", null, [el("span", { "aria-hidden": "true" }, ["\u2013"]), el("span", { className: "sr-only" }, [t("none_reviewed")])]);
    }
    return el("span", null, [p.toFixed(2)]);
  }

  // ---------------------------------------------------------------- the badge
  function why(flag) {
    if (flag.cue === "learned") {
      var s = score(flag.score);
      return el("li", { className: "flag__why-item" }, [s ? t("why_learned", { score: s }) : t("why_learned_no_score")]);
    }
    return el("li", { className: "flag__why-item" }, [t("why_cue") + ": ", el("code", { className: "flag__cue" }, [String(flag.cue || "")])]);
  }

  function stateText(flag) {
    if (flag.review !== "real" && flag.review !== "false_alarm") return t("not_reviewed");
    var words = t("marked_" + flag.review);
    if (flag.reviewed_by && flag.reviewed_by.name) words += " " + t("by", { name: flag.reviewed_by.name });
    if (flag.reviewed_at) words += ", " + when(flag.reviewed_at);
    return words + ".";
  }

  function reviewButton(value) {
    return el("button", { type: "button", className: "button button--small flag__button", "data-review": value, "aria-pressed": "false" }, [
      el("span", { className: "flag__tick", "aria-hidden": "true" }, ["\u2713 "]),
      t(value)
    ]);
  }

  /* The badge for one flag. opts: idPrefix (ids unique on the page), onSaved(flag, words) and
     onError(words) to tell the reader, and review: false for a badge without the buttons. */
  function render(flag, opts) {
    opts = opts || {};
    var id = (opts.idPrefix || "flag-") + flag.id;
    var head = el("p", { className: "flag__head", id: id + "-title" }, [
      el("span", { className: "badge badge--" + (flag.tier === "urgent" ? "urgent" : "check") }, [tier(flag.tier)]),
      " ",
      el("span", { className: "flag__name" }, [t("flag") + ": " + concern(flag.concern)])
    ]);
    var reasons = el("ul", { className: "flag__why" }, [why(flag)]);
    if (flag.in_context) reasons.appendChild(el("li", { className: "flag__why-item" }, [t("in_context")]));
    if (flag.tier === "check" || flag.answer) {
      var answer = flag.answer === "yes" || flag.answer === "no" || flag.answer === "other" ? "answer_" + flag.answer : "answer_none";
      reasons.appendChild(el("li", { className: "flag__why-item flag__answer", "data-answer": flag.answer || "" }, [t(answer)]));
    }
    var node = el("div", { className: "flag flag--" + (flag.tier === "urgent" ? "urgent" : "check"), role: "group",
                           "aria-labelledby": id + "-title", "data-flag-id": flag.id, lang: C.langAttr() }, [head, reasons]);
    if (opts.review !== false) {
      var buttons = [reviewButton("real"), reviewButton("false_alarm")];
      node.appendChild(
        el("div", { className: "flag__review", role: "group", "aria-labelledby": id + "-question" }, [
          el("span", { className: "flag__question", id: id + "-question" }, [t("question")]),
          buttons[0],
          buttons[1]
        ])
      );
      buttons.forEach(function (b) {
        b.addEventListener("click", function () {
          press(node, b.getAttribute("data-review"), opts);
        });
      });
    }
    // Said by the page's status region when it changes; not again by the transcript's log.
    node.appendChild(el("p", { className: "flag__state", "aria-live": "off" }, [""]));
    node.__flag = flag;
    update(node, flag);
    return node;
  }

  /* Bring a badge up to date in place, so a button being used keeps keyboard focus. */
  function update(node, flag) {
    node.__flag = Object.assign({}, node.__flag || {}, flag);
    flag = node.__flag;
    Array.prototype.forEach.call(node.querySelectorAll("[data-review]"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-review") === flag.review ? "true" : "false");
    });
    var answer = node.querySelector(".flag__answer");
    if (answer && (answer.getAttribute("data-answer") || "") !== (flag.answer || "")) {
      var fresh = render(flag, { review: false });
      var item = fresh.querySelector(".flag__answer");
      if (item) answer.parentNode.replaceChild(item, answer);
    }
    node.querySelector(".flag__state").textContent = stateText(flag);
    node.setAttribute("data-review", flag.review || "");
  }

  function press(node, value, opts) {
    var flag = node.__flag;
    if (node.__busy) return;
    if (flag.review === value) {
      if (opts.onSaved) opts.onSaved(flag, t("already"));
      return;
    }
    node.__busy = true;
    var buttons = node.querySelectorAll("[data-review]");
    Array.prototype.forEach.call(buttons, function (b) {
      b.setAttribute("aria-disabled", "true");
    });
    node.querySelector(".flag__state").textContent = t("saving");
    review(flag.id, value).then(function (r) {
      node.__busy = false;
      Array.prototype.forEach.call(buttons, function (b) {
        b.removeAttribute("aria-disabled");
      });
      if (r.redirecting) return;
      if (!r.ok || !r.data || !r.data.flag) {
        update(node, flag);
        var words = r.network ? t("offline") : t("failed", { status: r.status });
        if (opts.onError) opts.onError(words);
        return;
      }
      update(node, r.data.flag);
      if (opts.onSaved) opts.onSaved(node.__flag, t("saved_" + value));
    });
  }

  function review(flagId, value) {
    return C.post("/console/api/flags/" + encodeURIComponent(flagId) + "/review", { review: value });
  }

  C.flags = {
    T: T,
    t: t,
    concern: concern,
    channel: channel,
    language: language,
    tier: tier,
    precision: precision,
    when: when,
    day: day,
    render: render,
    update: update,
    review: review
  };
})();

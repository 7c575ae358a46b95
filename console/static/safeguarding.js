/* Safeguarding flags (staff, admins): precision by ISO week and by cue
   (GET /console/api/safeguarding/weeks), flags not yet reviewed with the two review buttons
   (GET /console/api/safeguarding/flags?reviewed=false), and for admins the download of reviewed
   flags as candidate labelled examples. English or Welsh: every string is in P or in flags.js. */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;
  var WEEKS = 12;
  var LIMIT = 50;

  var P = {
    en: {
      page_title: "Safeguarding flags \u2013 Care and support front door staff console",
      switch_to: "Cymraeg",
      switch_to_lang: "cy",
      skip: "Skip to main content",
      service: "Care and support front door",
      console: "Staff console",
      nav: "Console pages",
      signed_in_as: "Signed in as",
      sign_out: "Sign out",
      title: "Safeguarding flags",
      intro: "Why the safeguarding screen flagged citizens' messages, and whether staff agreed. Counts and reasons only: open a conversation to read it.",
      weeks_heading: "Precision by week",
      weeks_intro: "Precision is real concerns \u00f7 (real concerns + false alarms), of the flags staff have reviewed. Flags from conversations since deleted under the retention rules still count.",
      weeks_caption: "Flags by week, last {n} weeks",
      col_week: "Week",
      col_flags: "Flags",
      col_urgent: "Urgent",
      col_check: "Check-in asked",
      col_real: "Real concern",
      col_false_alarm: "False alarm",
      col_not_reviewed: "Not reviewed",
      col_yes: "Check-in: yes",
      col_no: "Check-in: no",
      col_other: "Check-in: other",
      col_precision: "Precision",
      col_cue: "Cue",
      col_tier: "Tier",
      week_label: "Week {n}",
      week_from: "from {date}",
      this_week: "(this week)",
      total: "All {n} weeks",
      loading: "Loading\u2026",
      cues_heading: "By cue",
      cues_intro: "Which cues flag messages, and how often staff found them a false alarm: most false alarms first. \u201clearned\u201d is the learned screen.",
      cues_caption: "Flags by cue, last {n} weeks",
      no_cues: "No flags in these weeks.",
      pending_heading: "Flags not yet reviewed",
      pending_intro: "Newest first. Open the conversation to read the message, then say whether the flag was right. A flag you mark stays here until the page is reloaded.",
      pending_none: "Nothing is waiting for review.",
      pending_count: "{shown} of {total} not yet reviewed.",
      pending_count_all: "{total} not yet reviewed.",
      open: "Open the conversation",
      purged: "The conversation has been deleted under the retention rules.",
      export_heading: "Candidate examples for the safeguarding screen",
      export_intro: "Reviewed flags as labelled examples (real concern: risky; false alarm: benign) in the format of data/safeguarding/examples.yml. They are candidates only: a person must check and de-identify each one before adding any to that file. Nothing retrains by itself.",
      export_since: "Reviewed on or after (optional)",
      export_button: "Download candidate examples (YAML)",
      load_failed: "The figures could not be loaded (error {status}). Please reload the page.",
      not_allowed: "The safeguarding flags are for IAA staff and administrators.",
      loaded: "Safeguarding flags loaded."
    },
    cy: {
      page_title: "Fflagiau diogelu \u2013 Consol staff y drws ffrynt gofal a chymorth",
      switch_to: "English",
      switch_to_lang: "en",
      skip: "Neidio i'r prif gynnwys",
      service: "Drws ffrynt gofal a chymorth",
      console: "Consol staff",
      nav: "Tudalennau'r consol",
      signed_in_as: "Wedi mewngofnodi fel",
      sign_out: "Allgofnodi",
      title: "Fflagiau diogelu",
      intro: "Pam y gwnaeth y sgrinio diogelu fflagio negeseuon gan ddinasyddion, ac a oedd y staff yn cytuno. Cyfrifon a rhesymau yn unig: agorwch sgwrs i'w darllen.",
      weeks_heading: "Manwl gywirdeb fesul wythnos",
      weeks_intro: "Manwl gywirdeb yw pryderon go iawn \u00f7 (pryderon go iawn + larymau ffug), o'r fflagiau y mae staff wedi'u hadolygu. Mae fflagiau o sgyrsiau a ddilëwyd ers hynny dan y rheolau cadw yn dal i gyfrif.",
      weeks_caption: "Fflagiau fesul wythnos, y {n} wythnos diwethaf",
      col_week: "Wythnos",
      col_flags: "Fflagiau",
      col_urgent: "Brys",
      col_check: "Gofynnwyd cwestiwn gwirio",
      col_real: "Pryder go iawn",
      col_false_alarm: "Larwm ffug",
      col_not_reviewed: "Heb eu hadolygu",
      col_yes: "Gwirio: ie",
      col_no: "Gwirio: na",
      col_other: "Gwirio: arall",
      col_precision: "Manwl gywirdeb",
      col_cue: "Arwydd",
      col_tier: "Haen",
      week_label: "Wythnos {n}",
      week_from: "o {date}",
      this_week: "(yr wythnos hon)",
      total: "Y {n} wythnos i gyd",
      loading: "Wrthi'n llwytho\u2026",
      cues_heading: "Fesul arwydd",
      cues_intro: "Pa arwyddion sy'n fflagio negeseuon, a pha mor aml yr oedd staff yn eu hystyried yn larwm ffug: y mwyaf o larymau ffug yn gyntaf. Ystyr \u201clearned\u201d yw'r sgrinio dysgedig.",
      cues_caption: "Fflagiau fesul arwydd, y {n} wythnos diwethaf",
      no_cues: "Dim fflagiau yn yr wythnosau hyn.",
      pending_heading: "Fflagiau heb eu hadolygu eto",
      pending_intro: "Y mwyaf newydd yn gyntaf. Agorwch y sgwrs i ddarllen y neges, yna dywedwch a oedd y fflag yn gywir. Mae fflag rydych yn ei nodi yn aros yma nes i'r dudalen gael ei hail-lwytho.",
      pending_none: "Does dim byd yn aros i gael ei adolygu.",
      pending_count: "{shown} o {total} heb eu hadolygu eto.",
      pending_count_all: "{total} heb eu hadolygu eto.",
      open: "Agor y sgwrs",
      purged: "Mae'r sgwrs wedi'i dileu dan y rheolau cadw.",
      export_heading: "Enghreifftiau posibl ar gyfer y sgrinio diogelu",
      export_intro: "Fflagiau a adolygwyd fel enghreifftiau wedi'u labelu (pryder go iawn: risky; larwm ffug: benign) yn fformat data/safeguarding/examples.yml. Enghreifftiau posibl yn unig ydyn nhw: rhaid i berson wirio pob un a thynnu unrhyw fanylion adnabod cyn ychwanegu dim at y ffeil honno. Does dim byd yn ailhyfforddi ohono'i hun.",
      export_since: "Wedi'u hadolygu ar neu ar ôl (dewisol)",
      export_button: "Lawrlwytho enghreifftiau posibl (YAML)",
      load_failed: "Nid oedd modd llwytho'r ffigurau (gwall {status}). Ail-lwythwch y dudalen.",
      not_allowed: "Mae'r fflagiau diogelu ar gyfer staff IAA a gweinyddwyr.",
      loaded: "Mae'r fflagiau diogelu wedi'u llwytho."
    }
  };
  var t = C.strings(P);
  var FL = C.flags; // flags.js, loaded before this file

  function num(n) {
    return Number(n || 0).toLocaleString("en-GB"); // Welsh writes numbers the same way
  }

  // ---------------------------------------------------------------- language
  function applyLanguage() {
    document.documentElement.lang = C.lang;
    document.title = t("page_title");
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) {
      node.textContent = t(node.getAttribute("data-t"), { n: WEEKS });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-t-aria-label]"), function (node) {
      node.setAttribute("aria-label", t(node.getAttribute("data-t-aria-label")));
    });
    var toggle = C.$("lang-toggle");
    toggle.textContent = t("switch_to");
    toggle.setAttribute("lang", t("switch_to_lang")); // "Cymraeg" said in Welsh, "English" in English
  }

  // ---------------------------------------------------------------- start
  var S = { me: null, weeks: null, pending: null };

  function start() {
    applyLanguage();
    C.loadMe().then(function (me) {
      if (!me) return;
      S.me = me;
      C.setUpHeader(me);
      if (me.role !== "staff" && me.role !== "admin") {
        fail(t("not_allowed"));
        return;
      }
      C.$("export-section").hidden = me.role !== "admin";
      wire();
      Promise.all([loadWeeks(), loadPending()]).then(function () {
        C.$("page-status").textContent = t("loaded");
      });
    });
  }

  function wire() {
    C.$("lang-toggle").addEventListener("click", function () {
      C.setLang(t("switch_to_lang"));
      var url = new URL(location.href);
      url.searchParams.delete("lang");
      history.replaceState(null, "", url.pathname + url.search);
      applyLanguage();
      C.setUpHeader(S.me);
      drawWeeks();
      drawPending();
      C.$("lang-toggle").focus();
    });
    var since = C.$("export-since");
    since.max = C.isoDay(new Date());
    since.addEventListener("change", exportLink);
    exportLink();
  }

  function exportLink() {
    var since = C.$("export-since").value;
    C.$("export-link").setAttribute("href", "/console/api/safeguarding/export" + (since ? "?since=" + encodeURIComponent(since) : ""));
  }

  function fail(text) {
    var box = C.clear(C.$("page-error"));
    if (text) box.appendChild(el("p", null, [text]));
  }

  // ---------------------------------------------------------------- precision by week and cue
  function loadWeeks() {
    return C.get("/console/api/safeguarding/weeks?weeks=" + WEEKS).then(function (r) {
      if (r.redirecting) return;
      if (!r.ok || !r.data || !Array.isArray(r.data.weeks)) {
        fail(t("load_failed", { status: r.status }));
        return;
      }
      S.weeks = r.data;
      drawWeeks();
    });
  }

  function countCells(c) {
    var a = c.answers || {};
    return [c.flags, c.urgent, c.check, c.real, c.false_alarm, c.not_reviewed, a.yes, a.no, a.other].map(function (n) {
      return el("td", { className: "num" }, [num(n)]);
    }).concat([el("td", { className: "num" }, [FL.precision(c.precision)])]);
  }

  function drawWeeks() {
    if (!S.weeks) return;
    var body = C.clear(C.$("weeks-rows"));
    var weeks = S.weeks.weeks;
    weeks.forEach(function (w, i) {
      var head = el("th", { scope: "row", className: "week-cell" }, [
        t("week_label", { n: Number(String(w.week).split("-W")[1]) || w.week }),
        i === weeks.length - 1 ? " " + t("this_week") : null,
        el("span", { className: "sr-only" }, [", "]),
        el("span", { className: "week-cell__from" }, [t("week_from", { date: FL.day(w.starts) })])
      ]);
      body.appendChild(el("tr", { "data-week": w.week }, [head].concat(countCells(w))));
    });
    var foot = C.clear(C.$("weeks-total"));
    if (S.weeks.total) {
      foot.appendChild(el("tr", null, [el("th", { scope: "row" }, [t("total", { n: weeks.length })])].concat(countCells(S.weeks.total))));
    }
    drawCues();
  }

  function drawCues() {
    var body = C.clear(C.$("cues-rows"));
    var cues = S.weeks.cues || [];
    cues.forEach(function (c) {
      body.appendChild(
        el("tr", { "data-cue": c.cue, "data-tier": c.tier }, [
          el("th", { scope: "row" }, [el("code", { className: "code" }, [String(c.cue)])]),
          el("td", null, [FL.tier(c.tier)]),
          el("td", { className: "num" }, [num(c.flags)]),
          el("td", { className: "num" }, [num(c.real)]),
          el("td", { className: "num" }, [num(c.false_alarm)]),
          el("td", { className: "num" }, [num(c.not_reviewed)]),
          el("td", { className: "num" }, [FL.precision(c.precision)])
        ])
      );
    });
    if (!cues.length) body.appendChild(el("tr", null, [el("td", { colspan: "7" }, [t("no_cues")])]));
  }

  // ---------------------------------------------------------------- not yet reviewed
  function loadPending() {
    return C.get("/console/api/safeguarding/flags?reviewed=false&limit=" + LIMIT).then(function (r) {
      if (r.redirecting) return;
      if (!r.ok || !r.data || !Array.isArray(r.data.flags)) {
        fail(t("load_failed", { status: r.status }));
        return;
      }
      S.pending = r.data;
      drawPending();
    });
  }

  function drawPending() {
    if (!S.pending) return;
    // Keep keyboard focus on the same button when the list is drawn again (a language switch).
    var active = document.activeElement;
    var list = C.$("pending-list");
    var refocus = active && list.contains(active) && active.closest(".flag")
      ? [active.closest(".flag").getAttribute("data-flag-id"), active.getAttribute("data-review")]
      : null;
    C.clear(list);
    var flags = S.pending.flags;
    flags.forEach(function (f) {
      list.appendChild(pendingItem(f));
    });
    var count = C.$("pending-count");
    if (!flags.length) count.textContent = t("pending_none");
    else if (S.pending.total > flags.length) count.textContent = t("pending_count", { shown: num(flags.length), total: num(S.pending.total) });
    else count.textContent = t("pending_count_all", { total: num(S.pending.total) });
    if (refocus) {
      var again = list.querySelector('.flag[data-flag-id="' + refocus[0] + '"] [data-review="' + refocus[1] + '"]');
      if (again) again.focus();
    }
  }

  function pendingItem(f) {
    var node = FL.render(f, {
      idPrefix: "pending-flag-",
      onSaved: function (saved, words) {
        S.pending.flags.forEach(function (p, i) {
          if (p.id === saved.id) S.pending.flags[i] = saved;
        });
        C.$("page-status").textContent = words;
        loadWeeks(); // the counts have changed
      },
      onError: fail
    });
    var meta = el("p", { className: "flag-item__meta" }, [
      f.at ? el("time", { datetime: String(f.at) }, [FL.when(f.at)]) : null,
      " \u00b7 ",
      FL.channel(f.channel),
      " \u00b7 ",
      FL.language(f.language)
    ]);
    var where = f.conversation_id
      ? el("p", null, [
          el("a", { href: "/console#conversation=" + encodeURIComponent(f.conversation_id), "aria-describedby": "pending-flag-" + f.id + "-title" }, [t("open")])
        ])
      : el("p", { className: "muted" }, [t("purged")]);
    return el("li", { className: "flag-item", "data-flag-id": f.id }, [meta, node, where]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

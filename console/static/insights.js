/* Planners' insights: a date range or a period (financial year, quarter, month); the figures
   (GET /console/api/stats), trends drawn on the server as SVG with their data tables beside them
   (/console/api/stats/trend and trend.svg), cross-tabulations (/console/api/stats/table), a table
   per dimension, and the exports. Counts only, never transcripts. */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;

  var SECTIONS = [
    { key: "by_outcome", title: "Outcomes recorded by the front door", col: "Outcome", kind: "outcome" },
    { key: "by_staff_outcome", title: "Outcomes recorded by staff", col: "Outcome", kind: "outcome", optional: true },
    { key: "by_topic", title: "Topics", col: "Topic", kind: "topic" },
    { key: "by_theme", title: "Themes", col: "Theme", kind: "theme" },
    { key: "by_channel", title: "Channels", col: "Channel", kind: "channel" },
    { key: "by_language", title: "Languages answered in", col: "Language", kind: "language" },
    { key: "by_language_requested", title: "Languages asked for", col: "Language", kind: "language" },
    { key: "by_enquirer", title: "Who got in touch", col: "Enquirer", kind: "enquirer", optional: true },
    { key: "unmet_need_by_theme", title: "Unmet need: no service fitted, by theme", col: "Theme", kind: "theme", optional: true },
    { key: "unmet_need_by_area", title: "Unmet need: no service fitted, by area asked about", col: "Area", kind: "area", optional: true },
    { key: "unmet_need_by_language", title: "Unmet need: no service fitted, by language asked for", col: "Language", kind: "language", optional: true },
    { key: "by_handoff_reason", title: "Handoffs to staff, by reason", col: "Reason", kind: "reason", optional: true },
    { key: "within_standard", title: "Handoffs answered within three working days", col: "Within the standard", kind: "yesno", optional: true },
    { key: "by_service", title: "Services offered, by kind", col: "Kind of service", kind: "service", optional: true },
    { key: "feedback", title: "Measure 7: did you get the right information or advice when you needed it?", col: "Answer", kind: "feedback" },
    { key: "contacted_before", title: "Measure 23: contacted us about this before in the last year?", col: "Answer", kind: "yesno", optional: true }
  ];

  var CROSS = [
    { rows: "theme", columns: "outcome", title: "Theme by outcome" },
    { rows: "theme", columns: "channel", title: "Theme by channel" },
    { rows: "language_requested", columns: "language_delivered", title: "Welsh asked for (rows) against Welsh given (columns)", kind: "language" }
  ];

  var TRENDS = [
    { by: "month", title: "Enquiries by month" },
    { by: "week", split: "handoff_reason", title: "Handoffs and safeguarding by week", kind: "reason" }
  ];

  function periodOptions() {
    var select = C.$("period");
    var today = new Date();
    var fyStart = today.getMonth() >= 3 ? today.getFullYear() : today.getFullYear() - 1;
    [fyStart, fyStart - 1].forEach(function (y) {
      var fy = y + "-" + String((y + 1) % 100).padStart(2, "0");
      select.appendChild(el("option", { value: fy }, ["Financial year " + fy]));
      for (var q = 1; q <= 4; q++) select.appendChild(el("option", { value: fy + "-Q" + q }, [fy + " quarter " + q]));
    });
    for (var m = 0; m < 12; m++) {
      var d = new Date(today.getFullYear(), today.getMonth() - m, 1);
      var v = d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0");
      select.appendChild(el("option", { value: v }, [d.toLocaleDateString("en-GB", { month: "long", year: "numeric" })]));
    }
  }

  function start() {
    var form = C.$("range-form");
    var from = C.$("from");
    var to = C.$("to");
    var query = new URLSearchParams(location.search);
    var valid = /^\d{4}-\d{2}-\d{2}$/;
    if (valid.test(query.get("from") || "") && valid.test(query.get("to") || "")) {
      from.value = query.get("from");
      to.value = query.get("to");
    } else setRange("30");
    to.max = C.isoDay(new Date());

    C.loadMe().then(function (me) {
      if (!me) return;
      C.setUpHeader(me);
      if (me.role !== "planner" && me.role !== "admin") {
        fail("Insights are for planners and administrators.", null);
        return;
      }
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        load(true);
      });
      Array.prototype.forEach.call(document.querySelectorAll("[data-range]"), function (b) {
        b.addEventListener("click", function () {
          setRange(b.getAttribute("data-range"));
          load(true);
        });
      });
      periodOptions();
      C.$("period").addEventListener("change", function () {
        if (C.$("period").value) load(true, C.$("period").value);
      });
      load(false);
    });
  }

  function setRange(kind) {
    var today = new Date();
    var start = new Date(today);
    if (kind === "7") start.setDate(today.getDate() - 6);
    else if (kind === "30") start.setDate(today.getDate() - 29);
    else if (kind === "month") start = new Date(today.getFullYear(), today.getMonth(), 1);
    else if (kind === "fy") {
      // Welsh local government financial year: 1 April to 31 March.
      var year = today.getMonth() >= 3 ? today.getFullYear() : today.getFullYear() - 1;
      start = new Date(year, 3, 1);
    }
    C.$("from").value = C.isoDay(start);
    C.$("to").value = C.isoDay(today);
  }

  function fail(text, field) {
    var box = C.clear(C.$("range-error"));
    box.appendChild(el("p", null, [text]));
    ["from", "to"].forEach(function (id) {
      C.$(id).removeAttribute("aria-invalid");
    });
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  function load(userAsked, period) {
    var from = C.$("from");
    var to = C.$("to");
    var qs;
    if (period) {
      qs = "period=" + encodeURIComponent(period);
    } else {
      C.$("period").value = "";
      if (!from.value) return fail("Enter the first day of the range.", from);
      if (!to.value) return fail("Enter the last day of the range.", to);
      if (from.value > to.value) return fail("The first day must be on or before the last day.", from);
      qs = "from=" + encodeURIComponent(from.value) + "&to=" + encodeURIComponent(to.value);
    }
    C.clear(C.$("range-error"));
    from.removeAttribute("aria-invalid");
    to.removeAttribute("aria-invalid");
    C.$("stats-status").textContent = "Loading\u2026";
    C.get("/console/api/stats?" + qs).then(function (r) {
      if (r.redirecting) return;
      if (!r.ok || !r.data) {
        C.$("stats-status").textContent = "";
        return fail(C.detail(r.data, "The counts could not be loaded (error " + r.status + ")."), null);
      }
      history.replaceState(null, "", location.pathname + "?" + qs);
      draw(r.data, r.data.from, r.data.to);
      drawExtras(qs, r.data);
      C.$("stats-status").textContent = "Showing " + C.number(r.data.total) + " enquiries.";
      if (userAsked) C.$("stats-heading").focus();
    });
  }

  function rangeText(from, to) {
    var a = C.formatDate(from + "T12:00:00");
    var b = C.formatDate(to + "T12:00:00");
    return from === to ? a : a + " to " + b;
  }

  function draw(data, from, to) {
    C.$("stats").hidden = false;
    var range = rangeText(from, to);
    C.$("stats-heading").textContent = "Results for " + range;
    var total = Number(data.total) || 0;
    var totalP = C.clear(C.$("stats-total"));
    totalP.appendChild(el("strong", null, [C.number(total)]));
    totalP.appendChild(document.createTextNode(total === 1 ? " enquiry" : " enquiries"));
    var welsh = Number(data.welsh_asked_not_given) || 0;
    totalP.appendChild(document.createTextNode(
      "; asked for in Welsh and not answered wholly in Welsh: " + C.number(welsh) + "."));
    var box = C.clear(C.$("stats-tables"));
    SECTIONS.forEach(function (section) {
      var counts = data[section.key];
      if (section.optional && !(counts && typeof counts === "object")) return;
      if (!counts || typeof counts !== "object") counts = {};
      box.appendChild(table(section, counts, section.key === "feedback" ? null : total));
    });
  }

  function drawExtras(qs, data) {
    var exports = C.clear(C.$("stats-exports"));
    var fy = /^\d{4}-\d{2}$/.test(data.period) ? data.period : null;
    var links = [];
    if (fy) links.push(["/console/api/stats/export?kind=return&format=csv&financial_year=" + fy,
                        "Download the " + fy + " return by core theme (CSV, small numbers suppressed)"]);
    links.push(["/console/api/stats/export?kind=flexible&format=csv&dims=theme,topic,outcome&" + qs,
                "Download theme, topic and outcome for this period (CSV, small numbers suppressed)"]);
    links.forEach(function (l, i) {
      if (i) exports.appendChild(document.createTextNode(" · "));
      exports.appendChild(el("a", { href: l[0], download: "" }, [l[1]]));
    });
    var trends = C.clear(C.$("stats-trends"));
    TRENDS.forEach(function (t) {
      var tq = qs + "&by=" + t.by + (t.split ? "&split=" + t.split : "");
      var figure = el("figure", { className: "chart" }, [
        el("img", { src: "/console/api/stats/trend.svg?" + tq + "&title=" + encodeURIComponent(t.title),
                    alt: t.title + ": the same figures are in the table that follows." }),
        el("figcaption", null, [t.title])
      ]);
      trends.appendChild(figure);
      C.get("/console/api/stats/trend?" + tq).then(function (r) {
        if (!r.ok || !r.data) return;
        var names = Object.keys(r.data.series);
        var head = [el("th", { scope: "col" }, [t.by === "week" ? "Week beginning" : "Period"])].concat(
          names.map(function (n) { return el("th", { scope: "col", className: "num" }, [t.split ? C.label(t.kind, n) : "Enquiries"]); }));
        var body = el("tbody", null, r.data.points.map(function (p, i) {
          return el("tr", null, [el("th", { scope: "row" }, [p])].concat(names.map(function (n) {
            return el("td", { className: "num" }, [C.number(r.data.series[n][i])]);
          })));
        }));
        figure.appendChild(el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": t.title + " (data)" }, [el("table", { className: "data-table" }, [
          el("caption", null, [t.title + " (data)"]), el("thead", null, [el("tr", null, head)]), body])]));
      });
    });
    var cross = C.clear(C.$("stats-cross"));
    CROSS.forEach(function (x) {
      // a wide table scrolls sideways: a labelled region that takes focus, so keyboards can scroll it
      var holder = el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": x.title });
      cross.appendChild(holder);
      C.get("/console/api/stats/table?rows=" + x.rows + "&columns=" + x.columns + "&" + qs).then(function (r) {
        if (!r.ok || !r.data) return;
        var d = r.data;
        var head = [el("th", { scope: "col" }, [C.humanize(x.rows)])].concat(d.columns.map(function (c) {
          return el("th", { scope: "col", className: "num" }, [C.label(x.kind || x.columns, c)]);
        }), [el("th", { scope: "col", className: "num" }, ["Total"])]);
        var rows = d.rows.map(function (row, i) {
          return el("tr", null, [el("th", { scope: "row" }, [C.label(x.kind || x.rows, row)])].concat(
            d.cells[i].map(function (n) { return el("td", { className: "num" }, [C.number(n)]); }),
            [el("td", { className: "num" }, [C.number(d.row_totals[i])])]));
        });
        rows.push(el("tr", null, [el("th", { scope: "row" }, ["Total"])].concat(
          d.column_totals.map(function (n) { return el("td", { className: "num" }, [C.number(n)]); }),
          [el("td", { className: "num" }, [C.number(d.total)])])));
        holder.appendChild(el("table", { className: "data-table" }, [
          el("caption", null, [x.title]), el("thead", null, [el("tr", null, head)]), el("tbody", null, rows)]));
      });
    });
  }

  /* A bar for sighted readers (width set through the CSSOM, which a strict CSP allows). */
  function bar(rem) {
    var span = el("span", { className: "bar", "aria-hidden": "true" });
    span.style.width = rem + "rem";
    return span;
  }

  function table(section, counts, total) {
    var rows = Object.keys(counts)
      .map(function (code) {
        return { code: code, n: Number(counts[code]) || 0 };
      })
      .sort(function (a, b) {
        return b.n - a.n || a.code.localeCompare(b.code);
      });
    var sum = rows.reduce(function (s, r) {
      return s + r.n;
    }, 0);
    var base = total === null ? sum : total;
    var max = rows.reduce(function (m, r) {
      return Math.max(m, r.n);
    }, 0);
    var body = el("tbody");
    rows.forEach(function (r) {
      var share = base ? Math.round((r.n / base) * 1000) / 10 : 0;
      body.appendChild(
        el("tr", null, [
          el("th", { scope: "row" }, [C.label(section.kind, r.code)]),
          el("td", { className: "num" }, [C.number(r.n)]),
          el("td", { className: "num" }, [
            share.toLocaleString("en-GB") + "%",
            bar(max ? Math.max(0.2, Math.round((r.n / max) * 50) / 10) : 0)
          ])
        ])
      );
    });
    if (!rows.length) body.appendChild(el("tr", null, [el("td", { colspan: "3" }, ["None in this range."])]));
    return el("div", { className: "table-wrap" }, [
      el("table", { className: "data-table" }, [
        el("caption", null, [section.title]),
        el("thead", null, [
          el("tr", null, [
            el("th", { scope: "col" }, [section.col]),
            el("th", { scope: "col", className: "num" }, ["Count"]),
            el("th", { scope: "col", className: "num" }, ["Share"])
          ])
        ]),
        body
      ])
    ]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

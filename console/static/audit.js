/* Audit log (admin): GET /console/api/audit?limit=&offset= shown as a table, page by page. */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var el = C.el;

  var state = { limit: 100, offset: 0, total: 0, loading: false };

  function start() {
    var query = new URLSearchParams(location.search);
    var limit = parseInt(query.get("limit"), 10);
    var offset = parseInt(query.get("offset"), 10);
    if ([50, 100, 200].indexOf(limit) >= 0) state.limit = limit;
    if (offset > 0) state.offset = offset;
    C.$("page-size").value = String(state.limit);

    C.loadMe().then(function (me) {
      if (!me) return;
      C.setUpHeader(me);
      if (me.role !== "admin") {
        fail("The audit log is for administrators. You are signed in as " + C.label("role", me.role).toLowerCase() + ".");
        return;
      }
      wire();
      load(false);
    });
  }

  function fail(text) {
    var box = C.clear(C.$("audit-error"));
    box.appendChild(el("p", null, [text]));
  }

  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll(".js-prev"), function (b) {
      b.addEventListener("click", function () {
        if (state.offset <= 0 || state.loading) return;
        state.offset = Math.max(0, state.offset - state.limit);
        load(true);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".js-next"), function (b) {
      b.addEventListener("click", function () {
        if (state.offset + state.limit >= state.total || state.loading) return;
        state.offset += state.limit;
        load(true);
      });
    });
    C.$("page-size").addEventListener("change", function () {
      state.limit = parseInt(this.value, 10) || 100;
      state.offset = 0;
      load(true);
    });
  }

  function load(announce) {
    state.loading = true;
    C.get("/console/api/audit?limit=" + state.limit + "&offset=" + state.offset).then(function (r) {
      state.loading = false;
      if (r.redirecting) return;
      if (!r.ok || !r.data || !Array.isArray(r.data.entries)) {
        fail(C.detail(r.data, "The audit log could not be loaded (error " + r.status + ")."));
        return;
      }
      C.clear(C.$("audit-error"));
      state.total = typeof r.data.total === "number" ? r.data.total : r.data.entries.length;
      draw(r.data.entries);
      var url = new URL(location.href);
      url.searchParams.set("limit", state.limit);
      url.searchParams.set("offset", state.offset);
      history.replaceState(null, "", url.pathname + url.search);
      if (announce) C.$("audit-status").textContent = C.$("audit-caption").textContent;
    });
  }

  function detailText(d) {
    if (d === null || d === undefined) return "";
    if (typeof d === "string") return d;
    try {
      return JSON.stringify(d);
    } catch (e) {
      return String(d);
    }
  }

  function draw(entries) {
    C.$("audit-content").hidden = false;
    var body = C.clear(C.$("audit-rows"));
    entries.forEach(function (e) {
      var conv = e.conversation_id
        ? el("a", { href: "/console#conversation=" + encodeURIComponent(e.conversation_id), className: "code" }, [
            String(e.conversation_id)
          ])
        : el("span", { className: "muted" }, ["\u2013"]);
      body.appendChild(
        el("tr", null, [
          el("td", null, [el("time", { datetime: String(e.at || "") }, [C.formatDateTime(e.at)])]),
          el("td", null, [String(e.user || "")]),
          el("td", null, [C.humanize(e.action)]),
          el("td", null, [conv]),
          el("td", null, [detailText(e.detail)])
        ])
      );
    });
    if (!entries.length) {
      body.appendChild(el("tr", null, [el("td", { colspan: "5" }, ["No entries."])]));
    }
    var first = entries.length ? state.offset + 1 : 0;
    var last = state.offset + entries.length;
    var info = entries.length
      ? "Entries " + C.number(first) + " to " + C.number(last) + " of " + C.number(state.total)
      : "No entries";
    C.$("audit-caption").textContent = "Audit log: " + info.charAt(0).toLowerCase() + info.slice(1);
    Array.prototype.forEach.call(document.querySelectorAll(".js-info"), function (p) {
      p.textContent = info;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".js-prev"), function (b) {
      // aria-disabled, not hidden or disabled: a keyboard user on the button keeps their place.
      if (state.offset <= 0) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    });
    Array.prototype.forEach.call(document.querySelectorAll(".js-next"), function (b) {
      if (last >= state.total) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

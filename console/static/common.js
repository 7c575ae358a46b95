/*
 * Shared helpers for the staff console, audit and insights pages (no framework, no build).
 *
 * - `IAAConsole.api(method, path, body)`: JSON requests to the console API with the session
 *   cookie and, on every POST, the X-CSRF-Token header from /console/api/me or the login reply.
 * - `IAAConsole.el(tag, attrs, children)`: DOM building. Server text only ever goes into the page
 *   as text nodes / textContent, never as HTML.
 * - Labels for the codes the API uses, and date and duration formatting (en-GB, local time).
 */
(function () {
  "use strict";

  var C = (window.IAAConsole = window.IAAConsole || {});
  var LOGIN = "/console/login";

  C.csrf = null;
  C.me = null;

  // ---------------------------------------------------------------- DOM
  C.el = function el(tag, attrs, children) {
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
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return node;
  };

  C.clear = function (node) {
    while (node && node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  C.$ = function (id) {
    return document.getElementById(id);
  };

  // ---------------------------------------------------------------- API
  function parse(res) {
    if (res.status === 204) return Promise.resolve(null);
    return res.text().then(function (body) {
      if (!body) return null;
      try {
        return JSON.parse(body);
      } catch (e) {
        return null;
      }
    });
  }

  /* The `detail` of an error reply as one plain sentence (it may be a string, or a list of
     {field, problem} from a 422). */
  C.detail = function (data, fallback) {
    var d = data && data.detail;
    if (typeof d === "string" && d.trim()) return d.trim();
    if (Array.isArray(d) && d.length) {
      return d
        .map(function (p) {
          if (p && typeof p === "object") return [p.field, p.problem || p.msg].filter(Boolean).join(": ");
          return String(p);
        })
        .join("; ");
    }
    return fallback || "Something went wrong. Please try again.";
  };

  C.goToLogin = function (reason) {
    var url = LOGIN + (reason ? "?" + reason + "=1" : "");
    if (location.pathname !== LOGIN) location.assign(url);
  };

  /* Resolves {ok, status, data, network?}. Never rejects. A 401 sends the browser to the
     sign-in page unless opts.noRedirect. A 403 for a stale CSRF token refreshes the token once
     and tries again. */
  C.api = function api(method, path, body, opts) {
    opts = opts || {};
    var headers = { Accept: "application/json" };
    var init = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (method !== "GET" && method !== "HEAD" && C.csrf) headers["X-CSRF-Token"] = C.csrf;
    return fetch(path, init)
      .then(
        function (res) {
          return parse(res).then(function (data) {
            return { ok: res.ok, status: res.status, data: data };
          });
        },
        function () {
          return { ok: false, status: 0, data: null, network: true };
        }
      )
      .then(function (r) {
        if (r.status === 401 && !opts.noRedirect) {
          C.goToLogin("expired");
          r.redirecting = true;
          return r;
        }
        var csrfProblem = r.status === 403 && /csrf/i.test(C.detail(r.data, ""));
        if (csrfProblem && !opts.retried && method !== "GET") {
          return C.loadMe({ noRedirect: opts.noRedirect }).then(function (me) {
            if (!me) return r;
            return api(method, path, body, { noRedirect: opts.noRedirect, retried: true });
          });
        }
        return r;
      });
  };

  C.get = function (path, opts) {
    return C.api("GET", path, null, opts);
  };

  C.post = function (path, body, opts) {
    return C.api("POST", path, body === undefined ? null : body, opts);
  };

  /* Who is signed in, and the CSRF token. Resolves the user, or null (after starting the
     redirect to the sign-in page on a 401). */
  C.loadMe = function (opts) {
    return C.get("/console/api/me", opts).then(function (r) {
      if (r.ok && r.data && r.data.user) {
        C.me = r.data.user;
        if (r.data.csrf_token) C.csrf = r.data.csrf_token;
        return C.me;
      }
      return null;
    });
  };

  C.signOut = function () {
    return C.post("/console/api/logout", null, { noRedirect: true }).then(function () {
      try {
        sessionStorage.removeItem("iaa-console:selected");
      } catch (e) {
        /* ignore */
      }
      location.assign(LOGIN + "?signed_out=1");
    });
  };

  C.homeFor = function (role) {
    return role === "planner" ? "/insights" : "/console";
  };

  // ---------------------------------------------------------------- language
  /* The language staff chose for the pages that have Welsh (the safeguarding flags page and the
     flag badges so far): ?lang=cy or en, else the last choice, else English. */
  var LANG_KEY = "iaa-console:lang";

  function normLang(v) {
    v = String(v || "").toLowerCase();
    if (v.indexOf("cy") === 0) return "cy";
    if (v.indexOf("en") === 0) return "en";
    return null;
  }

  C.lang = (function () {
    var asked = normLang(new URLSearchParams(location.search).get("lang"));
    try {
      if (asked) localStorage.setItem(LANG_KEY, asked);
      return asked || normLang(localStorage.getItem(LANG_KEY)) || "en";
    } catch (e) {
      return asked || "en";
    }
  })();

  C.setLang = function (lang) {
    C.lang = normLang(lang) || "en";
    try {
      localStorage.setItem(LANG_KEY, C.lang);
    } catch (e) {
      /* the choice lasts for this page only */
    }
  };

  /* A strings function over {en: {...}, cy: {...}}: English when the Welsh is missing, and
     "{name}" filled from `values`. */
  C.strings = function (table) {
    return function (key, values) {
      var s = (table[C.lang] && table[C.lang][key]) || table.en[key] || key;
      return !values ? s : s.replace(/\{(\w+)\}/g, function (_, k) {
        return values[k] === undefined || values[k] === null ? "" : String(values[k]);
      });
    };
  };

  // ---------------------------------------------------------------- console strings
  /* The console's own English and Welsh text is in console-strings.json ({en: {...}, cy: {...}},
     every key in both: tests/console/test_console_strings.py). `C.loadStrings()` fetches it once
     (a file of this origin: the CSP allows it, and no script is inline); `C.t(key, values)` gives
     the string in the chosen language, "{name}" filled from `values`. Until it has arrived, or
     if it cannot be loaded, the pages keep the English written in their HTML and t() gives the
     `fallback`, else the key. */
  C.STR = null;
  var stringsPromise = null;

  C.loadStrings = function () {
    if (!stringsPromise) {
      stringsPromise = fetch("/console/static/console-strings.json", { credentials: "same-origin" })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(
          function (data) {
            if (data && data.en) C.STR = data;
            return C.STR;
          },
          function () {
            return null;
          }
        );
    }
    return stringsPromise;
  };

  function fill(s, values) {
    return !values ? s : String(s).replace(/\{(\w+)\}/g, function (_, k) {
      return values[k] === undefined || values[k] === null ? "" : String(values[k]);
    });
  }

  C.has = function (key) {
    return !!(C.STR && ((C.STR[C.lang] && key in C.STR[C.lang]) || key in C.STR.en));
  };

  C.t = function (key, values, fallback) {
    var s = null;
    if (C.STR) s = (C.STR[C.lang] && C.STR[C.lang][key]) || C.STR.en[key] || null;
    if (s === null) s = fallback === undefined ? key : fallback;
    return fill(s, values);
  };

  /* Puts the chosen language into the page's fixed text: an element with data-i18n="key" gets
     its text, data-i18n-attr="attribute:key;..." its attributes; <html lang> follows. */
  C.applyStrings = function (root) {
    root = root || document;
    document.documentElement.lang = C.lang;
    if (!C.STR) return;
    Array.prototype.forEach.call(root.querySelectorAll("[data-i18n]"), function (node) {
      var key = node.getAttribute("data-i18n");
      if (C.has(key)) node.textContent = C.t(key);
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-i18n-attr]"), function (node) {
      node.getAttribute("data-i18n-attr").split(";").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts.length === 2 && C.has(parts[1].trim())) node.setAttribute(parts[0].trim(), C.t(parts[1].trim()));
      });
    });
  };

  /* The English / Cymraeg button (id "lang-switch" in the page): it names the other language, in
     that language; pressing it switches the page at once (`onSwitch` redraws what scripts drew)
     and remembers the choice in this browser. */
  C.setUpLanguageSwitch = function (onSwitch) {
    var button = C.$("lang-switch");
    if (!button) return;
    function draw() {
      button.textContent = C.t("lang.switchTo", null, C.lang === "cy" ? "English" : "Cymraeg");
      button.setAttribute("lang", C.lang === "cy" ? "en" : "cy");
      button.hidden = !C.STR;
    }
    draw();
    if (button.__wired) return;
    button.__wired = true;
    button.addEventListener("click", function () {
      C.setLang(C.t("lang.switchToLang", null, C.lang === "cy" ? "en" : "cy"));
      C.applyStrings(document);
      draw();
      if (onSwitch) onSwitch(C.lang);
      var said = C.$("lang-announce");
      if (said) said.textContent = C.t("lang.switched");
      button.focus();
    });
  };

  /* A lang attribute for text in the chosen language, where the page around it is in another. */
  C.langAttr = function () {
    return C.lang !== (document.documentElement.lang || "en") ? C.lang : null;
  };

  // ---------------------------------------------------------------- page header
  var NAV = [
    { href: "/console", text: "Queue", cy: "Ciw", roles: ["staff", "admin"] },
    { href: "/console/safeguarding", text: "Safeguarding flags", cy: "Fflagiau diogelu", roles: ["staff", "admin"] },
    { href: "/console/audit", text: "Audit log", cy: "Log archwilio", roles: ["admin"] },
    { href: "/insights", text: "Insights", cy: "Mewnwelediadau", roles: ["planner", "admin"] }
  ];

  /* Fills the shared header: navigation for the user's role, their name, the Sign out button. */
  C.setUpHeader = function (me) {
    var name = C.$("user-name");
    if (name) name.textContent = me.name || me.username;
    var role = C.$("user-role");
    if (role) role.textContent = C.label("role", me.role);
    var nav = C.$("site-nav-list");
    if (nav) {
      C.clear(nav);
      NAV.forEach(function (item) {
        if (item.roles.indexOf(me.role) < 0) return;
        var current = location.pathname.replace(/\/$/, "") === item.href;
        nav.appendChild(
          C.el("li", null, [
            C.el("a", { href: item.href, "aria-current": current ? "page" : null, lang: C.langAttr() }, [
              C.lang === "cy" ? item.cy : item.text
            ])
          ])
        );
      });
      var navEl = nav.closest("nav");
      if (navEl) navEl.hidden = nav.children.length < 2;
    }
    var out = C.$("sign-out");
    if (out && !out.__wired) {
      out.__wired = true;
      out.addEventListener("click", function () {
        out.disabled = true;
        out.textContent = C.t("signingOut", null, C.lang === "cy" ? "Wrthi'n allgofnodi\u2026" : "Signing out\u2026");
        C.signOut();
      });
    }
  };

  // ---------------------------------------------------------------- labels
  var LABELS = {
    role: { staff: "IAA staff", admin: "Administrator", planner: "Planner" },
    reason: {
      safeguarding: "Safeguarding",
      advice: "Needs advice",
      assistance: "Needs assistance",
      requested: "Asked for a person",
      fallback: "Assistant could not help"
    },
    language: { en: "English", cy: "Cymraeg / Welsh" },
    channel: { web: "Web chat", sms: "Text message (SMS)" },
    status: {
      waiting: "Waiting for staff",
      with_staff: "With staff",
      bot: "With the assistant",
      closed: "Closed"
    },
    priority: { urgent: "Urgent", normal: "Normal" },
    outcome: {
      information: "Information",
      advice: "Advice",
      assistance: "Assistance",
      safeguarding_referral: "Safeguarding referral",
      no_further_action: "No further action",
      information_given: "Information given",
      signposted: "Signposted",
      no_service_found: "No service found",
      handoff_requested: "Handed to staff (asked for a person)",
      handoff_assistance: "Handed to staff (assistance)",
      handoff_advice: "Handed to staff (advice)",
      safeguarding_handoff: "Handed to staff (safeguarding)",
      unresolved: "Unresolved"
    },
    theme: {
      children_young_people: "Children and young people",
      older_people: "Older people",
      health_physical_disability: "Health or physical disability",
      learning_disability_autism: "Learning disability or autism",
      mental_health: "Mental health",
      sensory_impairment: "Sensory impairment",
      carers: "Carers",
      vawdasv: "Violence against women, domestic abuse and sexual violence",
      secure_estate: "Secure estate",
      not_stated: "Not stated",
      other: "Other"
    },
    topic: {
      how_care_works: "How care and support works",
      assessment: "Assessment",
      raising_concern: "Raising a concern",
      charges_finance: "Charges and finance",
      direct_payments: "Direct payments",
      carer_support: "Support for carers",
      advocacy: "Advocacy",
      complaints: "Complaints",
      not_stated: "Not stated",
      other: "Other"
    },
    enquirer: {
      self: "The person themselves",
      family_friend: "Family member or friend",
      carer: "Carer",
      professional: "Professional",
      not_stated: "Not stated"
    },
    feedback: { yes: "Yes", partly: "Partly", no: "No" },
    yesno: { yes: "Yes", no: "No" }
  };

  /* "older_people" -> "Older people" for codes without a label. */
  C.humanize = function (code) {
    var s = String(code === null || code === undefined ? "" : code).replace(/[_-]+/g, " ").trim();
    if (!s) return C.t("label.notStated", null, "Not stated");
    return s.charAt(0).toUpperCase() + s.slice(1);
  };

  /* A code's label: from console-strings.json ("label.<kind>.<code>") on pages that load it,
     in the chosen language; else the English above. */
  C.label = function (kind, code) {
    var table = LABELS[kind] || {};
    if (code === null || code === undefined || code === "") return C.t("label.notStated", null, "Not stated");
    if (C.has("label." + kind + "." + code)) return C.t("label." + kind + "." + code);
    return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : C.humanize(code);
  };

  C.OUTCOMES = ["information", "advice", "assistance", "safeguarding_referral", "no_further_action"];

  // ---------------------------------------------------------------- time
  /* Welsh dates where the page is in Welsh (and its strings have loaded). */
  function locale() {
    return C.lang === "cy" && C.STR ? "cy-GB" : "en-GB";
  }

  function toDate(v) {
    if (!v) return null;
    var d = v instanceof Date ? v : new Date(v);
    return isNaN(d.getTime()) ? null : d;
  }
  C.toDate = toDate;

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  /* "14:05" today, "Tue 25 Nov, 14:05" otherwise (local time). */
  C.formatTime = function (v) {
    var d = toDate(v);
    if (!d) return "";
    var time = d.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
    if (sameDay(d, new Date())) return time;
    return d.toLocaleDateString(locale(), { weekday: "short", day: "numeric", month: "short" }) + ", " + time;
  };

  C.formatDateTime = function (v) {
    var d = toDate(v);
    if (!d) return "";
    return (
      d.toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric" }) +
      ", " +
      d.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    );
  };

  C.formatDate = function (v) {
    var d = toDate(v);
    if (!d) return "";
    return d.toLocaleDateString(locale(), { weekday: "short", day: "numeric", month: "short", year: "numeric" });
  };

  /* A short duration: "under 1 min", "4 min", "2 h 5 min", "3 days". */
  C.formatDuration = function (ms) {
    if (!(ms >= 0)) ms = 0;
    var min = Math.floor(ms / 60000);
    function m(n) {
      return C.t("dur.min", { n: n }, n + " min");
    }
    function hours(n) {
      return C.t("dur.h", { n: n }, n + " h");
    }
    if (min < 1) return C.t("dur.under1", null, "under 1 min");
    if (min < 60) return m(min);
    var h = Math.floor(min / 60);
    if (h < 24) return hours(h) + (min % 60 ? " " + m(min % 60) : "");
    var days = Math.floor(h / 24);
    return (days === 1 ? C.t("dur.day", null, "1 day") : C.t("dur.days", { n: days }, days + " days")) +
      (h % 24 ? " " + hours(h % 24) : "");
  };

  C.since = function (v) {
    var d = toDate(v);
    return d ? C.formatDuration(Date.now() - d.getTime()) : "";
  };

  /* YYYY-MM-DD of a local date. */
  C.isoDay = function (d) {
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  };

  C.number = function (n) {
    return Number(n || 0).toLocaleString("en-GB");
  };
})();

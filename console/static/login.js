/* Sign-in page: posts {username, password} as JSON to /console/api/login, shows the `detail`
   of a 401 (one refusal for every reason: the server never says which) or a 429 in the alert
   region, and on success goes to the console or, for planners, to the insights page. In English
   or Welsh (the switch in the header; console-strings.json): the English in login.html shows
   until the strings arrive, and stays if they cannot. */
(function () {
  "use strict";
  var C = window.IAAConsole;
  var t = C.t;

  function start() {
    C.applyStrings(document); // <html lang> at once; the text once the strings have arrived
    C.loadStrings().then(function () {
      C.applyStrings(document);
      C.setUpLanguageSwitch(drawNotice);
      drawNotice();
    });

    var form = C.$("login-form");
    var user = C.$("username");
    var pass = C.$("password");
    var show = C.$("show-password");
    var button = C.$("sign-in");
    var error = C.$("login-error");
    var notice = C.$("login-notice");
    var busy = false;

    var query = new URLSearchParams(location.search);
    var lastError = null; // [key, values, field] of the message shown, to say it again in another language

    function drawNotice() {
      if (query.has("signed_out")) notice.textContent = t("login.signedOut", null, "You have signed out.");
      else if (query.has("expired")) notice.textContent = t("login.expired", null, "Your session has ended. Please sign in again.");
      if (lastError) fail(lastError[0], lastError[1], lastError[2], lastError[3], true);
      if (!busy) button.textContent = t("login.button", null, "Sign in");
    }
    drawNotice();

    show.addEventListener("change", function () {
      pass.type = show.checked ? "text" : "password";
    });

    /* Shows the string `key` (English `fallback` without the strings file); `redraw`: the
       language changed, so the same message again without moving focus. */
    function fail(key, values, fallback, field, redraw) {
      lastError = [key, values, fallback, field];
      error.textContent = "";
      // A fresh text node each time, so the same message is announced again.
      error.appendChild(C.el("p", null, [t(key, values, fallback)]));
      [user, pass].forEach(function (f) {
        f.removeAttribute("aria-invalid");
      });
      if (field) {
        field.setAttribute("aria-invalid", "true");
        if (!redraw) field.focus();
      }
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (busy) return;
      var username = user.value.trim();
      var password = pass.value;
      if (!username) return fail("login.enterUsername", null, "Enter your username.", user);
      if (!password) return fail("login.enterPassword", null, "Enter your password.", pass);
      busy = true;
      button.textContent = t("login.signing", null, "Signing in\u2026");
      button.setAttribute("aria-disabled", "true");
      notice.textContent = "";
      C.post("/console/api/login", { username: username, password: password }, { noRedirect: true }).then(function (r) {
        busy = false;
        button.textContent = t("login.button", null, "Sign in");
        button.removeAttribute("aria-disabled");
        if (r.ok && r.data && r.data.user) {
          C.csrf = r.data.csrf_token || null;
          error.textContent = "";
          lastError = null;
          notice.textContent = t("login.opening", null, "Signed in. Opening\u2026");
          location.assign(C.homeFor(r.data.user.role));
          return;
        }
        pass.value = "";
        if (r.network) return fail("err.network", null, "We could not reach the server. Check your connection and try again.", null);
        // The server gives one refusal for every reason (console.auth): said here in either language.
        if (r.status === 401) return fail("login.wrong", null, C.detail(r.data, "Wrong username or password"), pass);
        if (r.status === 429) return fail("login.tooMany", null, C.detail(r.data, "Too many attempts. Please wait and try again."), null);
        fail("login.failed", { status: r.status }, C.detail(r.data, "Sorry, signing in failed (error " + r.status + "). Please try again."), null);
      });
    });

    user.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Sign-in page: posts {username, password} as JSON to /console/api/login, shows the `detail`
   of a 401 (one refusal for every reason: the server never says which) or a 429 in the alert
   region, and on success goes to the console or, for planners, to the insights page. */
(function () {
  "use strict";
  var C = window.IAAConsole;

  function start() {
    var form = C.$("login-form");
    var user = C.$("username");
    var pass = C.$("password");
    var show = C.$("show-password");
    var button = C.$("sign-in");
    var error = C.$("login-error");
    var notice = C.$("login-notice");
    var busy = false;

    var query = new URLSearchParams(location.search);
    if (query.has("signed_out")) notice.textContent = "You have signed out.";
    else if (query.has("expired")) notice.textContent = "Your session has ended. Please sign in again.";

    show.addEventListener("change", function () {
      pass.type = show.checked ? "text" : "password";
    });

    function fail(message, field) {
      error.textContent = "";
      // A fresh text node each time, so the same message is announced again.
      error.appendChild(C.el("p", null, [message]));
      [user, pass].forEach(function (f) {
        f.removeAttribute("aria-invalid");
      });
      if (field) {
        field.setAttribute("aria-invalid", "true");
        field.focus();
      }
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (busy) return;
      var username = user.value.trim();
      var password = pass.value;
      if (!username) return fail("Enter your username.", user);
      if (!password) return fail("Enter your password.", pass);
      busy = true;
      button.textContent = "Signing in\u2026";
      button.setAttribute("aria-disabled", "true");
      notice.textContent = "";
      C.post("/console/api/login", { username: username, password: password }, { noRedirect: true }).then(function (r) {
        busy = false;
        button.textContent = "Sign in";
        button.removeAttribute("aria-disabled");
        if (r.ok && r.data && r.data.user) {
          C.csrf = r.data.csrf_token || null;
          error.textContent = "";
          notice.textContent = "Signed in. Opening\u2026";
          location.assign(C.homeFor(r.data.user.role));
          return;
        }
        pass.value = "";
        if (r.network) return fail("We could not reach the server. Check your connection and try again.", null);
        if (r.status === 401) return fail(C.detail(r.data, "Wrong username or password"), pass);
        if (r.status === 429) return fail(C.detail(r.data, "Too many attempts. Please wait and try again."), null);
        fail(C.detail(r.data, "Sorry, signing in failed (error " + r.status + "). Please try again."), null);
      });
    });

    user.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

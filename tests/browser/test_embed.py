"""Browser tests of the framed chat: embed.js on a council's page, the front door's /widget page in
its iframe.

The council page is served from another origin (a small HTTP server on another loopback port,
reached as http://localhost:PORT while the front door is http://127.0.0.1:PORT: another origin
and another site to the browser) and carries a "hostile" page script standing for any
analytics, tag manager or third-party tool a council page loads. It tries every way a page
script has to read the conversation. The same script on a page that includes widget.js directly
(the old way, the front door's demo page) is the comparison.

Needs the running front door (`servers`), Debian's Chromium and axe-core from node_modules.
"""
from __future__ import annotations

import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Frame, Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.model]


class _CouncilSite(BaseHTTPRequestHandler):
    frontdoor_url = ""
    lang = "en"

    def do_GET(self) -> None:  # noqa: N802
        path, _, query = self.path.partition("?")
        if path == "/analytics.js":
            body, kind = HOSTILE_JS, "text/javascript"
        elif path == "/":
            lang = "cy" if "lang=cy" in query else "en"
            body, kind = council_page(self.frontdoor_url, lang), "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


# Bound now, so its origin is known before the session's servers start.
_COUNCIL_SERVER = ThreadingHTTPServer(("127.0.0.1", 0), _CouncilSite)
COUNCIL = f"http://localhost:{_COUNCIL_SERVER.server_address[1]}"
# The test front door lets the fictional council frame its widget (CSP frame-ancestors). Set at
# import, before the session's servers start; they inherit the environment.
_origins = json.loads(os.environ.get("IAA_WIDGET_ORIGINS") or "[]")
if COUNCIL not in _origins:
    os.environ["IAA_WIDGET_ORIGINS"] = json.dumps([*_origins, COUNCIL])

REPLY_TIMEOUT_MS = 45_000
REPLIES = ",".join(f'[role="log"] [data-sender="{s}"]' for s in ("bot", "staff", "system", "error"))
# What the citizen types: a name nobody else on either page would have.
SENTENCE = "how do I get an assessment for my aunt Gwenllian Prydderch-Evans"
SECRET = "Prydderch"

# A page script that tries to read the conversation: the page's text (shadow roots included),
# every frame's document by each route there is, the page's and the frames' storage, every
# keystroke on the page, every message posted to the page.
HOSTILE_JS = r"""
(function () {
  window.__stolen = { keys: [], messages: [] };
  ["keydown", "keypress", "input"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      window.__stolen.keys.push(type + ":" + (e.key || (e.target && e.target.value) || ""));
    }, true);
  });
  window.addEventListener("message", function (e) {
    window.__stolen.messages.push(typeof e.data === "string" ? e.data : JSON.stringify(e.data));
  });
  window.__tryToRead = function () {
    var out = { body: document.body.innerText, shadow: "", storage: "", frames: [] };
    function storage(w) {
      var s = {};
      [w.sessionStorage, w.localStorage].forEach(function (st) {
        for (var i = 0; i < st.length; i++) s[st.key(i)] = st.getItem(st.key(i));
      });
      return JSON.stringify(s);
    }
    out.storage = storage(window);
    var frames = Array.prototype.slice.call(document.querySelectorAll("iframe"));
    document.querySelectorAll("*").forEach(function (el) {
      if (el.shadowRoot) {
        out.shadow += el.shadowRoot.textContent;
        frames = frames.concat(Array.prototype.slice.call(el.shadowRoot.querySelectorAll("iframe")));
      }
    });
    frames.forEach(function (f) {
      var r = { src: f.src };
      try { r.contentDocument = f.contentDocument ? f.contentDocument.body.innerText : null; }
      catch (e) { r.contentDocument = "threw " + e.name; }
      try { r.windowDocument = f.contentWindow.document.body.innerText; }
      catch (e) { r.windowDocument = "threw " + e.name; }
      try { r.windowStorage = storage(f.contentWindow); }
      catch (e) { r.windowStorage = "threw " + e.name; }
      out.frames.push(r);
    });
    for (var i = 0; i < window.frames.length; i++) {
      try { out.frames.push({ viaWindowFrames: window.frames[i].document.body.innerText }); }
      catch (e) { out.frames.push({ viaWindowFrames: "threw " + e.name }); }
    }
    out.keys = window.__stolen.keys.slice();
    out.messages = window.__stolen.messages.slice();
    return out;
  };
})();
"""


def council_page(frontdoor_url: str, lang: str = "en") -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Getting care and support - Example Council</title>
</head>
<body>
  <header><a href="#main">Example Council</a></header>
  <main id="main">
    <h1>Getting care and support</h1>
    <p>Our information, advice and assistance service can help you find the right support.</p>
    <p><a href="#contact">Contact us</a></p>
  </main>
  <script src="/analytics.js"></script>
  <script src="{frontdoor_url}/static/embed.js" defer data-lang="{lang}"></script>
</body>
</html>"""


# ---------------------------------------------------------------- helpers
@pytest.fixture(scope="module", autouse=True)
def council_site(frontdoor_url: str):
    _CouncilSite.frontdoor_url = frontdoor_url
    thread = threading.Thread(target=_COUNCIL_SERVER.serve_forever, daemon=True)
    thread.start()
    yield COUNCIL
    _COUNCIL_SERVER.shutdown()


def load_council(page: Page, frontdoor_url: str, lang: str = "en", width: int = 1280, height: int = 800) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{COUNCIL}/?lang={lang}")
    expect(launcher(page, lang)).to_be_visible()


NAMES = {"en": "Chat with us", "cy": "Sgwrsio â ni"}
INPUT = {"en": "Type your message", "cy": "Teipiwch eich neges"}


def launcher(page: Page, lang: str = "en"):
    return page.get_by_role("button", name=NAMES[lang], exact=True)


def frame_element(page: Page, lang: str = "en"):
    return page.locator(f'iframe[title="{NAMES[lang]}"]')


def chat_frame(page: Page) -> Frame:
    """The /widget frame, once loaded (Playwright's own access, not a page script's)."""
    for _ in range(100):
        for f in page.frames:
            if "/widget" in f.url:
                f.wait_for_load_state()
                return f
        page.wait_for_timeout(100)
    raise AssertionError("the chat frame never loaded")


def send_and_wait(frame: Frame, text: str) -> str:
    before = frame.locator(REPLIES).count()
    box = frame.get_by_role("textbox")
    box.focus()
    frame.page.keyboard.type(text)
    frame.page.keyboard.press("Enter")
    frame.wait_for_function(
        """([sel, n]) => document.querySelectorAll(sel).length > n
               && !document.querySelector('[data-iaa-chat] .iaa-typing').textContent""",
        arg=[REPLIES, before], timeout=REPLY_TIMEOUT_MS)
    replies = frame.locator(REPLIES)
    new = [replies.nth(i) for i in range(before, replies.count())]
    errors = [r.inner_text() for r in new if r.get_attribute("data-sender") == "error"]
    assert not errors, f"the widget showed an error instead of a reply: {errors}"
    return "\n".join(r.inner_text() for r in new)


def readable(stolen: dict) -> str:
    """Everything the page script got hold of, as one string."""
    return json.dumps(stolen, ensure_ascii=False)


def assert_focus_visible(page_or_frame) -> None:
    style = page_or_frame.evaluate(
        """() => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement)
                       a = a.shadowRoot.activeElement;
                   const s = getComputedStyle(a);
                   return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }""")
    assert (style["outline"] != "none" and style["width"] != "0px") or style["shadow"] != "none", style


def run_axe(page_or_frame) -> list:
    results = page_or_frame.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }""")
    if results:
        print("axe violations:\n" + json.dumps(results, indent=2))
    return [v for v in results if v["impact"] in ("serious", "critical")]


# ---------------------------------------------------------------- the measurement
def test_council_page_scripts_cannot_read_the_framed_conversation(browser_page: Page, frontdoor_url: str) -> None:
    page = browser_page
    load_council(page, frontdoor_url)
    launcher(page).click()
    expect(frame_element(page)).to_be_visible()
    frame = chat_frame(page)
    assert frame.url.startswith(frontdoor_url + "/widget"), frame.url

    reply = send_and_wait(frame, SENTENCE)
    assert "assessment" in reply.lower(), f"unexpected reply: {reply!r}"
    expect(frame.locator('[role="log"] [data-sender="user"]').last).to_contain_text(SENTENCE)
    # Close from inside the frame, so the one message the frame sends has been sent.
    frame.get_by_role("button", name=re.compile("Close")).click()
    expect(frame_element(page)).to_be_hidden()

    stolen = page.evaluate("() => window.__tryToRead()")
    print("iframe embed, what the council page's script could read:\n" + readable(stolen))
    got = readable(stolen)
    assert SECRET not in got, "the council page's script read the citizen's words"
    assert reply.strip().splitlines()[-1][:40] not in got, "the council page's script read the bot's reply"
    chat_frames = [f for f in stolen["frames"] if "/widget" in f.get("src", "")]
    assert chat_frames, stolen
    for f in chat_frames:
        assert f["contentDocument"] is None
        assert f["windowDocument"] == "threw SecurityError"
        assert f["windowStorage"] == "threw SecurityError"
    assert all(f["viaWindowFrames"] == "threw SecurityError" for f in stolen["frames"] if "viaWindowFrames" in f)
    # Keystrokes in the frame never reach the council page's listeners (only the click on the
    # launcher happened on the page itself).
    assert stolen["keys"] == [], stolen["keys"]
    # The frame posted nothing but the fixed close request.
    assert set(stolen["messages"]) <= {"iaa-chat:close"}, stolen["messages"]
    assert "iaa-chat:close" in stolen["messages"]


def test_direct_embed_is_readable_by_page_scripts(browser_page: Page, frontdoor_url: str) -> None:
    """The comparison: widget.js straight in a page (the front door's demo page) with the same
    page script."""
    page = browser_page
    page.goto(frontdoor_url + "/")
    page.evaluate("() => sessionStorage.clear()")
    page.reload()
    page.evaluate(HOSTILE_JS)  # runs in the page's own world, as any page script does
    page.get_by_role("button", name="Chat with us / Sgwrsio â ni").click()
    before = page.locator(REPLIES).count()
    page.get_by_role("textbox", name="Type your message").focus()
    page.keyboard.type(SENTENCE)
    page.keyboard.press("Enter")
    page.wait_for_function(
        """([sel, n]) => document.querySelectorAll(sel).length > n
               && !document.querySelector('[data-iaa-chat] .iaa-typing').textContent""",
        arg=[REPLIES, before], timeout=REPLY_TIMEOUT_MS)

    stolen = page.evaluate("() => window.__tryToRead()")
    print("direct embed, what a page script could read:\n" + readable(stolen)[:2000])
    assert SECRET in stolen["body"], "expected the direct embed's conversation to be in the page text"
    assert SECRET in stolen["storage"], "expected the direct embed's history in the page's sessionStorage"
    assert any(k.startswith("keydown:") for k in stolen["keys"])


# ---------------------------------------------------------------- the launcher and the frame
def test_keyboard_open_chat_escape_returns_focus(browser_page: Page, frontdoor_url: str) -> None:
    page = browser_page
    load_council(page, frontdoor_url)

    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.matches('[data-iaa-chat-embed]')"):
            break
    else:
        pytest.fail("the chat launcher cannot be reached with the Tab key")
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    assert_focus_visible(page)

    page.keyboard.press("Enter")
    expect(frame_element(page)).to_be_visible()
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    frame = chat_frame(page)
    expect(frame.get_by_role("textbox", name=INPUT["en"])).to_be_focused()
    assert frame.evaluate("() => document.documentElement.lang") == "en"

    reply = send_and_wait(frame, "hello")
    assert reply.strip(), "no reply to hello"
    expect(frame.get_by_role("textbox", name=INPUT["en"])).to_be_focused()

    # Escape inside the frame closes it and gives focus back to the launcher on the page.
    page.keyboard.press("Escape")
    expect(frame_element(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")

    # Open again: the conversation is still there; Escape on the launcher closes too.
    page.keyboard.press("Enter")
    expect(frame_element(page)).to_be_visible()
    expect(frame.locator('[role="log"] [data-sender="user"]')).to_contain_text(["hello"])
    expect(frame.get_by_role("textbox", name=INPUT["en"])).to_be_focused()
    launcher(page).focus()
    page.keyboard.press("Escape")
    expect(frame_element(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()


def test_welsh_embed(browser_page: Page, frontdoor_url: str) -> None:
    page = browser_page
    load_council(page, frontdoor_url, lang="cy")
    expect(launcher(page, "cy")).to_have_attribute("lang", "cy")
    launcher(page, "cy").click()
    expect(frame_element(page, "cy")).to_be_visible()
    frame = chat_frame(page)
    assert "lang=cy" in frame.url
    assert frame.evaluate("() => document.documentElement.lang") == "cy"
    assert frame.title().startswith("Sgwrsio â ni")
    expect(frame.get_by_role("textbox", name=INPUT["cy"])).to_be_focused()
    expect(frame.get_by_role("heading", name="Sgwrsio â ni", exact=True)).to_be_visible()
    # The frame's own close button, in Welsh.
    frame.get_by_role("button", name=re.compile("Cau")).click()
    expect(frame_element(page, "cy")).to_be_hidden()
    expect(launcher(page, "cy")).to_be_focused()


def test_desktop_size_bottom_right(browser_page: Page, frontdoor_url: str) -> None:
    page = browser_page
    load_council(page, frontdoor_url, width=1280, height=800)
    launcher(page).click()
    box = frame_element(page).bounding_box()
    assert box and 300 <= box["width"] <= 420 and 400 <= box["height"] <= 800 - 80, box
    assert 1280 - (box["x"] + box["width"]) <= 32 and box["x"] > 640, box  # on the right
    assert box["y"] + box["height"] <= 800, box
    lbox = launcher(page).bounding_box()
    assert lbox["y"] >= box["y"] + box["height"], "the launcher stays visible below the frame"


def test_full_screen_at_320px(browser_page: Page, frontdoor_url: str) -> None:
    page = browser_page
    load_council(page, frontdoor_url, width=320, height=640)
    lbox = launcher(page).bounding_box()
    assert lbox["x"] >= 0 and lbox["x"] + lbox["width"] <= 320, lbox
    launcher(page).click()
    box = frame_element(page).bounding_box()
    assert box == {"x": 0, "y": 0, "width": 320, "height": 640}, box
    frame = chat_frame(page)
    reply = send_and_wait(frame, "how do I get an assessment")
    assert "assessment" in reply.lower(), reply
    assert frame.evaluate("() => document.documentElement.scrollWidth") <= 320
    # widget.js styled the chat (widget.css, a <link> it adds, which a style-src 'self' policy allows).
    assert frame.evaluate("() => getComputedStyle(document.querySelector('.iaa-send')).backgroundColor") \
        == "rgb(11, 79, 108)"
    assert frame.evaluate(
        "() => { const l = document.querySelector('[role=log]'); return l.scrollWidth <= l.clientWidth; }")
    for part in (frame.get_by_role("textbox"), frame.get_by_role("button", name="Send", exact=True),
                 frame.get_by_role("button", name=re.compile("Close"))):
        b = part.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 320 and b["y"] + b["height"] <= 640, b
    frame.get_by_role("button", name=re.compile("Close")).click()
    expect(frame_element(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()


# ---------------------------------------------------------------- the /widget page
def test_widget_page_has_no_inline_script_or_style(frontdoor_url: str) -> None:
    for lang in ("en", "cy", "nonsense"):
        r = httpx.get(f"{frontdoor_url}/widget", params={"lang": lang}, timeout=10)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        body = r.text
        assert f'<html lang="{"cy" if lang == "cy" else "en"}">' in body
        scripts = re.findall(r"<script\b[^>]*>", body)
        assert scripts and all(" src=" in s for s in scripts), scripts
        assert not [c for c in re.findall(r"<script\b[^>]*>(.*?)</script>", body, re.S) if c.strip()], "inline script"
        assert not re.search(r"\son[a-z]+\s*=", body, re.I), "an inline event handler"
        assert not re.search(r"\sstyle\s*=", body, re.I), "an inline style attribute"
        assert "<style" not in body


def test_widget_page_accessible(browser_page: Page, frontdoor_url: str) -> None:
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `npm ci` in {REPO_ROOT}"
    page = browser_page
    page.context.add_init_script(path=str(AXE_JS))  # not a page script: no CSP stands in its way
    for lang in ("en", "cy"):
        page.set_viewport_size({"width": 384, "height": 600})  # the frame's size on a desktop
        page.goto(f"{frontdoor_url}/widget?lang={lang}")
        expect(page.get_by_role("textbox", name=INPUT[lang])).to_be_visible()
        if lang == "en":
            page.evaluate("() => sessionStorage.clear()")
            page.reload()
            page.get_by_role("textbox", name=INPUT[lang]).fill("is there a lunch club in Llandeilo")
            before = page.locator(REPLIES).count()
            page.keyboard.press("Enter")
            page.wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length > n",
                arg=[REPLIES, before], timeout=REPLY_TIMEOUT_MS)
        assert page.evaluate("() => document.documentElement.lang") == lang
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        bad = run_axe(page)
        assert not bad, f"/widget?lang={lang}: serious or critical accessibility violations:\n" + json.dumps(bad, indent=2)
        page.set_viewport_size({"width": 320, "height": 568})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320

    # The council page with the launcher and the open frame.
    load_council(page, frontdoor_url)
    launcher(page).click()
    chat_frame(page)
    bad = run_axe(page)
    assert not bad, "council page with the chat open:\n" + json.dumps(bad, indent=2)


def test_widget_page_without_css_and_strings(browser_page: Page, frontdoor_url: str) -> None:
    """/widget with widget.css and widget-strings.json blocked: the chat is still drawn, in
    English, with the phone number to call."""
    page = browser_page
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(re.compile(r"/static/widget(\.css|-strings\.json)(\?|$)"), lambda route: route.abort())
    page.set_viewport_size({"width": 384, "height": 600})
    page.goto(f"{frontdoor_url}/widget?lang=cy")
    expect(page.get_by_role("textbox", name=INPUT["en"])).to_be_visible()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    phone = page.locator('script[src="/static/widget.js"]').get_attribute("data-phone")
    assert phone
    expect(page.get_by_role("log").locator('a[href^="tel:"]', has_text=phone)).to_be_visible()
    assert not errors, errors

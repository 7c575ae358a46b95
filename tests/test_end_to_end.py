"""`iaa serve` (what `make run` starts) brings up all three processes; a citizen chats over HTTP
and in the browser; Ctrl-C stops everything cleanly."""
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from iaa.settings import ROOT
from tests.conftest import _TMP, free_port

pytestmark = [pytest.mark.model, pytest.mark.servers, pytest.mark.browser]


def test_serve_chat_over_http_and_browser_then_ctrl_c(trained_model, _browser):
    port, rasa, actions = free_port(), free_port(), free_port()
    env = {**os.environ, "IAA_DATABASE_URL": f"sqlite:///{_TMP / 'serve' / 'iaa.db'}",
           "IAA_PORT": str(port), "IAA_RASA_URL": f"http://127.0.0.1:{rasa}",
           "IAA_ACTION_URL": f"http://127.0.0.1:{actions}", "IAA_RASA_TOKEN": "e2e-token"}
    log = open(_TMP / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "frontdoor.cli", "serve"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert proc.poll() is None, (_TMP / "serve.log").read_text()[-3000:]
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            pytest.fail("not ready in 300 s")
        # /readyz can answer a moment before the supervisor has seen every child ready and
        # printed its line, so give the announcement a short while.
        line_deadline = time.monotonic() + 30
        while "[serve] ready: open http://localhost:" not in (_TMP / "serve.log").read_text() \
                and time.monotonic() < line_deadline:
            time.sleep(0.5)
        output = (_TMP / "serve.log").read_text()
        assert "[serve] ready: open http://localhost:" in output, output[-3000:]
        assert "loaded the sample directory" in output

        # Over HTTP.
        r = httpx.post(f"{base}/api/chat", json={"text": "what are direct payments"}, timeout=60)
        assert r.status_code == 200
        assert "direct payment" in r.json()["messages"][0]["text"].lower()

        # In the browser, through the widget.
        page = _browser.new_page()
        page.goto(base + "/")
        page.get_by_role("button", name="Chat").first.click()
        box = page.get_by_role("textbox").first
        box.fill("how do I complain")
        box.press("Enter")
        page.wait_for_function(
            "() => [...document.querySelectorAll('[role=log]')].some(l => /complain/i.test(l.innerText.split('how do I complain').pop()))",
            timeout=60_000)
        page.close()
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        log.close()
    assert code == 0
    # Every child is gone: the ports are free again.
    for p in (port, rasa, actions):
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{p}/", timeout=2)

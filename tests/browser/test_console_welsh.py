"""The console in Welsh, in Debian's Chromium: the English / Cymraeg switch redraws the sign-in
page and the console at once and is remembered by the browser; a Welsh conversation is marked
"Welsh speaker wanted", its details say the language chosen in words, and the queue's language
filter works. The front door runs in this process (uvicorn in a thread, Rasa "down": the console
does not need it), on this test's own database."""
from __future__ import annotations

import re
import threading
import time

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from frontdoor.app import create_app
from iaa.db import session_scope
from iaa.models import Conversation
from tests.conftest import free_port, rasa_down_settings
from tests.factories import STAFF_PASSWORD, staff_account, waiting_conversation

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def console_url(module_database):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(rasa_down_settings(database_url=module_database, public_base_url=url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="websockets"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    staff_account("b-sam", "staff", "Sam")
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(_browser):
    context = _browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def welsh_waiting() -> str:
    cid = waiting_conversation(text="Dw i angen help gyda fy mam")
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        conv.language = "cy"
        conv.handoff_summary = {"topic": "other", "language": "cy"}
    return cid


def test_the_console_switches_to_welsh_and_remembers_it(page: Page, console_url) -> None:
    welsh, english = welsh_waiting(), waiting_conversation()
    page.goto(console_url + "/console/login")
    switch = page.locator("#lang-switch")
    expect(switch).to_have_text("Cymraeg")
    expect(switch).to_have_attribute("lang", "cy")
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("h1")).to_have_text("Mewngofnodi")
    expect(switch).to_have_text("English")
    page.get_by_label("Enw defnyddiwr").fill("b-sam")
    page.get_by_label("Cyfrinair", exact=True).fill("wrong password here")
    page.get_by_role("button", name="Mewngofnodi").click()
    expect(page.locator("#login-error")).to_contain_text("Enw defnyddiwr neu gyfrinair anghywir")
    page.get_by_label("Cyfrinair", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Mewngofnodi").click()
    page.wait_for_url(re.compile(r"/console/?$"))

    # Remembered: the console opens in Welsh.
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("#queue-heading")).to_have_text("Ciw")
    expect(page.locator("#sign-out")).to_have_text("Allgofnodi")
    item = page.locator(f'#queue-list .q-item[data-id="{welsh}"]')
    expect(item.locator(".badge--welsh")).to_have_text("Angen siaradwr Cymraeg")
    expect(page.locator("#queue-counts")).to_contain_text("yn aros")
    item.locator("button.q-select").click()
    details = page.locator("#conversation-details")
    expect(details).to_contain_text("Iaith a ddewiswyd")
    expect(details).to_contain_text("Cymraeg / Welsh")
    expect(page.locator("#action-claim")).to_have_text("Hawlio")

    # Back to English at once, the open conversation with it.
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#queue-heading")).to_have_text("Queue")
    expect(details).to_contain_text("Language chosen")
    expect(details).to_contain_text("Cymraeg / Welsh")
    expect(item.locator(".badge--welsh")).to_have_text("Welsh speaker wanted")
    expect(page.locator("#action-claim")).to_have_text("Claim")

    # The language filter.
    english_item = page.locator(f'#queue-list .q-item[data-id="{english}"]')
    expect(english_item).to_be_visible()
    page.get_by_label("Language", exact=True).select_option("cy")
    expect(english_item).to_have_count(0)
    expect(item).to_be_visible()
    page.get_by_label("Language", exact=True).select_option("")
    expect(english_item).to_be_visible()

    page.reload()
    expect(page.locator("#queue-heading")).to_have_text("Queue")
    assert page.errors == []

"""The console shows staff what became of a text, in Debian's Chromium: a staff reply Twilio
reports undelivered is marked on its message with what to do next, the details count it, and a
texter's STOP arrives live as "Texts stopped", in English and Welsh. The front door runs in this
process (uvicorn in a thread), Twilio's REST API and Rasa are stand-ins on loopback."""
from __future__ import annotations

import re
import threading
import time

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect
from twilio.request_validator import RequestValidator

from frontdoor.app import create_app
from tests.conftest import free_port, rasa_down_settings
from tests.factories import STAFF_PASSWORD, staff_account
from tests.sms_fakes import FakeRasa, FakeTwilio

pytestmark = [pytest.mark.browser]

TOKEN = "twilio-browser-auth-token"
SID = "AC" + "2" * 32


@pytest.fixture(scope="module")
def served(module_database):
    twilio, rasa = FakeTwilio(SID), FakeRasa()
    port = free_port()
    url = f"http://127.0.0.1:{port}"  # the address Twilio signs, and the console's origin
    settings = rasa_down_settings(
        database_url=module_database, twilio_account_sid=SID, twilio_auth_token=TOKEN,
        twilio_from_number="+441632960003", public_base_url=url,
        sms_number_key="a browser test secret for texters' numbers", rasa_url=rasa.url, action_url=rasa.url,
        twilio_api_url=twilio.url)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                                           ws="websockets"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    staff_account("b-texts", "staff", "Gwen")
    yield url, twilio
    server.should_exit = True
    thread.join(timeout=10)
    twilio.close()
    rasa.close()


def signed_post(url, path, params):
    signature = RequestValidator(TOKEN).compute_signature(url + path, params)
    return httpx.post(url + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=20)


def text_in(url, body, sid):
    return signed_post(url, "/channels/sms/inbound", {"From": "+447700900901", "To": "+441632960003",
                                                      "Body": body, "MessageSid": sid})


def test_staff_see_an_undelivered_text_and_a_stop(browser_page: Page, served) -> None:
    url, twilio = served
    page = browser_page
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert text_in(url, "my husband hits me", "SM" + "1" * 32).status_code == 200
    staff = httpx.Client(base_url=url)
    csrf = staff.post("/console/api/login", json={"username": "b-texts", "password": STAFF_PASSWORD}).json()["csrf_token"]
    staff.headers["X-CSRF-Token"] = csrf
    cid = next(c["id"] for c in staff.get("/console/api/queue").json()["conversations"] if c["channel"] == "sms")
    assert staff.post(f"/console/api/conversations/{cid}/claim").status_code == 200
    assert staff.post(f"/console/api/conversations/{cid}/reply", json={"text": "Are you safe now?"}).status_code == 200
    reply = twilio.wait_for(2)[-1]
    path = reply["StatusCallback"][len(url):]

    page.goto(url + "/console/login")
    page.get_by_label("Username").fill("b-texts")
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console/?$"))
    # The live connection is up (not the 5-second polling fallback) before the conversation is open.
    expect(page.locator("body")).to_have_attribute("data-live", "socket", timeout=15_000)
    page.locator(f'#queue-list .q-item[data-id="{cid}"] button.q-select').click()
    staff_message = page.locator('#transcript .msg[data-sender="staff"]', has_text="Are you safe now?")
    expect(staff_message).to_be_visible()
    expect(staff_message.locator(".msg__delivery")).to_have_count(0)

    # Twilio reports it undelivered: marked live on the message, with what to do next.
    r = signed_post(url, path, {"MessageSid": reply["sid"], "MessageStatus": "undelivered", "ErrorCode": "30003"})
    assert r.status_code == 204
    note = staff_message.locator(".msg__delivery")
    expect(note).to_contain_text("This text did not reach them: undelivered. (30003)", timeout=10_000)
    expect(note).to_contain_text("Their phone was off or out of signal")
    details = page.locator("#conversation-details")
    expect(details).to_contain_text("Texts not delivered")

    # The texter sends STOP: the console says so, live.
    assert "no more texts" in text_in(url, "STOP", "SM" + "2" * 32).text
    expect(details).to_contain_text("Texts stopped", timeout=10_000)
    expect(details).to_contain_text("no text can be sent to them until they text START")
    page.locator("#lang-switch").click()
    expect(details).to_contain_text("Negeseuon testun wedi'u stopio")
    expect(note).to_contain_text("Ni chyrhaeddodd y neges destun hon: heb ei chyflwyno.")
    page.locator("#lang-switch").click()
    assert errors == []

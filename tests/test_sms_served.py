"""SMS against the front door served by uvicorn on loopback, as Twilio reaches it: signed form
posts over real HTTP (httpx), Twilio's REST API and Rasa as stand-ins (tests/sms_fakes.py). The
late reply of a slow bot is sent from the server's own event loop, not a test client's."""
import threading
import time

import httpx
import pytest
import uvicorn
from twilio.request_validator import RequestValidator

from frontdoor.app import create_app
from tests.conftest import free_port, rasa_down_settings
from tests.sms_fakes import FakeRasa, FakeTwilio

TOKEN = "twilio-served-auth-token"
SID = "AC" + "1" * 32
BASE = "https://sms.example.org"  # the address Twilio signs: a proxy in front of the server


@pytest.fixture(scope="module")
def served(module_database):
    twilio, rasa = FakeTwilio(SID), FakeRasa()
    port = free_port()
    settings = rasa_down_settings(
        database_url=module_database, twilio_account_sid=SID, twilio_auth_token=TOKEN,
        twilio_from_number="+441632960002", public_base_url=BASE,
        sms_number_key="a served test secret for texters' numbers", rasa_url=rasa.url, action_url=rasa.url,
        twilio_api_url=twilio.url, sms_answer_within_seconds=1.0, rasa_timeout=6)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", twilio, rasa
    server.should_exit = True
    thread.join(timeout=10)
    twilio.close()
    rasa.close()


def post(url, body, sender, sid, path="/channels/sms/inbound"):
    params = {"From": sender, "To": "+441632960002", "Body": body, "MessageSid": sid, "AccountSid": SID}
    signature = RequestValidator(TOKEN).compute_signature(BASE + path, params)
    return httpx.post(url + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=20)


def test_a_served_conversation_a_retry_stop_and_a_slow_bot(served):
    url, twilio, rasa = served
    rasa.down = False
    number = "+447700900801"
    first = post(url, "hello", number, "SM" + "a" * 32)
    assert first.status_code == 200 and "You said: hello" in first.text
    assert post(url, "hello", number, "SM" + "a" * 32).text == first.text  # a retry: the same answer
    assert len(rasa.received) == 1
    # the bot now takes 2.5 s: the webhook answers at once, empty, and the reply comes by REST
    rasa.delay = 2.5
    started = time.monotonic()
    late = post(url, "what about carers", number, "SM" + "b" * 32)
    assert late.status_code == 200 and "<Message" not in late.text and time.monotonic() - started < 2.0
    sent = twilio.wait_for(1)
    assert sent[0]["To"] == number and sent[0]["Body"] == "You said: what about carers"
    assert sent[0]["StatusCallback"].startswith(BASE + "/channels/sms/status?out=")
    rasa.delay = 0
    stopped = post(url, "STOP", number, "SM" + "c" * 32)
    assert "no more texts" in stopped.text
    assert "<Message" not in post(url, "hello?", number, "SM" + "d" * 32).text
    # a signature is for one address: the inbound one does not pass at the status callback
    params = {"MessageSid": "SM" + "e" * 32, "MessageStatus": "delivered"}
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/channels/sms/inbound", params)
    assert httpx.post(url + "/channels/sms/status", data=params, headers={"X-Twilio-Signature": signature}).status_code == 403
    # signed for its own address, a status that is not Twilio's is refused
    params["MessageStatus"] = "lost"
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/channels/sms/status", params)
    assert httpx.post(url + "/channels/sms/status", data=params, headers={"X-Twilio-Signature": signature}).status_code == 422

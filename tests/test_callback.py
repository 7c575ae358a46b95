"""Call back: consent is asked, and what the number is for said, before any number is taken."""
import pytest
from fastapi.testclient import TestClient

from channels.conversations import uk_phone
from frontdoor.app import create_app
from iaa.db import session_scope
from iaa.models import Conversation
from tests.factories import STAFF_PASSWORD, staff_account, waiting_conversation
from tests.conftest import rasa_down_settings


@pytest.fixture(scope="module")
def client(module_database):
    with TestClient(create_app(rasa_down_settings(database_url=module_database))) as c:
        yield c


def offered() -> str:
    cid = waiting_conversation()
    with session_scope() as db:
        db.get(Conversation, cid).callback_state = "offered"
    return cid


def say(client, cid, text):
    r = client.post("/api/chat", json={"conversation_id": cid, "text": text})
    assert r.status_code == 200, r.text
    return r.json()["messages"][0]


def test_consent_then_number(client):
    cid = offered()
    consent = say(client, cid, "/callback")
    assert "only to phone you back about this conversation" in consent["text"]
    assert "delete it after 7 days" in consent["text"]
    assert [b["payload"] for b in consent["buttons"]] == ["/callback_agree", "/callback_no"]
    with session_scope() as db:
        assert db.get(Conversation, cid).callback_phone is None
    assert "type the phone number" in say(client, cid, "/callback_agree")["text"]
    assert "doesn't look like a UK phone number" in say(client, cid, "my number is secret")["text"]
    done = say(client, cid, "+44 7700 900456")
    assert "We'll call you on 07700 900456" in done["text"] and "029 2018 0999" in done["text"]
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        assert conv.callback_phone == "07700 900456" and conv.callback_consented_at is not None
        transcript = " ".join(m.text for m in conv.messages)
    # Only callback_phone holds it (purged after 7 days), not the transcript (kept far longer).
    assert "900456" not in transcript and "deleted after 7 days" in transcript


def test_no_number_without_consent(client):
    cid = offered()
    say(client, cid, "/callback")
    # Typing a number before agreeing does not store it.
    say(client, cid, "07700 900456")
    assert "won't keep any number" in say(client, cid, "/callback_no")["text"]
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        assert conv.callback_phone is None
        assert "900456" not in " ".join(m.text for m in conv.messages)


@pytest.mark.parametrize("written, normalised", [
    ("07700 900123", "07700 900123"), ("+447700900123", "07700 900123"), ("(029) 2018 0123", "02920 180123"),
    ("0044 7700-900-123", "07700 900123"), ("12345", None), ("call me", None), ("+1 555 123 4567", None),
])
def test_uk_phone(written, normalised):
    assert uk_phone(written) == normalised


def test_once_staff_claim_it_the_call_back_questions_stop(client):
    staff_account("t-cb-staff", "staff", "Cai")
    cid = offered()
    say(client, cid, "/callback")  # consent asked...
    staff = TestClient(client.app)
    r = staff.post("/console/api/login", json={"username": "t-cb-staff", "password": STAFF_PASSWORD})
    staff.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    assert staff.post(f"/console/api/conversations/{cid}/claim").status_code == 200
    # ...but a person is here now: the citizen's words go to them, not into the call-back steps.
    r = client.post("/api/chat", json={"conversation_id": cid, "text": "no, it's fine now"})
    assert r.json()["messages"] == [] and r.json()["status"] == "with_staff"
    with session_scope() as db:
        assert db.get(Conversation, cid).callback_state is None

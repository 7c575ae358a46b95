"""With the action server or the Rasa server really stopped, citizens get an honest answer with
the phone number, never a 500, and their message is kept."""
import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import start_processes

pytestmark = [pytest.mark.model, pytest.mark.servers]


@pytest.fixture(scope="module")
def doomed(trained_model):
    running = start_processes(trained_model, "failsafe")
    yield running
    running.group.stop()


def stored_messages(running, cid):
    engine = create_engine(running.group.settings.database_url, future=True)
    with engine.connect() as c:
        rows = c.execute(text("SELECT sender, text FROM message WHERE conversation_id = :id ORDER BY id"),
                         {"id": cid}).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_action_server_down_then_rasa_down(doomed):
    cid = doomed.chat("what are direct payments")["conversation_id"]  # works while all is up

    doomed.group.stop_one("action server")
    body = doomed.chat("how much does care cost", cid)
    assert body["messages"][0]["sender"] == "system"
    assert "029 2018 0123" in body["messages"][0]["text"]
    assert ("citizen", "how much does care cost") in stored_messages(doomed, cid)
    # A new conversation too: Rasa would answer it with the council's values missing.
    fresh = doomed.chat("hello")
    assert fresh["messages"][0]["sender"] == "system"
    assert "029 2018 0123" in fresh["messages"][0]["text"] and "None" not in fresh["messages"][0]["text"]
    ready = httpx.get(f"{doomed.url}/readyz", timeout=10)
    assert ready.status_code == 503 and ready.json()["checks"]["action_server"].startswith("error")

    doomed.group.stop_one("rasa server")
    body = doomed.chat("is anyone there?", cid)
    assert body["messages"][0]["sender"] == "system"
    assert "999" in body["messages"][0]["text"]
    assert ("citizen", "is anyone there?") in stored_messages(doomed, cid)
    assert httpx.get(f"{doomed.url}/readyz", timeout=10).json()["checks"]["rasa"].startswith("error")


def assert_urgent_handoff(body):
    assert body["status"] == "waiting"
    assert body["handoff"] == {"reason": "safeguarding", "priority": "urgent"}
    said = " ".join(m["text"] for m in body["messages"])
    assert "Thank you for telling us" in said and "999" in said


def test_disclosure_with_only_the_action_server_down(trained_model):
    running = start_processes(trained_model, "failsafe-actions")
    try:
        running.group.stop_one("action server")
        assert_urgent_handoff(running.chat("my dad hits me when he's drunk"))
    finally:
        running.group.stop()


def test_disclosure_with_everything_behind_the_front_door_down(doomed):
    # Really stopped (already, if the test above ran; stopping twice is harmless).
    doomed.group.stop_one("action server")
    doomed.group.stop_one("rasa server")
    body = doomed.chat("can you tell me about day centres, also my son keeps taking money from my purse")
    assert_urgent_handoff(body)
    # A second disclosure in a conversation already waiting keeps it urgent; nothing is lost.
    again = doomed.chat("he hit me last night", body["conversation_id"])
    assert again["handoff"]["priority"] == "urgent"
    assert ("citizen", "he hit me last night") in stored_messages(doomed, body["conversation_id"])

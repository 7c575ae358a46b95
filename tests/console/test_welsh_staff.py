"""Staff in Welsh (Code of Practice para 319): accounts say who speaks Welsh, Welsh conversations
are offered to Welsh speakers first (never refused to anyone else), the queue filters by language,
and the enquiry record counts Welsh as delivered only when a Welsh speaker replied."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdoor.app import create_app
from iaa.db import session_scope
from iaa.models import AuditEntry, Conversation
from tests.conftest import rasa_down_settings
from tests.factories import STAFF_PASSWORD as PASSWORD
from tests.factories import staff_account, waiting_conversation
from console.auth import set_welsh


@pytest.fixture(scope="module")
def app(module_database):
    application = create_app(rasa_down_settings(database_url=module_database))
    for name in ("sam", "alex", "eleri", "ada"):
        staff_account(f"w-{name}", "admin" if name == "ada" else "staff", name.title())
    for name in ("eleri", "ada"):
        set_welsh(f"w-{name}", True, "test")
    return application


def signed_in(app, who: str) -> TestClient:
    client = TestClient(app)
    client.__enter__()
    r = client.post("/console/api/login", json={"username": f"w-{who}", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def in_language(cid: str, language: str) -> str:
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        conv.language = language
        conv.enquiry.language_requested = conv.enquiry.language_delivered = language
        conv.handoff_summary = {**(conv.handoff_summary or {}), "language": language}
    return cid


def welsh_waiting(priority: str = "normal", reason: str = "requested") -> str:
    return in_language(waiting_conversation(priority=priority, reason=reason, text="Dw i angen help"), "cy")


def ids(client, **params):
    r = client.get("/console/api/queue", params=params)
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["conversations"]]


def test_accounts_say_who_speaks_welsh(app):
    eleri, sam = signed_in(app, "eleri"), signed_in(app, "sam")
    assert eleri.get("/console/api/me").json()["user"]["speaks_welsh"] is True
    assert sam.get("/console/api/me").json()["user"]["speaks_welsh"] is False
    staff = {s["username"]: s for s in sam.get("/console/api/staff").json()["staff"]}
    assert staff["w-eleri"]["speaks_welsh"] is True and staff["w-ada"]["speaks_welsh"] is True
    assert staff["w-sam"]["speaks_welsh"] is False and staff["w-alex"]["speaks_welsh"] is False


def test_a_welsh_speaker_sees_welsh_first_but_urgent_stays_first_for_everyone(app):
    english = waiting_conversation()
    welsh = welsh_waiting()
    urgent_english = waiting_conversation(priority="urgent", reason="safeguarding")
    urgent_welsh = welsh_waiting(priority="urgent", reason="safeguarding")
    assert ids(signed_in(app, "eleri")) == [urgent_welsh, urgent_english, welsh, english]
    # Everyone else: urgent first, then the longest waiting, whatever the language.
    assert ids(signed_in(app, "sam")) == [urgent_english, urgent_welsh, english, welsh]


def test_the_queue_filters_by_language(app):
    english, welsh = waiting_conversation(), welsh_waiting()
    sam = signed_in(app, "sam")
    assert ids(sam, language="cy") == [welsh]
    assert ids(sam, language="en") == [english]
    assert ids(sam) == [english, welsh]
    r = sam.get("/console/api/queue", params={"language": "fr"})
    assert r.status_code == 422


def test_someone_without_welsh_is_asked_to_leave_it_to_a_welsh_speaker_who_is_signed_in(app):
    welsh, english = welsh_waiting(), waiting_conversation()
    sam = signed_in(app, "sam")
    items = {c["id"]: c for c in sam.get("/console/api/queue").json()["conversations"]}
    assert items[welsh]["welsh_speaker_wanted"] is True and items[english]["welsh_speaker_wanted"] is False
    # Nobody with Welsh is signed in: no one to leave it to, so sam answers it.
    assert items[welsh]["leave_to_welsh_speaker"] is False and items[welsh]["welsh_speakers_on_duty"] == []
    eleri = signed_in(app, "eleri")
    items = {c["id"]: c for c in sam.get("/console/api/queue").json()["conversations"]}
    assert items[welsh]["leave_to_welsh_speaker"] is True and items[welsh]["welsh_speakers_on_duty"] == ["Eleri"]
    assert items[english]["leave_to_welsh_speaker"] is False
    # The Welsh speaker is not asked to leave it to herself; the detail view says the same.
    mine = {c["id"]: c for c in eleri.get("/console/api/queue").json()["conversations"]}
    assert mine[welsh]["leave_to_welsh_speaker"] is False and mine[welsh]["welsh_speaker_wanted"] is True
    view = sam.get(f"/console/api/conversations/{welsh}").json()["conversation"]
    assert view["leave_to_welsh_speaker"] is True and view["summary"]["language"] == "cy"
    # A request, not a block: a person waiting must not be left unanswered.
    r = sam.post(f"/console/api/conversations/{welsh}/claim")
    assert r.status_code == 200 and r.json()["conversation"]["leave_to_welsh_speaker"] is False
    # Signed out: no longer counted as there to take it.
    other = welsh_waiting()
    assert eleri.post("/console/api/logout").status_code == 204
    item = next(c for c in sam.get("/console/api/queue").json()["conversations"] if c["id"] == other)
    assert item["leave_to_welsh_speaker"] is False


def delivered(cid: str) -> str:
    with session_scope() as db:
        return db.get(Conversation, cid).enquiry.language_delivered


def work(client, cid: str, text: str = "Helo") -> None:
    assert client.post(f"/console/api/conversations/{cid}/claim").status_code == 200
    assert client.post(f"/console/api/conversations/{cid}/reply", json={"text": text}).status_code == 200


def test_welsh_is_delivered_only_when_a_welsh_speaker_replied(app):
    answered_in_welsh, answered_in_english = welsh_waiting(), welsh_waiting()
    work(signed_in(app, "eleri"), answered_in_welsh, "Shwmae, Eleri sydd yma")
    work(signed_in(app, "sam"), answered_in_english, "Hello, it's Sam")
    assert delivered(answered_in_welsh) == "cy"
    assert delivered(answered_in_english) == "en"
    with session_scope() as db:
        assert db.get(Conversation, answered_in_english).enquiry.language_requested == "cy"


def test_one_english_only_reply_makes_a_welsh_conversation_english_delivered(app):
    cid = welsh_waiting()
    sam, eleri = signed_in(app, "sam"), signed_in(app, "eleri")
    work(sam, cid)
    assert sam.post(f"/console/api/conversations/{cid}/transfer", json={"username": "w-eleri"}).status_code == 200
    assert eleri.post(f"/console/api/conversations/{cid}/reply", json={"text": "Shwmae"}).status_code == 200
    assert delivered(cid) == "en"


def test_an_english_conversation_stays_english_whoever_replies(app):
    cid = waiting_conversation()
    work(signed_in(app, "eleri"), cid)
    assert delivered(cid) == "en"


def test_statistics_count_the_language_delivered(app):
    welsh, english_reply = welsh_waiting(), welsh_waiting()
    work(signed_in(app, "eleri"), welsh)
    work(signed_in(app, "sam"), english_reply)
    stats = signed_in(app, "ada").get("/console/api/stats").json()
    assert stats["by_language"].get("cy", 0) >= 1 and stats["by_language"].get("en", 0) >= 1


def test_switching_welsh_on_and_off_is_audited_and_takes_effect_at_once(app):
    sam = signed_in(app, "sam")
    assert set_welsh("w-sam", True, "tester") == 0  # sessions carry on
    assert sam.get("/console/api/me").json()["user"]["speaks_welsh"] is True
    set_welsh("w-sam", True, "tester")
    set_welsh("w-sam", False, "tester")
    assert sam.get("/console/api/me").json()["user"]["speaks_welsh"] is False
    with session_scope() as db:
        details = [e.detail for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "user_welsh")
                                                 .order_by(AuditEntry.id))]
    assert details[-3:] == ["w-sam: speaks Welsh, 0 session(s) ended, by OS user tester",
                            "w-sam: already speaks Welsh, 0 session(s) ended, by OS user tester",
                            "w-sam: does not speak Welsh, 0 session(s) ended, by OS user tester"]
    with pytest.raises(ValueError):
        set_welsh("w-nobody", True, "tester")

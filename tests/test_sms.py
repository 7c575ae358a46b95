"""SMS through Twilio with real signed requests (twilio's own RequestValidator) against the front
door. Twilio's REST API and Rasa are the edge of the world: stand-ins on loopback
(tests/sms_fakes.py) that the front door's own clients talk to over HTTP."""
import datetime as dt
import itertools
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text as sql
from twilio.request_validator import RequestValidator

from channels import segments
from channels.sms import Keywords, NumberKeys, OptedOut, fit_reply, load_keywords, render_sms
from console.auth import create_user
from frontdoor.app import create_app
from iaa.db import session_scope
from iaa.models import Conversation, Message, SmsInbound, SmsOptOut, SmsOutbound
from iaa.settings import ROOT, Settings
from tests.conftest import rasa_down_settings
from tests.sms_fakes import FakeRasa, FakeTwilio

TOKEN = "twilio-test-auth-token"
SID = "AC" + "0" * 32
KEY = "a test secret for texters' numbers, long enough"
BASE = "https://chat.example.org"
PASSWORD = "long enough password"
_SIDS = itertools.count(1)


@pytest.fixture(scope="module")
def edge():
    twilio, rasa = FakeTwilio(SID), FakeRasa()
    yield twilio, rasa
    twilio.close()
    rasa.close()


@pytest.fixture(scope="module")
def sms_app(module_database, edge):
    twilio, rasa = edge
    settings = rasa_down_settings(
        database_url=module_database, twilio_account_sid=SID, twilio_auth_token=TOKEN,
        twilio_from_number="+441632960001", public_base_url=BASE, sms_number_key=KEY,
        rasa_url=rasa.url, action_url=rasa.url, twilio_api_url=twilio.url,
        sms_answer_within_seconds=1.0, twilio_backoff_seconds=0.05, twilio_timeout_seconds=5, rasa_timeout=6)
    app = create_app(settings)
    create_user("sms-staff", "Siân", "staff", PASSWORD)
    with TestClient(app) as client:
        yield app, client


@pytest.fixture(autouse=True)
def fresh_edge(edge):
    twilio, rasa = edge
    rasa.reset(down=True)
    twilio.plan.clear()
    twilio.sent.clear()
    twilio.delay = 0.0
    yield


def new_sid() -> str:
    return "SM%032x" % next(_SIDS)


def signed(params, path="/channels/sms/inbound", token=TOKEN):
    return RequestValidator(token).compute_signature(BASE + path, params)


def text_in(client, body, sender="+447700900123", sign=True, sid=None, token=TOKEN):
    params = {"From": sender, "To": "+441632960001", "Body": body, "MessageSid": sid or new_sid(),
              "AccountSid": SID, "NumSegments": "1"}
    headers = {"X-Twilio-Signature": signed(params, token=token)} if sign else {}
    return client.post("/channels/sms/inbound", data=params, headers=headers)


def status_in(client, url_path, params, token=TOKEN):
    return client.post(url_path, data=params, headers={"X-Twilio-Signature": signed(params, url_path, token)})


def staff_client(app):
    staff = TestClient(app)
    csrf = staff.post("/console/api/login", json={"username": "sms-staff", "password": PASSWORD}).json()["csrf_token"]
    staff.headers["X-CSRF-Token"] = csrf
    return staff


def conversation_of(number: str) -> Conversation:
    keys = NumberKeys(KEY)
    with session_scope() as db:
        return db.scalars(select(Conversation).where(Conversation.sms_number_hash == keys.hash(number))
                          .order_by(Conversation.created_at.desc())).first()


def count(model) -> int:
    with session_scope() as db:
        return db.scalar(select(func.count()).select_from(model))


def message_body(twiml_text: str) -> str:
    from xml.etree import ElementTree

    found = ElementTree.fromstring(twiml_text).find("Message")
    return found.text if found is not None else ""


# -- signatures, replays, the body ---------------------------------------------------------

def test_unsigned_forged_and_tampered_requests_are_refused(sms_app):
    _, client = sms_app
    assert text_in(client, "hello", sign=False).status_code == 403
    assert text_in(client, "hello", token="another account's token").status_code == 403
    params = {"From": "+447700900123", "Body": "hi", "MessageSid": new_sid()}
    headers = {"X-Twilio-Signature": signed(params)}
    assert client.post("/channels/sms/inbound", data={**params, "Body": "changed"}, headers=headers).status_code == 403
    assert client.post("/channels/sms/inbound", data=params, headers={"X-Twilio-Signature": "forged"}).status_code == 403
    assert count(Message) == 0 and count(SmsInbound) == 0


def test_bad_sender_or_missing_message_sid_is_refused(sms_app):
    _, client = sms_app
    assert text_in(client, "hello", sender="not-a-number").status_code == 422
    params = {"From": "+447700900123", "Body": "hi"}
    r = client.post("/channels/sms/inbound", data=params, headers={"X-Twilio-Signature": signed(params)})
    assert r.status_code == 422


def test_a_retried_message_sid_gets_the_same_answer_and_stores_nothing(sms_app):
    _, client = sms_app
    sid = new_sid()
    first = text_in(client, "hello there", sid=sid)
    assert first.status_code == 200 and "<Message" in first.text
    messages, inbound, outbound = count(Message), count(SmsInbound), count(SmsOutbound)
    again = text_in(client, "hello there", sid=sid)
    assert again.status_code == 200 and again.text == first.text
    assert (count(Message), count(SmsInbound), count(SmsOutbound)) == (messages, inbound, outbound)


def test_a_replay_older_than_the_window_is_refused(sms_app):
    app, client = sms_app
    sid = new_sid()
    assert text_in(client, "hello there", sid=sid).status_code == 200
    window = app.state.settings.sms_replay_window_seconds
    with session_scope() as db:
        db.get(SmsInbound, sid).received_at -= dt.timedelta(seconds=window + 1)
    messages = count(Message)
    r = text_in(client, "hello there", sid=sid)
    assert r.status_code == 403 and count(Message) == messages


def test_a_body_over_the_cap_is_refused_before_it_is_parsed(sms_app):
    app, client = sms_app
    cap = app.state.settings.sms_max_body_bytes
    r = client.post("/channels/sms/inbound", content=b"Body=" + b"x" * cap,
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and count(SmsInbound) == 0


def test_sms_is_off_without_credentials(unit_database):
    app = create_app(Settings(database_url=unit_database, mode="test", rasa_token="t"))
    with TestClient(app) as client:
        assert client.post("/channels/sms/inbound", data={"Body": "hi"}).status_code == 404
        assert client.post("/channels/sms/status", data={"MessageStatus": "sent"}).status_code == 404


# -- a whole conversation ------------------------------------------------------------------

LUNCH_CLUBS = [{"text": "Here are some lunch clubs near Llandeilo:", "custom": {"services": [
    {"name": f"Lunch club {i}", "town": "Llandeilo", "schedule": "Tuesdays 12pm", "phone": "029 2018 0201",
     "cost": "£4"} for i in range(1, 4)]}},
    {"text": "Would you like more, or to talk to a person?",
     "buttons": [{"title": "More", "payload": "/more_services"},
                 {"title": "Talk to a person", "payload": "/request_person"}]}]


def _script(text):
    if text == "/request_person":
        return [{"text": "I'll pass you to our team.",
                 "custom": {"handoff": {"reason": "requested", "priority": "normal", "summary": {"topic": "other"}}}}]
    if text == "/more_services":
        return [{"text": "That is every lunch club I know of. " * 20}]
    return LUNCH_CLUBS


def test_a_whole_conversation_by_text(sms_app, edge):
    app, client = sms_app
    twilio, rasa = edge
    rasa.down, rasa.script = False, _script
    number = "+447700900201"
    r = text_in(client, "lunch clubs for my mum in Llandeilo", sender=number)
    body = message_body(r.text)
    assert "- Lunch club 1 - Llandeilo - Tuesdays 12pm - 029 2018 0201 - £4" in body
    assert body.endswith("Reply with a number: 1 More, 2 Talk to a person")
    assert segments.segments(body) <= 3
    # A digit answers a numbered option: the bot is sent its payload.
    r = text_in(client, "1", sender=number)
    assert rasa.received[-1] == "/more_services"
    first = message_body(r.text)
    assert first.endswith("Reply MORE for the rest.") and segments.segments(first) <= 3
    r = text_in(client, "MORE", sender=number)
    rest = message_body(r.text)
    assert rest.startswith("That is every lunch club") and segments.segments(rest) <= 3
    assert rasa.received[-1] == "/more_services"  # MORE was not sent to the bot
    # The full reply arrived in parts, none lost.
    parts = [first.replace("\n\nReply MORE for the rest.", ""), rest.replace("\n\nReply MORE for the rest.", "")]
    while rest.endswith("Reply MORE for the rest."):
        rest = message_body(text_in(client, "more", sender=number).text)
        parts.append(rest.replace("\n\nReply MORE for the rest.", ""))
    assert " ".join(parts).split() == ("That is every lunch club I know of. " * 20).split()
    # Asking for a person by digit hands off; a member of staff's reply goes by the REST API.
    text_in(client, "lunch clubs", sender=number)
    text_in(client, "2", sender=number)
    assert rasa.received[-1] == "/request_person"
    conv = conversation_of(number)
    assert conv.status == "waiting"
    staff = staff_client(app)
    assert staff.post(f"/console/api/conversations/{conv.id}/claim").status_code == 200
    assert staff.post(f"/console/api/conversations/{conv.id}/reply", json={"text": "Hello, I'm Siân."}).status_code == 200
    sent = twilio.wait_for(2)
    assert sent[-2]["To"] == number and "Siân from our team has joined" in sent[-2]["Body"]
    assert sent[-1]["Body"] == "Hello, I'm Siân." and sent[-1]["From"] == "+441632960001"
    assert sent[-1]["StatusCallback"].startswith(BASE + "/channels/sms/status?out=")
    # The same number's next text joins the same conversation, for staff to read.
    text_in(client, "thank you", sender=number)
    assert staff.get(f"/console/api/conversations/{conv.id}").json()["messages"][-1]["text"] == "thank you"


def test_numbers_are_kept_as_a_keyed_hash_and_sealed_never_plain(sms_app, caplog):
    app, client = sms_app
    number = "+447700900202"
    caplog.set_level("DEBUG")
    assert text_in(client, "hello", sender=number).status_code == 200
    keys = NumberKeys(KEY)
    conv = conversation_of(number)
    assert conv.sms_number is None and conv.sms_number_hash == keys.hash(number)
    assert keys.unseal(conv.sms_number_sealed) == number and number not in conv.sms_number_sealed
    assert NumberKeys("another secret entirely, also long").hash(number) != conv.sms_number_hash
    with session_scope() as db:
        dump = "\n".join(db.connection().connection.iterdump())
    assert number not in dump and number[1:] not in dump
    assert not [r for r in caplog.records if number[3:] in r.getMessage()]


# -- keywords -------------------------------------------------------------------------------

def test_help_stop_and_start_in_english(sms_app, edge):
    app, client = sms_app
    twilio, _ = edge
    number = "+447700900301"
    assert text_in(client, "hello", sender=number).status_code == 200
    help_ = message_body(text_in(client, "help", sender=number).text)
    profile = app.state.profile()
    assert profile.council.name in help_ and profile.iaa.phone in help_ and profile.hours_text() in help_
    stopped = message_body(text_in(client, "Stop", sender=number).text)
    assert "no more texts" in stopped and "START" in stopped
    conv = conversation_of(number)
    assert conv.status == "closed" and conv.sms_opted_out_at is not None
    # After STOP: a text is neither answered nor kept.
    messages = count(Message)
    r = text_in(client, "are you there?", sender=number)
    assert r.status_code == 200 and "<Message" not in r.text and count(Message) == messages
    # HELP is still answered, and START turns texts back on; the next text starts afresh.
    assert profile.iaa.phone in message_body(text_in(client, "HELP", sender=number).text)
    assert "on again" in message_body(text_in(client, "start", sender=number).text)
    r = text_in(client, "hello again", sender=number)
    assert "<Message" in r.text and conversation_of(number).id != conv.id
    assert twilio.sent == []  # every answer went in TwiML


def test_help_stop_and_start_in_welsh(sms_app):
    app, client = sms_app
    number = "+447700900302"
    help_ = message_body(text_in(client, "cymorth", sender=number).text)
    profile = app.state.profile()
    assert profile.council.name_cy in help_ and profile.hours_text("cy") in help_ and "STOPIO" in help_
    stopped = message_body(text_in(client, "STOPIO", sender=number).text)
    assert stopped.startswith("Ni fyddwch yn cael rhagor") and "DECHRAU" in stopped
    with session_scope() as db:
        assert db.get(SmsOptOut, NumberKeys(KEY).hash(number)).language == "cy"
    assert "<Message" not in text_in(client, "helo", sender=number).text
    assert message_body(text_in(client, "Dechrau.", sender=number).text).startswith("Gallwch gael negeseuon")
    # STOP in a Welsh conversation is answered in Welsh; DIWEDD is Welsh whatever the conversation
    text_in(client, "mae angen help arnaf gyda fy mam", sender=number)
    assert message_body(text_in(client, "STOP", sender=number).text).startswith("Ni fyddwch")
    assert message_body(text_in(client, "diwedd", sender="+447700900303").text).startswith("Ni fyddwch")


@pytest.mark.parametrize("disclosure", ["my husband hits me", "mae fy ngŵr yn fy nharo i"])
def test_a_disclosure_after_stop_reaches_staff_urgently_and_is_never_texted(sms_app, edge, disclosure):
    app, client = sms_app
    twilio, _ = edge
    number = "+447700900311" if disclosure.startswith("my") else "+447700900312"
    text_in(client, "hello", sender=number)
    text_in(client, "STOP", sender=number)
    r = text_in(client, disclosure, sender=number)
    assert r.status_code == 200 and "<Message" not in r.text  # nothing is texted back
    conv = conversation_of(number)
    assert conv.status == "waiting" and conv.priority == "urgent" and conv.handoff_reason == "safeguarding"
    assert conv.sms_opted_out_at is not None  # staff see that texts stopped: phone, do not text
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Message).where(
            Message.conversation_id == conv.id, Message.sender == "citizen")) == 1
    staff = staff_client(app)
    assert staff.post(f"/console/api/conversations/{conv.id}/claim").status_code == 200
    assert staff.post(f"/console/api/conversations/{conv.id}/reply", json={"text": "We will phone you."}).status_code == 409
    assert twilio.sent == []


def test_a_staff_reply_to_a_number_that_sent_stop_is_refused(sms_app, edge):
    app, client = sms_app
    twilio, _ = edge
    number = "+447700900304"
    text_in(client, "my husband hits me", sender=number)  # urgent handoff, bot down
    conv = conversation_of(number)
    staff = staff_client(app)
    assert staff.post(f"/console/api/conversations/{conv.id}/claim").status_code == 200
    twilio.wait_for(1)
    text_in(client, "STOP", sender=number)
    seen = staff.get(f"/console/api/conversations/{conv.id}").json()["conversation"]
    assert seen["status"] == "closed" and seen["sms_opted_out_at"]
    assert all(c["id"] != conv.id for c in staff.get("/console/api/queue").json()["conversations"])
    r = staff.post(f"/console/api/conversations/{conv.id}/reply", json={"text": "Are you safe?"})
    assert r.status_code == 409 and "STOP" in r.json()["detail"]
    with pytest.raises(OptedOut):
        app.state.sms.sender.send_to_conversation(conv.id, [{"text": "anything"}], "en")
    assert len(twilio.sent) == 1  # only the "has joined" before STOP


# -- within Twilio's patience ----------------------------------------------------------------

def test_a_slow_bot_is_answered_through_the_rest_api(sms_app, edge):
    app, client = sms_app
    twilio, rasa = edge
    rasa.down, rasa.delay = False, 2.5
    rasa.script = lambda text: [{"text": "Sorry for the wait: here is your answer."}]
    number, sid = "+447700900401", new_sid()
    started = time.monotonic()
    r = text_in(client, "what help is there for carers", sender=number, sid=sid)
    took = time.monotonic() - started
    assert r.status_code == 200 and "<Message" not in r.text and took < 2.0
    # A retry while the bot still thinks gets the same empty answer, and starts nothing new.
    assert "<Message" not in text_in(client, "what help is there for carers", sender=number, sid=sid).text
    sent = twilio.wait_for(1)
    assert sent[0]["To"] == number and sent[0]["Body"] == "Sorry for the wait: here is your answer."
    assert len(rasa.received) == 1
    with session_scope() as db:
        row = db.scalars(select(SmsOutbound).where(SmsOutbound.twilio_sid == sent[0]["sid"])).one()
        assert (row.kind, row.delivery_status, row.attempts) == ("deferred", "queued", 1)
        assert db.get(SmsInbound, sid).state == "deferred"
    time.sleep(0.3)
    assert len(twilio.sent) == 1


def test_twilio_is_retried_with_backoff_after_503_and_429_but_not_after_400(sms_app, edge):
    app, _ = sms_app
    twilio, _ = edge
    sender = app.state.sms.sender
    twilio.plan[:] = [503, 429]
    out_id = sender.send_text(None, "+447700900402", "Hello", "staff")
    with session_scope() as db:
        row = db.get(SmsOutbound, out_id)
        assert (row.delivery_status, row.attempts) == ("queued", 3) and row.twilio_sid == twilio.sent[-1]["sid"]
    twilio.plan[:] = [400]
    before = twilio.requests
    from channels.state import CitizenNotReached

    with pytest.raises(CitizenNotReached):
        sender.send_text(None, "+447700900402", "Hello", "staff")
    assert twilio.requests == before + 1
    with session_scope() as db:
        row = db.scalars(select(SmsOutbound).order_by(SmsOutbound.id.desc())).first()
        assert (row.delivery_status, row.error_code) == ("error", 21211)


def test_an_unreachable_twilio_gives_up_after_its_retries(sms_app, edge):
    app, _ = sms_app
    from channels.sms import SmsSender
    from channels.state import CitizenNotReached
    from tests.conftest import free_port

    settings = app.state.settings.copy(update={"twilio_api_url": f"http://127.0.0.1:{free_port()}"})
    sender = SmsSender(settings, NumberKeys(KEY))
    with pytest.raises(CitizenNotReached):
        sender.send_text(None, "+447700900403", "Hello", "staff")
    with session_scope() as db:
        row = db.scalars(select(SmsOutbound).order_by(SmsOutbound.id.desc())).first()
        assert (row.delivery_status, row.attempts, row.error_message) == ("error", 3, "Twilio could not be reached")
    assert sender.client.http_client.timeout == settings.twilio_timeout_seconds


def test_a_twilio_slower_than_the_timeout_is_not_tried_again(sms_app, edge):
    # the text may have gone: sending it again could send it twice
    app, _ = sms_app
    twilio, _ = edge
    from channels.sms import SmsSender
    from channels.state import CitizenNotReached

    settings = app.state.settings.copy(update={"twilio_timeout_seconds": 0.5})
    sender = SmsSender(settings, NumberKeys(KEY))
    twilio.delay = 1.5
    before = twilio.requests
    started = time.monotonic()
    with pytest.raises(CitizenNotReached):
        sender.send_text(None, "+447700900404", "Hello", "staff")
    assert time.monotonic() - started < 1.4
    time.sleep(1.2)  # the stand-in finishes the one request it had
    assert twilio.requests == before + 1
    with session_scope() as db:
        row = db.scalars(select(SmsOutbound).order_by(SmsOutbound.id.desc())).first()
        assert (row.delivery_status, row.attempts) == ("error", 1)
        assert row.error_message == "Twilio did not answer within 0.5 s"


def test_a_welsh_texter_gets_staff_messages_and_the_closing_question_in_welsh(sms_app, edge):
    app, client = sms_app
    twilio, _ = edge
    number = "+447700900405"
    text_in(client, "mae fy ngŵr yn fy nharo i", sender=number)
    conv = conversation_of(number)
    assert conv.language == "cy"
    staff = staff_client(app)
    staff.post(f"/console/api/conversations/{conv.id}/claim")
    assert staff.post(f"/console/api/conversations/{conv.id}/close", json={"outcome": "advice"}).status_code == 200
    sent = twilio.wait_for(2)
    assert sent[0]["Body"].startswith("Mae Siân o'n tîm wedi ymuno")
    assert sent[1]["Body"].endswith("Atebwch DO neu NADDO.") and "Reply YES" not in sent[1]["Body"]
    r = text_in(client, "do", sender=number)
    assert "<Message" in r.text
    with session_scope() as db:
        assert db.get(Conversation, conv.id).enquiry.feedback == "yes"


# -- delivery ---------------------------------------------------------------------------------

def test_a_failed_delivery_is_shown_to_staff(sms_app, edge):
    app, client = sms_app
    twilio, _ = edge
    number = "+447700900501"
    text_in(client, "my husband hits me", sender=number)
    conv = conversation_of(number)
    staff = staff_client(app)
    staff.post(f"/console/api/conversations/{conv.id}/claim")
    reply = staff.post(f"/console/api/conversations/{conv.id}/reply", json={"text": "Are you safe now?"}).json()
    callback = twilio.wait_for(2)[-1]["StatusCallback"]
    path = callback[len(BASE):]
    sent_sid = twilio.sent[-1]["sid"]
    # A forged callback changes nothing.
    forged = client.post(path, data={"MessageSid": sent_sid, "MessageStatus": "delivered"},
                         headers={"X-Twilio-Signature": "forged"})
    assert forged.status_code == 403
    assert status_in(client, path, {"MessageSid": sent_sid, "MessageStatus": "sent", "AccountSid": SID}).status_code == 204
    r = status_in(client, path, {"MessageSid": sent_sid, "MessageStatus": "undelivered", "ErrorCode": "30003",
                                 "AccountSid": SID})
    assert r.status_code == 204
    # a late "sent" does not undo the failure
    status_in(client, path, {"MessageSid": sent_sid, "MessageStatus": "sent", "AccountSid": SID})
    seen = staff.get(f"/console/api/conversations/{conv.id}").json()
    shown = next(m for m in seen["messages"] if m["id"] == reply["message"]["id"])
    assert shown["delivery"]["status"] == "undelivered" and shown["delivery"]["failed"] is True
    assert shown["delivery"]["error_code"] == 30003
    # "has joined" went (queued, no callback yet); the reply did not
    assert [d["status"] for d in seen["sms_deliveries"] if d["kind"] == "staff"] == ["queued", "undelivered"]


def test_the_webhook_answer_reports_its_status_too(sms_app):
    _, client = sms_app
    r = text_in(client, "hello", sender="+447700900502")
    from xml.etree import ElementTree

    action = ElementTree.fromstring(r.text).find("Message").get("action")
    assert action.startswith(BASE + "/channels/sms/status?out=")
    path = action[len(BASE):]
    out_id = int(path.split("=")[1])
    assert status_in(client, path, {"MessageSid": "SM" + "9" * 32, "MessageStatus": "delivered"}).status_code == 204
    with session_scope() as db:
        row = db.get(SmsOutbound, out_id)
        assert (row.kind, row.delivery_status, row.twilio_sid) == ("reply", "delivered", "SM" + "9" * 32)
        last = db.scalars(select(Message).where(Message.conversation_id == row.conversation_id)
                          .order_by(Message.id.desc())).first()
        assert row.message_id == last.id and last.sender == "system"  # the answer it carried


# -- long texts, emoji, Welsh, segments ------------------------------------------------------

def test_a_1600_character_text_is_screened_and_answered_normally(sms_app):
    _, client = sms_app
    body = ("could you tell me about lunch clubs for my mum near Llandeilo on a Tuesday please " * 25)[:1600]
    r = text_in(client, body, sender="+447700900601")
    assert r.status_code == 200 and "<Message" in r.text
    assert "Thank you for telling us" not in r.text and "in danger" not in r.text
    with session_scope() as db:
        kept = db.scalars(select(Message.text).where(Message.sender == "citizen").order_by(Message.id.desc())).first()
    assert kept == body
    r = text_in(client, "x" * 1600, sender="+447700900602")
    assert r.status_code == 200 and "in danger" not in r.text


def test_emoji_arrive_whole_and_a_reply_with_emoji_counts_as_ucs2(sms_app, edge):
    _, client = sms_app
    _, rasa = edge
    rasa.down, rasa.script = False, (lambda text: [{"text": "Glad to help 🙂 " * 15}])
    r = text_in(client, "help for my mum 👵🏼 please 🙏", sender="+447700900603")
    with session_scope() as db:
        kept = db.scalars(select(Message.text).where(Message.sender == "citizen").order_by(Message.id.desc())).first()
    assert kept == "help for my mum 👵🏼 please 🙏" and rasa.received[-1] == kept
    reply = message_body(r.text)
    assert segments.encoding(reply) == "UCS-2" and segments.segments(reply) <= 3 and "🙂" in reply
    assert reply.endswith("Reply MORE for the rest.")


def test_segment_counts_against_known_values():
    assert segments.describe("a" * 160) == ("GSM-7", 1)
    assert segments.describe("a" * 161) == ("GSM-7", 2)
    assert segments.describe("a" * 306) == ("GSM-7", 2)
    assert segments.describe("a" * 307) == ("GSM-7", 3)
    assert segments.describe("ŵ" * 70) == ("UCS-2", 1)
    assert segments.describe("ŵ" * 71) == ("UCS-2", 2)
    assert segments.describe("ŵ" * 134) == ("UCS-2", 2)
    assert segments.describe("ŵ" * 135) == ("UCS-2", 3)
    # the extension table costs two septets, and a pair is never split between segments
    assert segments.describe("€" * 80) == ("GSM-7", 1)
    assert segments.describe("€" * 81) == ("GSM-7", 2)
    assert segments.describe("a" + "€" * 76) == ("GSM-7", 1)  # 153 septets: one segment
    assert segments.segments("a" * 152 + "€" + "a" * 10) == 2  # 165 septets; € starts segment 2
    assert segments.segments("a" * 152 + "€" + "a" * 152) == 3  # 306 septets, but € cannot be split
    # an emoji is a surrogate pair (2 units) and is not split either
    assert segments.describe("🙂" * 35) == ("UCS-2", 1)
    assert segments.describe("🙂" * 36) == ("UCS-2", 2)
    assert segments.segments("a" + "🙂" * 33 + "a") == 1  # 68 units
    assert segments.segments("a" * 66 + "🙂" + "a" * 66) == 3  # 134 units, but the emoji cannot be split
    # Welsh: one circumflex makes the whole text UCS-2
    plain = "Mae'r swyddfa ar gau ar hyn o bryd. Ffoniwch ni ar 029 2018 0123 rhwng 9yb a 5yp, dydd Llun i ddydd Gwener."
    assert segments.describe(plain) == ("GSM-7", 1) and len(plain) == 107
    circumflex = plain.replace("Ffoniwch ni", "Siaradwch â ni")
    assert segments.describe(circumflex) == ("UCS-2", 2) and len(circumflex) == 110  # 67 + 43
    welsh = "Gallwch hefyd siarad â rhywun yn Gymraeg. " * 4  # 168 characters: UCS-2 67+67+34, GSM-7 would be 153+15
    assert len(welsh) == 168 and segments.describe(welsh) == ("UCS-2", 3)
    assert segments.describe(welsh.replace("â", "a")) == ("GSM-7", 2)


def test_gsm_friendly_words_keep_the_meaning_and_the_cheaper_encoding():
    assert segments.gsm_friendly("Don’t worry – we’re here… “any time”") == "Don't worry - we're here... \"any time\""
    assert segments.encoding("Don’t") == "UCS-2" and segments.encoding(segments.gsm_friendly("Don’t")) == "GSM-7"
    assert segments.gsm_friendly("ŵ ŷ â") == "ŵ ŷ â"  # letters are never changed


def test_a_long_welsh_reply_is_cut_within_three_segments_with_welsh_more():
    text = "Mae'r clwb cinio yn Llandeilo ar agor bob dydd Mawrth. Gallwch siarad â'r trefnydd. " * 6
    first, rest = fit_reply(text, "cy", 3)
    assert first.endswith("Atebwch MWY am y gweddill.") and segments.describe(first)[0] == "UCS-2"
    assert segments.segments(first) == 3 and len(first.encode("utf-16-le")) // 2 <= 201
    assert rest and (first[: -len("\n\nAtebwch MWY am y gweddill.")] + " " + rest).split() == text.split()


def test_render_sms_numbers_the_options_and_not_the_services():
    text = render_sms([{"text": "Here are some services:", "services": [
        {"name": "Lunch club", "town": "Llandeilo", "schedule": "Tuesdays 12pm", "phone": "029 2018 0201",
         "cost": "£4", "stale": True, "last_checked": "1 March 2025"}],
        "buttons": [{"title": "Talk to a person", "payload": "/request_person"}]}])
    assert text == ("Here are some services:\n\n- Lunch club - Llandeilo - Tuesdays 12pm - 029 2018 0201 - £4"
                    " (last checked 1 March 2025)\n\nReply with a number: 1 Talk to a person")


def test_every_sms_string_is_in_both_languages_and_stays_in_gsm7():
    import yaml

    messages = yaml.safe_load((ROOT / "data" / "messages.yml").read_text(encoding="utf-8"))
    for key in ("sms_more", "sms_nothing_more", "sms_stopped", "sms_started", "sms_help", "sms_you_can_reply",
                "sms_reply_yes_no"):
        assert set(messages[key]) == {"en", "cy"}, key
        for language in ("en", "cy"):
            assert segments.encoding(messages[key][language]) == "GSM-7", (key, language)


def test_keywords_are_checked_at_start(tmp_path):
    keywords = load_keywords(ROOT / "data" / "sms.yml")
    assert keywords.match(" stop! ") == ("stop", None) and keywords.match("Stopio") == ("stop", "cy")
    assert keywords.match("UNSUBSCRIBE") == ("stop", "en") and keywords.match("mwy") == ("more", "cy")
    assert keywords.match("stop sending me texts") == (None, None)
    bad = tmp_path / "sms.yml"
    bad.write_text("stop: {en: [STOP], cy: [STOPIO]}\nstart: {en: [START], cy: [STOP]}\n"
                   "help: {en: [HELP], cy: [CYMORTH]}\nmore: {en: [MORE], cy: [MWY]}\n")
    with pytest.raises(ValueError, match="STOP is both"):
        load_keywords(bad)
    bad.write_text("stop: {en: [STOP], cy: [STOPIO]}\n")
    with pytest.raises(ValueError, match="not valid"):
        load_keywords(bad)
    assert isinstance(keywords, Keywords)


# -- safeguarding by text (as before) ------------------------------------------------------

def test_disclosure_by_text_hands_off_urgently_even_with_the_bot_down(sms_app, edge):
    app, client = sms_app
    twilio, _ = edge
    r = text_in(client, "my husband hits me", sender="+447700900999")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    assert "999" in r.text and "<Message" in r.text
    staff = staff_client(app)
    item = next(c for c in staff.get("/console/api/queue").json()["conversations"] if c["channel"] == "sms")
    assert item["priority"] == "urgent" and item["reason"] == "safeguarding"
    assert staff.post(f"/console/api/conversations/{item['id']}/claim").status_code == 200
    assert staff.post(f"/console/api/conversations/{item['id']}/reply", json={"text": "I'm here. Are you safe now?"}).status_code == 200
    sent = twilio.wait_for(2)
    assert sent[-2]["To"] == "+447700900999" and "Siân from our team has joined" in sent[-2]["Body"]
    assert sent[-1]["Body"] == "I'm here. Are you safe now?" and sent[-1]["From"] == "+441632960001"
    r = text_in(client, "yes I'm ok for now", sender="+447700900999")
    assert r.status_code == 200
    assert staff.get(f"/console/api/conversations/{item['id']}").json()["messages"][-1]["text"] == "yes I'm ok for now"


def test_a_welsh_disclosure_by_text_is_answered_in_welsh(sms_app):
    _, client = sms_app
    r = text_in(client, "mae fy ngŵr yn fy nharo i", sender="+447700900888")
    assert r.status_code == 200
    assert "Diolch am ddweud wrthym" in r.text and "999" in r.text


def _flag_rows(number):
    with session_scope() as db:
        rows = db.execute(sql("SELECT f.tier, f.cue, f.answer, f.channel FROM safeguarding_flag f "
                              "JOIN conversation v ON v.id = f.conversation_id WHERE v.sms_number_hash = :n ORDER BY f.id"),
                          {"n": NumberKeys(KEY).hash(number)}).all()
    return [tuple(r) for r in rows]


def test_a_possible_concern_by_text_is_checked_in_on_then_yes_hands_off(sms_app):
    app, client = sms_app
    number = "+447700900555"
    r = text_in(client, "whats the number for womens aid", sender=number)
    assert r.status_code == 200
    assert "in danger or at risk of harm" in r.text and "Reply YES, NO or TALK." in r.text and "999" in r.text
    assert _flag_rows(number) == [("check", "da.en.services-named", None, "sms")]
    r = text_in(client, "yes", sender=number)
    assert "Thank you for telling us" in r.text and "999" in r.text
    assert _flag_rows(number) == [("check", "da.en.services-named", "yes", "sms")]
    staff = staff_client(app)
    queue = staff.get("/console/api/queue").json()["conversations"]
    assert any(c["priority"] == "urgent" and c["reason"] == "safeguarding" for c in queue if c["channel"] == "sms")


def test_a_check_in_answered_no_by_text_thanks_and_goes_on(sms_app):
    _, client = sms_app
    r = text_in(client, "I won't be around after the 14th", sender="+447700900556")
    assert "in danger or at risk of harm" in r.text
    r = text_in(client, "no", sender="+447700900556")
    assert "Thank you for letting me know" in r.text and "Thank you for telling us" not in r.text
    r = text_in(client, "hello", sender="+447700900556")
    assert "in danger" not in r.text and "Thank you for telling us" not in r.text


def test_a_welsh_check_in_by_text_is_in_welsh(sms_app):
    _, client = sms_app
    r = text_in(client, "rhif cymorth i fenywod plis", sender="+447700900557")
    assert "Ydych chi, neu rywun arall, mewn perygl" in r.text and "Atebwch IE, NA neu SIARAD." in r.text
    r = text_in(client, "ie", sender="+447700900557")
    assert "Diolch am ddweud wrthym" in r.text


def test_check_in_buttons_pressed_again_later_are_answered_never_lost(sms_app):
    app, client = sms_app
    service = app.state.conversations
    first = service.handle_citizen_message(None, "whats the number for womens aid", None, "web")
    cid = first.conversation_id
    assert service.handle_citizen_message(cid, "/safeguarding_no", None, "web").status == "bot"
    later = service.handle_citizen_message(cid, "/safeguarding_talk", None, "web")
    assert later.status == "waiting" and later.handoff == {"reason": "safeguarding", "priority": "urgent"}
    fresh = service.handle_citizen_message(None, "/safeguarding_talk", "cy", "web")
    assert fresh.handoff == {"reason": "safeguarding", "priority": "urgent"}
    assert "Diolch am ddweud wrthym" in " ".join(m["text"] for m in fresh.messages)
    other = service.handle_citizen_message(None, "/safeguarding_no", None, "web")
    assert other.status == "bot" and "Thank you for letting me know" in other.messages[0]["text"]


def test_numbers_kept_plain_before_0017_are_sealed_at_start(sms_app):
    from channels.sms import seal_plain_numbers

    with session_scope() as db:
        old = Conversation(channel="sms", language="cy", status="waiting", sms_number="+447700900701")
        db.add(old)
        db.flush()
        cid = old.id
    keys = NumberKeys(KEY)
    assert seal_plain_numbers(keys) == 1
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        assert conv.sms_number is None and conv.sms_number_hash == keys.hash("+447700900701")
        assert keys.unseal(conv.sms_number_sealed) == "+447700900701"


def test_production_needs_a_number_key_once_sms_is_on():
    values = dict(mode="production", rasa_token="t", public_base_url=BASE, database_url="sqlite:///x.db",
                  profile_path=ROOT / "data" / "council" / "other.yml", twilio_account_sid=SID,
                  twilio_auth_token=TOKEN, twilio_from_number="+441632960001")
    assert any("IAA_SMS_NUMBER_KEY" in p for p in Settings(**values).production_problems())
    assert not any("IAA_SMS_NUMBER_KEY" in p for p in Settings(**values, sms_number_key=KEY).production_problems())

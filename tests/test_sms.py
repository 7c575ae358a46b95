"""SMS through Twilio with real signed requests (twilio's own RequestValidator). Twilio's servers
are the edge of the world: outbound texts are captured by a stand-in for twilio's HTTP client."""
import pytest
from fastapi.testclient import TestClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator

from console.auth import create_user
from frontdoor.app import create_app
from iaa.settings import Settings
from tests.conftest import rasa_down_settings

TOKEN = "twilio-test-auth-token"
SID = "AC" + "0" * 32


class CapturingTwilio:
    """Records what would have gone to api.twilio.com and answers as Twilio does."""

    def __init__(self):
        self.sent = []

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.sent.append(dict(data or {}))
        return TwilioResponse(201, '{"sid": "SM%s", "status": "queued"}' % ("1" * 32))


@pytest.fixture(scope="module")
def sms_app(module_database):
    settings = rasa_down_settings(database_url=module_database, twilio_account_sid=SID, twilio_auth_token=TOKEN,
                        twilio_from_number="+441632960001", public_base_url="https://chat.example.org")
    app = create_app(settings)
    app.state.twilio_http_client = CapturingTwilio()
    create_user("sms-staff", "Siân", "staff", "long enough password")
    with TestClient(app) as client:
        yield app, client


def text_in(client, body, sender="+447700900123", sign=True):
    params = {"From": sender, "To": "+441632960001", "Body": body, "MessageSid": "SM" + "2" * 32}
    url = "https://chat.example.org/channels/sms/inbound"
    headers = {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, params)} if sign else {}
    return client.post("/channels/sms/inbound", data=params, headers=headers)


def test_unsigned_or_forged_requests_are_refused(sms_app):
    _, client = sms_app
    assert text_in(client, "hello", sign=False).status_code == 403
    r = client.post("/channels/sms/inbound", data={"From": "+447700900123", "Body": "hi"},
                    headers={"X-Twilio-Signature": "forged"})
    assert r.status_code == 403


def test_bad_sender_is_refused(sms_app):
    _, client = sms_app
    assert text_in(client, "hello", sender="not-a-number").status_code == 422


def test_disclosure_by_text_hands_off_urgently_even_with_the_bot_down(sms_app):
    app, client = sms_app
    r = text_in(client, "my husband hits me", sender="+447700900999")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    assert "999" in r.text and "<Message>" in r.text
    staff = TestClient(app)
    csrf = staff.post("/console/api/login", json={"username": "sms-staff", "password": "long enough password"}).json()["csrf_token"]
    staff.headers["X-CSRF-Token"] = csrf
    item = next(c for c in staff.get("/console/api/queue").json()["conversations"] if c["channel"] == "sms")
    assert item["priority"] == "urgent" and item["reason"] == "safeguarding"
    # A staff member's reply goes out by SMS to the texter.
    assert staff.post(f"/console/api/conversations/{item['id']}/claim").status_code == 200
    assert staff.post(f"/console/api/conversations/{item['id']}/reply", json={"text": "I'm here. Are you safe now?"}).status_code == 200
    sent = app.state.twilio_http_client.sent
    assert sent[-2]["To"] == "+447700900999" and "Siân from our team has joined" in sent[-2]["Body"]
    assert sent[-1]["Body"] == "I'm here. Are you safe now?" and sent[-1]["From"] == "+441632960001"
    # The same number's next text joins the same conversation.
    r = text_in(client, "yes I'm ok for now", sender="+447700900999")
    assert r.status_code == 200
    assert staff.get(f"/console/api/conversations/{item['id']}").json()["messages"][-1]["text"] == "yes I'm ok for now"


def test_a_welsh_disclosure_by_text_is_answered_in_welsh(sms_app):
    _, client = sms_app
    r = text_in(client, "mae fy ngŵr yn fy nharo i", sender="+447700900888")
    assert r.status_code == 200
    assert "Diolch am ddweud wrthym" in r.text and "999" in r.text


def test_sms_is_off_without_credentials(unit_database):
    app = create_app(Settings(database_url=unit_database, mode="test", rasa_token="t"))
    with TestClient(app) as client:
        assert client.post("/channels/sms/inbound", data={"Body": "hi"}).status_code == 404


def test_render_sms_is_compact():
    from channels.sms import render_sms

    text = render_sms([{"text": "Here are some services:", "services": [
        {"name": "Lunch club", "town": "Llandeilo", "schedule": "Tuesdays 12pm", "phone": "029 2018 0201",
         "cost": "£4", "stale": True, "last_checked": "1 March 2025"}],
        "buttons": [{"title": "Talk to a person", "payload": "/request_person"}]}])
    assert text == ("Here are some services:\n\n1. Lunch club - Llandeilo - Tuesdays 12pm - 029 2018 0201 - £4"
                    " (last checked 1 March 2025)\n\nYou can reply: Talk to a person")
    assert len(render_sms([{"text": "A sentence. " * 400}])) <= 1600


def _flag_rows(unit_database):
    from sqlalchemy import create_engine, text

    engine = create_engine(unit_database, future=True)
    with engine.connect() as c:
        rows = c.execute(text("SELECT f.tier, f.cue, f.answer, f.channel FROM safeguarding_flag f "
                              "JOIN conversation v ON v.id = f.conversation_id WHERE v.sms_number = :n ORDER BY f.id"),
                         {"n": "+447700900555"}).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_a_possible_concern_by_text_is_checked_in_on_then_yes_hands_off(sms_app, unit_database):
    app, client = sms_app
    r = text_in(client, "whats the number for womens aid", sender="+447700900555")
    assert r.status_code == 200
    assert "in danger or at risk of harm" in r.text and "Reply YES, NO or TALK." in r.text and "999" in r.text
    assert _flag_rows(unit_database) == [("check", "da.en.services-named", None, "sms")]
    r = text_in(client, "yes", sender="+447700900555")
    assert "Thank you for telling us" in r.text and "999" in r.text
    assert _flag_rows(unit_database) == [("check", "da.en.services-named", "yes", "sms")]
    staff = TestClient(app)
    staff.post("/console/api/login", json={"username": "sms-staff", "password": "long enough password"})
    queue = staff.get("/console/api/queue").json()["conversations"]
    assert any(c["priority"] == "urgent" and c["reason"] == "safeguarding" for c in queue if c["channel"] == "sms")


def test_a_check_in_answered_no_by_text_thanks_and_goes_on(sms_app):
    _, client = sms_app
    r = text_in(client, "I won't be around after the 14th", sender="+447700900556")
    assert "in danger or at risk of harm" in r.text
    r = text_in(client, "no", sender="+447700900556")
    # thanked; the bot (stopped in these tests) then cannot answer the first message, so only the thanks
    assert "Thank you for letting me know" in r.text and "Thank you for telling us" not in r.text
    r = text_in(client, "hello", sender="+447700900556")  # and the conversation goes on, not to the queue
    assert "in danger" not in r.text and "Thank you for telling us" not in r.text


def test_a_welsh_check_in_by_text_is_in_welsh(sms_app):
    _, client = sms_app
    r = text_in(client, "rhif cymorth i fenywod plis", sender="+447700900557")
    assert "Ydych chi, neu rywun arall, mewn perygl" in r.text and "Atebwch IE, NA neu SIARAD." in r.text
    r = text_in(client, "ie", sender="+447700900557")
    assert "Diolch am ddweud wrthym" in r.text


def test_a_1600_character_text_is_screened_and_answered_normally(sms_app):
    _, client = sms_app
    body = ("could you tell me about lunch clubs for my mum near Llandeilo on a Tuesday please " * 25)[:1600]
    r = text_in(client, body, sender="+447700900558")
    assert r.status_code == 200 and "<Message>" in r.text
    assert "Thank you for telling us" not in r.text and "in danger" not in r.text
    r = text_in(client, "x" * 1600, sender="+447700900559")
    assert r.status_code == 200 and "in danger" not in r.text


def test_check_in_buttons_pressed_again_later_are_answered_never_lost(sms_app):
    # a web page kept open can send a check-in button after it was answered, or with no check-in at all
    app, client = sms_app
    service = app.state.conversations
    first = service.handle_citizen_message(None, "whats the number for womens aid", None, "web")
    cid = first.conversation_id
    assert service.handle_citizen_message(cid, "/safeguarding_no", None, "web").status == "bot"
    later = service.handle_citizen_message(cid, "/safeguarding_talk", None, "web")
    assert later.status == "waiting" and later.handoff == {"reason": "safeguarding", "priority": "urgent"}
    # no flag in the conversation at all: "talk to someone now" still reaches a person, in its language
    fresh = service.handle_citizen_message(None, "/safeguarding_talk", "cy", "web")
    assert fresh.handoff == {"reason": "safeguarding", "priority": "urgent"}
    assert "Diolch am ddweud wrthym" in " ".join(m["text"] for m in fresh.messages)
    # and "No" with nothing asked is thanked, not sent to the bot as text
    other = service.handle_citizen_message(None, "/safeguarding_no", None, "web")
    assert other.status == "bot" and "Thank you for letting me know" in other.messages[0]["text"]

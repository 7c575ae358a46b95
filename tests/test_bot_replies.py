"""How the front door reads Rasa's channel-agnostic output."""
from channels.bot import parse_rasa_messages


def test_text_buttons_and_custom_payloads():
    raw = [
        {"recipient_id": "c", "text": "Hello", "buttons": [{"title": "Cymraeg", "payload": "/choose_language"}]},
        {"recipient_id": "c", "custom": {"enquiry": {"topic": "assessment", "outcome": "information_given",
                                                     "theme": "not_stated"}}},
        {"recipient_id": "c", "custom": {"handoff": {"reason": "requested", "priority": "normal"}}},
        {"recipient_id": "c", "custom": {"text": "Services near you", "services": [{"name": "Lunch club"}]}},
        {"recipient_id": "c", "custom": {"language": "cy"}},
    ]
    reply = parse_rasa_messages(raw)
    assert reply.messages == [
        {"sender": "bot", "text": "Hello", "buttons": [{"title": "Cymraeg", "payload": "/choose_language"}]},
        {"sender": "bot", "text": "Services near you", "services": [{"name": "Lunch club"}]},
    ]
    # iaa.payloads' models, with the keys the bot set
    assert reply.handoff is not None
    assert reply.handoff.dict(exclude_unset=True) == {"reason": "requested", "priority": "normal"}
    # Empty values are dropped; "not_stated" travels and the service decides what to keep.
    assert reply.enquiry.dict(exclude_unset=True) == {"topic": "assessment", "outcome": "information_given",
                                                      "theme": "not_stated"}
    assert reply.language == "cy"


def test_nothing_renderable():
    assert parse_rasa_messages([{"recipient_id": "c"}]).messages == []

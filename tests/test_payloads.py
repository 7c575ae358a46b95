"""The bot's custom payloads (iaa/payloads.py), one set of models on both sides: what an action
sends is the JSON it always sent, the front door reads it back unchanged, and a payload that does
not fit is logged and left out part by part (a handoff still reaches a person), never an error."""
from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import handoff_events
from channels.bot import parse_rasa_messages
from directory.cards import build_card
from iaa.payloads import CustomMessage, Enquiry, Handoff, ServiceCard, read_custom

MONDAY_MORNING = dt.datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Europe/London"))
RECORD = {"id": "svc-1", "name": "Llandeilo lunch club", "description": "A hot lunch on Tuesdays.",
          "url": "https://example.org/lunch", "status": "active"}


def _tracker(text: str) -> Tracker:
    return Tracker(sender_id="payloads", slots={"language": "en", "services_offered": ["Llandeilo lunch club"]},
                   latest_message={"text": text, "intent": {"name": "request_assistance", "confidence": 1.0}},
                   events=[{"event": "user", "text": text}], paused=False, followup_action=None,
                   active_loop={}, latest_action_name="action_listen")


def test_a_real_handoff_payload_is_the_json_it_was_and_reads_back_unchanged():
    dispatcher = CollectingDispatcher()
    handoff_events(dispatcher, _tracker("can you arrange for carers to come in and help my dad"), "assistance",
                   now=MONDAY_MORNING)
    [custom] = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    # The JSON as the action built it by hand before the models: the same keys, a null kept a null.
    assert set(custom) == {"handoff", "enquiry"}
    assert custom["handoff"]["reason"] == "assistance" and type(custom["handoff"]["reason"]) is str
    assert custom["handoff"]["priority"] == "normal"
    assert custom["handoff"]["summary"]["services_offered"] == ["Llandeilo lunch club"]
    assert set(custom["enquiry"]) == {"topic", "outcome", "theme", "enquirer"} and custom["enquiry"]["outcome"] is None
    assert CustomMessage.parse_obj(custom).as_json() == custom  # the model round trip is exact

    reply = parse_rasa_messages([{"recipient_id": "x", "custom": custom}])
    assert reply.handoff is not None and reply.handoff.dict(exclude_unset=True) == custom["handoff"]
    assert reply.enquiry.dict(exclude_unset=True) == {k: v for k, v in custom["enquiry"].items() if v}


def test_service_cards_round_trip_with_their_nulls():
    card = build_card(RECORD, "en", dt.date(2026, 11, 23))
    assert ServiceCard(**card).dict(exclude_unset=True) == card
    sent = CustomMessage(text="Here is what I found:", services=[ServiceCard(**card)]).as_json()
    assert sent == {"text": "Here is what I found:", "services": [card]}
    [message] = parse_rasa_messages([{"recipient_id": "x", "custom": sent}]).messages
    assert message == {"sender": "bot", "text": "Here is what I found:", "services": [card]}


def test_malformed_parts_are_logged_and_dropped_the_rest_kept(caplog):
    card = build_card(RECORD, "cy", dt.date(2026, 11, 23))
    custom = {"text": "Helo", "language": "fr", "enquiry": {"topic": "not_a_topic", "theme": "carers"},
              "services": [{"name": "no flags", "welsh": "perhaps"}, card]}
    with caplog.at_level(logging.WARNING, logger="iaa.payloads"):
        reply = parse_rasa_messages([{"recipient_id": "x", "custom": custom}])
    assert reply.enquiry.dict(exclude_unset=True) == {} and reply.language is None and reply.handoff is None
    assert reply.messages == [{"sender": "bot", "text": "Helo", "services": [card]}]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "enquiry payload dropped" in logged and "service card dropped" in logged and "language" in logged
    assert "not_a_topic" not in logged and "perhaps" not in logged  # names and reasons, never values


@pytest.mark.parametrize("custom", ["just a string", {"enquiry": "x"}, {"services": "x"}, {"handoff": None},
                                    {"enquiry": None, "services": None, "language": None}, {"handoff": {}}])
def test_payloads_that_are_not_the_shape_never_raise(custom):
    reply = parse_rasa_messages([{"recipient_id": "x", "text": "Hi", "custom": custom}])
    assert reply.messages == [{"sender": "bot", "text": "Hi"}]
    assert reply.handoff is None and reply.enquiry.dict(exclude_unset=True) == {}


def test_a_handoff_that_does_not_fit_still_reaches_a_person(caplog):
    with caplog.at_level(logging.ERROR, logger="iaa.payloads"):
        reply = parse_rasa_messages([{"recipient_id": "x", "custom": {
            "handoff": {"reason": "bogus", "priority": "urgent", "summary": {"topic": "other"}}}}])
    assert reply.handoff == Handoff(reason="requested", priority="urgent", summary={"topic": "other"})
    assert "treated as requested" in caplog.text


def test_the_models_hold_the_codes():
    assert read_custom({"handoff": {"reason": "safeguarding", "priority": "urgent"}}).handoff == Handoff(
        reason="safeguarding", priority="urgent")
    with pytest.raises(ValueError):
        Enquiry(outcome="resolved")  # not an outcome code (data/taxonomy/codes.yml)
    with pytest.raises(ValueError):
        Handoff(reason="whim")
    assert Enquiry(area="Llandeilo", theme="older_people").dict(exclude_unset=True) == {
        "area": "Llandeilo", "theme": "older_people"}

"""The handoff actions tell the citizen what happens next (in hours: someone joins shortly; out
of hours: when staff are back and the emergency duty team meanwhile), hand the front door a
handoff with its reason, priority and summary, and pause the bot (staff have it now)."""
from __future__ import annotations

import pytest
from rasa_sdk.events import ConversationPaused, SlotSet

from actions.actions import ActionHandoff, ActionHandoffForNeed

from .conftest import enquiries, handoffs, responses, user_event

PAUSED = [SlotSet("misses", 0.0), SlotSet("pending_question", None), ConversationPaused()]


def test_asking_for_a_person_in_hours_queues_a_normal_handoff(make_tracker, run_action, office_open):
    tracker = make_tracker("can I talk to a person", "request_person", misses=1.0, pending_question="offer_person")
    messages, events = run_action(ActionHandoff(), tracker)
    assert responses(messages) == ["utter_handoff_in_hours"]
    assert handoffs(messages) == [{"reason": "requested", "priority": "normal", "summary": {
        "reason": "requested", "topic": "other", "theme": "not_stated", "enquirer": "not_stated", "language": "en"}}]
    assert enquiries(messages) == [{"topic": "other", "outcome": None, "theme": "not_stated",
                                    "enquirer": "not_stated"}]
    assert events == PAUSED


def test_out_of_hours_the_citizen_is_told_when_staff_are_back(make_tracker, run_action, office_closed):
    messages, events = run_action(ActionHandoff(), make_tracker("can I talk to a person", "request_person"))
    assert responses(messages) == ["utter_handoff_out_of_hours"]
    assert messages[0]["back_at"] == "9am on Monday 30 November"
    assert handoffs(messages)[0]["priority"] == "normal"
    assert events == PAUSED


def test_out_of_hours_in_welsh_the_time_staff_are_back_is_in_welsh(make_tracker, run_action, office_closed):
    messages, _ = run_action(ActionHandoff(), make_tracker("ga i siarad â pherson", "request_person", language="cy"))
    assert responses(messages) == ["utter_handoff_out_of_hours"]
    assert messages[0]["back_at"] == "9yb dydd Llun 30 Tachwedd"


def test_the_out_of_hours_response_has_somewhere_to_put_the_time(domain):
    for variation in domain["responses"]["utter_handoff_out_of_hours"]:  # Welsh and English
        assert "{back_at}" in variation["text"] and "{edt_phone}" in variation["text"]


def test_the_summary_carries_what_was_talked_about_and_the_services_shown(make_tracker, run_action, office_open):
    tracker = make_tracker("I'd like to speak to someone", "request_person", language="cy", last_topic="carer_support",
                           services_offered=["Carmarthen Luncheon Club"],
                           before=[user_event("I look after my husband who has MS", "info_carer_support")])
    messages, _ = run_action(ActionHandoff(), tracker)
    assert handoffs(messages) == [{"reason": "requested", "priority": "normal", "summary": {
        "reason": "requested", "topic": "carer_support", "theme": "carers", "enquirer": "carer", "language": "cy",
        "services_offered": ["Carmarthen Luncheon Club"]}}]
    assert enquiries(messages)[0]["topic"] == "carer_support"


@pytest.mark.parametrize("intent, reason", [("need_advice", "advice"), ("need_assistance", "assistance")])
def test_advice_or_assistance_goes_to_a_person_with_its_reason(make_tracker, run_action, office_open, intent, reason):
    messages, events = run_action(ActionHandoffForNeed(), make_tracker("I need help at home", intent))
    assert responses(messages) == ["utter_handoff_in_hours"]
    [handoff] = handoffs(messages)
    assert (handoff["reason"], handoff["priority"], handoff["summary"]["reason"]) == (reason, "normal", reason)
    assert events == PAUSED


def test_the_need_intents_are_in_the_domain(rasa_domain):
    assert {"need_advice", "need_assistance"} <= set(rasa_domain.intents)


def test_a_need_out_of_hours_says_when_staff_are_back(make_tracker, run_action, office_closed):
    messages, _ = run_action(ActionHandoffForNeed(), make_tracker("I need advice", "need_advice"))
    assert responses(messages) == ["utter_handoff_out_of_hours"]
    assert messages[0]["back_at"] == "9am on Monday 30 November"
    assert handoffs(messages)[0]["reason"] == "advice"

"""action_missed: the first miss asks to rephrase (or says it is out of scope); the second miss in
a row offers a person and records the enquiry as unresolved; anything understood in between
starts the count again. action_answer_yes_no: yes to that offer hands off (reason "fallback"),
no says that's fine, and a yes or no with no question before it just asks how to help."""
from __future__ import annotations

import pytest
from rasa_sdk.events import ConversationPaused, SlotSet

from actions.actions import ActionAnswerYesNo, ActionMissed

from .conftest import enquiries, handoffs, responses, user_event


@pytest.mark.parametrize("intent, response", [("nlu_fallback", "utter_please_rephrase"),
                                              ("out_of_scope", "utter_out_of_scope")])
def test_a_first_miss_asks_again(make_tracker, run_action, intent, response):
    messages, events = run_action(ActionMissed(), make_tracker("asdf qwerty", intent))
    assert responses(messages) == [response] and enquiries(messages) == []
    assert events == [SlotSet("misses", 1.0)]


@pytest.mark.parametrize("before, now", [("nlu_fallback", "nlu_fallback"), ("out_of_scope", "nlu_fallback"),
                                         ("nlu_fallback", "out_of_scope")])
def test_a_second_miss_in_a_row_offers_a_person_and_records_it_unresolved(make_tracker, run_action, before, now):
    tracker = make_tracker("what about the thing", now, misses=1.0,
                           before=[user_event("my mum is 86 and needs the thing", before)])
    messages, events = run_action(ActionMissed(), tracker)
    assert responses(messages) == ["utter_offer_person"]
    assert enquiries(messages) == [{"topic": "other", "outcome": "unresolved", "theme": "older_people",
                                    "enquirer": "family_friend"}]
    assert events == [SlotSet("misses", 2.0), SlotSet("pending_question", "offer_person")]


def test_the_offer_uses_the_topic_already_talked_about(make_tracker, run_action):
    tracker = make_tracker("and the other thing", "nlu_fallback", misses=1.0, last_topic="charges_finance",
                           before=[user_event("blah", "nlu_fallback")])
    messages, _ = run_action(ActionMissed(), tracker)
    assert enquiries(messages)[0]["topic"] == "charges_finance"


def test_something_understood_in_between_starts_the_count_again(make_tracker, run_action):
    tracker = make_tracker("asdf", "nlu_fallback", misses=1.0,
                           before=[user_event("blah", "nlu_fallback"), user_event("hello", "greet")])
    messages, events = run_action(ActionMissed(), tracker)
    assert responses(messages) == ["utter_please_rephrase"]
    assert events == [SlotSet("misses", 1.0)]


def test_the_offer_is_a_yes_no_question_in_the_domain(domain):
    assert "utter_offer_person" in domain["responses"]


def test_yes_to_the_offer_hands_off_as_a_fallback(make_tracker, run_action, office_open):
    tracker = make_tracker("yes please", "affirm", misses=2.0, pending_question="offer_person")
    messages, events = run_action(ActionAnswerYesNo(), tracker)
    assert responses(messages) == ["utter_handoff_in_hours"]
    [handoff] = handoffs(messages)
    assert (handoff["reason"], handoff["priority"]) == ("fallback", "normal")
    assert events == [SlotSet("misses", 0.0), SlotSet("pending_question", None), ConversationPaused()]


def test_yes_to_the_offer_out_of_hours_says_when_staff_are_back(make_tracker, run_action, office_closed):
    tracker = make_tracker("ie", "affirm", language="cy", pending_question="offer_person")
    messages, _ = run_action(ActionAnswerYesNo(), tracker)
    assert responses(messages) == ["utter_handoff_out_of_hours"]
    assert handoffs(messages)[0]["summary"]["language"] == "cy"


def test_no_to_the_offer_says_that_is_fine_and_clears_the_question(make_tracker, run_action):
    tracker = make_tracker("no thanks", "deny", misses=2.0, pending_question="offer_person")
    messages, events = run_action(ActionAnswerYesNo(), tracker)
    assert responses(messages) == ["utter_no_handoff"] and handoffs(messages) == []
    assert events == [SlotSet("pending_question", None), SlotSet("misses", 0.0)]


@pytest.mark.parametrize("intent", ["affirm", "deny"])
def test_yes_or_no_with_no_question_asks_how_to_help(make_tracker, run_action, intent):
    messages, events = run_action(ActionAnswerYesNo(), make_tracker("yes", intent))
    assert responses(messages) == ["utter_how_can_i_help"] and handoffs(messages) == []
    assert events == [SlotSet("pending_question", None), SlotSet("misses", 0.0)]


def test_the_yes_no_intents_are_in_the_domain(rasa_domain):
    assert {"affirm", "deny", "nlu_fallback", "out_of_scope"} <= set(rasa_domain.intents)

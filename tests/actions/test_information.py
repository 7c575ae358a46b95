"""action_give_information answers each information intent with its own response and records
the enquiry: the topic code the intent stands for, the outcome, and the theme and enquirer read
from what the citizen wrote (codes only, never the words)."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import INFORMATION_TOPICS, ActionGiveInformation
from iaa.taxonomy import stated

from .conftest import enquiries, responses, user_event

TOPICS = {
    "info_how_care_works": "how_care_works",
    "info_support_types": "how_care_works",
    "info_assessment": "assessment",
    "info_carers_assessment": "assessment",
    "info_raise_concern": "raising_concern",
    "info_charges": "charges_finance",
    "info_direct_payments": "direct_payments",
    "info_carer_support": "carer_support",
    "info_advocacy": "advocacy",
    "info_complaints": "complaints",
}
# Intents added to data/nlu today, whose responses bot/domain does not carry yet (see
# tests/actions/test_wire.py): their topics are checked here, the domain when it has them.
NEW_TOPICS = {
    "info_eligibility": "assessment",
    "info_children_families": "how_care_works",
    "info_money_advice": "charges_finance",
    "info_housing_equipment": "housing_equipment",
    "info_accessible_contact": "other",
    "info_other_area": "how_care_works",
    "info_after_concern": "raising_concern",
    "info_wellbeing": "find_service",
    "info_future_planning": "other",
    "info_secure_estate": "how_care_works",
}


def test_the_topics_are_the_ones_this_suite_expects_and_codes_in_the_taxonomy():
    assert INFORMATION_TOPICS == {**TOPICS, **NEW_TOPICS}
    assert set(TOPICS.values()) <= set(stated("topic"))
    assert set(NEW_TOPICS.values()) <= set(stated("topic")) | {"other"}


def test_every_information_intent_is_in_the_domain_with_its_response(rasa_domain, domain):
    assert set(TOPICS) <= set(rasa_domain.intents)
    assert {f"utter_{intent}" for intent in TOPICS} <= set(domain["responses"])


@pytest.mark.parametrize("intent, topic", sorted({**TOPICS, **NEW_TOPICS}.items()))
def test_each_intent_gets_its_answer_and_its_topic_recorded(make_tracker, run_action, intent, topic):
    messages, events = run_action(ActionGiveInformation(), make_tracker("tell me please", intent, misses=1.0,
                                                                        pending_question="offer_person"))
    assert responses(messages) == [f"utter_{intent}"]
    assert enquiries(messages) == [{"topic": topic, "outcome": "information_given",
                                    "theme": "not_stated", "enquirer": "not_stated"}]
    assert events == [SlotSet("misses", 0.0), SlotSet("last_topic", topic), SlotSet("pending_question", None)]


def test_theme_and_enquirer_come_from_everything_the_citizen_typed_this_session(make_tracker, run_action):
    tracker = make_tracker("how much will it cost", "info_charges",
                           before=[user_event("my mum has dementia", "other")])
    messages, _ = run_action(ActionGiveInformation(), tracker)
    assert enquiries(messages) == [{"topic": "charges_finance", "outcome": "information_given",
                                    "theme": "older_people", "enquirer": "family_friend"}]


def test_button_payloads_are_not_read_as_the_citizens_words(make_tracker, run_action):
    tracker = make_tracker("/info_carer_support", "info_carer_support",
                           before=[user_event("/my_mum_dementia", "other")])
    messages, _ = run_action(ActionGiveInformation(), tracker)
    assert enquiries(messages)[0]["theme"] == "not_stated"
    assert enquiries(messages)[0]["enquirer"] == "not_stated"


def test_welsh_words_are_classified_too(make_tracker, run_action):
    messages, _ = run_action(ActionGiveInformation(),
                             make_tracker("Mae fy mam yn byw gyda dementia", "info_assessment", language="cy"))
    assert enquiries(messages)[0] == {"topic": "assessment", "outcome": "information_given",
                                      "theme": "older_people", "enquirer": "family_friend"}


@pytest.mark.parametrize("intent", ["greet", "find_service", None])
def test_an_intent_it_does_not_know_asks_to_rephrase_and_records_nothing(make_tracker, run_action, intent):
    messages, events = run_action(ActionGiveInformation(), make_tracker("hmm", intent))
    assert responses(messages) == ["utter_please_rephrase"]
    assert enquiries(messages) == [] and events == []

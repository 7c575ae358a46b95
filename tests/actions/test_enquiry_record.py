"""The enquiry record's topic, theme and enquirer as enquiry_payload decides them: a topic the turn
knows (an information intent's, find_service for a service request) is never replaced by a cue
guess; without one (advice, assistance, a handoff, a miss) the latest message's topic cues, then
the topic already talked about, then earlier messages, then "other". The theme follows the person
who needs the support (data/taxonomy/enquiry_cues.yml)."""
from __future__ import annotations

import pytest

from actions.actions import ActionGiveInformation, ActionHandoff, ActionHandoffForNeed, enquiry_payload
from actions.directory_actions import ActionFindService

from .conftest import enquiries, user_event


def record(tracker, topic=None, outcome=None):
    return enquiry_payload(tracker, topic, outcome)["enquiry"]


@pytest.mark.parametrize("intent", ["need_advice", "need_assistance"])
@pytest.mark.parametrize("text, topic", [
    ("can someone help me get a ramp put in", "housing_equipment"),
    ("I need to talk to someone about how I pay for my care", "charges_finance"),
    ("I'd like an assessment for dad", "assessment"),
    ("can you arrange care for my mum when she comes home", "how_care_works"),
    ("I need help", "other"),
    ("Hoffwn siarad â rhywun am addasiadau i'r tŷ", "housing_equipment"),
    ("Sut ydw i'n talu am fy ngofal?", "charges_finance"),
    ("Allwch chi drefnu gofal i fy nhad?", "how_care_works"),
])
def test_advice_and_assistance_take_the_topic_from_what_was_said(make_tracker, run_action, office_open,
                                                                 intent, text, topic):
    messages, _ = run_action(ActionHandoffForNeed(), make_tracker(text, intent))
    assert enquiries(messages)[0]["topic"] == topic


def test_the_latest_message_says_the_topic_before_the_topic_talked_about(make_tracker):
    tracker = make_tracker("can someone come and look at a stairlift", "need_assistance", last_topic="charges_finance",
                           before=[user_event("how much does care cost", "info_charges")])
    assert record(tracker)["topic"] == "housing_equipment"


def test_without_a_cue_now_the_topic_talked_about_comes_before_earlier_messages(make_tracker):
    tracker = make_tracker("I need to speak to someone", "need_advice", last_topic="direct_payments",
                           before=[user_event("how much will it cost", "info_direct_payments")])
    assert record(tracker)["topic"] == "direct_payments"


def test_without_either_an_earlier_message_says_it_latest_first(make_tracker):
    tracker = make_tracker("can I talk to a person", "request_person",
                           before=[user_event("how much is a care home", "nlu_fallback"),
                                   user_event("and is there an advocate who could help", "nlu_fallback")])
    assert record(tracker)["topic"] == "advocacy"


def test_a_button_is_not_read_as_the_latest_message(make_tracker):
    tracker = make_tracker("/request_person", "request_person",
                           before=[user_event("my dad needs a hoist", "nlu_fallback")])
    assert record(tracker) == {"topic": "housing_equipment", "outcome": None, "theme": "not_stated",
                               "enquirer": "family_friend"}


@pytest.mark.parametrize("intent, text", [
    ("info_charges", "I need a ramp, how much does it cost"),
    ("info_wellbeing", "is there anything to help with my depression, I can't pay much"),
    ("info_eligibility", "would I qualify for a stairlift"),
])
def test_an_information_intents_topic_is_never_replaced_by_a_guess(make_tracker, run_action, intent, text):
    messages, _ = run_action(ActionGiveInformation(), make_tracker(text, intent))
    from actions.actions import INFORMATION_TOPICS
    assert enquiries(messages)[0]["topic"] == INFORMATION_TOPICS[intent]


def test_a_service_request_stays_find_service_whatever_it_is_about(directory_db, make_tracker, run_action):
    tracker = make_tracker("a lunch club in Carmarthen, I can't afford to pay much", "find_service",
                           last_topic="charges_finance")
    messages, _ = run_action(ActionFindService(), tracker)
    [found] = enquiries(messages)
    assert found["topic"] == "find_service"


def test_a_service_request_with_nothing_found_stays_find_service(directory_db, make_tracker, run_action):
    messages, _ = run_action(ActionFindService(), make_tracker("a stairlift fitting service in Llandeilo",
                                                               "find_service"))
    [found] = enquiries(messages)
    assert found["topic"] == "find_service"


def test_a_carer_asking_about_carer_support_is_recorded_under_carers(make_tracker, run_action):
    tracker = make_tracker("what is there for someone like me", "info_carer_support",
                           before=[user_event("I look after my wife, she has Parkinson's", "other")])
    messages, _ = run_action(ActionGiveInformation(), tracker)
    assert enquiries(messages)[0] == {"topic": "carer_support", "outcome": "information_given", "theme": "carers",
                                      "enquirer": "carer"}


def test_a_carer_asking_about_equipment_for_the_person_is_recorded_under_the_condition(make_tracker, run_action,
                                                                                       office_open):
    tracker = make_tracker("can someone help with a stairlift", "need_assistance",
                           before=[user_event("I look after my wife, she has Parkinson's", "other")])
    messages, _ = run_action(ActionHandoffForNeed(), tracker)
    assert enquiries(messages)[0] == {"topic": "housing_equipment", "outcome": None,
                                      "theme": "health_physical_disability", "enquirer": "carer"}


def test_a_relative_named_alone_sets_no_theme(make_tracker, run_action, office_open):
    messages, _ = run_action(ActionHandoff(), make_tracker("can I speak to someone about my mum", "request_person"))
    assert enquiries(messages)[0] == {"topic": "other", "outcome": None, "theme": "not_stated",
                                      "enquirer": "family_friend"}

"""action_session_start puts the council's values into slots (responses never hard-code a
phone number) and the language the channel said; action_choose_language answers in it."""
from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions.actions import ActionChooseLanguage, ActionSessionStart
from iaa.profile import load_profile
from iaa.settings import ROOT

from .conftest import customs, responses

# Some of the example council's values, as the bot's responses get them.
KNOWN_VALUES = [
    SlotSet("council_name", "Sir Enghraifft County Council"),
    SlotSet("iaa_phone", "029 2018 0123"),
    SlotSet("iaa_email", "gofal@example.org"),
    SlotSet("iaa_website", "https://www.example.org/social-care"),
    SlotSet("edt_phone", "029 2018 0999"),
    SlotSet("opening_hours", "Monday to Thursday 9am to 5pm, Friday 9am to 4.30pm (closed on bank holidays)"),
    SlotSet("max_weekly_charge", "£100"),
    SlotSet("capital_limit", "£50,000"),
    SlotSet("charges_year", "2026-27"),
    SlotSet("typical_reply", "20 minutes"),
    SlotSet("assistance_charge_sentence", ""),
    SlotSet("dewis_website", "https://www.dewis.wales"),
    SlotSet("ombudsman_name", "Public Services Ombudsman for Wales"),
]
# Every value the profile gives the bot's responses, in order.
COUNCIL_SLOTS = [SlotSet(name, value) for name, value in
                 load_profile(ROOT / "data" / "council" / "example.yml").template_values().items()]


def test_the_council_slots_include_the_known_values():
    assert all(known in COUNCIL_SLOTS for known in KNOWN_VALUES)


def test_a_session_starts_with_the_council_profile_in_its_slots_then_listens(make_tracker, run_action):
    messages, events = run_action(ActionSessionStart(), make_tracker("", "session_start"))
    assert messages == []
    assert events == [SessionStarted(), *COUNCIL_SLOTS, ActionExecuted("action_listen")]


def test_every_council_slot_it_sets_is_a_slot_in_the_domain(domain, make_tracker, run_action):
    _, events = run_action(ActionSessionStart(), make_tracker("", "session_start"))
    set_names = {e["name"] for e in events if e["event"] == "slot"}
    assert set_names <= set(domain["slots"])
    assert set_names == {e["name"] for e in COUNCIL_SLOTS}


@pytest.mark.parametrize("language", ["cy", "en"])
def test_the_language_the_channel_started_the_session_in_is_kept(make_tracker, run_action, language):
    tracker = make_tracker("", "session_start", session_started_metadata={"language": language, "channel": "web"})
    _, events = run_action(ActionSessionStart(), tracker)
    assert events[-2:] == [SlotSet("language", language), ActionExecuted("action_listen")]


@pytest.mark.parametrize("metadata", [{"language": "fr"}, {"language": None}, {}, None])
def test_a_language_the_bot_does_not_speak_is_not_set(make_tracker, run_action, metadata):
    tracker = make_tracker("", "session_start", session_started_metadata=metadata)
    _, events = run_action(ActionSessionStart(), tracker)
    assert not [e for e in events if e.get("name") == "language"]
    assert events[-1] == ActionExecuted("action_listen")


@pytest.mark.parametrize("language", ["cy", "en"])
def test_choosing_a_language_answers_in_it_and_tells_the_front_door(make_tracker, run_action, language):
    tracker = make_tracker(f'/choose_language{{"language": "{language}"}}', "choose_language",
                           entities=[{"entity": "language", "value": language}], language=language)
    messages, events = run_action(ActionChooseLanguage(), tracker)
    assert responses(messages) == [f"utter_language_{language}"]
    assert customs(messages) == [{"language": language}]
    assert events == []


def test_with_no_language_slot_english_is_chosen(make_tracker, run_action):
    messages, _ = run_action(ActionChooseLanguage(), make_tracker("/choose_language", "choose_language", language=None))
    assert responses(messages) == ["utter_language_en"] and customs(messages) == [{"language": "en"}]


def test_both_language_responses_exist_in_the_domain(domain):
    assert {"utter_language_en", "utter_language_cy"} <= set(domain["responses"])

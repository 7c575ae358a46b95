"""The bot's information answers and handoff messages: every information intent has its answer and
its rule; every placeholder is filled from the council profile (or by the action that sends it);
no figure, phone number or web address is written into a response; the flat-rate assistance
charge is mentioned only when the profile sets one; the front door's handoff messages give the
reply times (Code of Practice paras 300(i), 380). No Rasa model is needed: the YAML is read as is."""
from __future__ import annotations

import ast
import datetime as dt
import re
import string
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from frontdoor.cli import main
from iaa.profile import CONTACT_KEYS, load_profile
from iaa.settings import ROOT
from iaa.texts import _catalogue, say

EXAMPLE = ROOT / "data" / "council" / "example.yml"
DOMAIN_DIR = ROOT / "bot" / "domain"
INFORMATION = DOMAIN_DIR / "information.yml"
RULES = ROOT / "data" / "rules" / "information.yml"
# Keyword arguments to utter_message are Rasa's own, not values for placeholders.
RASA_KWARGS = {"response", "text", "json_message", "buttons", "image", "attachment", "elements",
               "template"}
MONEY = re.compile(r"£\s*\d")
PHONE = re.compile(r"(?<![\d.])(?:\+44\s?|0)\d[\d ]{6,}\d")
WEB = re.compile(r"https?://|www\.|\.wales\b|\.gov\.uk\b|\.org\b", re.IGNORECASE)


def load(path) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def domain_files():
    return sorted(DOMAIN_DIR.glob("*.yml"))


def english(variants: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A response's English default: the variation with no condition (the Welsh one has one)."""
    [default] = [v for v in variants if not v.get("condition")]
    return default


def all_responses() -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    for path in domain_files():
        for name, variants in (load(path).get("responses") or {}).items():
            for variant in variants:
                yield path.name, name, variant


def texts_of(variant: Dict[str, Any]) -> Iterator[str]:
    yield variant.get("text") or ""
    for button in variant.get("buttons") or []:
        yield button["title"]


def placeholders(text: str) -> Set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def slots() -> Set[str]:
    found: Set[str] = set()
    for path in domain_files():
        found |= set(load(path).get("slots") or {})
    return found


def action_kwargs() -> Set[str]:
    """Names the custom actions pass to dispatcher.utter_message, filling a response's placeholders."""
    names: Set[str] = set()
    for path in (ROOT / "actions").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "utter_message"):
                names |= {k.arg for k in node.keywords if k.arg}
    return names - RASA_KWARGS


@pytest.fixture
def profile():
    return load_profile(EXAMPLE)


def write(tmp_path, data) -> str:
    path = tmp_path / "profile.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def example_data() -> Dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def information_intents():
    return load(INFORMATION)["intents"]


# -- the information intents ---------------------------------------------------------------

NEW_TOPICS = ["info_eligibility", "info_children_families", "info_money_advice", "info_housing_equipment",
              "info_accessible_contact", "info_other_area", "info_after_concern", "info_wellbeing",
              "info_future_planning", "info_secure_estate"]


def test_the_new_topics_are_there_under_their_agreed_names():
    assert set(NEW_TOPICS) <= set(information_intents())


def test_every_information_intent_has_a_response_and_a_rule_and_nothing_else():
    intents = information_intents()
    assert len(intents) == len(set(intents)) and all(i.startswith("info_") for i in intents)
    responses = load(INFORMATION)["responses"]
    assert set(responses) == {f"utter_{i}" for i in intents}
    rules = {}
    for rule in load(RULES)["rules"]:
        steps = rule["steps"]
        assert len(steps) == 2, rule
        rules[steps[0]["intent"]] = steps[1]["action"]
    assert rules == {i: "action_give_information" for i in intents}


def test_action_give_information_knows_every_information_intent():
    # Otherwise it answers the intent with utter_please_rephrase.
    from actions.actions import INFORMATION_TOPICS
    assert set(information_intents()) <= set(INFORMATION_TOPICS)


def test_every_button_payload_names_a_known_intent():
    intents: Set[str] = set()
    for path in domain_files():
        for item in load(path).get("intents") or []:
            intents.add(item if isinstance(item, str) else next(iter(item)))
    for _, name, variant in all_responses():
        for button in variant.get("buttons") or []:
            payload = button["payload"]
            assert payload.startswith("/"), (name, payload)
            assert re.match(r"/(\w+)", payload).group(1) in intents, (name, payload)


# -- placeholders and what may be written in a response -------------------------------------

def test_every_placeholder_is_a_profile_value_a_slot_or_given_by_the_action(profile):
    known = set(profile.template_values()) | slots() | action_kwargs()
    unknown = {(file, name, field) for file, name, variant in all_responses()
               for text in texts_of(variant) for field in placeholders(text) if field not in known}
    assert unknown == set()


def test_every_profile_value_is_a_slot_so_the_session_start_can_set_it(profile):
    assert set(profile.template_values()) <= slots()


def test_profile_values_are_all_strings_even_when_optional_ones_are_left_out(tmp_path):
    data = example_data()
    data["iaa"].pop("textphone")
    data["iaa"].pop("bsl_video_url")
    values = load_profile(write(tmp_path, data)).template_values()
    assert all(isinstance(v, str) for v in values.values())
    assert values["textphone_sentence"] == "" and values["bsl_sentence"] == ""
    accessible = english(load(INFORMATION)["responses"]["utter_info_accessible_contact"])["text"]
    filled = accessible.format(**values)
    assert "Textphone" not in filled and "None" not in filled and "{" not in filled


@pytest.mark.parametrize("file, name, variant", list(all_responses()),
                         ids=[f"{f}:{n}" for f, n, _ in all_responses()])
def test_no_figure_phone_number_or_address_is_written_in_a_response(file, name, variant):
    for text in texts_of(variant):
        assert not MONEY.search(text), (name, "a £ figure belongs in the profile's charges:")
        assert not PHONE.search(text), (name, "a phone number belongs in the profile")
        assert not WEB.search(text), (name, "a web address belongs in the profile")


def test_the_checks_catch_what_they_are_for():
    assert MONEY.search("the most is £100 a week") and not MONEY.search("{max_weekly_charge} a week")
    for number in ("029 2018 0123", "0808 801 1000", "0300 7900 126", "+44 29 2018 0123", "08000 121 700"):
        assert PHONE.search(f"call {number} now"), number
    assert not PHONE.search("call 999") and not PHONE.search("in 2026-27")
    assert WEB.search("see www.dewis.wales") and not WEB.search("see {dewis_website}")


def test_every_information_answer_fills_from_the_example_profile(profile):
    values = profile.template_values()
    for name, variants in load(INFORMATION)["responses"].items():
        for variant in variants:
            filled = variant["text"].format(**values)
            assert "{" not in filled and "None" not in filled, name


# -- charges -----------------------------------------------------------------------------

def charges_text(profile) -> str:
    return english(load(INFORMATION)["responses"]["utter_info_charges"])["text"].format(**profile.template_values())


def test_the_assistance_charge_is_not_mentioned_when_the_profile_sets_none(profile):
    assert profile.charges.assistance_flat_rate_gbp == 0
    values = profile.template_values()
    assert values["assistance_charge_sentence"] == values["assistance_charge_sentence_cy"] == ""
    assert "flat rate" not in charges_text(profile)


def test_the_assistance_charge_is_said_in_english_and_welsh_when_set(tmp_path):
    data = example_data()
    data["charges"]["assistance_flat_rate_gbp"] = 2.5
    profile = load_profile(write(tmp_path, data))
    values = profile.template_values()
    assert "flat rate of £2.50 for assistance" in values["assistance_charge_sentence"]
    assert "£2.50" in values["assistance_charge_sentence_cy"] and "Gall y cyngor" in values["assistance_charge_sentence_cy"]
    assert values["assistance_charge_sentence"].startswith(" ")  # it follows another sentence
    assert "flat rate of £2.50" in charges_text(profile)
    how = english(load(INFORMATION)["responses"]["utter_info_how_care_works"])["text"].format(**values)
    assert "flat rate of £2.50" in how


def test_the_charges_answer_says_what_the_weekly_maximum_covers_and_who_can_still_get_help(profile):
    text = charges_text(profile)
    assert "£100 a week" in text and "£50,000" in text and "2026-27" in text
    assert "care and support it provides or arranges" in text and "privately" in text
    assert "minimum amount of income" in text
    assert "information, advice, an assessment and help to arrange your care" in text  # paras 306, 339
    assert "decided separately" in text  # eligibility is not the financial assessment (002 para 139)
    assert "not always counted" in text


# -- handoff messages ----------------------------------------------------------------------

def core_response(name: str) -> str:
    return english(load(DOMAIN_DIR / "core.yml")["responses"][name])["text"]


def test_handoff_in_hours_says_how_soon_from_the_profile_and_three_working_days(profile):
    text = core_response("utter_handoff_in_hours")
    assert "{typical_reply}" in text and "three working days" in text
    assert not re.search(r"\d+ (minutes|hours)", text)
    assert "usually within 20 minutes" in text.format(**profile.template_values())


def test_handoff_out_of_hours_says_three_working_days():
    text = core_response("utter_handoff_out_of_hours")
    assert "{back_at}" in text and "three working days" in text


def test_front_door_handoff_messages_in_both_languages(profile):
    assert all(set(v) == {"en", "cy"} for v in _catalogue().values())
    assert "usually within 20 minutes" in say("handoff_recovered", "en", profile)
    assert "three working days" in say("handoff_recovered", "en", profile)
    assert "fel arfer o fewn 20 munud" in say("handoff_recovered", "cy", profile)
    assert "tri diwrnod gwaith" in say("handoff_recovered", "cy", profile)
    closed = {lang: say("handoff_recovered_closed", lang, profile, back_at="9am") for lang in ("en", "cy")}
    assert "three working days" in closed["en"] and "tri diwrnod gwaith" in closed["cy"]


@pytest.mark.parametrize("minutes, en, cy", [
    (20, "20 minutes", "20 munud"), (60, "1 hour", "1 awr"), (90, "90 minutes", "90 munud"),
    (120, "2 hours", "2 awr"),
])
def test_typical_reply_in_words(tmp_path, minutes, en, cy):
    data = example_data()
    data["iaa"]["typical_reply_minutes"] = minutes
    values = load_profile(write(tmp_path, data)).template_values()
    assert (values["typical_reply"], values["typical_reply_cy"]) == (en, cy)


# -- contacts ------------------------------------------------------------------------------

def test_the_councils_own_contacts_are_fictional_and_every_contact_is_named_in_welsh(profile):
    own = ("family_information_service", "welfare_rights", "equipment_adaptations", "housing_options")
    assert set(own) <= set(CONTACT_KEYS)
    for key in own:
        digits = getattr(profile.contacts, key).phone.replace(" ", "")
        assert digits.startswith("0292018") and 0 <= int(digits[7:]) <= 999, key
        assert "example.org" in str(getattr(profile.contacts, key).website)
    for key in CONTACT_KEYS:
        contact = getattr(profile.contacts, key)
        assert contact.name_cy and contact.name_cy != "", key


# -- the charge figures' year ----------------------------------------------------------------

@pytest.mark.parametrize("today, warned", [
    (dt.date(2026, 4, 1), False), (dt.date(2027, 3, 31), False), (dt.date(2027, 4, 1), True),
])
def test_profile_warns_when_the_charge_figures_year_has_passed(profile, today, warned):
    assert profile.charges.year == "2026-27"
    warnings = profile.warnings(today)
    assert bool(warnings) is warned
    if warned:
        assert "2026-27" in warnings[0] and "2027-03-31" in warnings[0]


def test_charges_year_must_be_a_financial_year(tmp_path):
    data = example_data()
    data["charges"]["year"] = "2026-28"
    with pytest.raises(ValueError, match="not a financial year"):
        load_profile(write(tmp_path, data))
    data["charges"]["year"] = "2099-00"
    assert load_profile(write(tmp_path, data)).charges.year_ends() == dt.date(2100, 3, 31)


def test_cli_profile_check_warns_but_passes_when_the_charge_figures_are_old(tmp_path, capsys):
    data = example_data()
    data["charges"]["year"] = "2020-21"
    assert main(["profile", "check", write(tmp_path, data)]) == 0
    captured = capsys.readouterr()
    assert "valid profile" in captured.out
    assert "warning: the charge figures are for 2020-21" in captured.err
    data["charges"]["year"] = "2098-99"
    assert main(["profile", "check", write(tmp_path, data)]) == 0
    assert "charge figures" not in capsys.readouterr().err

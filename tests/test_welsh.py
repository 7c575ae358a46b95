"""Welsh everywhere a citizen reads: one copy of the mutation tables, day and month names and the
clock format; every bot response has a Welsh variation with the English one's placeholders and
buttons, using the glossary's terms; every front-door message, widget string and canned reply has
Welsh; every helpline its Welsh name and hours; an SMS in Welsh gets Welsh reply prompts. Fast: no
model, no servers."""
import datetime as dt
import json
import re
import string
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from iaa import welsh
from iaa.profile import ProfileError, load_profile
from iaa.replies import safeguarding_reply, when_text
from iaa.settings import ROOT


def test_mutations_and_their_inverse():
    assert welsh.mutations("taro") == {"daro", "nharo", "tharo"}
    assert welsh.mutations("gwr") == {"wr", "ngwr"}
    assert welsh.mutations("arian") == {"harian"}
    assert welsh.demutate("nghaerdydd") == ["caerdydd"]
    assert welsh.demutate("fam") == ["bam", "mam"]
    assert welsh.demutate("ofalwyr") == ["gofalwyr"]
    # every mutated initial leads back to the radicals it comes from, and nothing else
    for table in (welsh.SOFT, welsh.NASAL, welsh.ASPIRATE):
        for radical, mutated in table.items():
            if mutated:
                assert radical in dict(welsh.DEMUTATIONS)[mutated]
    assert sum(len(r) for _, r in welsh.DEMUTATIONS) == sum(
        1 for t in (welsh.SOFT, welsh.NASAL, welsh.ASPIRATE) for m in t.values() if m)


def test_soft_mutation_of_a_phrase():
    assert welsh.soft("dydd Llun") == "ddydd Llun"
    assert welsh.soft("Caerdydd") == "Caerdydd"  # capitalised: left as it is
    assert welsh.soft("cinio") == "ginio"


def test_one_clock_format_everywhere():
    assert [welsh.clock(9), welsh.clock(9, 30), welsh.clock(12), welsh.clock(0, 5), welsh.clock(16, 30)] == [
        "9am", "9.30am", "12pm", "12.05am", "4.30pm"]
    assert [welsh.clock(9, 30, "cy"), welsh.clock(14, 0, "cy")] == ["9.30yb", "2yp"]


def test_the_clock_is_the_same_in_the_profile_the_replies_and_the_directory():
    from directory.cards import schedule_text

    moment = dt.datetime(2025, 11, 24, 9, 30)
    assert when_text(moment) == "9.30am on Monday 24 November"
    assert when_text(moment, "cy") == "9.30yb dydd Llun 24 Tachwedd"
    schedule = [{"freq": "WEEKLY", "byday": "MO", "opens_at": "09:30", "closes_at": "16:30"}]
    assert "9.30am to 4.30pm" in schedule_text(schedule, "en")


def test_day_and_month_names():
    assert welsh.day_name(0, "cy") == "dydd Llun" and welsh.day_name(6) == "Sunday"
    assert welsh.month_name(11, "cy") == "Tachwedd" and welsh.month_name(1) == "January"


def test_place_names_mutate_with_the_same_tables():
    from directory import lexicon as lx

    assert welsh.mutated_forms("caerfyrddin") == ["gaerfyrddin", "nghaerfyrddin", "chaerfyrddin"]
    assert lx.mutations("llandeilo") == ["landeilo"] and lx.mutations("gorslas") == ["orslas", "ngorslas"]
    assert [welsh.after_yn(n) for n in ("Caerfyrddin", "Porth Tywyn", "Talacharn", "Llandeilo")] == [
        "yng Nghaerfyrddin", "ym Mhorth Tywyn", "yn Nhalacharn", None]


# -- bot responses ----------------------------------------------------------------------------

DOMAIN_DIR = ROOT / "bot" / "domain"
EXAMPLE = ROOT / "data" / "council" / "example.yml"
GLOSSARY = ROOT / "data" / "glossary.yml"
WELSH_CONDITION = [{"type": "slot", "name": "language", "value": "cy"}]


def load(path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def responses() -> Iterator[Tuple[str, str, List[Dict[str, Any]]]]:
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        for name, variants in ((load(path) or {}).get("responses") or {}).items():
            yield path.name, name, variants


RESPONSES = list(responses())


def split(variants: List[Dict[str, Any]]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The Welsh variation and the English default of a response (each exactly once)."""
    cy = [v for v in variants if v.get("condition") == WELSH_CONDITION]
    en = [v for v in variants if not v.get("condition")]
    assert len(cy) == 1 and len(en) == 1 and len(variants) == 2, "needs one Welsh variation and one default"
    return cy[0], en[0]


def placeholders(text: str) -> Set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text or "") if field}


def as_english(names: Set[str]) -> Set[str]:
    """Welsh values are the English ones' names with _cy (council_name_cy for council_name)."""
    return {n[:-3] if n.endswith("_cy") else n for n in names}


def payloads(variant: Dict[str, Any]) -> List[str]:
    """Button payloads; a language switch is one button whichever language it switches to (the
    Welsh greeting offers English where the English one offers Cymraeg)."""
    return ["/choose_language" if b["payload"].startswith("/choose_language") else b["payload"]
            for b in variant.get("buttons") or []]


def test_the_domain_has_every_response_it_should():
    names = {n for _, n, _ in RESPONSES}
    assert len(RESPONSES) >= 41
    assert {"utter_greet", "utter_goodbye", "utter_please_rephrase", "utter_out_of_scope", "utter_offer_person",
            "utter_handoff_in_hours", "utter_handoff_out_of_hours", "utter_no_service_found",
            "utter_no_more_services", "utter_info_charges", "utter_info_raise_concern"} <= names


@pytest.mark.parametrize("file, name, variants", RESPONSES, ids=[f"{f}:{n}" for f, n, _ in RESPONSES])
def test_every_response_has_welsh_with_the_same_placeholders_and_buttons(file, name, variants):
    cy, en = split(variants)
    assert cy.get("text") and en.get("text")
    assert cy["text"] != en["text"], "the Welsh variation is a copy of the English"
    assert as_english(placeholders(cy["text"])) == placeholders(en["text"])
    assert payloads(cy) == payloads(en)
    for cy_button, en_button in zip(cy.get("buttons") or [], en.get("buttons") or []):
        assert cy_button["title"] and (cy_button["title"] != en_button["title"] or "/" in en_button["title"]), \
            ("a button title left in English", en_button["title"])


@pytest.mark.parametrize("file, name, variants", RESPONSES, ids=[f"{f}:{n}" for f, n, _ in RESPONSES])
def test_the_welsh_uses_the_welsh_values_of_the_profile(file, name, variants):
    cy, _ = split(variants)
    values = load_profile(EXAMPLE).template_values()
    for field in placeholders(cy["text"]):
        assert f"{field}_cy" not in values, f"{{{field}}} has a Welsh form: use {{{field}_cy}}"
    filled = cy["text"].format(**values, back_at="9yb dydd Llun 30 Tachwedd", what="", where="", county="Sir Enghraifft",
                               outside="Abertawe", town="Llanelli")
    assert "{" not in filled and "None" not in filled


def test_the_check_catches_a_response_without_welsh():
    with pytest.raises(AssertionError):
        split([{"text": "Hello"}])
    with pytest.raises(AssertionError):
        test_every_response_has_welsh_with_the_same_placeholders_and_buttons("x", "x", [
            {"condition": WELSH_CONDITION, "text": "Helo"}, {"text": "Hello {iaa_phone}"}])


# -- the glossary -----------------------------------------------------------------------------

def glossary() -> List[Dict[str, Any]]:
    return load(GLOSSARY)


def welsh_forms(entry: Dict[str, Any]) -> Set[str]:
    """The Welsh term, its other forms, and each one's mutations (of its first word)."""
    forms = {entry["term_cy"].lower(), *(f.lower() for f in entry.get("forms_cy") or [])}
    return forms | {m for f in forms for m in welsh.mutations(f)}


def uses_english(text: str, term: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term.lower())}(s|'s|s')?(?![\w-])", text.lower()) is not None


def uses_welsh(text: str, forms: Set[str]) -> bool:
    low = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(f)}", low) for f in forms)


def all_text(variant: Dict[str, Any]) -> str:
    return "\n".join([variant.get("text") or ""] + [b["title"] for b in variant.get("buttons") or []])


def test_the_glossary_is_reviewable_and_has_the_standard_terms():
    entries = glossary()
    for entry in entries:
        assert set(entry) <= {"term_en", "term_cy", "forms_cy", "note", "check"}, entry
        assert entry["term_en"] and entry["term_cy"] and entry["note"], entry
    by_en = {e["term_en"]: e["term_cy"] for e in entries}
    assert len(by_en) == len(entries), "a term is in the glossary twice"
    assert {("assessment", "asesiad"), ("carer", "gofalwr"), ("direct payments", "taliadau uniongyrchol"),
            ("advocacy", "eiriolaeth"), ("complaint", "cwyn"), ("care and support", "gofal a chymorth"),
            ("information, advice and assistance", "gwybodaeth, cyngor a chymorth"),
            ("carer's assessment", "asesiad gofalwr"), ("safeguarding", "diogelu"),
            ("financial assessment", "asesiad ariannol"), ("breaks from caring", "seibiant"),
            ("maximum weekly charge", "tâl wythnosol uchaf"),
            ("Children's Commissioner for Wales", "Comisiynydd Plant Cymru"),
            ("Public Services Ombudsman for Wales", "Ombwdsmon Gwasanaethau Cyhoeddus Cymru"),
            ("Care Inspectorate Wales", "Arolygiaeth Gofal Cymru"), ("Dewis Cymru", "Dewis Cymru")} <= set(by_en.items())
    checked = {e["term_en"] for e in entries if e.get("check")}
    assert {"assessment", "carer", "direct payments", "advocacy", "complaint", "care and support"} <= checked


def test_the_official_names_in_the_glossary_are_the_profiles():
    values = load_profile(EXAMPLE).template_values()
    by_en = {e["term_en"]: e["term_cy"] for e in glossary()}
    for key in ("childrens_commissioner", "ombudsman", "care_inspectorate"):
        assert by_en[values[f"{key}_name"]] == values[f"{key}_name_cy"]


GLOSSARY_CASES = [(f, n, e["term_en"]) for f, n, _ in RESPONSES for e in glossary() if e.get("check")]


@pytest.mark.parametrize("file, name, term", GLOSSARY_CASES, ids=[f"{n}:{t}" for _, n, t in GLOSSARY_CASES])
def test_every_welsh_response_uses_the_glossary_term_where_the_english_uses_it(file, name, term):
    entry = next(e for e in glossary() if e["term_en"] == term)
    variants = next(v for f, n, v in RESPONSES if (f, n) == (file, name))
    cy, en = split(variants)
    if uses_english(all_text(en), term):
        assert uses_welsh(all_text(cy), welsh_forms(entry)), f"the English says {term!r}: the Welsh needs {entry['term_cy']!r}"


def test_the_glossary_check_allows_mutations_and_plurals_and_catches_other_words():
    carer = {"term_en": "carer", "term_cy": "gofalwr", "forms_cy": ["gofalwyr"]}
    complaint = {"term_en": "complaint", "term_cy": "cwyn"}
    assert uses_english("support for carers", "carer") and uses_english("a carer's assessment", "carer")
    assert not uses_english("careful", "carer") and not uses_english("childcare", "care")
    assert uses_welsh("cymorth i ofalwyr", welsh_forms(carer)) and uses_welsh("Gofalwr", welsh_forms(carer))
    assert uses_welsh("o dan y weithdrefn, eich gwyn", welsh_forms(complaint))
    assert not uses_welsh("cefnogaeth i rai sy'n gofalu", welsh_forms(carer))
    assert not uses_welsh("achwyniad", welsh_forms(complaint))


# -- what the front door says, the widget, the console -----------------------------------------

def test_every_front_door_message_has_english_and_welsh_with_the_same_placeholders():
    messages = load(ROOT / "data" / "messages.yml")
    assert {"sms_you_can_reply", "sms_reply_yes_no"} <= set(messages)
    for key, variants in messages.items():
        assert set(variants) == {"en", "cy"}, key
        assert variants["en"].strip() and variants["cy"].strip(), key
        assert as_english(placeholders(variants["cy"])) == placeholders(variants["en"]), key


def test_every_widget_string_has_english_and_welsh():
    strings = json.loads((ROOT / "channels" / "web" / "static" / "widget-strings.json").read_text(encoding="utf-8"))
    assert set(strings) == {"en", "cy"}
    assert set(strings["en"]) == set(strings["cy"])
    for key in strings["en"]:
        assert isinstance(strings["cy"][key], str) and strings["cy"][key].strip(), key
    assert strings["cy"]["title"] != strings["en"]["title"]


def test_every_canned_reply_has_welsh_with_the_same_placeholders():
    from console.canned import load_canned_replies

    replies = load_canned_replies()
    assert replies
    for reply in replies:
        assert reply["text_cy"].strip() and reply["text_cy"] != reply["text"], reply["id"]
        assert as_english(placeholders(reply["text_cy"])) == placeholders(reply["text"]), reply["id"]


def test_a_canned_reply_without_welsh_is_refused(tmp_path):
    from console.canned import load_canned_replies

    path = tmp_path / "canned.yml"
    path.write_text(yaml.safe_dump([{"id": "hello", "title": "Hello", "text": "Hello"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="text_cy"):
        load_canned_replies(path)
    path.write_text(yaml.safe_dump([{"id": "hello", "title": "Hello", "text": "Hello", "text_cy": " "}]),
                    encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        load_canned_replies(path)


# -- the council profile: helplines and Welsh values ------------------------------------------

def test_every_helpline_has_a_welsh_name_and_hours():
    profile = load_profile(EXAMPLE)
    for helpline in profile.helplines:
        assert helpline.name_cy, helpline.id
        assert helpline.hours_cy and helpline.hours_cy != helpline.hours, helpline.id
    assert {h.id: h.hours_cy for h in profile.helplines}["samaritans"] == "24 awr, am ddim"


def test_a_helpline_with_hours_but_no_welsh_hours_is_refused(tmp_path):
    data = load(EXAMPLE)
    del data["helplines"][1]["hours_cy"]
    path = tmp_path / "profile.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError, match="hours_cy"):
        load_profile(path)


def test_a_safeguarding_reply_in_welsh_gives_the_helplines_in_welsh():
    profile = load_profile(EXAMPLE)
    closed = dt.datetime(2026, 11, 28, 20, 0, tzinfo=dt.timezone.utc)
    parts = safeguarding_reply(profile, "suicide_self_harm", "cy", now=closed)
    assert parts[-1] == "Gallwch hefyd siarad â: Samariaid 116 123 (24 awr, am ddim)."
    assert "9yb dydd Llun 30 Tachwedd" in parts[0]
    english = safeguarding_reply(profile, "suicide_self_harm", "en", now=closed)
    assert english[-1] == "You can also talk to: Samaritans 116 123 (24 hours, free)."


def test_the_profile_gives_welsh_values_for_the_welsh_responses():
    values = load_profile(EXAMPLE).template_values()
    assert values["council_name_cy"] == "Cyngor Sir Enghraifft"
    assert values["opening_hours_cy"] == "dydd Llun i ddydd Iau 9yb i 5yp, dydd Gwener 9yb i 4.30yp (ar gau ar wyliau banc)"
    assert values["opening_hours"] == "Monday to Thursday 9am to 5pm, Friday 9am to 4.30pm (closed on bank holidays)"
    assert values["textphone_sentence_cy"] == " Ffôn testun: 029 2018 0124."
    assert values["bsl_sentence_cy"].startswith(" Gall defnyddwyr Iaith Arwyddion Prydain")
    # every Welsh value is a slot the session start sets (bot/domain/core.yml)
    slots = set(load(DOMAIN_DIR / "core.yml")["slots"])
    assert {k for k in values if k.endswith("_cy")} <= slots


# -- SMS --------------------------------------------------------------------------------------

BUTTONS = [{"title": "Rhagor", "payload": "/more_services"}, {"title": "Siarad â pherson", "payload": "/request_person"}]
FEEDBACK_CY = [{"title": "Do", "payload": '/feedback{"answer": "yes"}'},
               {"title": "Naddo", "payload": '/feedback{"answer": "no"}'}]


def test_a_welsh_sms_gets_welsh_reply_prompts():
    from channels.sms import render_sms

    text = render_sms([{"text": "Eisiau gweld rhagor, neu siarad â pherson?", "buttons": BUTTONS}], "cy")
    assert text.endswith("Atebwch gyda rhif: 1 Rhagor, 2 Siarad â pherson")
    assert "Reply with" not in text
    ended = render_sms([{"text": "Mae'r sgwrs hon wedi dod i ben.", "buttons": FEEDBACK_CY}], "cy")
    assert ended.endswith("Atebwch DO neu NADDO.") and "Reply YES" not in ended


def test_a_pushed_sms_takes_its_language_from_the_messages():
    """A text sent without its language (render_sms with none) may come without its language: the Welsh feedback
    buttons, or a Welsh service card, say it."""
    from channels.sms import render_sms

    assert render_sms([{"text": "Mae'r sgwrs hon wedi dod i ben.", "buttons": FEEDBACK_CY}]).endswith(
        "Atebwch DO neu NADDO.")
    english = [{"title": "Yes", "payload": '/feedback{"answer": "yes"}'}, {"title": "No", "payload": '/feedback{"answer": "no"}'}]
    assert render_sms([{"text": "This conversation has now ended.", "buttons": english}]).endswith("Reply YES or NO.")
    assert render_sms([{"text": "", "services": [{"name": "Clwb", "language": "cy"}], "buttons": BUTTONS}]).endswith(
        "Atebwch gyda rhif: 1 Rhagor, 2 Siarad â pherson")
    assert render_sms([{"text": "Hi", "buttons": BUTTONS}], "en").endswith("Reply with a number: 1 Rhagor, 2 Siarad â pherson")

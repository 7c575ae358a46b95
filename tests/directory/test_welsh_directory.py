"""The directory in Welsh: the `x_translations` extension (validated, stored, exported, imported
back unchanged), Welsh queries with mutated words finding the right services, and cards that say
whether a service works in Welsh and, in a Welsh conversation, when its details exist only in
English."""
from __future__ import annotations

import copy

import pytest

from directory.cards import build_card
from directory.export import export_services
from directory.importer import import_services
from directory.models import Organization, Service
from directory.request import parse_service_request
from directory.search import DirectorySearch
from iaa.db import session_scope
from iaa.payloads import CustomMessage, ServiceCard

from .conftest import SAMPLE_DAY, by_name
from .test_find_service_action import domain, run, services  # noqa: F401 (domain is a fixture)

ENGLISH_ONLY_CY = "Mae'r manylion hyn ar gael yn Saesneg yn unig."


def _service(sample_records, sid: str, **changes):
    rec = copy.deepcopy(sample_records[0])
    rec["id"] = sid
    rec.pop("x_translations", None)
    rec.update(changes)
    return rec


def _import(*records):
    with session_scope() as db:
        return import_services(db, list(records), "test.json")


# --- the extension: import, validation, export, round trip -------------------------------------


def test_the_sample_has_welsh_for_a_realistic_share(directory_db):
    welsh = [r for r in directory_db if r.get("x_translations")]
    assert len(directory_db) / 3 <= len(welsh) < len(directory_db)  # two thirds: many have Welsh, not all
    assert not any("name_cy" in r for r in directory_db)  # written as the documented extension
    lunch = by_name(directory_db, "Llandeilo Luncheon Club")
    assert lunch["x_translations"]["cy"]["name"] == "Clwb Cinio Llandeilo"
    assert lunch["organization"]["x_translations"]["cy"]["name"]


def test_x_translations_are_stored_for_the_service_and_its_organisation(directory_db):
    org = copy.deepcopy(directory_db[0]["organization"])
    org.update(id="org-cy-1", name="Example Friends", x_translations={"cy": {
        "name": "Cyfeillion Enghraifft", "description": "Elusen ffuglennol."}})
    rec = _service(directory_db, "cy-1", organization=org, organization_id="org-cy-1", x_translations={
        "cy": {"name": "Clwb Cinio'r Cyfeillion", "description": "Cinio poeth a chwmni da."}})
    summary = _import(rec)
    assert summary.problems == [] and summary.created == 1
    with session_scope() as db:
        svc = db.get(Service, "cy-1")
        assert (svc.name_cy, svc.description_cy) == ("Clwb Cinio'r Cyfeillion", "Cinio poeth a chwmni da.")
        o = db.get(Organization, "org-cy-1")
        assert (o.name_cy, o.description_cy) == ("Cyfeillion Enghraifft", "Elusen ffuglennol.")
        out = next(s for s in export_services(db) if s["id"] == "cy-1")
    assert out["x_translations"] == {"cy": {"name": "Clwb Cinio'r Cyfeillion",
                                            "description": "Cinio poeth a chwmni da."}}
    assert out["organization"]["x_translations"]["cy"]["name"] == "Cyfeillion Enghraifft"
    assert "name_cy" not in out and "description_cy" not in out
    # Round trip: the export imports back with nothing changed.
    again = _import(out)
    assert (again.created, again.updated, again.unchanged, again.problems) == (0, 0, 1, [])


def test_an_organisation_embedded_without_translations_keeps_its_welsh(directory_db):
    org = {"id": "org-cy-2", "name": "Keep Welsh Org",
           "x_translations": {"cy": {"name": "Sefydliad Cadw Cymraeg"}}}
    assert _import(_service(directory_db, "cy-2a", organization=org, organization_id="org-cy-2")).problems == []
    bare = {"id": "org-cy-2", "name": "Keep Welsh Org (renamed)"}
    assert _import(_service(directory_db, "cy-2b", organization=bare, organization_id="org-cy-2")).problems == []
    with session_scope() as db:
        o = db.get(Organization, "org-cy-2")
        assert (o.name, o.name_cy) == ("Keep Welsh Org (renamed)", "Sefydliad Cadw Cymraeg")


def test_the_older_flat_welsh_fields_are_still_read_and_x_translations_wins(directory_db):
    old = _service(directory_db, "cy-3", name_cy="Hen Enw", description_cy="Hen ddisgrifiad.")
    both = _service(directory_db, "cy-4", name_cy="Hen Enw", x_translations={"cy": {"name": "Enw Newydd"}})
    assert _import(old, both).problems == []
    with session_scope() as db:
        assert (db.get(Service, "cy-3").name_cy, db.get(Service, "cy-3").description_cy) == ("Hen Enw", "Hen ddisgrifiad.")
        assert (db.get(Service, "cy-4").name_cy, db.get(Service, "cy-4").description_cy) == ("Enw Newydd", None)
        out = next(s for s in export_services(db) if s["id"] == "cy-3")
    assert out["x_translations"] == {"cy": {"name": "Hen Enw", "description": "Hen ddisgrifiad."}}


def test_another_language_is_accepted_and_not_stored(directory_db):
    rec = _service(directory_db, "cy-5", x_translations={"pl": {"name": "Klub obiadowy"},
                                                          "cy": {"name": "Clwb Cinio"}})
    assert _import(rec).problems == []
    with session_scope() as db:
        assert db.get(Service, "cy-5").name_cy == "Clwb Cinio"
        assert next(s for s in export_services(db) if s["id"] == "cy-5")["x_translations"] == {
            "cy": {"name": "Clwb Cinio"}}


@pytest.mark.parametrize("translations,field,reason", [
    ("Clwb Cinio", "x_translations", "must be an object keyed by language"),
    ({"cy": "Clwb Cinio"}, "x_translations.cy", "must be an object with name and description"),
    ({"cy": {"name": 7}}, "x_translations.cy.name", "must be text, not int"),
    ({"cy": {"name": "x" * 256}}, "x_translations.cy.name", "is 256 characters; the most is 255"),
    ({"cy": {"description": "x" * 20001}}, "x_translations.cy.description", "the most is"),
    ({"cy": {"nmae": "Clwb Cinio"}}, "x_translations.cy.nmae", "is not a translated field"),
    ({"Welsh": {"name": "Clwb Cinio"}}, "x_translations", "is not a language tag"),
])
def test_bad_translations_are_reported_and_the_record_skipped(directory_db, translations, field, reason):
    summary = _import(_service(directory_db, "cy-bad", x_translations=translations))
    [problem] = summary.problems
    assert problem.record_id == "cy-bad" and problem.field == field and reason in problem.reason, problem
    with session_scope() as db:
        assert db.get(Service, "cy-bad") is None


def test_a_bad_organisation_translation_names_the_organisation(directory_db):
    org = dict(directory_db[0]["organization"], x_translations={"cy": {"name": ["Cyngor"]}})
    [problem] = _import(_service(directory_db, "cy-bad-org", organization=org)).problems
    assert problem.field == "organization.x_translations.cy.name" and "must be text" in problem.reason


# --- search: Welsh queries with mutated words ----------------------------------------------------


@pytest.fixture(scope="module")
def search(sample_records):
    return DirectorySearch.from_records(sample_records, today=SAMPLE_DAY)


def _find(search, text):
    """As the action does: the request read from the words, then the place the search reads."""
    parsed = parse_service_request(text, search.towns)
    located = search.locate(parsed["what"] or "", parsed["town"])
    return located, search.search(located.query, town=located.town, limit=3)


@pytest.mark.parametrize("query,town,expect", [
    ("clwb cinio yng Nghaerfyrddin", "Carmarthen", "Luncheon Club"),          # nasal: Caerfyrddin
    ("grŵp gofalwyr yn Llanelli", "Llanelli", "Carer"),                        # gofalwyr, with the circumflex
    ("help i ofalwyr", None, "Carer"),                                         # soft: gofalwyr
    ("caffi dementia ym Mhorth Tywyn", "Burry Port", "Memory Cafe"),           # nasal: Porth Tywyn
    ("seibiant i ofalwyr yn Rhydaman", "Ammanford", "Break"),                  # Ammanford in Welsh
    ("ganolfan ddydd yn Llandeilo", "Llandeilo", "Day Centre"),                # soft: canolfan ddydd
    ("cymorth gyda ngofalu", None, "Carer"),                                   # nasal: gofalu
    ("gwasanaeth cyfeillio yn Aberteifi", "Cardigan", "Befriending"),          # Cardigan in Welsh
    ("grwp cefnogi i bobl ddall", None, "Sight"),                              # soft: pobl, dall
    ("clybiau cinio", None, "Lunch"),                                          # the plural
    ("chwnsela i blant", None, "Counselling"),                                 # aspirate: cwnsela
    ("caffi cof yn Rhydaman", "Ammanford", "Memory Cafe"),
])
def test_welsh_queries_with_mutations_find_the_services(search, query, town, expect):
    located, found = _find(search, query)
    assert located.town == town
    assert found, query
    names = [m.name for m in found]
    assert expect.lower() in names[0].lower() or any(expect.lower() in n.lower() for n in names[:2]), names
    if town:
        assert found[0].card()["town"] in (town, None) or "county" in found[0].reason or town in found[0].reason


def test_a_mutated_welsh_word_matches_the_welsh_name(search):
    _, found = _find(search, "help i ofalwyr")
    assert any("in the Welsh name" in m.reason for m in found)
    assert all("ofalwyr" in m.card("cy")["name"].lower() or "gofalwyr" in m.card("cy")["name"].lower()
               for m in found if "in the Welsh name" in m.reason)


def test_welsh_text_from_x_translations_is_searched(search, sample_records):
    rec = _service(sample_records, "cy-search", name="Zzyzx Friday Group", description="A group.",
                   keywords="zzyzx", x_translations={"cy": {"name": "Grŵp Gwau Gwener",
                                                            "description": "Gwau a sgwrs."}})
    own = DirectorySearch.from_records([*sample_records, rec], today=SAMPLE_DAY)
    top = own.search("grŵp wau")[0]  # soft mutation of gwau
    assert top.service_id == "cy-search" and top.card("cy")["name"] == "Grŵp Gwau Gwener"
    assert top.reason == "matches 'grwp' and 'wau' (gwau) in the Welsh name"


# --- cards: works in Welsh, and details only in English ------------------------------------------


def test_every_card_says_whether_the_service_works_in_welsh(search, sample_records):
    lunch = build_card(by_name(sample_records, "Llandeilo Luncheon Club"), "en", SAMPLE_DAY)
    assert lunch["welsh"] is True and lunch["welsh_label"] == "Welsh spoken"
    assert build_card(by_name(sample_records, "Llandeilo Luncheon Club"), "cy", SAMPLE_DAY)["welsh_label"] \
        == "Gwasanaeth Cymraeg ar gael"
    english = next(r for r in sample_records if not any(x["code"] == "cy" for x in r["languages"]))
    card = build_card(english, "en", SAMPLE_DAY)
    assert card["welsh"] is False and card["welsh_label"] == "Not available in Welsh"
    assert build_card(english, "cy", SAMPLE_DAY)["welsh_label"] == "Dim gwasanaeth Cymraeg"
    unknown = dict(english, languages=[])
    assert build_card(unknown, "en", SAMPLE_DAY)["welsh"] is None
    assert build_card(unknown, "cy", SAMPLE_DAY)["welsh_label"] == "Gofynnwch a oes gwasanaeth Cymraeg"
    for i in search.ids:
        for language in ("en", "cy"):
            c = ServiceCard(**search.card(i, language))  # the payload carries both fields
            assert c.welsh in (True, False) and c.welsh_label


def test_a_welsh_card_without_welsh_details_is_marked_english_only(sample_records):
    english = next(r for r in sample_records if not r.get("x_translations"))
    assert build_card(english, "cy", SAMPLE_DAY)["english_only"] is True
    assert build_card(english, "en", SAMPLE_DAY)["english_only"] is False  # English is not a gap in English
    welsh = by_name(sample_records, "Llandeilo Luncheon Club")
    assert build_card(welsh, "cy", SAMPLE_DAY)["english_only"] is False
    name_only = dict(english, x_translations={"cy": {"name": "Enw yn unig"}})
    card = build_card(name_only, "cy", SAMPLE_DAY)
    assert card["name"] == "Enw yn unig" and card["english_only"] is True  # the description is English


def test_in_welsh_the_action_says_which_details_are_english_only(directory_db, domain):  # noqa: F811
    messages, _ = run(domain, "cwnsela", language="cy")
    cards = services(messages)["services"]
    assert cards and any(c["english_only"] for c in cards) and any(not c["english_only"] for c in cards)
    for c in cards:
        assert c["welsh_label"] and c["language"] == "cy"
        assert c.get("language_note") == (ENGLISH_ONLY_CY if c["english_only"] else None)
    CustomMessage.parse_obj(services(messages))  # still a valid payload


def test_in_english_no_card_carries_the_note(directory_db, domain):  # noqa: F811
    messages, _ = run(domain, "counselling", language="en")
    assert all(not c["english_only"] and not c.get("language_note") for c in services(messages)["services"])


def test_the_note_is_found_even_in_a_domain_trained_before_it(directory_db):
    domain_without = {"responses": {"utter_services_found": [{"text": "Here are some services that might help{where}:"}]}}
    from actions.directory_actions import domain_text

    assert domain_text(domain_without, "utter_directory_english_only", "cy") == ENGLISH_ONLY_CY
    assert domain_text(domain_without, "utter_directory_english_only", "en") == \
        "These details are available in English only."

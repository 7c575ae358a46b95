"""Search: synonyms, typos, Welsh, places, filters, inactive services never shown, and reasons."""
from __future__ import annotations

import copy
import time

import pytest

from directory.importer import import_services
from directory.search import DirectorySearch, get_search
from iaa.db import session_scope

from .conftest import SAMPLE_DAY, by_name

CARD_KEYS = {"name", "description", "address", "town", "phone", "email", "url", "schedule", "cost", "welsh",
             "last_checked", "stale"}


@pytest.fixture(scope="module")
def search(sample_records):
    return DirectorySearch.from_records(sample_records, today=SAMPLE_DAY)


def names(matches):
    return [m.name for m in matches]


def test_the_issue_example(search):
    [top, *_] = search.search("lunch club", town="Llandeilo")
    assert top.name == "Llandeilo Luncheon Club"
    assert top.reason == "matches 'lunch club' (synonym of luncheon club) in Llandeilo"
    assert 0 < top.score <= 1
    card = top.card()
    assert CARD_KEYS <= set(card)
    assert card["schedule"] == "Tuesdays and Thursdays, 12pm to 2pm"
    assert card["cost"] == "£3.50 per meal" and card["welsh"] is True and card["stale"] is False
    assert card["town"] == "Llandeilo" and card["phone"].startswith("029 2018 0")
    assert card["address"].startswith("Llandeilo ") and card["address"].endswith("SA19 9ZZ")
    assert card["last_checked"] == "6 March 2026" and card["email"].endswith("@example.org")


@pytest.mark.parametrize("query,expect,synonym", [
    ("luncheon club", "Lunch Club", "lunch club"),
    ("short break", "Respite", None),
    ("respite", "Short Breaks", "short breaks"),
    ("day centre", "Day Service", "day service"),
    ("day service", "Day Centre", "day centre"),
])
def test_synonyms_councils_use(search, query, expect, synonym):
    found = search.search(query, limit=10)
    assert any(expect in m.name for m in found), [m.name for m in found]
    if synonym:
        assert f"(synonym of {synonym}" in next(m.reason for m in found if synonym in m.reason or expect in m.name)


@pytest.mark.parametrize("typo,word,kind", [("demensia", "dementia", "Dementia"), ("respit", "respite", "Respite"),
                                            ("befrending", "befriending", "Befriending"),
                                            ("councelling", "counselling", "Counselling")])
def test_typos(search, typo, word, kind):
    found = search.search(typo, limit=3)
    assert found and any(kind.lower() in (m.name + m.card()["description"]).lower() for m in found)
    assert f"'{typo}' (read as {word}" in found[0].reason


def test_welsh_queries_find_welsh_described_services(search):
    top = search.search("clwb cinio yn Llandeilo")[0]
    assert top.name == "Llandeilo Luncheon Club" and top.reason.endswith("in Llandeilo")
    assert top.card("cy")["name"] == "Clwb Cinio Llandeilo"
    cafes = search.search("caffi cof", limit=3)  # Welsh words: services that work in Welsh come first
    assert len(cafes) == 3 and all(m.card()["welsh"] and "Memory Cafe" in m.name for m in cafes)
    assert cafes[0].card("cy")["name"].startswith("Caffi Cof")
    respite = search.search("gofal seibiant yng Nghaerfyrddin")  # mutated place name: Caerfyrddin
    assert respite[0].name == "Short Breaks for Carers (Sir Enghraifft)"
    assert "Carmarthen" in respite[0].reason
    mutated = search.search("help i ofalwyr yn Rhydaman")  # gofalwyr after "i", Ammanford in Welsh
    assert mutated and all(m.place == "Ammanford" for m in mutated)
    assert any("Carers" in m.name for m in mutated)


def test_places_in_either_language_and_nearby(search):
    assert search.resolve_town("Aberteifi") == "Cardigan" and search.resolve_town("llandielo") == "Llandeilo"
    assert search.resolve_town("Atlantis") is None and search.search("lunch club", town="Atlantis") == []
    for m in search.search("youth club", town="Aberteifi", limit=5):
        assert m.card()["town"] == "Cardigan" or "Cardigan" in m.reason
    near = search.search("memory cafe", town="Llandeilo")  # none in Llandeilo itself
    assert near[0].name == "Ammanford Memory Cafe"
    assert near[0].reason == "matches 'memory cafe' in Ammanford, 10 km from Llandeilo"


def test_filters(search, sample_records):
    older = search.search("", theme="older_people", town="Cardigan", limit=20)
    assert older and all("older_people" in {a["taxonomy_term"]["term"] for a in search.record(m.service_id)["attributes"]}
                         for m in older)
    teens = search.search("club", age=14, limit=20)
    assert teens and all((search.record(m.service_id).get("minimum_age") or 0) <= 14
                         <= (search.record(m.service_id).get("maximum_age") or 150) for m in teens)
    assert "Llandeilo Luncheon Club" not in names(teens)
    welsh = search.search("support", welsh=True, limit=20)
    assert welsh and all(m.card()["welsh"] for m in welsh)
    free = search.search("club", free=True, limit=20)
    assert free and all(m.card()["cost"] == "Free" for m in free)
    assert "works in Welsh" in search.search("lunch club", welsh=True)[0].reason
    with pytest.raises(ValueError):
        search.search("x", theme="pets")


def test_a_theme_with_nothing_falls_back_rather_than_nothing(search):
    found = search.search("lunch club", town="Llandeilo", theme="secure_estate")
    assert found and found[0].name == "Llandeilo Luncheon Club"


def test_inactive_services_are_never_shown(search, sample_records):
    closed = [r for r in sample_records if r["status"] != "active"]
    assert len(closed) >= 3
    for r in closed:
        assert r["id"] not in [m.service_id for m in search.search(r["name"], limit=20)]
    kidwelly = search.search("lunch club", town="Kidwelly")
    assert kidwelly and "Kidwelly" not in " ".join(names(kidwelly))
    assert all("km from Kidwelly" in m.reason for m in kidwelly)


def test_nothing_relevant_means_no_results(search):
    assert search.search("swimming lessons") == []
    assert search.search("xqzt") == []
    assert search.search("") == [] and search.search("is there anything") == []  # nothing asked for


def test_paging_and_limits(search):
    first = search.search("support", limit=3)
    second = search.search("support", limit=3, offset=3)
    assert len(first) == len(second) == 3 and not set(names(first)) & set(names(second))
    assert search.search("support", limit=0) == []


def test_reasons_say_why(search):
    assert search.search("", town="Whitland")[0].reason.startswith("a service in Whitland")
    county = search.search("telecare", town="Llandeilo")[0]
    assert county.reason.startswith("matches 'telecare'")  # "(synonym of careline)" if it calls itself that
    assert county.reason.endswith("across the county, including Llandeilo")
    welsh_only = search.search("cyfeillio", limit=3)
    assert welsh_only and welsh_only[0].reason == "matches 'cyfeillio' in the Welsh name"


def test_fast_enough_on_the_sample(search):
    search.search("lunch club", town="Llandeilo")
    t = time.perf_counter()
    for q in ("lunch club", "demensia", "clwb cinio", "short breaks for carers", "respit"):
        search.search(q, town="Carmarthen")
    assert (time.perf_counter() - t) / 5 < 0.05


def test_from_db_and_cached_index_rebuilt_when_the_directory_changes(directory_db):
    with session_scope() as db:
        first = get_search(db)
        assert get_search(db) is first
        assert by_name(directory_db, "Llandeilo Luncheon Club")["id"] in first.ids
        assert "Llandeilo" in first.towns and "Carmarthen" in first.towns
    rec = copy.deepcopy(by_name(directory_db, "Llandeilo Luncheon Club"))
    rec.update(id="search-new-1", name="Zzyzx Bell Ringers", description="Bell ringing practice.", name_cy=None,
               description_cy=None, keywords="bells")
    with session_scope() as db:
        assert import_services(db, [rec], "test").created == 1
    with session_scope() as db:
        second = get_search(db)
    assert second is not first and second.search("bell ringing")[0].service_id == "search-new-1"
    with session_scope() as db:
        assert DirectorySearch.from_db(db).search("bell ringing")[0].name == "Zzyzx Bell Ringers"

"""Reading what, where, age, Welsh and free out of a request, in English and Welsh."""
from __future__ import annotations

import pytest

from directory.request import parse_service_request
from directory.sample.catalogue import TOWNS

KNOWN = {t[0] for t in TOWNS}


def parse(text):
    return parse_service_request(text, KNOWN)


def test_the_issue_examples():
    assert parse("is there a lunch club near Llandeilo for my dad") == {
        "what": "lunch club", "town": "Llandeilo", "age": None, "welsh": False, "free": False, "theme": "older_people"}
    got = parse("oes clwb cinio yn Llandeilo")
    assert (got["what"], got["town"]) == ("clwb cinio", "Llandeilo")


@pytest.mark.parametrize("text,what,town", [
    ("Is there a free memory cafe in Carmarthen?", "memory cafe", "Carmarthen"),
    ("any day centres around Llanelli", "day centres", "Llanelli"),
    ("oes gofal seibiant yng Nghaerfyrddin", "gofal seibiant", "Carmarthen"),  # mutated Welsh place name
    ("help for carers in Rhydaman", "carers", "Ammanford"),  # Welsh name of an English-named town
    ("short breaks near llandielo", "short breaks", "Llandeilo"),  # misspelt town
    ("grŵp cerdded yn Aberteifi am ddim", "grwp cerdded", "Cardigan"),
    ("what is there in Whitland", None, "Whitland"),
    ("my mum is in her 80s and needs a day centre near Carmarthen", "day centre", "Carmarthen"),
    ("I'm lonely and would like someone to talk to", "lonely someone to talk", None),
    ("lunch club", "lunch club", None),
])
def test_what_and_where(text, what, town):
    got = parse(text)
    assert (got["what"], got["town"]) == (what, town)


@pytest.mark.parametrize("text,age,theme", [
    ("youth club for my 14 year old son in Lampeter", 14, "children_young_people"),
    ("my nan is 87 and lonely, anything in Cardigan?", 87, "older_people"),
    ("my mum is in her 80s and needs a day centre", 85, "older_people"),
    ("something for my 8 year old with autism", 8, "learning_disability_autism"),
    ("mae fy nhad yn 90 oed", 90, "older_people"),
    ("support for carers", None, "carers"),
    ("domestic abuse support", None, "vawdasv"),
    ("a walking group", None, None),
])
def test_age_and_theme(text, age, theme):
    got = parse(text)
    assert (got["age"], got["theme"]) == (age, theme)


def test_welsh_and_free_flags():
    got = parse("Is there a Welsh-speaking youth club in Cardigan for my daughter who is 13?")
    assert got == {"what": "youth club", "town": "Cardigan", "age": 13, "welsh": True, "free": False,
                   "theme": "children_young_people"}
    assert parse("clwb ieuenctid Cymraeg am ddim")["welsh"] is True
    assert parse("clwb ieuenctid Cymraeg am ddim")["free"] is True
    assert parse("free lunch club in welsh")["what"] == "lunch club"
    assert parse("gofalwyr di-dâl")["free"] is False  # unpaid carers, not free


def test_unknown_places_are_left_in_what():
    got = parse_service_request("lunch club in Timbuktu", set())
    assert got["town"] is None and got["what"] == "lunch club in timbuktu"

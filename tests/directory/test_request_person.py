"""What is wanted, when the request also says something about the person: "she has", "he's got",
"they have", "who has", "mae ganddi" are about them, not the service."""
from __future__ import annotations

import pytest

from directory.request import parse_service_request
from directory.sample.catalogue import TOWNS

KNOWN = {t[0] for t in TOWNS}


@pytest.mark.parametrize("text,what", [
    ("respite, she has dementia", "respite"),                       # after what is wanted: the clause goes
    ("befriending, he's lonely", "befriending"),
    ("she has dementia, any memory cafes?", "dementia any memory cafes"),  # first: only its opening goes
    ("they've got autism, youth club?", "autism youth club"),
    ("he has a learning disability", "learning disability"),
    ("my dad has dementia", "dementia"),
    ("my mum's got dementia", "dementia"),
    ("I look after my husband who has MS and need a break", "break"),  # what is wanted follows the clause
    ("mae ganddi ddementia, oes caffi cof", "ddementia oes caffi cof"),
])
def test_a_clause_about_the_person(text, what):
    assert parse_service_request(text, KNOWN)["what"] == what

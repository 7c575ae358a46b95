"""Services in a text message stay compact but say whether they work in Welsh and when their
details were last checked, fresh or stale, from real cards."""
from __future__ import annotations

import pytest

from channels import segments
from channels.sms import fit_reply, render_sms
from directory.cards import build_card
from directory.search import DirectorySearch

from .conftest import SAMPLE_DAY


@pytest.fixture(scope="module")
def search(sample_records):
    return DirectorySearch.from_records(sample_records, today=SAMPLE_DAY)


def _line(search, name, language="en"):
    card = search.card(next(i for i in search.ids if search.record(i)["name"] == name), language)
    return render_sms([{"text": "", "services": [card]}]), card


def test_a_fresh_welsh_service_says_welsh_and_when_it_was_checked(search):
    text, card = _line(search, "Llandeilo Luncheon Club")
    assert card["welsh"] and not card["stale"]
    assert text == ("- Llandeilo Luncheon Club - Llandeilo - Tuesdays and Thursdays, 12pm to 2pm - "
                    f"{card['phone']} - £3.50 per meal - Welsh available (last checked 6 March 2026)")


def test_in_welsh_the_line_is_in_welsh(search):
    text, _card = _line(search, "Llandeilo Luncheon Club", "cy")
    assert text.endswith(" - Cymraeg ar gael (gwiriwyd ddiwethaf 6 Mawrth 2026)")
    assert text.startswith("- Clwb Cinio Llandeilo - Llandeilo - ")


def test_a_service_not_in_welsh_does_not_claim_it(search):
    english_only = next(i for i in search.ids if search.card(i)["welsh"] is False and search.card(i)["last_checked"])
    card = search.card(english_only)
    text = render_sms([{"text": "", "services": [card]}])
    assert "Welsh available" not in text and f" - not in Welsh (last checked {card['last_checked']})" in text
    assert " - dim Cymraeg" in render_sms([{"text": "", "services": [search.card(english_only, "cy")]}])


def test_a_service_with_no_languages_recorded_says_to_ask(search):
    record = dict(search.record(search.ids[0]), languages=[])
    card = build_card(record, "en")
    assert card["welsh"] is None and card["welsh_label"] == "Ask the service whether Welsh is spoken"
    assert " - Ask the service whether Welsh is spoken" in render_sms([{"services": [card]}])
    cy = build_card(record, "cy")
    assert " - Gofynnwch a oes gwasanaeth Cymraeg" in render_sms([{"services": [cy]}])


def test_the_english_only_note_goes_in_the_text(search):
    card = dict(search.card(search.ids[0], "cy"), language_note="Mae'r manylion hyn ar gael yn Saesneg yn unig.")
    assert " - Cymraeg ar gael - Mae'r manylion hyn ar gael yn Saesneg yn unig. (gwiriwyd" in \
        render_sms([{"services": [card]}])


def test_three_services_go_in_three_segments_at_a_time_with_more_for_the_rest(search):
    cards = [m.card() for m in search.search("lunch club", limit=3)]
    text = render_sms([{"text": "Here are some services that might help:", "services": cards}])
    assert text.count("last checked") == 3
    first, rest = fit_reply(text, "en", 3)
    assert segments.segments(first) <= 3
    if rest is None:
        assert first == segments.gsm_friendly(text)
    else:  # cut after a whole line or sentence where it can be, the rest kept for MORE
        assert first.endswith("\n\nReply MORE for the rest.")
        assert (first[: -len("\n\nReply MORE for the rest.")] + " " + rest).split() == segments.gsm_friendly(text).split()

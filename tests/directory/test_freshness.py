"""Freshness (Code of Practice para 378): a service not checked for twelve months is never shown
as current without its last-checked date; `directory stale` lists them for the directory team."""
from __future__ import annotations

import datetime as dt

import pytest

from directory.cards import (build_card, card_text, cost_text, is_stale, months_ago, schedule_text)
from directory.search import DirectorySearch
from directory.sample.build import STALE

from .conftest import SAMPLE_DAY, by_name, run_cli


def test_months_ago_and_the_twelve_month_line():
    assert months_ago(dt.date(2026, 11, 23), 12) == dt.date(2025, 11, 23)
    assert months_ago(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert months_ago(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert not is_stale(dt.date(2025, 11, 23), SAMPLE_DAY)
    assert is_stale(dt.date(2025, 11, 22), SAMPLE_DAY)
    assert is_stale(None, SAMPLE_DAY)


def test_the_sample_has_deliberately_stale_entries(sample_records):
    stale = [r["name"] for r in sample_records if is_stale(dt.date.fromisoformat(r["assured_date"]), SAMPLE_DAY)]
    assert len(stale) == len(STALE) >= 10


def test_a_stale_card_says_when_it_was_last_checked(sample_records):
    rec = by_name(sample_records, "Llandeilo Walking Group for Wellbeing")
    card = build_card(rec, "en", SAMPLE_DAY)
    assert card["stale"] is True and card["last_checked"] == "1 November 2024"
    assert "last checked on 1 November 2024" in card["description"]
    assert card["schedule"] == "Wednesdays, 10am to 11.30am (times last checked on 1 November 2024)"
    cy = build_card(rec, "cy", SAMPLE_DAY)
    assert cy["last_checked"] == "1 Tachwedd 2024" and "ddiwethaf ar 1 Tachwedd 2024" in cy["description"]
    assert "1 Tachwedd 2024" in cy["schedule"]
    fresh = build_card(by_name(sample_records, "Llandeilo Luncheon Club"), "en", SAMPLE_DAY)
    assert fresh["stale"] is False and "last checked" not in fresh["description"]
    never = build_card({**rec, "assured_date": None, "last_modified": None}, "en", SAMPLE_DAY)
    assert never["stale"] and never["last_checked"] is None and "no record of when" in never["description"]


def test_search_still_shows_stale_services_but_with_their_date(sample_records):
    search = DirectorySearch.from_records(sample_records, today=SAMPLE_DAY)
    walk = next(m for m in search.search("walking group", town="Llandeilo") if "Llandeilo" in m.name)
    card = walk.card()
    assert card["stale"] and "1 November 2024" in card["description"] and "1 November 2024" in card["schedule"]
    assert set(search.stale_ids()) == {r["id"] for r in sample_records if r["name"] in
                                       {c["name"] for c in [build_card(x, "en", SAMPLE_DAY) for x in sample_records]
                                        if c["stale"]}}


def test_cli_lists_stale_services_for_the_directory_team(directory_db, capsys):
    assert run_cli("directory", "stale", "--as-of", "2026-11-23") == 0
    out = capsys.readouterr().out
    assert "Llandeilo Walking Group for Wellbeing" in out and "1 November 2024" in out
    assert "Llandeilo Luncheon Club" not in out.replace("Renamed Luncheon Club", "")
    assert "services not checked since 23 November 2025" in out
    lines = [line for line in out.splitlines() if "2024" in line or "2025" in line]
    assert lines.index(next(line for line in lines if "June 2024" in line)) < lines.index(
        next(line for line in lines if "November 2024" in line))  # oldest first
    assert run_cli("directory", "stale", "--months", "3", "--as-of", "2026-11-23") == 0
    assert out.count("\n") < capsys.readouterr().out.count("\n")  # a shorter window lists more
    assert run_cli("directory", "stale", "--months", "0") == 2
    assert run_cli("directory", "stale", "--as-of", "soon") == 2


@pytest.mark.parametrize("schedule,en,cy", [
    ([{"freq": "WEEKLY", "byday": "TU,TH", "opens_at": "12:00", "closes_at": "14:00"}],
     "Tuesdays and Thursdays, 12pm to 2pm", "Bob dydd Mawrth a dydd Iau, 12yp tan 2yp"),
    ([{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:30", "closes_at": "16:30"}],
     "Monday to Friday, 9.30am to 4.30pm", "O ddydd Llun i ddydd Gwener, 9.30yb tan 4.30yp"),
    ([{"freq": "MONTHLY", "byday": "1WE", "opens_at": "14:00", "closes_at": "16:00"}],
     "First Wednesday of the month, 2pm to 4pm", "Dydd Mercher cyntaf y mis, 2yp tan 4yp"),
    ([{"freq": "MONTHLY", "byday": "-1FR", "opens_at": "10:30:00", "closes_at": "12:30:00"}],
     "Last Friday of the month, 10.30am to 12.30pm", "Dydd Gwener olaf y mis, 10.30yb tan 12.30yp"),
    ([{"freq": "WEEKLY", "byday": "WE", "interval": 2, "opens_at": "10:00"}],
     "Every other Wednesday, from 10am", "Bob yn ail ddydd Mercher, o 10yb"),
    ([{"description": "By arrangement", "description_cy": "Trwy drefniant"}], "By arrangement", "Trwy drefniant"),
    ([], None, None),
])
def test_schedules_in_plain_words(schedule, en, cy):
    assert schedule_text(schedule, "en") == en
    assert schedule_text(schedule, "cy") == cy


@pytest.mark.parametrize("costs,fees,en,cy", [
    ([{"option": "Free", "amount": 0}], None, "Free", "Am ddim"),
    ([{"option": "Meal", "amount": 3.5, "amount_description": "per meal"}], None, "£3.50 per meal", "£3.50 y pryd"),
    ([{"option": "Session", "amount": 10, "amount_description": "per session"},
      {"option": "Low income", "amount": 0}], None, "£10 per session; Free (Low income)",
     "£10 y sesiwn; Am ddim (Low income)"),
    ([{"option": "Charged after a financial assessment"}], None, "Charged after a financial assessment",
     "Charged after a financial assessment"),
    ([], "Free", "Free", "Am ddim"),
    ([], None, "Ask the service about any cost", "Gofynnwch i'r gwasanaeth am unrhyw gost"),
])
def test_costs_in_plain_words(costs, fees, en, cy):
    rec = {"cost_options": costs, "fees": fees}
    assert cost_text(rec, "en") == en and cost_text(rec, "cy") == cy


def test_card_text_for_sms(sample_records):
    text = card_text(build_card(by_name(sample_records, "Llandeilo Luncheon Club"), "en", SAMPLE_DAY))
    assert text.splitlines()[0] == "Llandeilo Luncheon Club"
    assert "When: Tuesdays and Thursdays, 12pm to 2pm" in text and "\nWelsh spoken\n" in text
    assert "Last checked: 6 March 2026" in text

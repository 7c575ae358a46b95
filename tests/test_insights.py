"""Statistics for planners: counts checked against a recount, the periods, small-number
suppression (property-based), the exports and the insights API, the CLI, and the enquiry
records a conversation leaves (several enquiries, services offered, the response standard)."""
import csv
import datetime as dt
import io
import json
import random
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings, strategies as st

from frontdoor.app import create_app
from iaa.db import session_scope
from iaa.models import Conversation, Enquiry, EnquiryService, utcnow
from iaa.payloads import Enquiry as Codes
from insights.export import as_csv, financial_year_return, flexible_export
from insights.periods import PeriodError, parse_period
from insights.queries import counts, cross, summary, trend
from insights.suppression import ALL, SECONDARY, SMALL, cube, lines, publish
from tests.conftest import rasa_down_settings
from tests.factories import STAFF_PASSWORD, enquiry, staff_account, waiting_conversation

FY = "2026-27"
THEMES = ["older_people", "carers", "mental_health", "children_young_people"]
OUTCOMES = ["information_given", "signposted", "handoff_advice", "no_service_found"]


# ------------------------------------------------------------------------------ periods

@pytest.mark.parametrize("text,first,last", [
    ("2026-27", "2026-04-01", "2027-03-31"), ("2026-27-Q1", "2026-04-01", "2026-06-30"),
    ("2026-27-Q4", "2027-01-01", "2027-03-31"), ("2026-27-Q3", "2026-10-01", "2026-12-31"),
    ("2027-02", "2027-02-01", "2027-02-28"), ("2026-12", "2026-12-01", "2026-12-31"),
    ("2026-04-03..2026-05-09", "2026-04-03", "2026-05-09")])
def test_periods(text, first, last):
    p = parse_period(text)
    assert (p.first.isoformat(), p.last.isoformat()) == (first, last)


@pytest.mark.parametrize("text", ["2026-28", "2026-27-Q5", "2026-13", "2026-05-09..2026-04-01", "last year", ""])
def test_bad_periods_say_what_a_period_is(text):
    with pytest.raises(PeriodError):
        parse_period(text)


# ------------------------------------------------------------------------------ suppression

def _line_ok(shown, line):
    hidden = [k for k in line if isinstance(shown[k], str)]
    return len(hidden) != 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=5), min_size=1, max_size=5).filter(
    lambda rows: len({len(r) for r in rows}) == 1))
def test_two_way_tables_publish_no_small_cell_and_nothing_recoverable(rows):
    values = [[f"r{i}" for i in range(len(rows))], [f"c{j}" for j in range(len(rows[0]))]]
    counts_ = {(f"r{i}", f"c{j}"): n for i, r in enumerate(rows) for j, n in enumerate(r)}
    full = cube(counts_, values)
    shown = publish(full, values)
    # no published cell from 1 to 4; a hidden small cell says <5, a hidden larger one [c]
    for k, v in shown.items():
        assert not (isinstance(v, int) and 0 < v < 5)
        if isinstance(v, str):
            assert v == (SMALL if 0 < full[k] < 5 else SECONDARY)
        else:
            assert v == full[k]
    # no line (a row or column with its total, or the margins with the grand total) has exactly
    # one hidden entry, which subtraction would give away
    assert all(_line_ok(shown, line) for line in lines(values))
    # the totals are right where published
    assert shown[(ALL, ALL)] in (sum(map(sum, rows)), SMALL, SECONDARY)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.randoms(use_true_random=False))
def test_three_way_tables_too(a, b, c, rnd):
    values = [[f"a{i}" for i in range(a)], [f"b{i}" for i in range(b)], [f"c{i}" for i in range(c)]]
    counts_ = {(x, y, z): rnd.choice([0, 1, 2, 3, 4, 5, 7, 12, 30]) for x in values[0] for y in values[1] for z in values[2]}
    shown = publish(cube(counts_, values), values)
    assert not any(isinstance(v, int) and 0 < v < 5 for v in shown.values())
    assert all(_line_ok(shown, line) for line in lines(values))


def test_suppression_worked_example():
    values = [["a", "b"], ["x", "y"]]
    shown = publish(cube({("a", "x"): 3, ("a", "y"): 10, ("b", "x"): 20, ("b", "y"): 30}, values), values)
    assert shown[("a", "x")] == SMALL
    # row a and column x each need a second hidden cell: the smallest, then the rest follows
    assert shown[("a", "y")] == SECONDARY and shown[("b", "x")] == SECONDARY and shown[("b", "y")] == SECONDARY
    assert shown[(ALL, ALL)] == 63 and shown[("a", ALL)] == 13


# ------------------------------------------------------------------------------ counting

@pytest.fixture()
def records():
    """200 enquiry records over the financial year, with their codes, written to the test's database."""
    rnd = random.Random(7)
    made = []
    with session_scope() as db:
        for _ in range(200):
            day = dt.date(2026, 4, 1) + dt.timedelta(days=rnd.randrange(365))
            codes = dict(theme=rnd.choice(THEMES), outcome=rnd.choice(OUTCOMES), channel=rnd.choice(["web", "sms"]),
                         language_requested=rnd.choice(["en", "cy"]), area=rnd.choice([None, "Llanelli", "Rhyl"]))
            codes["language_delivered"] = codes["language_requested"] if rnd.random() < .8 else "en"
            codes["unmet_need"] = codes["outcome"] == "no_service_found"
            e = enquiry(codes.pop("channel"), day, **codes)
            e.feedback = rnd.choice([None, "yes", "partly", "no"])
            e.services = [EnquiryService(term=t) for t in rnd.sample(["day_centre", "lunch_club", "befriending"], rnd.randrange(3))]
            db.add(e)
            made.append({"day": day, "channel": e.channel, **codes, "feedback": e.feedback,
                         "services": [s.term for s in e.services]})
    return made


def test_counts_match_a_recount(records):
    fy = parse_period(FY)
    assert counts(["theme", "channel"], fy) == Counter((r["theme"], r["channel"]) for r in records)
    months = counts(["month"], fy)
    assert months == Counter((r["day"].strftime("%Y-%m"),) for r in records) and sum(months.values()) == 200
    q1 = parse_period("2026-27-Q1")
    assert sum(counts(["theme"], q1).values()) == sum(1 for r in records if r["day"] <= dt.date(2026, 6, 30))
    assert counts(["service"], fy) == Counter((t,) for r in records for t in r["services"])
    t = cross("theme", "outcome", fy)
    assert t["total"] == 200 and t["rows"][:2] == ["children_young_people", "older_people"]
    assert t["cells"][t["rows"].index("carers")][t["columns"].index("signposted")] == \
        sum(1 for r in records if r["theme"] == "carers" and r["outcome"] == "signposted")
    s = summary(fy)
    assert s["total"] == 200 and s["by_theme"] == Counter(r["theme"] for r in records)
    assert s["welsh_asked_not_given"] == sum(1 for r in records if r["language_requested"] == "cy" and r["language_delivered"] != "cy")
    assert s["unmet_need_by_area"] == Counter(r["area"] or "not_stated" for r in records if r["unmet_need"])
    assert s["feedback"] == Counter(r["feedback"] for r in records if r["feedback"])
    tr = trend(fy, "quarter", "channel")
    assert tr["points"] == ["2026-27-Q1", "2026-27-Q2", "2026-27-Q3", "2026-27-Q4"]
    assert sum(map(sum, tr["series"].values())) == 200


def test_the_return_is_by_core_theme_and_published_without_small_numbers(records):
    doc = financial_year_return(FY)
    assert doc["published"] and {t["name"] for t in doc["tables"]} >= {"theme_by_outcome", "theme_by_channel",
                                                                         "theme_by_language_delivered", "theme_by_unmet_need"}
    for t in doc["tables"]:
        assert t["dimensions"][0] == "theme"
        assert not any(isinstance(r["count"], int) and 0 < r["count"] < 5 for r in t["rows"])
    grand = next(r for r in doc["tables"][0]["rows"] if r["theme"] == ALL and r["outcome"] == ALL)
    assert grand["count"] == 200
    raw = financial_year_return(FY, published=False)
    assert all(isinstance(r["count"], int) for t in raw["tables"] for r in t["rows"])
    rows = list(csv.reader(io.StringIO(as_csv(doc))))
    assert rows[0] == ["table", "dimension_1", "value_1", "dimension_2", "value_2", "count"]
    assert ["theme_by_outcome", "theme", "all", "outcome", "all", "200"] in rows
    flex = flexible_export(["channel", "month", "language_delivered"], parse_period("2026-27-Q2"))
    assert flex["tables"][0]["values"][1] == ["2026-07", "2026-08", "2026-09"]


# ------------------------------------------------------------------------------ API and CLI

@pytest.fixture(scope="module")
def app(module_database):
    application = create_app(rasa_down_settings(database_url=module_database))
    staff_account("i-pat", "planner")
    staff_account("i-sam", "staff")
    return application


def _client(app, who):
    c = TestClient(app)
    c.__enter__()  # the app's startup makes the staff desk
    r = c.post("/console/api/login", json={"username": who, "password": STAFF_PASSWORD})
    assert r.status_code == 200
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def test_planners_get_figures_tables_trends_and_exports(app, records):
    pat = _client(app, "i-pat")
    s = pat.get("/console/api/stats", params={"period": FY}).json()
    assert s["total"] == 200 and s["period"] == FY
    t = pat.get("/console/api/stats/table", params={"rows": "theme", "columns": "channel", "period": FY}).json()
    assert t["total"] == 200 and t["columns"] == ["web", "sms"]
    tr = pat.get("/console/api/stats/trend", params={"period": "2026-27-Q1", "by": "month"}).json()
    assert tr["points"] == ["2026-04", "2026-05", "2026-06"]
    j = pat.get("/console/api/stats/export", params={"kind": "return", "financial_year": FY}).json()
    assert j["published"] and len(j["tables"]) >= 5
    c = pat.get("/console/api/stats/export", params={"kind": "flexible", "dims": "theme,channel", "period": FY,
                                                     "format": "csv"})
    assert c.headers["content-type"].startswith("text/csv") and "attachment" in c.headers["content-disposition"]
    assert "<5" in c.text or "[c]" in c.text or all(int(r[-1]) == 0 or int(r[-1]) >= 5 for r in csv.reader(io.StringIO(c.text)) if r[-1].isdigit())
    raw = pat.get("/console/api/stats/export", params={"kind": "flexible", "dims": "theme", "period": FY,
                                                       "published": "false"}).json()
    assert not raw["published"] and all(isinstance(r["count"], int) for r in raw["tables"][0]["rows"])
    # clear errors for what cannot be asked
    assert pat.get("/console/api/stats", params={"period": "2026-28"}).status_code == 422
    assert pat.get("/console/api/stats/table", params={"rows": "theme", "columns": "theme"}).status_code == 422
    assert pat.get("/console/api/stats/export", params={"kind": "flexible", "dims": "postcode"}).status_code == 422
    assert pat.get("/console/api/stats/export", params={"kind": "return"}).status_code == 422
    # staff who are not planners do not get them
    assert _client(app, "i-sam").get("/console/api/stats/export").status_code == 403


def test_the_cli_exports_the_same(records, capsys):
    from frontdoor.cli import main

    assert main(["stats", "export", "--return", FY, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == financial_year_return(FY)
    assert main(["stats", "export", "--dims", "theme,postcode", "--period", FY]) == 2
    assert "not a dimension" in capsys.readouterr().err
    assert main(["stats", "summary", "2026-27-Q2"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2026-27-Q2"


# ------------------------------------------------------------------------------ the records

def test_a_new_topic_after_an_answer_is_a_new_enquiry_record():
    from channels.conversations import _another_enquiry, _next_enquiry

    first = enquiry(topic="charges_finance", outcome="information_given", theme="older_people", enquirer="family_friend")
    assert _another_enquiry(first, Codes(topic="direct_payments"))
    assert not _another_enquiry(first, Codes(topic="charges_finance"))  # the same question, said again
    assert not _another_enquiry(first, Codes(topic="other"))
    unanswered = enquiry(topic="charges_finance", outcome="unresolved")
    assert not _another_enquiry(unanswered, Codes(topic="direct_payments"))  # still the first question
    nxt = _next_enquiry(first, "cy")
    assert (nxt.theme, nxt.enquirer, nxt.topic, nxt.language_requested) == ("older_people", "family_friend", None, "cy")


def test_the_first_staff_reply_is_counted_against_three_working_days(app):
    sam = _client(app, "i-sam")
    late, soon = waiting_conversation(), waiting_conversation()
    with session_scope() as db:
        db.get(Conversation, late).waiting_since = utcnow() - dt.timedelta(days=14)
    for cid in (late, soon):
        assert sam.post(f"/console/api/conversations/{cid}/claim").status_code == 200
        assert sam.post(f"/console/api/conversations/{cid}/reply", json={"text": "Hello, I can help."}).status_code == 200
    with session_scope() as db:
        late_e, soon_e = (db.get(Conversation, c).enquiry for c in (late, soon))
        assert late_e.response_within_standard is False and late_e.response_working_days >= 8
        assert soon_e.response_within_standard is True and soon_e.response_working_days == 0
        assert late_e.handoff_reason is None or late_e.handoff_reason == "requested"
        # a count and a yes/no: nothing finer than a day is on the record
        assert not any(isinstance(getattr(late_e, c.name), dt.datetime) for c in Enquiry.__table__.columns)


def test_periods_and_tables_too_big_to_read_are_refused(app):
    pat = _client(app, "i-pat")
    huge = {"from": "1900-01-01", "to": "2099-12-31"}
    assert pat.get("/console/api/stats", params=huge).status_code == 422
    r = pat.get("/console/api/stats/export", params={"kind": "flexible", "dims": "week,theme,topic,outcome",
                                                     "period": "2016-04-01..2026-03-31"})
    assert r.status_code == 422 and "cells" in r.text
    with pytest.raises(PeriodError):
        parse_period("2000-01-01..2026-01-01")


def test_a_chart_is_svg_with_a_title_a_description_and_a_line_per_series():
    import xml.etree.ElementTree as ET

    from insights.charts import line_chart

    svg = line_chart("Handoffs <by> week", ["2026-11-02", "2026-11-09", "2026-11-16"],
                     {"advice": [1, 4, 2], "safeguarding": [0, 1, 0]})
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Handoffs <by> week"
    assert "advice: 2026-11-02 1, 2026-11-09 4" in root.find(f"{ns}desc").text
    assert len(root.findall(f"{ns}polyline")) == 2 and root.get("role") == "img"
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing from the internet


def test_the_weekly_handoffs_trend_has_no_series_for_conversations_not_handed_off(records):
    tr = trend(parse_period("2026-27-Q1"), "week", "handoff_reason")
    assert "none" not in tr["series"] and tr["points"][0] == "2026-03-30"

"""Statistics benchmark: each dashboard query and each export over synthetic enquiry records in
SQLite, side by side with a naive baseline in the same run (the period's rows loaded into Python
and counted there), at each size.

    .venv/bin/python -m bench.insights [--sizes 100000 1000000] [--repeat 3] [--seed 7]

The records spread evenly over two financial years, with realistic skews (most enquiries about
older people, most on the web, a fifth in Welsh, a third with a service offered). Every query asks
for the whole latest financial year (half the rows). Target: each dashboard query under 1 second
at 1,000,000 records on SQLite. Not a timed test: the figures are printed, not asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from iaa import taxonomy

FY = "2026-27"


def _weights(codes, heavy: Dict[str, float]) -> Tuple[List[str], List[float]]:
    codes = list(codes)
    return codes, [heavy.get(c, 1.0) for c in codes]


def make_records(db_path: Path, n: int, seed: int) -> None:
    """n synthetic enquiry records (and their services), written straight into a migrated database."""
    rnd = random.Random(seed)
    themes = _weights(taxonomy.codes("theme"), {"older_people": 8, "carers": 4, "not_stated": 5, "secure_estate": .2})
    topics = _weights(taxonomy.codes("topic"), {"find_service": 6, "charges_finance": 3, "assessment": 3})
    outcomes = _weights(taxonomy.codes("outcome"), {"information_given": 6, "signposted": 5, "unresolved": 2})
    enquirers = _weights(taxonomy.codes("enquirer"), {"family_friend": 4, "self": 4})
    areas = [None, None, "Llanelli", "Rhyl", "Aberystwyth", "Bangor", "Wrexham", "Carmarthen", "Pwllheli"]
    terms = ["day_centre", "lunch_club", "befriending", "carers_support", "transport", "memory_cafe"]
    start = dt.date(2025, 4, 1)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    batch, services = [], []
    for i in range(1, n + 1):
        day = start + dt.timedelta(days=rnd.randrange(730))
        fy = f"{day.year if day.month >= 4 else day.year - 1}-{((day.year if day.month >= 4 else day.year - 1) + 1) % 100:02d}"
        lang = "cy" if rnd.random() < .2 else "en"
        outcome = rnd.choices(*outcomes)[0]
        handoff = {"handoff_advice": "advice", "handoff_assistance": "assistance", "handoff_requested": "requested",
                   "safeguarding_handoff": "safeguarding"}.get(outcome)
        within = (rnd.random() < .85) if handoff else None
        batch.append((i, day.isoformat(), fy, "sms" if rnd.random() < .15 else "web", lang,
                      lang if rnd.random() < .85 else "en", rnd.choices(*themes)[0], rnd.choices(*topics)[0],
                      outcome, rnd.choices(*enquirers)[0], rnd.choice(areas), int(outcome == "no_service_found"),
                      rnd.choice([None, None, "information", "advice"]) if handoff else None,
                      rnd.choice([None, None, "yes", "partly", "no"]), rnd.choice([None, "yes", "no"]),
                      handoff, (rnd.randrange(6) if handoff else None), within))
        if rnd.random() < .33:
            services.append((i, rnd.choice(terms)))
        if len(batch) == 50_000:
            _flush(con, batch, services)
    _flush(con, batch, services)
    con.execute("ANALYZE")
    con.commit()
    con.close()


def _flush(con, batch, services) -> None:
    con.executemany("INSERT INTO enquiry (id, day, financial_year, channel, language_requested, language_delivered, "
                    "theme, topic, outcome, enquirer, area, unmet_need, staff_outcome, feedback, contacted_before, "
                    "handoff_reason, response_working_days, response_within_standard) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
    con.executemany("INSERT OR IGNORE INTO enquiry_service (enquiry_id, term) VALUES (?,?)", services)
    batch.clear()
    services.clear()


def naive(db_path: Path, dims: List[str], first: dt.date, last: dt.date) -> Counter:
    """The baseline: every row of the period into Python, counted there."""
    con = sqlite3.connect(db_path)
    cols = ", ".join("day" if d in ("month", "week", "quarter") else ("coalesce(area, 'not_stated')" if d == "area" else d)
                     for d in dims)
    out: Counter = Counter()
    for row in con.execute(f"SELECT {cols} FROM enquiry WHERE day >= ? AND day <= ?", (first.isoformat(), last.isoformat())):
        out[tuple(str(v)[:7] if d == "month" else v for d, v in zip(dims, row))] += 1
    con.close()
    return out


def timed(fn: Callable[[], object], repeat: int) -> Tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from frontdoor.migrate import upgrade
    from iaa.db import bind
    from insights.export import financial_year_return, flexible_export
    from insights.periods import parse_period
    from insights.queries import counts, cross, summary, trend

    period = parse_period(FY)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            url = f"sqlite:///{path}"
            upgrade(url)
            t0 = time.perf_counter()
            make_records(path, n, args.seed)
            made = time.perf_counter() - t0
            bind(url)
            size_mb = os.path.getsize(path) / 1e6
            print(f"\n{n:,} enquiry records ({size_mb:,.0f} MB SQLite, made in {made:.0f} s); period {FY}; best of {args.repeat}")
            print(f"  {'query':<46}{'this':>10}{'naive':>10}{'ratio':>8}")
            cases = [
                ("counts by theme", lambda: counts(["theme"], period), ["theme"]),
                ("counts by outcome", lambda: counts(["outcome"], period), ["outcome"]),
                ("counts by area", lambda: counts(["area"], period), ["area"]),
                ("theme by outcome (table)", lambda: cross("theme", "outcome", period), ["theme", "outcome"]),
                ("theme by channel (table)", lambda: cross("theme", "channel", period), ["theme", "channel"]),
                ("Welsh asked by given (table)", lambda: cross("language_requested", "language_delivered", period),
                 ["language_requested", "language_delivered"]),
                ("trend by month", lambda: trend(period, "month"), ["month"]),
                ("handoffs by week and reason", lambda: trend(period, "week", "handoff_reason"), ["day", "handoff_reason"]),
                ("the whole dashboard summary", lambda: summary(period), None),
                ("export: the financial-year return", lambda: financial_year_return(FY), None),
                ("export: theme x topic x outcome x channel", lambda: flexible_export(
                    ["theme", "topic", "outcome", "channel"], period), ["theme", "topic", "outcome", "channel"]),
            ]
            worst = 0.0
            for name, fn, dims in cases:
                ours, _ = timed(fn, args.repeat)
                if dims:
                    base, _ = timed(lambda: naive(path, dims, period.first, period.last), 1)
                    print(f"  {name:<46}{ours * 1000:>8.0f}ms{base * 1000:>8.0f}ms{base / ours:>7.1f}x")
                else:
                    print(f"  {name:<46}{ours * 1000:>8.0f}ms{'-':>10}")
                if "export" not in name and "summary" not in name:
                    worst = max(worst, ours)
            # the recount: the fast path and the baseline agree
            assert {k: v for k, v in counts(["theme"], period).items()} == {(k[0],): v for k, v in naive(path, ["theme"], period.first, period.last).items()}
            print(f"  slowest single dashboard query {worst * 1000:.0f} ms (target < 1,000 ms at 1,000,000)")


if __name__ == "__main__":
    main()

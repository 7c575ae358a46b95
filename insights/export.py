"""Exports for planners: the financial-year return arranged by the population assessment's core
themes (Code para 123), and a flexible export by any dimensions and period; JSON or CSV; published
(small numbers suppressed, suppression.py) or raw (inside the product only)."""
from __future__ import annotations

import csv
import io
from typing import Any, Dict, List, Sequence

from .periods import Period, parse_period
from .queries import table
from .suppression import ALL, cube, publish

# The return: each core theme against what planners report on.
RETURN_COLUMNS = ("outcome", "topic", "channel", "enquirer", "language_requested", "language_delivered",
                  "unmet_need", "within_standard", "feedback")


def export_table(name: str, dims: Sequence[str], period: Period, published: bool = True) -> Dict[str, Any]:
    """One table as its full cube: every cell and every total ("all"), counted or suppressed."""
    values, found = table(dims, period)
    full = cube(found, values)
    shown: Dict[Any, Any] = publish(full, values) if published else dict(full)
    rows: List[Dict[str, Any]] = []
    for key in sorted(shown, key=lambda k: tuple((x == ALL, x) for x in k)):
        rows.append({**dict(zip(dims, key)), "count": shown[key]})
    return {"name": name, "dimensions": list(dims), "values": values, "rows": rows}


def financial_year_return(financial_year: str, published: bool = True) -> Dict[str, Any]:
    period = parse_period(financial_year)
    tables = [export_table(f"theme_by_{col}", ["theme", col], period, published) for col in RETURN_COLUMNS]
    return _document("financial_year_return", period, published, tables)


def flexible_export(dims: Sequence[str], period: Period, published: bool = True) -> Dict[str, Any]:
    name = "_by_".join(dims) if dims else "total"
    return _document("export", period, published, [export_table(name, dims, period, published)])


def _document(kind: str, period: Period, published: bool, tables: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"kind": kind, "period": period.name, "from": period.first.isoformat(), "to": period.last.isoformat(),
            "published": published,
            "suppression": ("cells of 1 to 4 shown as <5; [c]: hidden so that no suppressed cell can be "
                            "worked out from the totals; 'all' rows are totals") if published
                           else "raw counts: not for publication",
            "tables": tables}


def as_csv(doc: Dict[str, Any]) -> str:
    """One row per cell: table, up to four dimension/value pairs, count."""
    width = max((len(t["dimensions"]) for t in doc["tables"]), default=0)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table"] + [f"{p}_{i}" for i in range(1, width + 1) for p in ("dimension", "value")] + ["count"])
    for t in doc["tables"]:
        for row in t["rows"]:
            pairs: List[str] = []
            for d in t["dimensions"]:
                pairs += [d, row[d]]
            pairs += [""] * (2 * width - len(pairs))
            w.writerow([t["name"]] + pairs + [row["count"]])
    return out.getvalue()

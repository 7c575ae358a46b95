"""Counting the enquiry records: by any dimensions over a period, as planners ask.

Every count is one GROUP BY in the database (the day index narrows the rows; the covering
indexes of migration 0018 serve the common groupings), so a dashboard query stays well under a
second at a million records on SQLite (bench/insights.py)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import ColumnElement

from iaa import taxonomy
from iaa.db import read_scope
from iaa.models import Enquiry, EnquiryService
from iaa.states import HandoffReason

from .periods import Period, financial_year_of

NOT_STATED = "not_stated"


def _yes_no(column) -> ColumnElement:
    return case((column.is_(True), "yes"), (column.is_(False), "no"), else_=None)


# dimension -> (SQL expression, the codes it can take; None: whatever the data holds)
def _dimensions() -> Dict[str, Tuple[Callable[[], Any], Optional[Tuple[str, ...]]]]:
    return {
        "theme": (lambda: Enquiry.theme, taxonomy.codes("theme")),
        "topic": (lambda: Enquiry.topic, taxonomy.codes("topic")),
        "outcome": (lambda: Enquiry.outcome, taxonomy.codes("outcome")),
        "enquirer": (lambda: Enquiry.enquirer, taxonomy.codes("enquirer")),
        "channel": (lambda: Enquiry.channel, taxonomy.codes("channel")),
        "language_requested": (lambda: Enquiry.language_requested, taxonomy.codes("language")),
        "language_delivered": (lambda: Enquiry.language_delivered, taxonomy.codes("language")),
        "area": (lambda: func.coalesce(Enquiry.area, NOT_STATED), None),
        "unmet_need": (lambda: _yes_no(Enquiry.unmet_need), ("yes", "no")),
        "handoff_reason": (lambda: func.coalesce(Enquiry.handoff_reason, "none"),
                           tuple(r.value for r in HandoffReason) + ("none",)),
        "staff_outcome": (lambda: func.coalesce(Enquiry.staff_outcome, "none"),
                          ("information", "advice", "assistance", "safeguarding_referral", "no_further_action", "none")),
        "within_standard": (lambda: func.coalesce(_yes_no(Enquiry.response_within_standard), "none"),
                            ("yes", "no", "none")),
        "feedback": (lambda: func.coalesce(Enquiry.feedback, "none"), ("yes", "partly", "no", "none")),
        "contacted_before": (lambda: func.coalesce(Enquiry.contacted_before, "none"), ("yes", "no", "none")),
        "financial_year": (lambda: Enquiry.financial_year, None),
    }


TIME_DIMENSIONS = ("month", "quarter", "week")
DIMENSIONS: Tuple[str, ...] = tuple(_dimensions()) + TIME_DIMENSIONS + ("service",)


class DimensionError(ValueError):
    pass


def check_dimensions(dims: Sequence[str]) -> List[str]:
    out = []
    for d in dims:
        d = d.strip()
        if d not in DIMENSIONS:
            raise DimensionError(f"{d!r} is not a dimension: use {', '.join(DIMENSIONS)}")
        if d in out:
            raise DimensionError(f"{d!r} is asked for twice")
        out.append(d)
    if len(out) > 4:
        raise DimensionError("at most 4 dimensions at once")
    return out


def _time_key(dim: str, day: dt.date) -> str:
    if dim == "month":
        return day.strftime("%Y-%m")
    if dim == "week":  # the Monday the week starts
        return (day - dt.timedelta(days=day.weekday())).isoformat()
    fy = financial_year_of(day)
    return f"{fy}-Q{((day.month - 4) % 12) // 3 + 1}"


def counts(dims: Sequence[str], period: Period) -> Dict[Tuple[str, ...], int]:
    """Enquiries in the period counted by `dims` (codes as strings). A time dimension groups by
    day in SQL and is rolled up here; `service` counts the services offered (one per term per
    enquiry), not enquiries."""
    dims = check_dimensions(dims)
    table = _dimensions()
    day_range = and_(Enquiry.day >= period.first, Enquiry.day <= period.last)
    sql_cols: List[Any] = []
    for d in dims:
        if d in TIME_DIMENSIONS:
            sql_cols.append(Enquiry.day)
        elif d == "service":
            sql_cols.append(EnquiryService.term)
        else:
            sql_cols.append(table[d][0]())
    with read_scope() as db:
        query = select(*sql_cols, func.count()).select_from(Enquiry)
        if "service" in dims:
            query = query.join(EnquiryService, EnquiryService.enquiry_id == Enquiry.id)
        rows = db.execute(query.where(day_range).group_by(*sql_cols)).all()
    out: Dict[Tuple[str, ...], int] = {}
    for *values, n in rows:
        key = tuple(_time_key(d, v) if d in TIME_DIMENSIONS else ("none" if v is None else str(v))
                    for d, v in zip(dims, values))
        out[key] = out.get(key, 0) + n
    return out


def values_of(dim: str, period: Period, found: Sequence[str] = ()) -> List[str]:
    """Every value a dimension takes in the period's table: its codes (so zeros show), else the
    values found; time dimensions every month, quarter or week of the period."""
    if dim in TIME_DIMENSIONS:
        seen: List[str] = []
        day = period.first
        while day <= period.last:
            k = _time_key(dim, day)
            if k not in seen:
                seen.append(k)
            day += dt.timedelta(days=1)
        return seen
    codes = _dimensions()[dim][1] if dim in _dimensions() else None
    if codes is None:
        return sorted(set(found))
    return list(codes) + sorted(set(found) - set(codes))


MAX_CELLS = 20_000  # a table bigger than this is not one a person reads: ask for fewer dimensions


def table(dims: Sequence[str], period: Period) -> Tuple[List[List[str]], Dict[Tuple[str, ...], int]]:
    """The counts with every dimension's values (for a full table with its zeros)."""
    dims = check_dimensions(dims)
    found = counts(dims, period)
    values = [values_of(d, period, [k[i] for k in found]) for i, d in enumerate(dims)]
    cells = 1
    for v in values:
        cells *= max(1, len(v))
    if cells > MAX_CELLS:
        raise DimensionError(f"that table would have {cells:,} cells (at most {MAX_CELLS:,}): "
                             "ask for fewer dimensions or a shorter period")
    return values, found


def summary(period: Period) -> Dict[str, Any]:
    """The dashboard's figures: counts by every dimension and the measures, raw (planners)."""
    with read_scope() as db:
        in_range = and_(Enquiry.day >= period.first, Enquiry.day <= period.last)
        total = db.scalar(select(func.count()).select_from(Enquiry).where(in_range)) or 0
        welsh_not_given = db.scalar(select(func.count()).select_from(Enquiry).where(
            in_range, Enquiry.language_requested == "cy", Enquiry.language_delivered != "cy")) or 0
    out: Dict[str, Any] = {"from": period.first.isoformat(), "to": period.last.isoformat(),
                           "period": period.name, "total": total}
    for key, dim in (("by_outcome", "outcome"), ("by_topic", "topic"), ("by_theme", "theme"),
                     ("by_channel", "channel"), ("by_language", "language_delivered"),
                     ("by_language_requested", "language_requested"), ("by_enquirer", "enquirer"),
                     ("by_staff_outcome", "staff_outcome"), ("feedback", "feedback"),
                     ("contacted_before", "contacted_before"), ("by_handoff_reason", "handoff_reason"),
                     ("within_standard", "within_standard"), ("by_service", "service")):
        out[key] = {k[0]: n for k, n in counts([dim], period).items() if k[0] != "none"}
    out["welsh_asked_not_given"] = welsh_not_given
    unmet = counts(["unmet_need", "theme"], period)
    out["unmet_need_by_theme"] = {k[1]: n for k, n in unmet.items() if k[0] == "yes"}
    unmet_area = counts(["unmet_need", "area"], period)
    out["unmet_need_by_area"] = {k[1]: n for k, n in unmet_area.items() if k[0] == "yes"}
    unmet_lang = counts(["unmet_need", "language_requested"], period)
    out["unmet_need_by_language"] = {k[1]: n for k, n in unmet_lang.items() if k[0] == "yes"}
    answered = sum(out["within_standard"].values())
    out["handoffs_answered"] = answered
    out["share_within_standard"] = round(out["within_standard"].get("yes", 0) / answered, 3) if answered else None
    return out


def cross(row: str, column: str, period: Period) -> Dict[str, Any]:
    """A two-way table with its margins: rows, columns, cells (raw counts)."""
    values, found = table([row, column], period)
    cells = [[found.get((r, c), 0) for c in values[1]] for r in values[0]]
    return {"rows": values[0], "columns": values[1], "cells": cells,
            "row_totals": [sum(r) for r in cells], "column_totals": [sum(col) for col in zip(*cells)] if cells else [],
            "total": sum(map(sum, cells))}


def trend(period: Period, by: str = "month", split: Optional[str] = None) -> Dict[str, Any]:
    """Enquiries per month (or week, quarter) of the period, optionally split by a dimension."""
    if by not in TIME_DIMENSIONS:
        raise DimensionError(f"trend by {by!r}: use month, quarter or week")
    dims = [by] + ([split] if split else [])
    values, found = table(dims, period)
    if not split:
        return {"by": by, "points": values[0], "series": {"all": [found.get((p,), 0) for p in values[0]]}}
    # "none" (no handoff, no answer) is what the others are not: not a series of its own
    return {"by": by, "split": split, "points": values[0],
            "series": {s: [found.get((p, s), 0) for p in values[0]] for s in values[1] if s != "none"}}

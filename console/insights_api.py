"""Console routes for planners: the dashboard's figures, two-way tables, the trend, and the
exports (the financial-year return and a flexible one; CSV or JSON; published with small numbers
suppressed, or raw). Included in console.api's router (same tag). No text, no identifiers."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Literal, Optional, Union

from anyio import to_thread
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from iaa.errors import invalid
from iaa.validation import IsoDate
from insights.charts import line_chart
from insights.export import as_csv, financial_year_return, flexible_export
from insights.periods import Period, PeriodError, period_or_range
from insights.queries import DIMENSIONS, DimensionError, check_dimensions, cross, summary, trend

from .auth import Staff
from .routing import PLANNER, signed_in

router = APIRouter()

PERIOD_HELP = ("a financial year (2026-27), a quarter (2026-27-Q1), a month (2026-05) or a range "
               "(2026-04-01..2026-06-30); instead of from/to")


class StatsOut(BaseModel):
    """Counts for planners: no text, no identifiers."""
    from_: str = Field(..., alias="from", description="YYYY-MM-DD")
    to: str
    period: str
    total: int
    by_outcome: Dict[str, int]
    by_topic: Dict[str, int]
    by_theme: Dict[str, int]
    by_channel: Dict[str, int]
    by_language: Dict[str, int] = Field(..., description="by the language the enquiry was really answered in")
    by_language_requested: Dict[str, int] = Field(..., description="by the language the person chose or wrote in")
    welsh_asked_not_given: int = Field(..., description="asked for in Welsh, not answered wholly in Welsh "
                                                        "(unmet need through the medium of Welsh)")
    by_enquirer: Dict[str, int]
    by_staff_outcome: Dict[str, int]
    by_handoff_reason: Dict[str, int]
    by_service: Dict[str, int] = Field(..., description="services offered, by directory taxonomy term")
    feedback: Dict[str, int] = Field(..., description="measure 7: got the right information or advice: yes | partly | no")
    contacted_before: Dict[str, int] = Field(..., description="measure 23: contacted about this before in the year")
    within_standard: Dict[str, int] = Field(..., description="handoffs answered within three working days: yes | no")
    handoffs_answered: int
    share_within_standard: Optional[float]
    unmet_need_by_theme: Dict[str, int]
    unmet_need_by_area: Dict[str, int]
    unmet_need_by_language: Dict[str, int]


class CrossOut(BaseModel):
    rows: List[str]
    columns: List[str]
    cells: List[List[int]]
    row_totals: List[int]
    column_totals: List[int]
    total: int


class TrendOut(BaseModel):
    by: str
    split: Optional[str] = None
    points: List[str] = Field(..., description="the month (YYYY-MM), quarter (2026-27-Q1) or week (its Monday)")
    series: Dict[str, List[int]]


class ExportTableOut(BaseModel):
    name: str
    dimensions: List[str]
    values: List[List[str]]
    rows: List[Dict[str, Union[int, str]]] = Field(..., description="one per cell and per total ('all'); "
                                                                      "count: a number, '<5' or '[c]'")


class ExportOut(BaseModel):
    kind: str
    period: str
    from_: str = Field(..., alias="from")
    to: str
    published: bool
    suppression: str
    tables: List[ExportTableOut]


def _period(period: Optional[str], first: Optional[dt.date] = None, last: Optional[dt.date] = None) -> Period:
    try:
        return period_or_range(period, first, last)
    except PeriodError as e:
        raise invalid(("query", "period"), str(e))


def _dims(text: str, where: str) -> List[str]:
    try:
        return check_dimensions([d for d in text.split(",") if d.strip()])
    except DimensionError as e:
        raise invalid(("query", where), str(e))


async def _count(fn, *args) -> Any:
    """Counting runs off the event loop; a table too big to read is a 422 that says so."""
    try:
        return await to_thread.run_sync(fn, *args)
    except (DimensionError, PeriodError) as e:
        raise invalid(("query", "dims"), str(e))


@router.get("/console/api/stats", **signed_in(out=StatsOut))
async def enquiry_stats(date_from: Optional[IsoDate] = Query(None, alias="from"),
                        date_to: Optional[IsoDate] = Query(None, alias="to"),
                        period: Optional[str] = Query(None, max_length=40, description=PERIOD_HELP),
                        staff: Staff = Depends(PLANNER)) -> Dict[str, Any]:
    return await _count(summary, _period(period, date_from, date_to))


@router.get("/console/api/stats/table", **signed_in(out=CrossOut))
async def enquiry_table(rows: str = Query(..., max_length=40, description="a dimension: " + ", ".join(DIMENSIONS)),
                        columns: str = Query(..., max_length=40, description="another dimension"),
                        period: Optional[str] = Query(None, max_length=40, description=PERIOD_HELP),
                        date_from: Optional[IsoDate] = Query(None, alias="from"),
                        date_to: Optional[IsoDate] = Query(None, alias="to"),
                        staff: Staff = Depends(PLANNER)) -> Dict[str, Any]:
    r, c = _dims(rows, "rows"), _dims(columns, "columns")
    if len(r) != 1 or len(c) != 1 or r == c:
        raise invalid(("query", "columns"), "rows and columns are one dimension each, not the same one")
    return await _count(cross, r[0], c[0], _period(period, date_from, date_to))


@router.get("/console/api/stats/trend", **signed_in(out=TrendOut))
async def enquiry_trend(by: Literal["month", "quarter", "week"] = "month",
                        split: Optional[str] = Query(None, max_length=40, description="a dimension to split by"),
                        period: Optional[str] = Query(None, max_length=40, description=PERIOD_HELP),
                        date_from: Optional[IsoDate] = Query(None, alias="from"),
                        date_to: Optional[IsoDate] = Query(None, alias="to"),
                        staff: Staff = Depends(PLANNER)) -> Dict[str, Any]:
    dims = _dims(split, "split") if split else []
    if len(dims) > 1 or set(dims) & {"month", "quarter", "week"}:
        raise invalid(("query", "split"), "split by one dimension that is not a time")
    return await _count(trend, _period(period, date_from, date_to), by, dims[0] if dims else None)


@router.get("/console/api/stats/export", **signed_in(out=ExportOut, also={200: {"content": {"text/csv": {}}}}))
async def enquiry_export(kind: Literal["return", "flexible"] = "return",
                         financial_year: Optional[str] = Query(None, max_length=7, description="for the return: 2026-27"),
                         dims: str = Query("theme", max_length=200, description="for a flexible export: up to 4, comma-separated"),
                         period: Optional[str] = Query(None, max_length=40, description=PERIOD_HELP),
                         date_from: Optional[IsoDate] = Query(None, alias="from"),
                         date_to: Optional[IsoDate] = Query(None, alias="to"),
                         format: Literal["json", "csv"] = "json",
                         published: bool = Query(True, description="suppress small numbers (false: raw counts, "
                                                                   "not for publication)"),
                         staff: Staff = Depends(PLANNER)) -> Any:
    if kind == "return":
        fy = financial_year or (period if period and len(period) == 7 else None)
        if not fy:
            raise invalid(("query", "financial_year"), "the return needs a financial year, e.g. 2026-27")
        _period(fy)
        doc = await _count(financial_year_return, fy, published)
    else:
        doc = await _count(flexible_export, _dims(dims, "dims"), _period(period, date_from, date_to), published)
    if format == "csv":
        name = f"enquiries-{doc['kind']}-{doc['period'].replace('..', '_to_')}{'' if published else '-raw'}.csv"
        return Response(as_csv(doc), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return doc




@router.get("/console/api/stats/trend.svg", response_class=Response,
            **signed_in(also={200: {"content": {"image/svg+xml": {}}, "description": "the trend as a chart"}}))
async def enquiry_trend_chart(by: Literal["month", "quarter", "week"] = "month",
                              split: Optional[str] = Query(None, max_length=40, description="a dimension to split by"),
                              period: Optional[str] = Query(None, max_length=40, description=PERIOD_HELP),
                              date_from: Optional[IsoDate] = Query(None, alias="from"),
                              date_to: Optional[IsoDate] = Query(None, alias="to"),
                              title: str = Query("Enquiries", max_length=80),
                              staff: Staff = Depends(PLANNER)) -> Response:
    data = await enquiry_trend(by, split, period, date_from, date_to, staff)
    svg = line_chart(title, data["points"], data["series"])
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

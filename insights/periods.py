"""The periods planners report on: a financial year (1 April to 31 March, "2026-27"), a quarter of
one ("2026-27-Q1" is April to June), a month ("2026-05"), or a range of days."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

_FY = re.compile(r"^(\d{4})-(\d{2})$")
_Q = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    pass


MAX_DAYS = 3660  # ten years: the longest period a table is counted over


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    name: str

    def days(self) -> int:
        return (self.last - self.first).days + 1


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def financial_year_of(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def parse_period(text: str) -> Period:
    """"2026-27", "2026-27-Q2", "2026-05" or "2026-04-01..2026-06-30"."""
    text = (text or "").strip()
    if ".." in text:
        a, _, b = text.partition("..")
        try:
            first, last = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
        except ValueError:
            raise PeriodError(f"{text!r}: a range is two dates, YYYY-MM-DD..YYYY-MM-DD") from None
        return _checked(Period(first, last, text))
    m = _Q.match(text)
    if m:
        start = _fy_start(m.group(1), m.group(2), text)
        q = int(m.group(3))
        month = 4 + 3 * (q - 1)
        year = start + (month - 1) // 12
        month = (month - 1) % 12 + 1
        end_month = month + 2
        return Period(dt.date(year, month, 1), _month_end(year, end_month), text)
    m = _FY.match(text)
    if m and int(m.group(2)) == (int(m.group(1)) + 1) % 100:
        start = _fy_start(m.group(1), m.group(2), text)
        return Period(dt.date(start, 4, 1), dt.date(start + 1, 3, 31), text)
    m = _MONTH.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        return Period(dt.date(year, month, 1), _month_end(year, month), text)
    raise PeriodError(f"{text!r} is not a period: use a financial year (2026-27), a quarter (2026-27-Q1), "
                      "a month (2026-05) or a range (2026-04-01..2026-06-30)")


def _fy_start(a: str, b: str, text: str) -> int:
    start = int(a)
    if int(b) != (start + 1) % 100:
        raise PeriodError(f"{text!r}: a financial year is written 2026-27")
    return start


def period_or_range(period: Optional[str], first: Optional[dt.date], last: Optional[dt.date],
                    default_days: int = 30) -> Period:
    if period:
        return parse_period(period)
    last = last or dt.date.today()
    first = first or last - dt.timedelta(days=default_days)
    return _checked(Period(first, last, f"{first.isoformat()}..{last.isoformat()}"))


def _checked(period: Period) -> Period:
    if period.first > period.last:
        raise PeriodError("'from' must not be after 'to'")
    if period.days() > MAX_DAYS:
        raise PeriodError(f"a period is at most {MAX_DAYS} days (ten years)")
    return period

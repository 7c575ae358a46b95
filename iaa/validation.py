"""Checks shared by every entry point that takes free text from a person, or a date in a query;
each says in JSON Schema exactly what it takes, for the OpenAPI document."""
from __future__ import annotations

import calendar
import datetime as dt
import re


# What str.strip() takes away: the spaces typed_text does not count as text.
_SPACES = "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace())


def typed_text(value: str, limit: int) -> str:
    """Text of at most `limit` characters as sent, with something in it besides spaces and no
    NUL, that can be stored and shown anywhere; trimmed. `typed_text_schema` says the same."""
    if len(value) > limit:
        raise ValueError(f"text is {len(value)} characters; the most is {limit}")
    value = value.strip()
    if not value:
        raise ValueError("text must not be empty")
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    encodable(value)
    return value


def encodable(value: str) -> str:
    """JSON may carry lone surrogates (\\ud800) that no database or page can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (it holds a lone surrogate)") from None
    return value


def typed_text_schema(limit: int) -> dict:
    """The JSON Schema keywords for what typed_text(value, limit) accepts, for pydantic's Field:
    1 to `limit` characters, at least one of them not a space, none of them NUL. (Lone surrogates
    are refused too; JSON Schema cannot say so.) The spaces are written out, not as \\s, so every
    regex dialect that reads the schema agrees with str.strip()."""
    return {"minLength": 1, "maxLength": limit, "pattern": f"^[{_SPACES}]*[^\\x00{_SPACES}][^\\x00]*$"}


# -- dates in query parameters: exactly what the OpenAPI document's `format` says --------------------

_FULL_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
                        r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))")


def _calendar_day(year: int, month: int, day: int) -> bool:
    # Year 0 is a leap year in RFC 3339's (proleptic Gregorian) calendar; 2000 stands in for it.
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]


def full_date(value: str) -> dt.date:
    """An RFC 3339 full-date (JSON Schema `format: date`), YYYY-MM-DD; nothing else. (pydantic 1
    would also take "0.5" as a Unix time.) Year 0 is read as year 1, the first Python has."""
    match = _FULL_DATE.fullmatch(value) if isinstance(value, str) else None
    if not match or not _calendar_day(*map(int, match.groups())):
        raise ValueError(f"{value!r} is not a date like 2026-11-23")
    year, month, day = map(int, match.groups())
    return dt.date(year, month, day) if year else dt.date.min


def date_time_utc(value: str) -> dt.datetime:
    """An RFC 3339 date-time (JSON Schema `format: date-time`) as naive UTC; nothing else. A leap
    second (23:59:60 UTC) counts as 23:59:59; year 0 as the first moment Python has."""
    match = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
    if match:
        year, month, day, hour, minute, second = map(int, match.groups()[:6])
        zulu, sign, off_h, off_m = match.group(8), match.group(9), match.group(10), match.group(11)
        offset = 0 if zulu else (1 if sign == "+" else -1) * (int(off_h) * 60 + int(off_m))
        ok = (_calendar_day(year, month, day) and hour <= 23 and minute <= 59 and second <= 60
              and (zulu or (int(off_h) <= 23 and int(off_m) <= 59)))
        if ok and second == 60:  # only where it is 23:59:60 in UTC
            ok = (hour * 60 + minute - offset) % 1440 == 23 * 60 + 59
        if ok:
            if not year:
                return dt.datetime.min
            naive = dt.datetime(year, month, day, hour, minute, min(second, 59),
                                int(((match.group(7) or ".0")[1:] + "000000")[:6]))
            try:
                return naive - dt.timedelta(minutes=offset)
            except OverflowError:
                return dt.datetime.min if offset > 0 else dt.datetime.max
    raise ValueError(f"{value!r} is not a date-time like 2026-11-23T09:00:00Z")


class IsoDate(dt.date):
    """A query parameter that is a date, YYYY-MM-DD, and nothing else (see full_date)."""

    @classmethod
    def __get_validators__(cls):
        yield cls._validate

    @classmethod
    def __modify_schema__(cls, schema: dict) -> None:
        schema.update(type="string", format="date")

    @classmethod
    def _validate(cls, value) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        return full_date(value)

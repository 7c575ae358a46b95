"""Checking one field of a raw ORUK object: text (length, UTF-8), ids, numbers, ages, dates,
patterns, lists; finding text that is not UTF-8 anywhere in a record; and naming where inside a
record (or in which other file) a problem is. Raises `RecordError`."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, Iterable, List, Literal, Optional, Tuple, TypeVar, overload

from .records import BAD_TEXT, RecordError, Sourced, origin_of, shown

MAX_TEXT = 10_000
ID_LIMIT = 64
T = TypeVar("T")


@overload
def _text(obj: Dict[str, Any], key: str, required: Literal[True], limit: int = 255) -> str: ...
@overload
def _text(obj: Dict[str, Any], key: str, required: bool = False, limit: int = 255) -> Optional[str]: ...


def _text(obj: Dict[str, Any], key: str, required: bool = False, limit: int = 255) -> Optional[str]:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise RecordError(key, "is required")
        return None
    if not isinstance(value, str):
        raise RecordError(key, f"must be text, not {type(value).__name__}")
    if BAD_TEXT.search(value):
        raise RecordError(key, "is not valid UTF-8 text")
    if len(value) > limit:
        raise RecordError(key, f"is {len(value)} characters; the most is {limit}")
    return value


@overload
def _id(obj: Dict[str, Any], key: str = "id", required: Literal[True] = True) -> str: ...
@overload
def _id(obj: Dict[str, Any], key: str = "id", required: bool = True) -> Optional[str]: ...


def _id(obj: Dict[str, Any], key: str = "id", required: bool = True) -> Optional[str]:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):  # some CSV tools write numeric ids
        value = str(value)
        obj = {key: value}
    return _text(obj, key, required=required, limit=ID_LIMIT)


def _number(obj: Dict[str, Any], key: str, low: float = 0, high: float = 1e9) -> Optional[float]:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RecordError(key, f"must be a number, not {value!r}"[:200])
    if not low <= value <= high:
        raise RecordError(key, f"must be from {low:g} to {high:g}, not {value}")
    return value


def _age(obj: Dict[str, Any], key: str) -> Optional[int]:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 150:
        raise RecordError(key, "must be a whole number of years from 0 to 150")
    return value


def _date(obj: Dict[str, Any], key: str) -> Optional[dt.date]:
    value = _text(obj, key, limit=40)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise RecordError(key, f"{value!r} is not a date like 2026-01-31")


def _datetime(obj: Dict[str, Any], key: str) -> Optional[dt.datetime]:
    value = _text(obj, key, limit=40)
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(key, f"{value!r} is not a date-time")
    return parsed.astimezone(dt.timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed


def _pattern(obj: Dict[str, Any], key: str, pattern: re.Pattern, example: str, limit: int = 64) -> Optional[str]:
    value = _text(obj, key, limit=limit)
    if value is not None and not pattern.match(value):
        raise RecordError(key, f"{value!r} is not like {example}")
    return value


def _list(obj: Dict[str, Any], key: str) -> List[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(key, f"must be a list, not {type(value).__name__}")
    return value


def _each(obj: Dict[str, Any], key: str) -> Iterable[Tuple[str, Dict[str, Any]]]:
    for i, item in enumerate(_list(obj, key)):
        if not isinstance(item, dict):
            raise RecordError(f"{key}[{i}]", "must be an object")
        yield f"{key}[{i}]", item


def _bad_text_reason(text: str) -> str:
    found = BAD_TEXT.search(text)
    assert found is not None, "only called on text BAD_TEXT matches"
    c = found.group()
    if c == "\x00":
        return "contains a NUL character"
    if "\udc80" <= c <= "\udcff":  # a byte that was not UTF-8, kept by decode_utf8
        return f"is not valid UTF-8 text (byte 0x{ord(c) - 0xDC00:02X})"
    return "is not valid UTF-8 text (a lone surrogate)"


def _find_bad_text(value: Any, path: str = "", owner: Optional[Dict[str, Any]] = None):
    """The first key or text anywhere in a raw record (used by the directory or not) that is not
    UTF-8: (field path, reason, the object from another file holding it, if any), else None."""
    if isinstance(value, str):
        return (path or "(record)", _bad_text_reason(value), owner) if BAD_TEXT.search(value) else None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _find_bad_text(item, f"{path}[{i}]", owner)
            if found:
                return found
    elif isinstance(value, dict):
        origin = origin_of(value)
        if origin is not None and origin.file and value is not owner and path:
            owner, path = value, ""  # a row from another file (CSV): name it by its own file and id
        for key, item in value.items():
            if not isinstance(key, str):
                continue
            here = f"{path}.{shown(key)}" if path else shown(key)
            if BAD_TEXT.search(key):
                return here, "this field name " + _bad_text_reason(key), owner
            found = _find_bad_text(item, here, owner)
            if found:
                return found
        if origin is not None and origin.parents:  # carried with it, so checked with it
            return _find_bad_text(origin.parents, f"{path}.parents" if path else "parents", owner)
    return None


def owner_id(obj: Sourced) -> str:
    """How a problem in an object from another file names it: its id, else its row."""
    return str(obj.get("id") or obj.origin.row or "?")


def _within(prefix: str, obj: Any, fn: Callable[[], T]) -> T:
    """Runs fn; a RecordError from inside obj gets obj's path, or obj's own file and id when obj
    came from another file (a CSV row)."""
    try:
        return fn()
    except RecordError as e:
        if e.file is None:
            origin = origin_of(obj)
            if origin is not None and origin.file:
                e.file = origin.file
                e.record_id = shown(owner_id(obj))
            else:
                e.field = f"{prefix}.{e.field}" if e.field else prefix
        raise

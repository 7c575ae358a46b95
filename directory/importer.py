"""Imports Open Referral UK 3.0 service JSON: upsert by id, idempotent, invalid records reported
and skipped without leaving half a service behind."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from .models import Location, Organization, Phone, Service, ServiceAtLocation

MAX_TEXT = 10_000
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}


class RecordError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass
class Problem:
    file: str
    record_id: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.record_id}: {self.field}: {self.reason}"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: List[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.problems)} skipped")


def read_services(path: Path) -> List[Any]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 (byte {e.start})")
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON: {e}")
    if isinstance(data, dict) and isinstance(data.get("contents"), list):  # a paged API response
        return data["contents"]
    if isinstance(data, list):
        return data
    raise ValueError(f"{path}: expected a list of services or a paged response with 'contents'")


def _str(obj: Dict[str, Any], key: str, required: bool = False, limit: int = 255) -> Optional[str]:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise RecordError(key, "is required")
        return None
    if not isinstance(value, str):
        raise RecordError(key, f"must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise RecordError(key, f"is {len(value)} characters; the most is {limit}")
    return value


def _int(obj: Dict[str, Any], key: str) -> Optional[int]:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 150:
        raise RecordError(key, "must be a whole number of years from 0 to 150")
    return value


def _date(obj: Dict[str, Any], key: str) -> Optional[dt.date]:
    value = _str(obj, key)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise RecordError(key, f"{value!r} is not a date like 2026-01-31")


def _datetime(obj: Dict[str, Any], key: str) -> Optional[dt.datetime]:
    value = _str(obj, key)
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(key, f"{value!r} is not a date-time")
    return parsed.astimezone(dt.timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed


def _service_rows(raw: Dict[str, Any]) -> Dict[str, Any]:
    """Validates one service object into plain values; raises RecordError on the first problem."""
    org = raw.get("organization")
    if not isinstance(org, dict):
        raise RecordError("organization", "is required (an object with id and name)")
    status = _str(raw, "status") or "active"
    if status not in STATUSES:
        raise RecordError("status", f"{status!r} is not one of {sorted(STATUSES)}")
    locations = []
    for i, sal in enumerate(raw.get("service_at_locations") or []):
        if not isinstance(sal, dict) or not isinstance(sal.get("location"), dict):
            raise RecordError(f"service_at_locations[{i}]", "needs a location object")
        loc = sal["location"]
        address = next(iter(loc.get("addresses") or []), {}) or {}
        locations.append({
            "sal_id": _str(sal, "id", required=True, limit=64),
            "id": _str(loc, "id", required=True, limit=64),
            "name": _str(loc, "name") or "",
            "address_1": _str(address, "address_1"),
            "city": _str(address, "city", limit=120),
            "postal_code": _str(address, "postal_code", limit=16),
        })
    phones = []
    for i, ph in enumerate(raw.get("phones") or []):
        if not isinstance(ph, dict):
            raise RecordError(f"phones[{i}]", "must be an object")
        phones.append({"id": _str(ph, "id", required=True, limit=64),
                       "number": _str(ph, "number", required=True, limit=40)})
    return {
        "organization": {"id": _str(org, "id", required=True, limit=64),
                         "name": _str(org, "name", required=True),
                         "description": _str(org, "description", limit=MAX_TEXT) or "",
                         "email": _str(org, "email"), "website": _str(org, "website", limit=500)},
        "service": {"id": _str(raw, "id", required=True, limit=64),
                    "name": _str(raw, "name", required=True),
                    "description": _str(raw, "description", limit=MAX_TEXT) or "",
                    "url": _str(raw, "url", limit=500), "email": _str(raw, "email"),
                    "status": status, "minimum_age": _int(raw, "minimum_age"),
                    "maximum_age": _int(raw, "maximum_age"),
                    "assured_date": _date(raw, "assured_date"),
                    "last_modified": _datetime(raw, "last_modified")},
        "locations": locations,
        "phones": phones,
    }


def _upsert(db: Session, model, values: Dict[str, Any]) -> bool:
    """Insert or update one row; True if anything changed."""
    row = db.get(model, values["id"])
    if row is None:
        db.add(model(**values))
        return True
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def import_services(db: Session, records: List[Any], source: str, dry_run: bool = False,
                    progress=None) -> ImportSummary:
    summary = ImportSummary()
    seen: set = set()
    for index, raw in enumerate(records):
        record_id = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else f"#{index + 1}"
        if progress:
            progress(1)
        try:
            if not isinstance(raw, dict):
                raise RecordError("(record)", "must be a JSON object")
            rows = _service_rows(raw)
            if rows["service"]["id"] in seen:
                raise RecordError("id", "appears twice in this import")
        except RecordError as e:
            summary.problems.append(Problem(source, record_id, e.field, e.reason))
            continue
        seen.add(rows["service"]["id"])
        existed = db.get(Service, rows["service"]["id"]) is not None
        with db.begin_nested():  # one service is written whole or not at all
            changed = _upsert(db, Organization, rows["organization"])
            changed |= _upsert(db, Service, {**rows["service"], "organization_id": rows["organization"]["id"]})
            db.flush()
            for loc in rows["locations"]:
                changed |= _upsert(db, Location, {k: loc[k] for k in ("id", "name", "address_1", "city", "postal_code")})
                db.flush()
                changed |= _upsert(db, ServiceAtLocation, {"id": loc["sal_id"], "service_id": rows["service"]["id"],
                                                           "location_id": loc["id"]})
            for ph in rows["phones"]:
                changed |= _upsert(db, Phone, {**ph, "service_id": rows["service"]["id"]})
            db.flush()
        if not existed:
            summary.created += 1
        elif changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    if dry_run:
        db.rollback()
    return summary

"""Imports Open Referral UK 3.0 services: JSON (a list of full service objects, one paged API
response, a list of paged responses, or a folder of page files) and HSDS CSV datapackages (see
`csv_import`). Upserts by id and is idempotent: importing the same data twice changes nothing.

Each service is validated whole before anything is written, then written inside its own
savepoint, so an invalid record is reported (file, record id, field, reason) and skipped without
leaving half a service behind. Problems found while reading (a CSV row pointing at a service that
is not there, a row that is not UTF-8) travel with the records in `Records.problems`.

Entry points: `load_path(db, path, dry_run=False, progress=None) -> ImportSummary` (what the CLI
uses), and the older pair `read_services(path)` + `import_services(db, records, source, ...)`.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .models import (Address, Contact, CostOption, DirectoryMeta, Language, Location, Organization, Phone,
                     Schedule, Service, ServiceArea, ServiceAtLocation, ServiceAttribute, Taxonomy,
                     TaxonomyTerm)

MAX_TEXT = 10_000
ID_LIMIT = 64
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
LOCATION_TYPES = {"physical", "postal", "virtual"}
WELSH_CODES = {"cy", "cym", "wel", "cy-gb"}
WELSH_NAMES = {"welsh", "cymraeg"}
_BAD_TEXT = re.compile("[\ud800-\udfff\x00]")
# A service's own collections: one missing from a record is left as the directory has it (only a
# collection that is given, even empty, replaces what is there).
CHILDREN = ("service_at_locations", "phones", "contacts", "schedules", "service_areas", "languages",
            "cost_options", "attributes")
_BYDAY = re.compile(r"^\s*[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)\s*(,\s*[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)\s*)*$", re.I)
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_MONTHDAY = re.compile(r"^\s*-?\d{1,2}\s*(,\s*-?\d{1,2}\s*)*$")


class RecordError(ValueError):
    """One problem with one record. `field` is a path inside the record ("phones[0].number");
    `file` and `record_id` are set when the problem lives in another file (a CSV row)."""

    def __init__(self, field: str, reason: str, file: Optional[str] = None,
                 record_id: Optional[str] = None) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.file, self.record_id = field, reason, file, record_id


@dataclass
class Problem:
    file: str
    record_id: str
    field: str
    reason: str

    def __str__(self) -> str:
        leaf, context = self.field, ""
        if "." in self.field and not self.field.startswith("("):
            context, leaf = self.field.rsplit(".", 1)
        where = f" (in {context})" if context else ""
        return f"{self.file}: record {self.record_id}: {leaf}: {self.reason}{where}"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: List[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def __str__(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.problems)} skipped")

    def as_dict(self) -> Dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "dry_run": self.dry_run,
                "problems": [p.__dict__ for p in self.problems]}


class Records(list):
    """A list of service records, plus the problems found while reading them."""

    def __init__(self, items: Iterable[Any] = (), problems: Optional[List[Problem]] = None) -> None:
        super().__init__(items)
        self.problems: List[Problem] = list(problems or [])


# --------------------------------------------------------------------------------------------
# Reading files

def decode_utf8(data: bytes) -> Tuple[str, Optional[int]]:
    """Decodes UTF-8 (a BOM is dropped); bytes that are not UTF-8 become lone surrogates so that
    the record holding them can be reported and skipped. Returns the text and the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        return data.decode("utf-8", errors="surrogateescape"), e.start


def _json_file(path: Path) -> Any:
    text, bad = decode_utf8(path.read_bytes())
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        if bad is not None:
            raise ValueError(f"{path}: not UTF-8 (byte {bad})")
        raise ValueError(f"{path}: not valid JSON: {e}")


def _records_from_json(data: Any, path: Path) -> List[Any]:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):  # a paged API response
        return data["contents"]
    if isinstance(data, list):
        if data and all(isinstance(d, dict) and isinstance(d.get("contents"), list) for d in data):
            return [r for page in data for r in page["contents"]]  # several pages in one file
        return data
    if isinstance(data, dict) and "id" in data and "name" in data:  # one full service object
        return [data]
    raise ValueError(f"{path}: expected a list of services or a paged response with 'contents'")


def read_services(path: Path) -> Records:
    """Reads services from ORUK 3.0 JSON, a folder of JSON pages, or an HSDS CSV datapackage
    (a datapackage.json, or a folder holding one). Raises ValueError if the file cannot be read."""
    path = Path(path)
    if path.is_dir():
        if (path / "datapackage.json").exists():
            from .csv_import import read_datapackage
            return read_datapackage(path / "datapackage.json")
        pages = sorted(path.glob("*.json"))
        if not pages:
            raise ValueError(f"{path}: no datapackage.json and no .json files in this folder")
        out = Records()
        for page in pages:
            out.extend(_records_from_json(_json_file(page), page))
        return out
    if path.name.endswith("datapackage.json"):
        from .csv_import import read_datapackage
        return read_datapackage(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    return Records(_records_from_json(_json_file(path), path))


# --------------------------------------------------------------------------------------------
# Validating one service record into table rows

def _text(obj: Dict[str, Any], key: str, required: bool = False, limit: int = 255) -> Optional[str]:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise RecordError(key, "is required")
        return None
    if not isinstance(value, str):
        raise RecordError(key, f"must be text, not {type(value).__name__}")
    if _BAD_TEXT.search(value):
        raise RecordError(key, "is not valid UTF-8 text")
    if len(value) > limit:
        raise RecordError(key, f"is {len(value)} characters; the most is {limit}")
    return value


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


def _shown(text: str) -> str:
    """Text safe to print: bytes that were not UTF-8 as \\xNN, other lone surrogates as \\uNNNN."""
    out = []
    for c in text:
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif "\ud800" <= c <= "\udfff" or c == "\x00":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def _bad_text_reason(text: str) -> str:
    c = _BAD_TEXT.search(text).group()
    if c == "\x00":
        return "contains a NUL character"
    if "\udc80" <= c <= "\udcff":  # a byte that was not UTF-8, kept by decode_utf8
        return f"is not valid UTF-8 text (byte 0x{ord(c) - 0xDC00:02X})"
    return "is not valid UTF-8 text (a lone surrogate)"


def _find_bad_text(value: Any, path: str = "", owner: Optional[Dict[str, Any]] = None):
    """The first key or text anywhere in a raw record (used by the directory or not) that is not
    UTF-8: (field path, reason, the object from another file holding it, if any), else None."""
    if isinstance(value, str):
        return (path or "(record)", _bad_text_reason(value), owner) if _BAD_TEXT.search(value) else None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _find_bad_text(item, f"{path}[{i}]", owner)
            if found:
                return found
    elif isinstance(value, dict):
        if value.get("__file__") and value is not owner and path:
            owner, path = value, ""  # a row from another file (CSV): name it by its own file and id
        for key, item in value.items():
            if not isinstance(key, str) or key in ("__file__", "__row__", "__errors__", "__duplicate__"):
                continue
            here = f"{path}.{_shown(key)}" if path else _shown(key)
            if _BAD_TEXT.search(key):
                return here, "this field name " + _bad_text_reason(key), owner
            found = _find_bad_text(item, here, owner)
            if found:
                return found
    return None


def _within(prefix: str, obj: Any, fn: Callable[[], Any]) -> Any:
    """Runs fn; a RecordError from inside obj gets obj's path, or obj's own file and id when obj
    came from another file (a CSV row)."""
    try:
        return fn()
    except RecordError as e:
        if e.file is None:
            if isinstance(obj, dict) and obj.get("__file__"):
                e.file = obj["__file__"]
                e.record_id = _shown(str(obj.get("id") or obj.get("__row__") or "?"))
            else:
                e.field = f"{prefix}.{e.field}" if e.field else prefix
        raise


class _Context:
    """What this import has seen so far, to find duplicate and broken references. `coming_*`
    are the organisations and terms embedded anywhere in this import (a parent may come later)."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.services: set = set()
        self.organizations: set = set()
        self.locations: set = set()
        self.terms: set = set()
        self.taxonomies: set = set()
        self.coming_organizations: set = set()
        self.coming_terms: set = set()

    def known(self, model, ids: set, id_: str) -> bool:
        return id_ in ids or self.db.get(model, id_) is not None


# Shared rows (organisations, locations, taxonomies, terms) carry the columns their source gave
# under this key: an object embedded with only some fields (an organisation with just id and
# name) updates those and keeps the rest.
GIVEN = "_given"


def _given(row: Dict[str, Any], source: Dict[str, Any], aliases: Optional[Dict[str, Tuple[str, ...]]] = None
           ) -> Dict[str, Any]:
    aliases = aliases or {}
    row[GIVEN] = frozenset(k for k in row if k == "id" or k in source
                           or any(a in source for a in aliases.get(k, ())))
    return row


def _parents(obj: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Parent objects carried along with an organisation or term (csv_import adds them when the
    parent is in the package but no service uses it)."""
    parents = obj.get("__parents__") or []
    if not isinstance(parents, list) or not all(isinstance(p, dict) for p in parents):
        raise RecordError("__parents__", "must be a list of objects")
    return parents


def _check_parent(kind: str, field_: str, row: Dict[str, Any], model, ids: set, ctx: _Context) -> None:
    parent = row.get(field_)
    if not parent:
        return
    if parent == row["id"]:
        raise RecordError(field_, f"refers to the {kind} itself")
    if not ctx.known(model, ids, parent):
        raise RecordError(field_, f"refers to {kind} {parent!r}, which is not in the directory or this import")


def _organization(org: Dict[str, Any]) -> Dict[str, Any]:
    return _given({"id": _id(org), "name": _text(org, "name", required=True),
                   "description": _text(org, "description", limit=MAX_TEXT) or "",
                   "email": _text(org, "email"), "website": _text(org, "website", limit=500),
                   "uri": _text(org, "uri", limit=500), "logo": _text(org, "logo", limit=500),
                   "parent_organization_id": _id(org, "parent_organization_id", required=False)}, org)


def _organizations(org: Dict[str, Any], ctx: _Context) -> List[Dict[str, Any]]:
    """The organisation and any parents carried with it (parents first), each parent checked."""
    rows = [_within(f"__parents__[{i}]", p, lambda p=p: _organization(p)) for i, p in enumerate(_parents(org))]
    rows.append(_organization(org))
    here = {r["id"] for r in rows}
    for row in rows:
        _check_parent("organization", "parent_organization_id", row, Organization,
                      here | ctx.organizations | ctx.coming_organizations, ctx)
    return rows


def _location(loc: Dict[str, Any]) -> Tuple[Dict[str, Any], Optional[List[Dict[str, Any]]]]:
    location_type = (_text(loc, "location_type", limit=16) or "physical").lower()
    if location_type not in LOCATION_TYPES:
        raise RecordError("location_type", f"{location_type!r} is not one of {sorted(LOCATION_TYPES)}")
    row = _given({"id": _id(loc), "name": _text(loc, "name") or "", "location_type": location_type,
                  "description": _text(loc, "description", limit=MAX_TEXT),
                  "latitude": _number(loc, "latitude", -90, 90), "longitude": _number(loc, "longitude", -180, 180),
                  "external_identifier": _text(loc, "external_identifier"),
                  "external_identifier_type": _text(loc, "external_identifier_type", limit=64)}, loc)
    if "addresses" not in loc:
        return row, None  # the location's addresses are not given here: keep the directory's
    addresses, seen = [], set()
    for path, a in _each(loc, "addresses"):
        def one(a=a):
            address_type = _text(a, "address_type", limit=16)
            if address_type is not None and address_type.lower() not in LOCATION_TYPES:
                raise RecordError("address_type", f"{address_type!r} is not one of {sorted(LOCATION_TYPES)}")
            aid = _id(a, required=False) or f"{row['id']}-address-{len(addresses) + 1}"
            if aid in seen:
                raise RecordError("id", f"{aid!r} appears twice")
            seen.add(aid)
            return {"id": aid, "attention": _text(a, "attention"), "address_1": _text(a, "address_1"),
                    "address_2": _text(a, "address_2"), "city": _text(a, "city", limit=120),
                    "region": _text(a, "region", limit=120),
                    "state_province": _text(a, "state_province", limit=120),
                    "postal_code": _text(a, "postal_code", limit=16),
                    # ORUK requires both; a UK directory's addresses are in GB, and physical unless said.
                    "country": (_text(a, "country", limit=2) or "GB").upper(),
                    "address_type": address_type.lower() if address_type else "physical"}
        addresses.append(_within(path, a, one))
    return row, addresses


def _taxonomy_term(term: Dict[str, Any], ctx: _Context) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
    taxonomy = None
    detail = term.get("taxonomy_detail")
    if detail is not None:
        if not isinstance(detail, dict):
            raise RecordError("taxonomy_detail", "must be an object")
        taxonomy = _within("taxonomy_detail", detail, lambda: _given({
            "id": _id(detail), "name": _text(detail, "name", required=True),
            "description": _text(detail, "description", limit=MAX_TEXT) or "",
            "uri": _text(detail, "uri", limit=500), "version": _text(detail, "version", limit=64)}, detail))
    taxonomy_id = _id(term, "taxonomy_id", required=False)
    if taxonomy is not None:
        if taxonomy_id and taxonomy_id != taxonomy["id"]:
            raise RecordError("taxonomy_id", "differs from taxonomy_detail.id")
        taxonomy_id = taxonomy["id"]
    elif taxonomy_id and not ctx.known(Taxonomy, ctx.taxonomies, taxonomy_id):
        # An embedded term names its taxonomy but does not describe it: record a minimal one.
        taxonomy = {"id": taxonomy_id, "name": _text(term, "taxonomy") or taxonomy_id, "description": "",
                    "uri": None, "version": None, "_minimal": True}
    row = {"id": _id(term), "taxonomy_id": taxonomy_id, "taxonomy": _text(term, "taxonomy"),
           "term": _text(term, "term") or _text(term, "code"), "name": _text(term, "name", required=True),
           "name_cy": _text(term, "name_cy"), "description": _text(term, "description", limit=MAX_TEXT) or "",
           "parent_id": _id(term, "parent_id", required=False), "term_uri": _text(term, "term_uri", limit=500)}
    return _given(row, term, {"term": ("code",), "taxonomy_id": ("taxonomy_detail",)}), taxonomy


def _taxonomy_terms(term: Dict[str, Any], ctx: _Context) -> List[Tuple[Dict[str, Any], Optional[Dict[str, Any]]]]:
    """The term and any parents carried with it (parents first), each parent_id checked."""
    out = [_within(f"__parents__[{i}]", p, lambda p=p: _taxonomy_term(p, ctx)) for i, p in enumerate(_parents(term))]
    out.append(_taxonomy_term(term, ctx))
    here = {row["id"] for row, _t in out}
    for row, _t in out:
        _check_parent("taxonomy term", "parent_id", row, TaxonomyTerm, here | ctx.terms | ctx.coming_terms, ctx)
    return out


def normalize_service(raw: Dict[str, Any], ctx: _Context) -> Dict[str, Any]:
    """Validates one ORUK 3.0 service object into rows for each table; raises RecordError on the
    first problem found."""
    errors = raw.get("__errors__")
    if errors:  # found while reading (a CSV row that is not UTF-8, a duplicate child id, ...)
        f, rid, fld, reason = errors[0]
        raise RecordError(fld, reason, file=f, record_id=rid)
    bad = _find_bad_text(raw)
    if bad:  # anywhere, used or not: a record holding bytes that are not UTF-8 is not trusted whole
        field_, reason, owner = bad
        if owner is not None:
            raise RecordError(field_, reason, file=owner["__file__"],
                              record_id=str(owner.get("id") or owner.get("__row__") or "?"))
        raise RecordError(field_, reason)
    sid = _id(raw)
    name = _text(raw, "name", required=True)

    org = raw.get("organization")
    org_id = _id(raw, "organization_id", required=False)
    organization, parent_organizations = None, []
    if isinstance(org, dict):
        *parent_organizations, organization = _within("organization", org, lambda: _organizations(org, ctx))
        if org_id and org_id != organization["id"]:
            raise RecordError("organization_id", f"{org_id!r} differs from organization.id {organization['id']!r}")
        org_id = organization["id"]
    elif org is not None:
        raise RecordError("organization", "must be an object with id and name")
    elif not org_id:
        raise RecordError("organization", "is required (an object with id and name)")
    elif not ctx.known(Organization, ctx.organizations, org_id):
        raise RecordError("organization_id", f"refers to organization {org_id!r}, which is not in the directory")

    status = (_text(raw, "status", limit=20) or "active").lower()
    if status not in STATUSES:
        raise RecordError("status", f"{status!r} is not one of {sorted(STATUSES)}")
    keywords = raw.get("keywords")
    if isinstance(keywords, list):
        if not all(isinstance(k, str) for k in keywords):
            raise RecordError("keywords", "must be text or a list of text")
        keywords = ", ".join(k.strip() for k in keywords if k.strip())
    keywords = _text({"keywords": keywords}, "keywords", limit=MAX_TEXT)
    service = {
        "id": sid, "organization_id": org_id, "name": name, "name_cy": _text(raw, "name_cy"),
        "description": _text(raw, "description", limit=MAX_TEXT) or "",
        "description_cy": _text(raw, "description_cy", limit=MAX_TEXT), "keywords": keywords,
        "url": _text(raw, "url", limit=500), "email": _text(raw, "email"), "status": status,
        "fees": _text(raw, "fees", limit=MAX_TEXT), "accreditations": _text(raw, "accreditations", limit=MAX_TEXT),
        "minimum_age": _age(raw, "minimum_age"), "maximum_age": _age(raw, "maximum_age"),
        "assured_date": _date(raw, "assured_date"), "assurer_email": _text(raw, "assurer_email"),
        "alert": _text(raw, "alert", limit=MAX_TEXT), "last_modified": _datetime(raw, "last_modified"),
    }
    if (service["minimum_age"] is not None and service["maximum_age"] is not None
            and service["minimum_age"] > service["maximum_age"]):
        raise RecordError("minimum_age", f"{service['minimum_age']} is more than maximum_age {service['maximum_age']}")

    seen_ids: Dict[str, set] = {}

    def unique(kind: str, id_: str) -> None:
        bucket = seen_ids.setdefault(kind, set())
        if id_ in bucket:
            raise RecordError("id", f"{id_!r} appears twice in this service")
        bucket.add(id_)

    locations, sal_ids = [], set()
    for path, sal in _each(raw, "service_at_locations"):
        def one_sal(sal=sal):
            sal_id = _id(sal)
            unique("sal", sal_id)
            loc = sal.get("location")
            loc_id = _id(sal, "location_id", required=False)
            location = addresses = None
            if isinstance(loc, dict):
                location, addresses = _within("location", loc, lambda: _location(loc))
                if loc_id and loc_id != location["id"]:
                    raise RecordError("location_id", f"{loc_id!r} differs from location.id {location['id']!r}")
                loc_id = location["id"]
            elif loc is not None:
                raise RecordError("location", "must be an object")
            elif not loc_id:
                raise RecordError("location", "needs a location object (or a location_id)")
            elif not ctx.known(Location, ctx.locations, loc_id):
                raise RecordError("location_id", f"refers to location {loc_id!r}, which is not in the directory")
            return {"sal": {"id": sal_id, "location_id": loc_id,
                            "description": _text(sal, "description", limit=MAX_TEXT)},
                    "location": location, "addresses": addresses}
        entry = _within(path, sal, one_sal)
        sal_ids.add(entry["sal"]["id"])
        locations.append(entry)

    def existing_sal(sal_id: str) -> bool:
        """A service at location the directory already has, when this record does not list them."""
        return "service_at_locations" not in raw and ctx.db.get(ServiceAtLocation, {"service_id": sid, "id": sal_id}) is not None

    phones: List[Dict[str, Any]] = []

    def phone_rows(owner: Dict[str, Any], contact_id: Optional[str]) -> None:
        for path, ph in _each(owner, "phones"):
            def one(ph=ph):
                pid = _id(ph)
                unique("phone", pid)
                return {"id": pid, "contact_id": contact_id, "number": _text(ph, "number", required=True, limit=40),
                        "extension": _text(ph, "extension", limit=16), "type": _text(ph, "type", limit=32),
                        "description": _text(ph, "description", limit=MAX_TEXT)}
            phones.append(_within(path, ph, one))

    phone_rows(raw, None)
    contacts = []
    for path, c in _each(raw, "contacts"):
        def one_contact(c=c):
            cid = _id(c)
            unique("contact", cid)
            row = {"id": cid, "name": _text(c, "name"), "title": _text(c, "title"),
                   "department": _text(c, "department"), "email": _text(c, "email")}
            phone_rows(c, cid)
            return row
        contacts.append(_within(path, c, one_contact))

    schedules = []
    for path, s in _each(raw, "schedules"):
        def one_schedule(s=s):
            schid = _id(s)
            unique("schedule", schid)
            freq = _text(s, "freq", limit=8)
            if freq is not None and freq.upper() not in ("WEEKLY", "MONTHLY"):
                raise RecordError("freq", f"{freq!r} is not WEEKLY or MONTHLY")
            interval = s.get("interval")
            if interval is not None and interval != "":
                if isinstance(interval, float) and interval.is_integer():
                    interval = int(interval)
                if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= 52:
                    raise RecordError("interval", "must be a whole number from 1 to 52")
            else:
                interval = None
            sal_id = _id(s, "service_at_location_id", required=False)
            if sal_id and sal_id not in sal_ids and not existing_sal(sal_id):
                raise RecordError("service_at_location_id",
                                  f"refers to {sal_id!r}, which is not one of this service's service_at_locations")
            byday = _pattern(s, "byday", _BYDAY, "'TU,TH' or '1WE'")
            return {"id": schid, "service_at_location_id": sal_id, "valid_from": _date(s, "valid_from"),
                    "valid_to": _date(s, "valid_to"), "dtstart": _date(s, "dtstart"), "until": _date(s, "until"),
                    "freq": freq.upper() if freq else None, "interval": interval,
                    "byday": byday.upper().replace(" ", "") if byday else None,
                    "bymonthday": _pattern(s, "bymonthday", _MONTHDAY, "'1,15'"),
                    "opens_at": _pattern(s, "opens_at", _TIME, "'09:30'", limit=16),
                    "closes_at": _pattern(s, "closes_at", _TIME, "'17:00'", limit=16),
                    "description": _text(s, "description", limit=MAX_TEXT),
                    "description_cy": _text(s, "description_cy", limit=MAX_TEXT),
                    "schedule_link": _text(s, "schedule_link", limit=500),
                    "attending_type": _text(s, "attending_type"), "notes": _text(s, "notes", limit=MAX_TEXT)}
        schedules.append(_within(path, s, one_schedule))

    areas = []
    for path, a in _each(raw, "service_areas"):
        def one_area(a=a):
            aid = _id(a)
            unique("area", aid)
            return {"id": aid, "name": _text(a, "name"),
                    "description": _text(a, "description", limit=MAX_TEXT) or _text(a, "service_area", limit=MAX_TEXT),
                    "extent": _text(a, "extent", limit=1_000_000), "extent_type": _text(a, "extent_type", limit=32),
                    "uri": _text(a, "uri", limit=500)}
        areas.append(_within(path, a, one_area))

    languages = []
    phone_ids = {p["id"] for p in phones}
    for path, lang in _each(raw, "languages"):
        def one_language(lang=lang):
            lid = _id(lang)
            unique("language", lid)
            phone_id = _id(lang, "phone_id", required=False)
            if phone_id and phone_id not in phone_ids and not (
                    "phones" not in raw and "contacts" not in raw
                    and ctx.db.get(Phone, {"service_id": sid, "id": phone_id}) is not None):
                raise RecordError("phone_id", f"refers to phone {phone_id!r}, which is not one of this service's phones")
            return {"id": lid, "name": _text(lang, "name", limit=100), "code": _text(lang, "code", limit=16),
                    "note": _text(lang, "note", limit=MAX_TEXT), "phone_id": phone_id}
        languages.append(_within(path, lang, one_language))
    if "languages" in raw:  # derived from the languages: unknown, and kept, when they are not given
        service["welsh_medium"] = any((l["code"] or "").lower() in WELSH_CODES
                                      or (l["name"] or "").lower() in WELSH_NAMES for l in languages)

    costs = []
    for path, c in _each(raw, "cost_options"):
        def one_cost(c=c):
            cid = _id(c)
            unique("cost", cid)
            currency = _text(c, "currency", limit=3)
            return {"id": cid, "valid_from": _date(c, "valid_from"), "valid_to": _date(c, "valid_to"),
                    "option": _text(c, "option", limit=MAX_TEXT), "amount": _number(c, "amount", 0, 1e7),
                    "currency": currency.upper() if currency else None,
                    "amount_description": _text(c, "amount_description", limit=MAX_TEXT)}
        costs.append(_within(path, c, one_cost))

    attributes, terms, taxonomies = [], [], []
    for path, at in _each(raw, "attributes"):
        def one_attribute(at=at):
            aid = _id(at)
            unique("attribute", aid)
            # Nested in the service, the attribute is the service's whatever its link_id says (a
            # copied record keeps its old ids there); link_entity and link_id are only checked as text.
            _text(at, "link_entity", limit=64)
            _id(at, "link_id", required=False)
            term = at.get("taxonomy_term")
            term_id = _id(at, "taxonomy_term_id", required=False)
            if isinstance(term, dict):
                found = _within("taxonomy_term", term, lambda: _taxonomy_terms(term, ctx))
                row = found[-1][0]
                if term_id and term_id != row["id"]:
                    raise RecordError("taxonomy_term_id", f"{term_id!r} differs from taxonomy_term.id")
                term_id = row["id"]
                for one_term, taxonomy in found:  # parents first
                    terms.append(one_term)
                    if taxonomy:
                        taxonomies.append(taxonomy)
            elif term is not None:
                raise RecordError("taxonomy_term", "must be an object")
            elif not term_id:
                raise RecordError("taxonomy_term_id", "is required (or a taxonomy_term object)")
            elif not ctx.known(TaxonomyTerm, ctx.terms, term_id):
                raise RecordError("taxonomy_term_id", f"refers to taxonomy term {term_id!r}, which is not in the directory")
            return {"id": aid, "taxonomy_term_id": term_id, "link_type": _text(at, "link_type", limit=64),
                    "value": _text(at, "value", limit=MAX_TEXT)}
        attributes.append(_within(path, at, one_attribute))

    return {"organization": organization, "parent_organizations": parent_organizations, "service": service,
            "locations": locations, "phones": phones, "contacts": contacts, "schedules": schedules,
            "service_areas": areas, "languages": languages, "cost_options": costs, "attributes": attributes,
            "terms": terms, "taxonomies": taxonomies, "given": {k for k in CHILDREN if k in raw}}


# --------------------------------------------------------------------------------------------
# Writing

def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
    return a == b


def _key(model, values: Dict[str, Any]) -> Any:
    cols = [c.key for c in model.__table__.primary_key.columns]
    return values[cols[0]] if len(cols) == 1 else {c: values[c] for c in cols}


def _upsert(db: Session, model, values: Dict[str, Any]) -> bool:
    """Insert or update one row (found by its primary key); True if anything changed."""
    row = db.get(model, _key(model, values))
    if row is None:
        db.add(model(**values))
        return True
    return _set(row, values)


def _set(row: Any, values: Dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if not _same(getattr(row, key), value):
            setattr(row, key, value)
            changed = True
    return changed


def _sync(db: Session, model, owner_col: str, owner_id: str, rows: List[Dict[str, Any]], where=None) -> bool:
    """Makes the owner's children (those matching `where`, if given) exactly `rows`: upserts them
    by id, deletes the others."""
    changed = False
    stmt = select(model).where(getattr(model, owner_col) == owner_id)
    if where is not None:
        stmt = stmt.where(where)
    existing = {r.id: r for r in db.scalars(stmt)}
    wanted = {r["id"] for r in rows}
    for id_, row in existing.items():
        if id_ not in wanted:
            db.delete(row)
            changed = True
    for r in rows:
        values = {**r, owner_col: owner_id}
        row = existing.get(r["id"])
        if row is None:
            db.add(model(**values))
            changed = True
        else:
            changed |= _set(row, values)
    return changed


def _write(db: Session, rows: Dict[str, Any], written: Dict[Tuple[str, str], Dict[str, Any]]) -> bool:
    """Writes one validated service; `written` remembers shared rows (organisations, locations,
    taxonomies, terms) already written in this import, so a repeat costs nothing."""
    with db.no_autoflush:
        changed = _write_rows(db, rows, written)
        db.flush()
    return changed


def _shared(db: Session, model, values: Dict[str, Any], written: Dict[Tuple[str, str], Dict[str, Any]]) -> bool:
    """Inserts a shared row whole, or merges into the existing one the columns its source gave."""
    given = values.get(GIVEN)
    columns = {k: v for k, v in values.items() if k != GIVEN}
    update = columns if given is None else {k: v for k, v in columns.items() if k in given}
    key = (model.__tablename__, columns["id"])
    if written.get(key) == update:
        return False
    row = db.get(model, columns["id"])
    if row is None:
        db.add(model(**columns))
        changed = True
    else:
        changed = _set(row, update)
    written[key] = update
    return changed


def _write_rows(db: Session, rows: Dict[str, Any], written: Dict[Tuple[str, str], Dict[str, Any]]) -> bool:
    changed = False
    sid = rows["service"]["id"]
    for organization in rows["parent_organizations"] + ([rows["organization"]] if rows["organization"] else []):
        changed |= _shared(db, Organization, organization, written)
    for taxonomy in rows["taxonomies"]:
        if taxonomy.get("_minimal"):
            if ("dir_taxonomy", taxonomy["id"]) not in written and db.get(Taxonomy, taxonomy["id"]) is None:
                db.add(Taxonomy(**{k: v for k, v in taxonomy.items() if k != "_minimal"}))
                changed = True
            written.setdefault(("dir_taxonomy", taxonomy["id"]), {})
        else:
            changed |= _shared(db, Taxonomy, taxonomy, written)
    for term in rows["terms"]:
        changed |= _shared(db, TaxonomyTerm, term, written)
    for entry in rows["locations"]:
        loc = entry["location"]
        if loc:
            changed |= _shared(db, Location, loc, written)
            key = ("dir_address_set", loc["id"])
            # Addresses belong to the location: replaced only by a location that lists them.
            if entry["addresses"] is not None and written.get(key) != {"rows": entry["addresses"]}:
                changed |= _sync(db, Address, "location_id", loc["id"], entry["addresses"])
                written[key] = {"rows": entry["addresses"]}
    changed |= _upsert(db, Service, rows["service"])
    given = rows["given"]
    if "service_at_locations" in given:
        changed |= _sync(db, ServiceAtLocation, "service_id", sid, [e["sal"] for e in rows["locations"]])
    for model, key in ((Contact, "contacts"), (Schedule, "schedules"), (ServiceArea, "service_areas"),
                       (Language, "languages"), (CostOption, "cost_options"), (ServiceAttribute, "attributes")):
        if key in given:
            changed |= _sync(db, model, "service_id", sid, rows[key])
    # Phones come from the service's own list and from its contacts': each replaces only its own.
    if {"phones", "contacts"} <= given:
        changed |= _sync(db, Phone, "service_id", sid, rows["phones"])
    elif "phones" in given:
        changed |= _sync(db, Phone, "service_id", sid, [p for p in rows["phones"] if p["contact_id"] is None],
                         where=Phone.contact_id.is_(None))
    elif "contacts" in given:
        changed |= _sync(db, Phone, "service_id", sid, [p for p in rows["phones"] if p["contact_id"] is not None],
                         where=Phone.contact_id.isnot(None))
    return changed


def directory_version(db: Session) -> int:
    row = db.get(DirectoryMeta, "version")
    return int(row.value) if row else 0


def _bump_version(db: Session) -> None:
    row = db.get(DirectoryMeta, "version")
    if row is None:
        db.add(DirectoryMeta(key="version", value="1"))
    else:
        row.value = str(int(row.value) + 1)


def _record_id(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and raw.get("id") not in (None, ""):
        return _shown(str(raw["id"])[:ID_LIMIT * 2])
    return f"#{index + 1}"


def _embedded_ids(records: Iterable[Any]) -> Tuple[set, set]:
    """Ids of the organisations and taxonomy terms embedded anywhere in these records, with the
    parents carried along, so a parent reference may point to one that comes later."""
    organizations, terms = set(), set()

    def add(obj: Any, into: set) -> None:
        if isinstance(obj, dict):
            if isinstance(obj.get("id"), (str, int)) and not isinstance(obj.get("id"), bool):
                into.add(str(obj["id"]))
            for parent in obj.get("__parents__") or []:
                add(parent, into)

    for raw in records:
        if not isinstance(raw, dict):
            continue
        add(raw.get("organization"), organizations)
        attributes = raw.get("attributes")
        for at in attributes if isinstance(attributes, list) else []:
            if isinstance(at, dict):
                add(at.get("taxonomy_term"), terms)
    return organizations, terms


def import_services(db: Session, records: List[Any], source: str, dry_run: bool = False,
                    progress: Optional[Callable[[int], Any]] = None) -> ImportSummary:
    """Validates and upserts each record; the caller commits (dry_run rolls everything back)."""
    summary = ImportSummary(problems=list(getattr(records, "problems", [])), dry_run=dry_run)
    ctx = _Context(db)
    ctx.coming_organizations, ctx.coming_terms = _embedded_ids(records)
    written: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for index, raw in enumerate(records):
        record_id = _record_id(raw, index)
        if progress:
            progress(1)
        try:
            if not isinstance(raw, dict):
                raise RecordError("(record)", "must be a JSON object")
            with db.no_autoflush:
                rows = normalize_service(raw, ctx)
            sid = rows["service"]["id"]
            if sid in ctx.services:
                raise RecordError("id", "appears twice in this import")
        except RecordError as e:
            own_file = raw.get("__file__") if isinstance(raw, dict) else None
            file = e.file or own_file or source
            reason = e.reason
            rid = e.record_id or record_id
            if e.record_id and e.record_id != record_id:
                reason += f" (service {record_id} skipped)"
            summary.problems.append(Problem(str(file), rid, e.field, reason))
            continue
        ctx.services.add(sid)
        existed = db.get(Service, sid) is not None
        try:
            with db.begin_nested():  # one service is written whole or not at all
                changed = _write(db, rows, written)
        except SQLAlchemyError as e:
            written.clear()  # it may name rows the rolled-back savepoint never kept
            reason = str(getattr(e, "orig", e)).splitlines()[0][:300]
            summary.problems.append(Problem(str(raw.get("__file__") or source), record_id, "(record)",
                                            f"could not be saved: {reason}"))
            continue
        ctx.organizations.update(o["id"] for o in rows["parent_organizations"])
        if rows["organization"]:
            ctx.organizations.add(rows["organization"]["id"])
        ctx.locations.update(e["location"]["id"] for e in rows["locations"] if e["location"])
        ctx.terms.update(t["id"] for t in rows["terms"])
        ctx.taxonomies.update(t["id"] for t in rows["taxonomies"])
        if not existed:
            summary.created += 1
        elif changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    if dry_run:
        db.rollback()
    elif summary.created or summary.updated:
        _bump_version(db)
        db.flush()
    return summary


def load_path(db: Session, path, dry_run: bool = False,
              progress: Optional[Callable[[int], Any]] = None) -> ImportSummary:
    """Reads PATH (ORUK JSON, a folder of JSON pages, or an HSDS CSV datapackage) and imports it.
    Raises ValueError when the file itself cannot be read."""
    records = read_services(Path(path))
    return import_services(db, records, str(path), dry_run=dry_run, progress=progress)

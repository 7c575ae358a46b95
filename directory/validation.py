"""Validating one ORUK 3.0 service object whole into rows for each table (`normalize_service`),
against what the directory and this import already hold (`Context`). Raises `RecordError` on the
first problem found; nothing is written here (see `upsert`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from sqlalchemy.orm import Session

from .fields import (MAX_TEXT, _age, _date, _datetime, _each, _find_bad_text, _id, _number, _pattern, _text,
                     _within, owner_id)
from .models import Location, Organization, Phone, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .records import RecordError, origin_of

STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
LOCATION_TYPES = {"physical", "postal", "virtual"}
WELSH_CODES = {"cy", "cym", "wel", "cy-gb"}
WELSH_NAMES = {"welsh", "cymraeg"}
# A service's own collections: one missing from a record is left as the directory has it (only a
# collection that is given, even empty, replaces what is there).
CHILDREN = ("service_at_locations", "phones", "contacts", "schedules", "service_areas", "languages",
            "cost_options", "attributes")
# Local extension `x_translations` (directory/README.md, "Welsh text"). ORUK 3.0 has no translation
# fields, so a service or an organisation may carry
#     "x_translations": {"cy": {"name": "Clwb Cinio Llandeilo", "description": "..."}}
# Each value is checked like the English field it translates (text, UTF-8, name <= 255 characters,
# description <= MAX_TEXT); other keys inside a language are refused (a misspelt "nmae" must not
# be lost quietly). Only Welsh is stored (dir_service / dir_organization name_cy, description_cy,
# migration 0016); another well-formed language tag is accepted and not stored. A service's older
# flat `name_cy` / `description_cy` are still read; `x_translations` wins when both are given.
TRANSLATIONS = "x_translations"
TRANSLATED_LIMITS = {"name": 255, "description": MAX_TEXT}
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_BYDAY = re.compile(r"^\s*[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)\s*(,\s*[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)\s*)*$", re.I)
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_MONTHDAY = re.compile(r"^\s*-?\d{1,2}\s*(,\s*-?\d{1,2}\s*)*$")


class Context:
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


@dataclass
class Shared:
    """A shared row (organisation, location, taxonomy, term): its columns, and which of them its
    source gave: an object embedded with only some fields (an organisation with just id and name)
    updates those and keeps the rest."""
    values: Dict[str, Any]
    given: Optional[FrozenSet[str]] = None  # None: every column
    minimal: bool = False  # a taxonomy a term only names: added if missing, never updated

    @property
    def id(self) -> str:
        return self.values["id"]


@dataclass
class LocationEntry:
    """One service at location link, with its location and addresses when the record embeds them
    (addresses None: not given, so the directory keeps the location's)."""
    sal: Dict[str, Any]
    location: Optional[Shared]
    addresses: Optional[List[Dict[str, Any]]]


@dataclass
class ServiceRows:
    """One validated service: a row (or rows) for each table, and which of its own collections
    the record gave (only those replace what the directory has)."""
    service: Dict[str, Any]
    organization: Optional[Shared]
    parent_organizations: List[Shared]
    locations: List[LocationEntry]
    phones: List[Dict[str, Any]]
    contacts: List[Dict[str, Any]]
    schedules: List[Dict[str, Any]]
    service_areas: List[Dict[str, Any]]
    languages: List[Dict[str, Any]]
    cost_options: List[Dict[str, Any]]
    attributes: List[Dict[str, Any]]
    terms: List[Shared]
    taxonomies: List[Shared]
    given: Set[str]


def _given(row: Dict[str, Any], source: Dict[str, Any], aliases: Optional[Dict[str, Tuple[str, ...]]] = None
           ) -> Shared:
    aliases = aliases or {}
    return Shared(row, frozenset(k for k in row if k == "id" or k in source
                                 or any(a in source for a in aliases.get(k, ()))))


def _parents(obj: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Parent objects carried along with an organisation or term (csv_import adds them when the
    parent is in the package but no service uses it)."""
    origin = origin_of(obj)
    return origin.parents if origin is not None else []


def _check_parent(kind: str, field_: str, row: Shared, model, ids: set, ctx: Context) -> None:
    parent = row.values.get(field_)
    if not parent:
        return
    if parent == row.id:
        raise RecordError(field_, f"refers to the {kind} itself")
    if not ctx.known(model, ids, parent):
        raise RecordError(field_, f"refers to {kind} {parent!r}, which is not in the directory or this import")


def welsh_translation(obj: Dict[str, Any]) -> Optional[Dict[str, Optional[str]]]:
    """The Welsh of an object's `x_translations` as {"name_cy", "description_cy"}, checked; None
    when the object has no x_translations (so its Welsh text is not given)."""
    tr = obj.get(TRANSLATIONS)
    if tr is None:
        return None
    if not isinstance(tr, dict):
        raise RecordError(TRANSLATIONS, f"must be an object keyed by language (\"cy\"), not {type(tr).__name__}")
    welsh: Dict[str, Optional[str]] = {"name_cy": None, "description_cy": None}
    for lang, fields in tr.items():
        path = f"{TRANSLATIONS}.{lang}"
        if not isinstance(lang, str) or not _LANGUAGE_TAG.match(lang):
            raise RecordError(TRANSLATIONS, f"{lang!r} is not a language tag such as 'cy'")
        if not isinstance(fields, dict):
            raise RecordError(path, f"must be an object with name and description, not {type(fields).__name__}")
        unknown = sorted(set(fields) - set(TRANSLATED_LIMITS))
        if unknown:
            raise RecordError(f"{path}.{unknown[0]}", "is not a translated field (name, description)")
        texts = {k: _within(path, fields, partial(_text, fields, k, limit=limit))
                 for k, limit in TRANSLATED_LIMITS.items()}
        if lang.lower() in ("cy", "cy-gb"):
            welsh = {"name_cy": texts["name"], "description_cy": texts["description"]}
    return welsh


def _organization(org: Dict[str, Any]) -> Shared:
    welsh = welsh_translation(org) or {"name_cy": None, "description_cy": None}
    return _given({"id": _id(org), "name": _text(org, "name", required=True),
                   "name_cy": welsh["name_cy"], "description_cy": welsh["description_cy"],
                   "description": _text(org, "description", limit=MAX_TEXT) or "",
                   "email": _text(org, "email"), "website": _text(org, "website", limit=500),
                   "uri": _text(org, "uri", limit=500), "logo": _text(org, "logo", limit=500),
                   "parent_organization_id": _id(org, "parent_organization_id", required=False)}, org,
                  {"name_cy": (TRANSLATIONS,), "description_cy": (TRANSLATIONS,)})


def _organizations(org: Dict[str, Any], ctx: Context) -> List[Shared]:
    """The organisation and any parents carried with it (parents first), each parent checked."""
    rows = [_within(f"parents[{i}]", p, partial(_organization, p)) for i, p in enumerate(_parents(org))]
    rows.append(_organization(org))
    here = {r.id for r in rows}
    for row in rows:
        _check_parent("organization", "parent_organization_id", row, Organization,
                      here | ctx.organizations | ctx.coming_organizations, ctx)
    return rows


def _location(loc: Dict[str, Any]) -> Tuple[Shared, Optional[List[Dict[str, Any]]]]:
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
    addresses: List[Dict[str, Any]] = []
    seen: Set[str] = set()
    for path, a in _each(loc, "addresses"):
        def one(a=a):
            address_type = _text(a, "address_type", limit=16)
            if address_type is not None and address_type.lower() not in LOCATION_TYPES:
                raise RecordError("address_type", f"{address_type!r} is not one of {sorted(LOCATION_TYPES)}")
            aid = _id(a, required=False) or f"{row.id}-address-{len(addresses) + 1}"
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


def _taxonomy_term(term: Dict[str, Any], ctx: Context) -> Tuple[Shared, Optional[Shared]]:
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
        if taxonomy_id and taxonomy_id != taxonomy.id:
            raise RecordError("taxonomy_id", "differs from taxonomy_detail.id")
        taxonomy_id = taxonomy.id
    elif taxonomy_id and not ctx.known(Taxonomy, ctx.taxonomies, taxonomy_id):
        # An embedded term names its taxonomy but does not describe it: record a minimal one.
        taxonomy = Shared({"id": taxonomy_id, "name": _text(term, "taxonomy") or taxonomy_id, "description": "",
                           "uri": None, "version": None}, minimal=True)
    row = {"id": _id(term), "taxonomy_id": taxonomy_id, "taxonomy": _text(term, "taxonomy"),
           "term": _text(term, "term") or _text(term, "code"), "name": _text(term, "name", required=True),
           "name_cy": _text(term, "name_cy"), "description": _text(term, "description", limit=MAX_TEXT) or "",
           "parent_id": _id(term, "parent_id", required=False), "term_uri": _text(term, "term_uri", limit=500)}
    return _given(row, term, {"term": ("code",), "taxonomy_id": ("taxonomy_detail",)}), taxonomy


def _taxonomy_terms(term: Dict[str, Any], ctx: Context) -> List[Tuple[Shared, Optional[Shared]]]:
    """The term and any parents carried with it (parents first), each parent_id checked."""
    out = [_within(f"parents[{i}]", p, partial(_taxonomy_term, p, ctx)) for i, p in enumerate(_parents(term))]
    out.append(_taxonomy_term(term, ctx))
    here = {row.id for row, _t in out}
    for row, _t in out:
        _check_parent("taxonomy term", "parent_id", row, TaxonomyTerm, here | ctx.terms | ctx.coming_terms, ctx)
    return out


def _check_as_read(raw: Dict[str, Any]) -> None:
    """Problems found while reading (a CSV row that is not UTF-8, a duplicate child id, ...), and
    text that is not UTF-8 anywhere, used or not: such a record is not trusted whole."""
    origin = origin_of(raw)
    if origin is not None and origin.errors:
        first = origin.errors[0]
        raise RecordError(first.field, first.reason, file=first.file, record_id=first.record_id)
    bad = _find_bad_text(raw)
    if bad:
        field_, reason, owner = bad
        if owner is not None:
            raise RecordError(field_, reason, file=owner.origin.file, record_id=owner_id(owner))
        raise RecordError(field_, reason)


def _service_organization(raw: Dict[str, Any], ctx: Context
                          ) -> Tuple[Optional[str], Optional[Shared], List[Shared]]:
    """The service's organisation id, the organisation row if embedded, and its parents' rows."""
    org = raw.get("organization")
    org_id = _id(raw, "organization_id", required=False)
    organization, parent_organizations = None, []
    if isinstance(org, dict):
        *parent_organizations, organization = _within("organization", org, lambda: _organizations(org, ctx))
        if org_id and org_id != organization.id:
            raise RecordError("organization_id", f"{org_id!r} differs from organization.id {organization.id!r}")
        org_id = organization.id
    elif org is not None:
        raise RecordError("organization", "must be an object with id and name")
    elif not org_id:
        raise RecordError("organization", "is required (an object with id and name)")
    elif not ctx.known(Organization, ctx.organizations, org_id):
        raise RecordError("organization_id", f"refers to organization {org_id!r}, which is not in the directory")
    return org_id, organization, parent_organizations


def _service_row(raw: Dict[str, Any], sid: str, name: str, org_id: Optional[str]) -> Dict[str, Any]:
    status = (_text(raw, "status", limit=20) or "active").lower()
    if status not in STATUSES:
        raise RecordError("status", f"{status!r} is not one of {sorted(STATUSES)}")
    keywords = raw.get("keywords")
    if isinstance(keywords, list):
        if not all(isinstance(k, str) for k in keywords):
            raise RecordError("keywords", "must be text or a list of text")
        keywords = ", ".join(k.strip() for k in keywords if k.strip())
    keywords = _text({"keywords": keywords}, "keywords", limit=MAX_TEXT)
    welsh = welsh_translation(raw) or {"name_cy": _text(raw, "name_cy"),
                                       "description_cy": _text(raw, "description_cy", limit=MAX_TEXT)}
    service: Dict[str, Any] = {
        "id": sid, "organization_id": org_id, "name": name, "name_cy": welsh["name_cy"],
        "description": _text(raw, "description", limit=MAX_TEXT) or "",
        "description_cy": welsh["description_cy"], "keywords": keywords,
        "url": _text(raw, "url", limit=500), "email": _text(raw, "email"), "status": status,
        "fees": _text(raw, "fees", limit=MAX_TEXT), "accreditations": _text(raw, "accreditations", limit=MAX_TEXT),
        "minimum_age": _age(raw, "minimum_age"), "maximum_age": _age(raw, "maximum_age"),
        "assured_date": _date(raw, "assured_date"), "assurer_email": _text(raw, "assurer_email"),
        "alert": _text(raw, "alert", limit=MAX_TEXT), "last_modified": _datetime(raw, "last_modified"),
    }
    if (service["minimum_age"] is not None and service["maximum_age"] is not None
            and service["minimum_age"] > service["maximum_age"]):
        raise RecordError("minimum_age", f"{service['minimum_age']} is more than maximum_age {service['maximum_age']}")
    return service


class _Unique:
    """Ids seen so far in one service, per kind of child: a child twice in one service is an error."""

    def __init__(self) -> None:
        self.seen: Dict[str, set] = {}

    def __call__(self, kind: str, id_: str) -> None:
        bucket = self.seen.setdefault(kind, set())
        if id_ in bucket:
            raise RecordError("id", f"{id_!r} appears twice in this service")
        bucket.add(id_)


def _service_locations(raw: Dict[str, Any], ctx: Context, unique: _Unique) -> List[LocationEntry]:
    """The service at location links, each with its location row and addresses if embedded."""
    locations = []
    for path, sal in _each(raw, "service_at_locations"):
        def one_sal(sal=sal):
            sal_id = _id(sal)
            unique("sal", sal_id)
            loc = sal.get("location")
            loc_id = _id(sal, "location_id", required=False)
            location = addresses = None
            if isinstance(loc, dict):
                location, addresses = _within("location", loc, lambda: _location(loc))
                if loc_id and loc_id != location.id:
                    raise RecordError("location_id", f"{loc_id!r} differs from location.id {location.id!r}")
                loc_id = location.id
            elif loc is not None:
                raise RecordError("location", "must be an object")
            elif not loc_id:
                raise RecordError("location", "needs a location object (or a location_id)")
            elif not ctx.known(Location, ctx.locations, loc_id):
                raise RecordError("location_id", f"refers to location {loc_id!r}, which is not in the directory")
            return LocationEntry({"id": sal_id, "location_id": loc_id,
                                  "description": _text(sal, "description", limit=MAX_TEXT)}, location, addresses)
        locations.append(_within(path, sal, one_sal))
    return locations


def _phones_and_contacts(raw: Dict[str, Any], unique: _Unique) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The service's own phones and its contacts' (with their contact_id), and the contacts."""
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
    return phones, contacts


def _schedule(s: Dict[str, Any], unique: _Unique, known_sal: Callable[[str], bool]) -> Dict[str, Any]:
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
    if sal_id and not known_sal(sal_id):
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


def _schedules(raw: Dict[str, Any], ctx: Context, sid: str, sal_ids: set, unique: _Unique) -> List[Dict[str, Any]]:
    def known_sal(sal_id: str) -> bool:
        """One of this record's, or, when the record does not list them, one the directory has."""
        return sal_id in sal_ids or ("service_at_locations" not in raw and ctx.db.get(
            ServiceAtLocation, {"service_id": sid, "id": sal_id}) is not None)

    return [_within(path, s, partial(_schedule, s, unique, known_sal)) for path, s in _each(raw, "schedules")]


def _areas(raw: Dict[str, Any], unique: _Unique) -> List[Dict[str, Any]]:
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
    return areas


def _languages(raw: Dict[str, Any], ctx: Context, sid: str, phones: List[Dict[str, Any]],
               unique: _Unique) -> List[Dict[str, Any]]:
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
    return languages


def _costs(raw: Dict[str, Any], unique: _Unique) -> List[Dict[str, Any]]:
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
    return costs


def _attribute(at: Dict[str, Any], ctx: Context, unique: _Unique, terms: List[Shared],
               taxonomies: List[Shared]) -> Dict[str, Any]:
    """One attribute row; the terms (parents first) and taxonomies it embeds go into the lists."""
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
        if term_id and term_id != row.id:
            raise RecordError("taxonomy_term_id", f"{term_id!r} differs from taxonomy_term.id")
        term_id = row.id
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


def normalize_service(raw: Dict[str, Any], ctx: Context) -> ServiceRows:
    """Validates one ORUK 3.0 service object into rows for each table; raises RecordError on the
    first problem found."""
    _check_as_read(raw)
    sid = _id(raw)
    name = _text(raw, "name", required=True)
    org_id, organization, parent_organizations = _service_organization(raw, ctx)
    service = _service_row(raw, sid, name, org_id)
    unique = _Unique()
    locations = _service_locations(raw, ctx, unique)
    phones, contacts = _phones_and_contacts(raw, unique)
    schedules = _schedules(raw, ctx, sid, {e.sal["id"] for e in locations}, unique)
    areas = _areas(raw, unique)
    languages = _languages(raw, ctx, sid, phones, unique)
    if "languages" in raw:  # derived from the languages: unknown, and kept, when they are not given
        service["welsh_medium"] = any((lang["code"] or "").lower() in WELSH_CODES
                                      or (lang["name"] or "").lower() in WELSH_NAMES for lang in languages)
    costs = _costs(raw, unique)
    attributes: List[Dict[str, Any]] = []
    terms: List[Shared] = []
    taxonomies: List[Shared] = []
    for path, at in _each(raw, "attributes"):
        attributes.append(_within(path, at, partial(_attribute, at, ctx, unique, terms, taxonomies)))
    return ServiceRows(service=service, organization=organization, parent_organizations=parent_organizations,
                       locations=locations, phones=phones, contacts=contacts, schedules=schedules,
                       service_areas=areas, languages=languages, cost_options=costs, attributes=attributes,
                       terms=terms, taxonomies=taxonomies, given={k for k in CHILDREN if k in raw})

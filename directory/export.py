"""Export to Open Referral UK 3.0 JSON: full service objects (as `GET /services/{id}` returns
them), taxonomies and terms, and the paged list shape. Empty values are left out rather than
written as null, since the ORUK schemas type every field. The Welsh text (`x_translations` on
services and organisations; `name_cy` on terms, `description_cy` on schedules) and keywords
extensions are exported as extra properties, which the schemas allow; importing an export changes
nothing.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .models import (Location, Service, ServiceAtLocation, ServiceAttribute, Taxonomy,
                     TaxonomyTerm)

API_DETAILS = {
    "version": "HSDS-UK-3.0",
    "profile": "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md",
    "openapi_url": "https://docs.openreferraluk.org/en/latest/openapi30.json",
}


def _compact(d: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != ""}


def _date(value: Optional[dt.date]) -> Optional[str]:
    return value.isoformat() if value else None


def _datetime(value: Optional[dt.datetime]) -> Optional[str]:
    if value is None:
        return None
    text = value.replace(tzinfo=None).isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    return text + "Z"


def _number(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def term_to_oruk(term: TaxonomyTerm, with_taxonomy: bool = True) -> Dict[str, Any]:
    out = _compact({"id": term.id, "name": term.name, "description": term.description or "",
                    "parent_id": term.parent_id, "taxonomy": term.taxonomy, "taxonomy_id": term.taxonomy_id,
                    "term_uri": term.term_uri, "term": term.term, "name_cy": term.name_cy})
    out.setdefault("description", "")
    if with_taxonomy and term.taxonomy_ref is not None:
        out["taxonomy_detail"] = taxonomy_to_oruk(term.taxonomy_ref)
    return out


def taxonomy_to_oruk(tax: Taxonomy, terms: Optional[Sequence[TaxonomyTerm]] = None) -> Dict[str, Any]:
    out = _compact({"id": tax.id, "name": tax.name, "uri": tax.uri, "version": tax.version})
    out["description"] = tax.description or ""
    if terms is not None:
        out["taxonomy_terms"] = [term_to_oruk(t, with_taxonomy=False) for t in terms]
    return out


def translations(name_cy: Optional[str], description_cy: Optional[str]) -> Dict[str, Any]:
    """The `x_translations` extension (validation.TRANSLATIONS): {} when there is no Welsh text."""
    welsh = _compact({"name": name_cy, "description": description_cy})
    return {"x_translations": {"cy": welsh}} if welsh else {}


def _phone(p) -> Dict[str, Any]:
    return _compact({"id": p.id, "service_id": p.service_id, "number": p.number, "extension": p.extension,
                     "type": p.type, "description": p.description})


def _location(loc: Location) -> Dict[str, Any]:
    return _compact({
        "id": loc.id, "location_type": loc.location_type or "physical", "name": loc.name,
        "description": loc.description, "latitude": loc.latitude, "longitude": loc.longitude,
        "external_identifier": loc.external_identifier, "external_identifier_type": loc.external_identifier_type,
        "addresses": [_compact({
            "id": a.id, "location_id": loc.id, "attention": a.attention, "address_1": a.address_1 or "",
            "address_2": a.address_2, "city": a.city or "", "region": a.region,
            "state_province": a.state_province or "", "postal_code": a.postal_code or "",
            "country": a.country or "GB", "address_type": a.address_type or "physical"})
            | {k: "" for k in ("address_1", "city", "state_province", "postal_code") if not getattr(a, k)}
            for a in loc.addresses],
    })


def service_to_oruk(s: Service) -> Dict[str, Any]:
    contact_ids = {c.id for c in s.contacts}
    return _compact({
        "id": s.id, "organization_id": s.organization_id, "name": s.name, "description": s.description,
        "url": s.url, "email": s.email, "status": s.status, "fees": s.fees, "accreditations": s.accreditations,
        "minimum_age": s.minimum_age, "maximum_age": s.maximum_age, "assured_date": _date(s.assured_date),
        "assurer_email": s.assurer_email, "alert": s.alert, "last_modified": _datetime(s.last_modified),
        "keywords": s.keywords,
        "schedules": [_compact({
            "id": x.id, "service_id": s.id, "service_at_location_id": x.service_at_location_id,
            "valid_from": _date(x.valid_from), "valid_to": _date(x.valid_to), "dtstart": _date(x.dtstart),
            "until": _date(x.until), "freq": x.freq, "interval": x.interval, "byday": x.byday,
            "bymonthday": x.bymonthday, "description": x.description, "description_cy": x.description_cy,
            "opens_at": x.opens_at, "closes_at": x.closes_at, "schedule_link": x.schedule_link,
            "attending_type": x.attending_type, "notes": x.notes}) for x in s.schedules],
        "service_areas": [_compact({
            "id": a.id, "service_id": s.id, "name": a.name, "description": a.description,
            "service_area": a.description, "extent": a.extent, "extent_type": a.extent_type, "uri": a.uri})
            for a in s.service_areas],
        "service_at_locations": [_compact({
            "id": sal.id, "service_id": s.id, "location_id": sal.location_id, "description": sal.description,
            "location": _location(sal.location)}) for sal in s.locations],
        "languages": [_compact({"id": lang.id, "service_id": s.id, "name": lang.name, "code": lang.code, "note": lang.note,
                                "phone_id": lang.phone_id}) for lang in s.languages],
        "organization": _compact({
            "id": s.organization.id, "name": s.organization.name, "description": s.organization.description or "",
            "email": s.organization.email, "website": s.organization.website, "uri": s.organization.uri,
            "logo": s.organization.logo, "parent_organization_id": s.organization.parent_organization_id})
        | {"description": s.organization.description or ""}
        | translations(s.organization.name_cy, s.organization.description_cy),
        "cost_options": [_compact({
            "id": c.id, "service_id": s.id, "valid_from": _date(c.valid_from), "valid_to": _date(c.valid_to),
            "option": c.option, "amount": _number(c.amount), "currency": c.currency,
            "amount_description": c.amount_description}) for c in s.cost_options],
        "contacts": [_compact({
            "id": c.id, "service_id": s.id, "name": c.name, "title": c.title, "department": c.department,
            "email": c.email, "phones": [_phone(p) for p in s.phones if p.contact_id == c.id]})
            for c in s.contacts],
        "phones": [_phone(p) for p in s.phones if p.contact_id not in contact_ids],
        "attributes": [_compact({
            "id": a.id, "link_id": s.id, "link_type": a.link_type, "link_entity": "service",
            "taxonomy_term_id": a.taxonomy_term_id, "value": a.value,
            "taxonomy_term": term_to_oruk(a.taxonomy_term)}) for a in s.attributes],
    }) | translations(s.name_cy, s.description_cy)


def _loaded():
    return (
        selectinload(Service.organization),
        selectinload(Service.locations).selectinload(ServiceAtLocation.location).selectinload(Location.addresses),
        selectinload(Service.phones), selectinload(Service.contacts), selectinload(Service.schedules),
        selectinload(Service.service_areas), selectinload(Service.languages), selectinload(Service.cost_options),
        selectinload(Service.attributes).selectinload(ServiceAttribute.taxonomy_term)
        .selectinload(TaxonomyTerm.taxonomy_ref),
    )


def load_services(db: Session, ids: Optional[Iterable[str]] = None, query=None) -> List[Service]:
    stmt = query if query is not None else select(Service).order_by(Service.id)
    if ids is not None:
        stmt = stmt.where(Service.id.in_(list(ids)))
    return list(db.scalars(stmt.options(*_loaded())).unique().all())


def export_services(db: Session, ids: Optional[Iterable[str]] = None, batch: int = 500) -> List[Dict[str, Any]]:
    """Every service (or those with the given ids) as ORUK 3.0 full service objects."""
    if ids is None:
        ids = list(db.scalars(select(Service.id).order_by(Service.id)))
    ids = list(ids)
    out: List[Dict[str, Any]] = []
    for i in range(0, len(ids), batch):
        out.extend(service_to_oruk(s) for s in load_services(db, ids[i:i + batch]))
    order = {sid: n for n, sid in enumerate(ids)}
    out.sort(key=lambda d: order.get(d["id"], 0))
    return out


def export_taxonomies(db: Session) -> List[Dict[str, Any]]:
    taxonomies = db.scalars(select(Taxonomy).order_by(Taxonomy.name)).all()
    terms = db.scalars(select(TaxonomyTerm).order_by(TaxonomyTerm.name)).all()
    by_tax: Dict[str, List[TaxonomyTerm]] = {}
    for t in terms:
        by_tax.setdefault(t.taxonomy_id or "", []).append(t)
    return [taxonomy_to_oruk(t, by_tax.get(t.id, [])) for t in taxonomies]


def paged(contents: List[Any], total: int, page: int, per_page: int) -> Dict[str, Any]:
    """The ORUK paged response shape."""
    pages = max(1, math.ceil(total / per_page)) if per_page else 1
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


def write_export(db: Session, path: Union[Path, str]) -> int:
    """Writes every service as a JSON list of ORUK 3.0 full service objects (to stdout when path is
    "-"); returns the count."""
    services = export_services(db)
    text = json.dumps(services, ensure_ascii=False, indent=1)
    if str(path) == "-":
        import sys
        sys.stdout.write(text + "\n")
    else:
        Path(path).write_text(text + "\n", encoding="utf-8")
    return len(services)


def count_services(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Service)) or 0

"""Writing one validated service (`validation.ServiceRows`): upsert by primary key, merge shared
rows by the columns their source gave, and replace a service's own collections only when given."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import (Address, Contact, CostOption, Language, Location, Organization, Phone, Schedule, Service,
                     ServiceArea, ServiceAtLocation, ServiceAttribute, Taxonomy, TaxonomyTerm)
from .validation import ServiceRows, Shared

# Shared rows already written in this import: (table, id) -> the columns written.
Written = Dict[Tuple[str, str], Dict[str, Any]]


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


def write_service(db: Session, rows: ServiceRows, written: Written) -> bool:
    """Writes one validated service; `written` remembers shared rows (organisations, locations,
    taxonomies, terms) already written in this import, so a repeat costs nothing."""
    with db.no_autoflush:
        changed = _write_rows(db, rows, written)
        db.flush()
    return changed


def _shared(db: Session, model, shared: Shared, written: Written) -> bool:
    """Inserts a shared row whole, or merges into the existing one the columns its source gave."""
    given, columns = shared.given, shared.values
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


def _write_shared(db: Session, rows: ServiceRows, written: Written) -> bool:
    changed = False
    for organization in rows.parent_organizations + ([rows.organization] if rows.organization else []):
        changed |= _shared(db, Organization, organization, written)
    for taxonomy in rows.taxonomies:
        if taxonomy.minimal:
            if ("dir_taxonomy", taxonomy.id) not in written and db.get(Taxonomy, taxonomy.id) is None:
                db.add(Taxonomy(**taxonomy.values))
                changed = True
            written.setdefault(("dir_taxonomy", taxonomy.id), {})
        else:
            changed |= _shared(db, Taxonomy, taxonomy, written)
    for term in rows.terms:
        changed |= _shared(db, TaxonomyTerm, term, written)
    for entry in rows.locations:
        loc = entry.location
        if loc:
            changed |= _shared(db, Location, loc, written)
            key = ("dir_address_set", loc.id)
            # Addresses belong to the location: replaced only by a location that lists them.
            if entry.addresses is not None and written.get(key) != {"rows": entry.addresses}:
                changed |= _sync(db, Address, "location_id", loc.id, entry.addresses)
                written[key] = {"rows": entry.addresses}
    return changed


def _write_rows(db: Session, rows: ServiceRows, written: Written) -> bool:
    changed = _write_shared(db, rows, written)
    sid = rows.service["id"]
    changed |= _upsert(db, Service, rows.service)
    given = rows.given
    if "service_at_locations" in given:
        changed |= _sync(db, ServiceAtLocation, "service_id", sid, [e.sal for e in rows.locations])
    for model, key in ((Contact, "contacts"), (Schedule, "schedules"), (ServiceArea, "service_areas"),
                       (Language, "languages"), (CostOption, "cost_options"), (ServiceAttribute, "attributes")):
        if key in given:
            changed |= _sync(db, model, "service_id", sid, getattr(rows, key))
    # Phones come from the service's own list and from its contacts': each replaces only its own.
    if {"phones", "contacts"} <= given:
        changed |= _sync(db, Phone, "service_id", sid, rows.phones)
    elif "phones" in given:
        changed |= _sync(db, Phone, "service_id", sid, [p for p in rows.phones if p["contact_id"] is None],
                         where=Phone.contact_id.is_(None))
    elif "contacts" in given:
        changed |= _sync(db, Phone, "service_id", sid, [p for p in rows.phones if p["contact_id"] is not None],
                         where=Phone.contact_id.isnot(None))
    return changed

"""Imports Open Referral UK 3.0 services: JSON (a list of full service objects, one paged API
response, a list of paged responses, or a folder of page files) and HSDS CSV datapackages (see
`csv_import`). Upserts by id and is idempotent: importing the same data twice changes nothing.

Each service is validated whole before anything is written (`validation`), then written inside
its own savepoint (`upsert`), so an invalid record is reported (file, record id, field, reason)
and skipped without leaving half a service behind. Problems found while reading (a CSV row
pointing at a service that is not there, a row that is not UTF-8) travel with the records in
`Records.problems`, or with the record itself in its `Origin`.

Entry points: `load_path(db, path, dry_run=False, progress=None) -> ImportSummary` (what the CLI
uses), and the older pair `read_services(path)` + `import_services(db, records, source, ...)`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .fields import ID_LIMIT
from .models import Service
from .records import ImportSummary, Problem, RecordError, origin_of, shown
from .sources import read_services
from .upsert import write_service
from .validation import Context, normalize_service
from .version import bump_version


def _record_id(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and raw.get("id") not in (None, ""):
        return shown(str(raw["id"])[:ID_LIMIT * 2])
    return f"#{index + 1}"


def _own_file(raw: Any) -> Optional[str]:
    """The file a record came from when it is not the import's own (a CSV package's services)."""
    origin = origin_of(raw)
    return origin.file if origin is not None else None


def _embedded_ids(records: Iterable[Any]) -> Tuple[Set[str], Set[str]]:
    """Ids of the organisations and taxonomy terms embedded anywhere in these records, with the
    parents carried along, so a parent reference may point to one that comes later."""
    organizations: Set[str] = set()
    terms: Set[str] = set()

    def add(obj: Any, into: Set[str]) -> None:
        if isinstance(obj, dict):
            if isinstance(obj.get("id"), (str, int)) and not isinstance(obj.get("id"), bool):
                into.add(str(obj["id"]))
            origin = origin_of(obj)
            for parent in origin.parents if origin is not None else []:
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
    ctx = Context(db)
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
            sid = rows.service["id"]
            if sid in ctx.services:
                raise RecordError("id", "appears twice in this import")
        except RecordError as e:
            file = e.file or _own_file(raw) or source
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
                changed = write_service(db, rows, written)
        except SQLAlchemyError as e:
            written.clear()  # it may name rows the rolled-back savepoint never kept
            reason = str(getattr(e, "orig", e)).splitlines()[0][:300]
            summary.problems.append(Problem(str(_own_file(raw) or source), record_id, "(record)",
                                            f"could not be saved: {reason}"))
            continue
        ctx.organizations.update(o.id for o in rows.parent_organizations)
        if rows.organization:
            ctx.organizations.add(rows.organization.id)
        ctx.locations.update(e.location.id for e in rows.locations if e.location)
        ctx.terms.update(t.id for t in rows.terms)
        ctx.taxonomies.update(t.id for t in rows.taxonomies)
        if not existed:
            summary.created += 1
        elif changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    if dry_run:
        db.rollback()
    elif summary.created or summary.updated:
        bump_version(db)
        db.flush()
    return summary


def load_path(db: Session, path, dry_run: bool = False,
              progress: Optional[Callable[[int], Any]] = None) -> ImportSummary:
    """Reads PATH (ORUK JSON, a folder of JSON pages, or an HSDS CSV datapackage) and imports it.
    Raises ValueError when the file itself cannot be read."""
    records = read_services(Path(path))
    return import_services(db, records, str(path), dry_run=dry_run, progress=progress)

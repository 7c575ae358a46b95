"""HSDS tabular datapackages (a datapackage.json listing CSV files) turned into full ORUK 3.0
service objects, which the importer then validates and upserts like JSON.

Both column layouts are read:
- HSDS 3.0 / ORUK 3.0: services, organizations, locations, service_at_locations, addresses, phones,
  schedules, service_areas, languages, cost_options, contacts, taxonomies, taxonomy_terms,
  attributes (link_entity "service").
- HSDS 1.1 / ORUK 2.0: services_at_location, physical_addresses, regular_schedules (weekday,
  opens_at, closes_at), eligibility (minimum_age, maximum_age), taxonomy (id, name, parent_id,
  vocabulary), service_taxonomy / service_attributes (service_id, taxonomy_id), languages
  (language), service_areas (service_area), keywords on services.

Rows are matched to resources by the resource's name or file name. A row whose reference points
nowhere (a phone for a service that is not in services.csv), a duplicate id (in one file, or in
two files of one kind), or a row that is not UTF-8 is reported with its file, id and field; when
the row belongs to a service, that service is skipped whole, and a duplicated organisation,
location, taxonomy or term skips every service using it. A collection whose file the package has
is given to each service (empty if it has no rows); one whose file is missing is left out, so the
directory keeps what it holds. Parents in the package (an umbrella organisation, a parent term)
travel with the rows that name them, in their `Origin`.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from .records import Origin, Problem, Records, Sourced, decode_utf8

_BAD = re.compile("[\ud800-\udfff]")

# resource name (or file stem) -> what it holds
KINDS = {
    "services": "service", "service": "service",
    "organizations": "organization", "organization": "organization", "organisations": "organization",
    "locations": "location", "location": "location",
    "service_at_locations": "sal", "service_at_location": "sal", "services_at_location": "sal",
    "services_at_locations": "sal",
    "addresses": "address", "address": "address", "physical_addresses": "address", "physical_address": "address",
    "phones": "phone", "phone": "phone",
    "schedules": "schedule", "schedule": "schedule", "regular_schedules": "schedule", "regular_schedule": "schedule",
    "service_areas": "area", "service_area": "area",
    "languages": "language", "language": "language",
    "cost_options": "cost", "cost_option": "cost",
    "contacts": "contact", "contact": "contact",
    "eligibility": "eligibility", "eligibilities": "eligibility",
    "taxonomies": "taxonomy", "taxonomy": "taxonomy",
    "taxonomy_terms": "term", "taxonomy_term": "term",
    "attributes": "attribute", "attribute": "attribute",
    "service_attributes": "attribute", "service_attribute": "attribute",
    "service_taxonomy": "attribute", "service_taxonomies": "attribute",
}
SHARED_KINDS = ("organization", "location", "taxonomy", "term")
NUMBERS = {"minimum_age", "maximum_age", "amount", "latitude", "longitude", "interval"}
WEEKDAYS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
            "saturday": "SA", "sunday": "SU", "mon": "MO", "tue": "TU", "tues": "TU", "wed": "WE",
            "thu": "TH", "thur": "TH", "thurs": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
            "mo": "MO", "tu": "TU", "we": "WE", "th": "TH", "fr": "FR", "sa": "SA", "su": "SU",
            "1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU"}


class _Table:
    def __init__(self, kind: str, file: str) -> None:
        self.kind, self.file = kind, file
        self.rows: List[Sourced] = []
        self.by_id: Dict[str, Sourced] = {}
        self.columns: List[str] = []
        self.duplicates: List[Sourced] = []  # rows whose id an earlier row already had


def _number(value: Optional[str]) -> Any:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return value  # left as text: the importer reports "must be a number"
    return int(number) if number.is_integer() and "." not in value else number


def _row(raw: Dict[Optional[str], Any], path: Path, n: int) -> Sourced:
    """One CSV row: its values (blank as None, numbers as numbers), and where it came from."""
    values: Dict[str, Any] = {}
    bad_field = None
    for key, value in raw.items():
        if key is None or key == "":
            continue
        value = value.strip() if isinstance(value, str) else value
        if value in ("", None):
            value = None
        elif _BAD.search(value):
            bad_field = bad_field or key
        elif key in NUMBERS:
            value = _number(value)
        values[key] = value
    row = Sourced(values, Origin(str(path), f"row {n}"))
    if bad_field:
        row.origin.errors.append(Problem(str(path), str(row.get("id") or f"row {n}"), bad_field,
                                         "is not valid UTF-8 text"))
    return row


def _read_csv(path: Path, kind: str) -> _Table:
    table = _Table(kind, str(path))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(f"{path}: cannot be read ({e.strerror})")
    text, _bad = decode_utf8(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    table.columns = [(c or "").strip().lower() for c in (reader.fieldnames or [])]
    if "id" not in table.columns and kind not in ("attribute", "eligibility"):
        raise ValueError(f"{path}: has no 'id' column")
    reader.fieldnames = table.columns
    for n, raw in enumerate(reader, start=2):  # row 1 is the header
        row = _row(raw, path, n)
        if row.get("id") is not None:
            if row["id"] in table.by_id:
                _duplicate(row, table, f"{row['id']!r} appears twice in this file")
            else:
                table.by_id[row["id"]] = row
        table.rows.append(row)
    return table


def _duplicate(row: Sourced, table: _Table, reason: str) -> None:
    row.origin.errors.append(Problem(row.origin.file, str(row["id"]), "id", reason))
    row.origin.duplicate = True
    table.duplicates.append(row)


def _resources(descriptor: Path) -> List[Tuple[str, Path]]:
    text, bad = decode_utf8(descriptor.read_bytes())
    if bad is not None:
        raise ValueError(f"{descriptor}: not UTF-8 (byte {bad})")
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{descriptor}: not valid JSON: {e}")
    base = descriptor.parent.resolve()
    out: List[Tuple[str, Path]] = []
    resources = meta.get("resources") if isinstance(meta, dict) else None
    if not isinstance(resources, list) or not resources:  # fall back to the CSV files beside it
        return [(p.stem, p) for p in sorted(base.glob("*.csv"))]
    for r in resources:
        if not isinstance(r, dict) or not isinstance(r.get("path"), str):
            raise ValueError(f"{descriptor}: each resource needs a 'path'")
        path = (base / r["path"]).resolve()
        if base not in path.parents:
            raise ValueError(f"{descriptor}: resource path {r['path']!r} is outside the package folder")
        given_name = r.get("name")
        name = given_name if isinstance(given_name, str) else Path(r["path"]).stem
        out.append((name, path))
    return out


def _kind(name: str, path: Path, columns_hint: Optional[List[str]] = None) -> Optional[str]:
    for candidate in (name.lower().replace("-", "_"), path.stem.lower().replace("-", "_")):
        if candidate in KINDS:
            return KINDS[candidate]
    return None


def _clean(row: Sourced, *drop: str, labelled: bool = False) -> Sourced:
    """A copy of a row without the columns in `drop`, from the same file (naming its row, for a
    problem in a row with no id, only when `labelled`)."""
    return Sourced({k: v for k, v in row.items() if k not in drop},
                   Origin(row.origin.file, row.origin.row if labelled else ""))


def _without_none(obj: Sourced) -> Sourced:
    return Sourced({k: v for k, v in obj.items() if v is not None}, obj.origin)


def _read_tables(descriptor: Path) -> Dict[str, _Table]:
    """The package's CSV files by kind; a second file of one kind is merged into the first."""
    tables: Dict[str, _Table] = {}
    for name, path in _resources(descriptor):
        kind = _kind(name, path)
        if kind is None:
            continue  # a resource this directory does not use (programs, funding, ...)
        if not path.exists():
            raise ValueError(f"{descriptor}: resource {name!r} points to {path.name}, which does not exist")
        table = _read_csv(path, kind)
        if kind == "taxonomy" and ({"vocabulary", "parent_id", "parent_name"} & set(table.columns)):
            table.kind = kind = "term"  # HSDS 1.1's taxonomy.csv holds terms
        if kind in tables:  # a second file of the same kind: an id in both is a duplicate too
            merged = tables[kind]
            for id_, row in table.by_id.items():
                if id_ in merged.by_id:
                    _duplicate(row, merged, f"{id_!r} is also in {Path(merged.by_id[id_].origin.file).name}")
                else:
                    merged.by_id[id_] = row
            merged.rows.extend(table.rows)
            merged.duplicates.extend(table.duplicates)
        else:
            tables[kind] = table
    return tables


def _shared_duplicates(tables: Dict[str, _Table]) -> Dict[Tuple[str, str], Sourced]:
    """Organisations, locations, taxonomies and terms are shared: with two rows for one id there is
    no telling which is right, so every service using that id is skipped (and the rows reported)."""
    shared: Dict[Tuple[str, str], Sourced] = {}
    for kind in SHARED_KINDS:
        for dup in tables[kind].duplicates if kind in tables else []:
            kept = tables[kind].by_id[dup["id"]]
            kept.origin.errors.append(dup.origin.errors[-1])  # the duplicate's own report
            shared.setdefault((kind, dup["id"]), dup)
    return shared


class _Package:
    """The package's tables, each child row filed under the service it belongs to."""

    def __init__(self, tables: Dict[str, _Table], problems: List[Problem]) -> None:
        self.tables, self.problems = tables, problems
        self.services = self.table("service")
        self.service_ids = set(self.services.by_id)
        self.children: Dict[str, Dict[str, List[Sourced]]] = defaultdict(lambda: defaultdict(list))
        self.sal_service: Dict[str, str] = {}
        self.contact_service: Dict[str, str] = {}
        self.used: set = set()  # (kind, id) of the shared rows some service uses
        self.terms, self.taxonomies = self.table("term"), self.table("taxonomy")
        self.organizations, self.locations = self.table("organization"), self.table("location")
        self.addresses: Dict[str, List[Sourced]] = defaultdict(list)
        self._file_children()

    def table(self, kind: str) -> _Table:
        return self.tables.get(kind) or _Table(kind, "")

    def orphan(self, row: Sourced, fld: str, target: str, value: Any, where: str) -> None:
        self.problems.append(Problem(row.origin.file, str(row.get("id") or row.origin.row), fld,
                                     f"refers to {target} {value!r}, which is not in {where}"))

    def _service_of(self, row: Sourced, sid: Optional[str], fld: str = "service_id") -> Optional[str]:
        if sid not in self.service_ids:
            self.orphan(row, fld, "service", sid, Path(self.services.file).name)
            return None
        return sid

    def owner(self, row: Sourced, kind: str) -> Optional[str]:
        """The service a child row belongs to, or None if it is not a service's."""
        sid = row.get("service_id")
        if sid is None and row.get("service_at_location_id"):
            sid = self.sal_service.get(row["service_at_location_id"])
            if sid is None:
                self.orphan(row, "service_at_location_id", "service at location", row["service_at_location_id"],
                            Path(self.table("sal").file).name or "service_at_locations.csv")
                return None
        if sid is None and kind == "phone" and row.get("contact_id"):
            sid = self.contact_service.get(row["contact_id"])
        if sid is None:
            return None
        return self._service_of(row, sid)

    def _file_children(self) -> None:
        for row in self.table("sal").rows:  # service at location links, and which service each is
            sid = self._service_of(row, row.get("service_id"))
            if sid is None:
                continue
            if row.get("id"):
                self.sal_service[row["id"]] = sid
            self.children[sid]["sal"].append(row)
        for row in self.table("contact").rows:
            sid = row.get("service_id") or self.sal_service.get(row.get("service_at_location_id") or "")
            if sid is None:
                continue  # an organisation's or location's contact: not used by the directory
            if self._service_of(row, sid) is None:
                continue
            if row.get("id"):
                self.contact_service[row["id"]] = sid
            self.children[sid]["contact"].append(row)
        for kind in ("phone", "schedule", "area", "language", "cost", "eligibility"):
            for row in self.table(kind).rows:
                sid = self.owner(row, kind)
                if sid:
                    self.children[sid][kind].append(row)
        for row in self.table("attribute").rows:
            entity = (row.get("link_entity") or "service").lower()
            sid = row.get("link_id") if "link_id" in row else row.get("service_id")
            if entity != "service" or sid is None:
                continue
            if self._service_of(row, sid, "link_id" if "link_id" in row else "service_id") is None:
                continue
            self.children[sid]["attribute"].append(row)
        for row in self.table("address").rows:
            if row.get("location_id") not in self.locations.by_id:
                self.orphan(row, "location_id", "location", row.get("location_id"),
                            Path(self.locations.file).name or "locations.csv")
                continue
            self.addresses[row["location_id"]].append(row)

    # ---------------------------------------------------------------- shared objects

    def one_term(self, t: Sourced) -> Sourced:
        self.used.add(("term", t["id"]))
        obj = _clean(t, "vocabulary", "parent_name", "code")
        obj["term"] = t.get("term") or t.get("code")
        obj.setdefault("taxonomy", t.get("taxonomy") or t.get("vocabulary"))
        obj.setdefault("description", t.get("description") or "")
        tax = self.taxonomies.by_id.get(t.get("taxonomy_id") or "")
        if tax is not None:
            self.used.add(("taxonomy", tax["id"]))
            obj["taxonomy_detail"] = _clean(tax)
        return _without_none(obj)

    def term_object(self, term_id: str) -> Optional[Sourced]:
        t = self.terms.by_id.get(term_id)
        if t is None:
            return None
        obj = self.one_term(t)
        # in the package though no service uses them: carried so the reference holds
        obj.origin.parents = [self.one_term(p) for p in _ancestors(self.terms, t, "parent_id")]
        return obj

    def term_errors(self, term_id: str) -> List[Problem]:
        t = self.terms.by_id[term_id]
        out = []
        for row in _ancestors(self.terms, t, "parent_id") + [t]:
            out += row.origin.errors
            tax = self.taxonomies.by_id.get(row.get("taxonomy_id") or "")
            out += tax.origin.errors if tax is not None else []
        return out

    def organization_object(self, org_row: Sourced) -> Sourced:
        self.used.add(("organization", org_row["id"]))
        org = _clean(org_row)
        if org.get("url") and not org.get("website"):  # HSDS 1.1 calls it url
            org["website"] = org.pop("url")
        return org

    # ---------------------------------------------------------------- one service

    def service_record(self, srow: Sourced) -> Sourced:
        """The full ORUK service object for one services.csv row; the problems in the rows it is
        built from travel in its origin's errors (the first one skips it)."""
        sid = srow.get("id")
        record = _clean(srow)
        kids = self.children.get(sid, {}) if sid else {}
        errs = list(srow.origin.errors)
        self._add_organization(record, srow, errs)
        self._add_locations(record, kids, errs)
        self._add_contacts_and_phones(record, kids, errs)
        self._add_schedules(record, kids, errs)
        self._add_other_children(record, kids, errs)
        self._add_attributes(record, sid, kids, errs)
        if srow.get("keywords"):
            record["keywords"] = srow["keywords"]
        record.origin.errors = errs
        return record

    def _rows(self, kids: Dict[str, List[Sourced]], kind: str, errs: List[Problem], *drop: str) -> List[Sourced]:
        out = []
        for r in kids.get(kind, []):
            errs += r.origin.errors
            out.append(_clean(r, "service_id", *drop, labelled=True))
        return out

    def _add_organization(self, record: Sourced, srow: Sourced, errs: List[Problem]) -> None:
        org_id = srow.get("organization_id")
        if org_id and org_id in self.organizations.by_id:
            org_row = self.organizations.by_id[org_id]
            org = self.organization_object(org_row)
            parents = _ancestors(self.organizations, org_row, "parent_organization_id")
            # in the package though no service uses them: carried so the reference holds
            org.origin.parents = [self.organization_object(p) for p in parents]
            record["organization"] = org
            for row in parents + [org_row]:
                errs += row.origin.errors
        # (an organization_id not in the package is checked against the directory by the importer)

    def _add_locations(self, record: Sourced, kids: Dict[str, List[Sourced]], errs: List[Problem]) -> None:
        sals = []
        for row in kids.get("sal", []):
            sal = _clean(row, "service_id")
            loc = self.locations.by_id.get(row.get("location_id") or "")
            if loc is not None:
                self.used.add(("location", loc["id"]))
                lobj = _clean(loc, "organization_id")
                if "address" in self.tables:  # with no address file, the location's addresses are kept
                    lobj["addresses"] = [_clean(a, "location_id") for a in self.addresses.get(loc["id"], [])]
                for a in self.addresses.get(loc["id"], []):
                    errs += a.origin.errors
                errs += loc.origin.errors
                sal["location"] = lobj
            sals.append(sal)
        # A collection is given (even empty) when the package has its file; otherwise the
        # directory keeps what it has.
        if "sal" in self.tables:
            record["service_at_locations"] = sals

    def _add_contacts_and_phones(self, record: Sourced, kids: Dict[str, List[Sourced]], errs: List[Problem]) -> None:
        contacts = self._rows(kids, "contact", errs, "service_at_location_id", "organization_id", "location_id")
        contact_ids = {c.get("id") for c in contacts}
        phones, contact_phones = [], defaultdict(list)
        for p in self._rows(kids, "phone", errs, "service_at_location_id", "organization_id", "location_id"):
            if p.get("contact_id") in contact_ids:
                contact_phones[p["contact_id"]].append(_clean(p, "contact_id", labelled=True))
            else:
                phones.append(_clean(p, "contact_id", labelled=True))
        for c in contacts:
            if contact_phones.get(c.get("id")):
                c["phones"] = contact_phones[c["id"]]
        if "phone" in self.tables:
            record["phones"] = phones
        if "contact" in self.tables:
            record["contacts"] = contacts

    def _add_schedules(self, record: Sourced, kids: Dict[str, List[Sourced]], errs: List[Problem]) -> None:
        schedules = []
        for s in self._rows(kids, "schedule", errs, "location_id"):
            weekday = s.pop("weekday", None)
            if weekday is not None and not s.get("byday"):  # HSDS 1.1 regular_schedules
                code = WEEKDAYS.get(str(weekday).strip().lower())
                if code is None:
                    errs.append(Problem(s.origin.file, str(s.get("id")), "weekday",
                                        f"{weekday!r} is not a day of the week"))
                else:
                    s["byday"], s["freq"] = code, s.get("freq") or "WEEKLY"
            schedules.append(s)
        if "schedule" in self.tables:
            record["schedules"] = schedules

    def _add_other_children(self, record: Sourced, kids: Dict[str, List[Sourced]], errs: List[Problem]) -> None:
        areas = self._rows(kids, "area", errs, "service_at_location_id")
        if "area" in self.tables:
            record["service_areas"] = areas
        languages = []
        for lang in self._rows(kids, "language", errs, "location_id"):
            if lang.get("language") and not lang.get("name"):  # HSDS 1.1
                lang["name"] = lang.pop("language")
                if lang["name"].strip().lower() in ("welsh", "cymraeg") and not lang.get("code"):
                    lang["code"] = "cy"
            languages.append(lang)
        if "language" in self.tables:
            record["languages"] = languages
        costs = self._rows(kids, "cost", errs)
        if "cost" in self.tables:
            record["cost_options"] = costs
        for e in self._rows(kids, "eligibility", errs):  # ORUK 2.0 kept age ranges here
            for key in ("minimum_age", "maximum_age"):
                if e.get(key) is not None and record.get(key) is None:
                    record[key] = e[key]

    def _add_attributes(self, record: Sourced, sid: Optional[str], kids: Dict[str, List[Sourced]],
                        errs: List[Problem]) -> None:
        attributes = []
        for a in kids.get("attribute", []):
            errs += a.origin.errors
            term_id = a.get("taxonomy_term_id") or a.get("taxonomy_id")
            attr = Sourced({"id": a.get("id") or f"{sid}-{term_id}", "link_id": sid, "link_entity": "service",
                            "link_type": a.get("link_type"), "value": a.get("value"), "taxonomy_term_id": term_id},
                           Origin(a.origin.file, ""))
            term = self.term_object(term_id) if term_id else None
            if term_id and term is not None:
                errs += self.term_errors(term_id)
                attr["taxonomy_term"] = term
            attributes.append(_without_none(attr))
        if "attribute" in self.tables:
            record["attributes"] = attributes


def read_datapackage(descriptor: Path) -> Records:
    descriptor = Path(descriptor)
    tables = _read_tables(descriptor)
    shared_duplicates = _shared_duplicates(tables)
    if "service" not in tables:
        raise ValueError(f"{descriptor}: the package has no services resource")
    package = _Package(tables, [])
    records = Records(problems=package.problems)
    for srow in package.services.rows:
        if srow.origin.duplicate:
            records.append(srow)  # reported as a duplicate by the importer
            continue
        records.append(package.service_record(srow))
    for (kind, id_), dup in shared_duplicates.items():
        if (kind, id_) not in package.used:  # no service uses it, so no service's report names it
            last = dup.origin.errors[-1]
            records.problems.append(Problem(dup.origin.file, last.record_id, last.field, last.reason))
    return records


def _ancestors(table: _Table, row: Sourced, parent_field: str) -> List[Sourced]:
    """The rows above `row` in this table by `parent_field`, root first (a loop stops the walk)."""
    chain, seen = [], {row.get("id")}
    parent = row.get(parent_field)
    while parent and parent in table.by_id and parent not in seen:
        seen.add(parent)
        chain.append(table.by_id[parent])
        parent = table.by_id[parent].get(parent_field)
    return chain[::-1]

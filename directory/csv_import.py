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
travel with the rows that name them, under "__parents__".
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from .importer import Problem, Records, decode_utf8

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
        self.rows: List[Dict[str, Any]] = []
        self.by_id: Dict[str, Dict[str, Any]] = {}
        self.columns: List[str] = []
        self.duplicates: List[Dict[str, Any]] = []  # rows whose id an earlier row already had


def _number(value: Optional[str]) -> Any:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return value  # left as text: the importer reports "must be a number"
    return int(number) if number.is_integer() and "." not in value else number


def _read_csv(path: Path, kind: str, problems: List[Problem]) -> _Table:
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
        row: Dict[str, Any] = {"__file__": str(path), "__row__": f"row {n}"}
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
            row[key] = value
        rid = row.get("id") or f"row {n}"
        if bad_field:
            row["__errors__"] = [(str(path), str(rid), bad_field, "is not valid UTF-8 text")]
        if row.get("id") is not None:
            if row["id"] in table.by_id:
                row.setdefault("__errors__", []).append(
                    (str(path), str(rid), "id", f"{row['id']!r} appears twice in this file"))
                row["__duplicate__"] = True
                table.duplicates.append(row)
            else:
                table.by_id[row["id"]] = row
        table.rows.append(row)
    return table


def _resources(descriptor: Path) -> List[Tuple[str, Path]]:
    text, bad = decode_utf8(descriptor.read_bytes())
    if bad is not None:
        raise ValueError(f"{descriptor}: not UTF-8 (byte {bad})")
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{descriptor}: not valid JSON: {e}")
    base = descriptor.parent.resolve()
    out = []
    resources = meta.get("resources") if isinstance(meta, dict) else None
    if not isinstance(resources, list) or not resources:  # fall back to the CSV files beside it
        return [(p.stem, p) for p in sorted(base.glob("*.csv"))]
    for r in resources:
        if not isinstance(r, dict) or not isinstance(r.get("path"), str):
            raise ValueError(f"{descriptor}: each resource needs a 'path'")
        path = (base / r["path"]).resolve()
        if base not in path.parents:
            raise ValueError(f"{descriptor}: resource path {r['path']!r} is outside the package folder")
        name = r.get("name") if isinstance(r.get("name"), str) else Path(r["path"]).stem
        out.append((name, path))
    return out


def _kind(name: str, path: Path, columns_hint: Optional[List[str]] = None) -> Optional[str]:
    for candidate in (name.lower().replace("-", "_"), path.stem.lower().replace("-", "_")):
        if candidate in KINDS:
            return KINDS[candidate]
    return None


def _clean(row: Dict[str, Any], *drop: str) -> Dict[str, Any]:
    return {k: v for k, v in row.items() if k not in drop}


def read_datapackage(descriptor: Path) -> Records:
    descriptor = Path(descriptor)
    problems: List[Problem] = []
    tables: Dict[str, _Table] = {}
    for name, path in _resources(descriptor):
        kind = _kind(name, path)
        if kind is None:
            continue  # a resource this directory does not use (programs, funding, ...)
        if not path.exists():
            raise ValueError(f"{descriptor}: resource {name!r} points to {path.name}, which does not exist")
        table = _read_csv(path, kind, problems)
        if kind == "taxonomy" and ({"vocabulary", "parent_id", "parent_name"} & set(table.columns)):
            table.kind = kind = "term"  # HSDS 1.1's taxonomy.csv holds terms
        if kind in tables:  # a second file of the same kind: an id in both is a duplicate too
            merged = tables[kind]
            for id_, row in table.by_id.items():
                if id_ in merged.by_id:
                    row.setdefault("__errors__", []).append(
                        (row["__file__"], str(id_), "id", f"{id_!r} is also in {Path(merged.by_id[id_]['__file__']).name}"))
                    row["__duplicate__"] = True
                    merged.duplicates.append(row)
                else:
                    merged.by_id[id_] = row
            merged.rows.extend(table.rows)
            merged.duplicates.extend(table.duplicates)
        else:
            tables[kind] = table
    # Organisations, locations, taxonomies and terms are shared: with two rows for one id there is
    # no telling which is right, so every service using that id is skipped (and the rows reported).
    shared_duplicates: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for kind in SHARED_KINDS:
        for dup in tables[kind].duplicates if kind in tables else []:
            kept = tables[kind].by_id[dup["id"]]
            kept.setdefault("__errors__", []).append(dup["__errors__"][-1])  # the duplicate's own report
            shared_duplicates.setdefault((kind, dup["id"]), dup)
    if "service" not in tables:
        raise ValueError(f"{descriptor}: the package has no services resource")

    def table(kind: str) -> _Table:
        return tables.get(kind) or _Table(kind, "")

    services = table("service")
    service_ids = set(services.by_id)
    errors: Dict[str, List[Tuple[str, str, str, str]]] = defaultdict(list)
    children: Dict[str, Dict[str, List[Dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))

    def orphan(row: Dict[str, Any], fld: str, target: str, value: Any, where: str) -> None:
        problems.append(Problem(row["__file__"], str(row.get("id") or row["__row__"]), fld,
                                f"refers to {target} {value!r}, which is not in {where}"))

    # Service at location links, and which service each belongs to.
    sal_service: Dict[str, str] = {}
    for row in table("sal").rows:
        sid = row.get("service_id")
        if sid not in service_ids:
            orphan(row, "service_id", "service", sid, Path(services.file).name)
            continue
        if row.get("id"):
            sal_service[row["id"]] = sid
        children[sid]["sal"].append(row)

    contact_service: Dict[str, str] = {}
    for row in table("contact").rows:
        sid = row.get("service_id") or sal_service.get(row.get("service_at_location_id") or "")
        if sid is None:
            continue  # an organisation's or location's contact: not used by the directory
        if sid not in service_ids:
            orphan(row, "service_id", "service", sid, Path(services.file).name)
            continue
        if row.get("id"):
            contact_service[row["id"]] = sid
        children[sid]["contact"].append(row)

    def owner(row: Dict[str, Any], kind: str) -> Optional[str]:
        """The service a child row belongs to, or None if it is not a service's."""
        sid = row.get("service_id")
        if sid is None and row.get("service_at_location_id"):
            sid = sal_service.get(row["service_at_location_id"])
            if sid is None:
                orphan(row, "service_at_location_id", "service at location", row["service_at_location_id"],
                       Path(table("sal").file).name or "service_at_locations.csv")
                return None
        if sid is None and kind == "phone" and row.get("contact_id"):
            sid = contact_service.get(row["contact_id"])
        if sid is None:
            return None
        if sid not in service_ids:
            orphan(row, "service_id", "service", sid, Path(services.file).name)
            return None
        return sid

    for kind in ("phone", "schedule", "area", "language", "cost", "eligibility"):
        for row in table(kind).rows:
            sid = owner(row, kind)
            if sid:
                children[sid][kind].append(row)

    terms = table("term")
    taxonomies = table("taxonomy")
    for row in table("attribute").rows:
        entity = (row.get("link_entity") or "service").lower()
        sid = row.get("link_id") if "link_id" in row else row.get("service_id")
        if entity != "service" or sid is None:
            continue
        if sid not in service_ids:
            orphan(row, "link_id" if "link_id" in row else "service_id", "service", sid, Path(services.file).name)
            continue
        children[sid]["attribute"].append(row)

    used: set = set()  # (kind, id) of the shared rows some service uses

    def one_term(t: Dict[str, Any]) -> Dict[str, Any]:
        used.add(("term", t["id"]))
        obj = _clean(t, "__row__", "vocabulary", "parent_name", "code")
        obj["term"] = t.get("term") or t.get("code")
        obj.setdefault("taxonomy", t.get("taxonomy") or t.get("vocabulary"))
        obj.setdefault("description", t.get("description") or "")
        tax = taxonomies.by_id.get(t.get("taxonomy_id") or "")
        if tax is not None:
            used.add(("taxonomy", tax["id"]))
            obj["taxonomy_detail"] = _clean(tax, "__row__")
        return {k: v for k, v in obj.items() if v is not None}

    def term_object(term_id: str) -> Optional[Dict[str, Any]]:
        t = terms.by_id.get(term_id)
        if t is None:
            return None
        obj = one_term(t)
        parents = _ancestors(terms, t, "parent_id")
        if parents:  # in the package though no service uses them: carried so the reference holds
            obj["__parents__"] = [one_term(p) for p in parents]
        return obj

    def term_errors(term_id: str) -> List[Tuple[str, str, str, str]]:
        t = terms.by_id[term_id]
        out = []
        for row in _ancestors(terms, t, "parent_id") + [t]:
            out += row.get("__errors__", [])
            out += taxonomies.by_id.get(row.get("taxonomy_id") or "", {}).get("__errors__", [])
        return out

    def organization_object(org_row: Dict[str, Any]) -> Dict[str, Any]:
        used.add(("organization", org_row["id"]))
        org = _clean(org_row, "__row__")
        if org.get("url") and not org.get("website"):  # HSDS 1.1 calls it url
            org["website"] = org.pop("url")
        return org

    organizations = table("organization")
    locations = table("location")
    addresses: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for row in table("address").rows:
        if row.get("location_id") not in locations.by_id:
            orphan(row, "location_id", "location", row.get("location_id"), Path(locations.file).name or "locations.csv")
            continue
        addresses[row["location_id"]].append(row)

    records = Records(problems=problems)
    for srow in services.rows:
        if srow.get("__duplicate__"):
            records.append(srow)  # reported as a duplicate by the importer
            continue
        sid = srow.get("id")
        record = _clean(srow, "__row__")
        kids = children.get(sid, {}) if sid else {}
        errs = list(srow.get("__errors__", []))

        org_id = srow.get("organization_id")
        if org_id and org_id in organizations.by_id:
            org_row = organizations.by_id[org_id]
            org = organization_object(org_row)
            parents = _ancestors(organizations, org_row, "parent_organization_id")
            if parents:  # in the package though no service uses them: carried so the reference holds
                org["__parents__"] = [organization_object(p) for p in parents]
            record["organization"] = org
            for row in parents + [org_row]:
                errs += row.get("__errors__", [])
        # (an organization_id not in the package is checked against the directory by the importer)

        sals = []
        for row in kids.get("sal", []):
            sal = _clean(row, "__row__", "service_id")
            loc = locations.by_id.get(row.get("location_id") or "")
            if loc is not None:
                used.add(("location", loc["id"]))
                lobj = _clean(loc, "__row__", "organization_id")
                if "address" in tables:  # with no address file, the location's addresses are kept
                    lobj["addresses"] = [_clean(a, "__row__", "location_id") for a in addresses.get(loc["id"], [])]
                for a in addresses.get(loc["id"], []):
                    errs += a.get("__errors__", [])
                errs += loc.get("__errors__", [])
                sal["location"] = lobj
            sals.append(sal)
        # A collection is given (even empty) when the package has its file; otherwise the
        # directory keeps what it has.
        if "sal" in tables:
            record["service_at_locations"] = sals

        def rows(kind: str, *drop: str) -> List[Dict[str, Any]]:
            out = []
            for r in kids.get(kind, []):
                nonlocal errs
                errs += r.get("__errors__", [])
                out.append(_clean(r, "service_id", *drop))
            return out

        contacts = rows("contact", "service_at_location_id", "organization_id", "location_id")
        contact_ids = {c.get("id") for c in contacts}
        phones, contact_phones = [], defaultdict(list)
        for p in rows("phone", "service_at_location_id", "organization_id", "location_id"):
            if p.get("contact_id") in contact_ids:
                contact_phones[p["contact_id"]].append(_clean(p, "contact_id"))
            else:
                phones.append(_clean(p, "contact_id"))
        for c in contacts:
            if contact_phones.get(c.get("id")):
                c["phones"] = contact_phones[c["id"]]
        if "phone" in tables:
            record["phones"] = phones
        if "contact" in tables:
            record["contacts"] = contacts

        schedules = []
        for s in rows("schedule", "location_id"):
            weekday = s.pop("weekday", None)
            if weekday is not None and not s.get("byday"):  # HSDS 1.1 regular_schedules
                code = WEEKDAYS.get(str(weekday).strip().lower())
                if code is None:
                    errs.append((s["__file__"], str(s.get("id")), "weekday", f"{weekday!r} is not a day of the week"))
                else:
                    s["byday"], s["freq"] = code, s.get("freq") or "WEEKLY"
            schedules.append(s)
        if "schedule" in tables:
            record["schedules"] = schedules
        areas = rows("area", "service_at_location_id")
        if "area" in tables:
            record["service_areas"] = areas
        languages = []
        for lang in rows("language", "location_id"):
            if lang.get("language") and not lang.get("name"):  # HSDS 1.1
                lang["name"] = lang.pop("language")
                if lang["name"].strip().lower() in ("welsh", "cymraeg") and not lang.get("code"):
                    lang["code"] = "cy"
            languages.append(lang)
        if "language" in tables:
            record["languages"] = languages
        costs = rows("cost")
        if "cost" in tables:
            record["cost_options"] = costs
        for e in rows("eligibility"):  # ORUK 2.0 kept age ranges here
            for key in ("minimum_age", "maximum_age"):
                if e.get(key) is not None and record.get(key) is None:
                    record[key] = e[key]

        attributes = []
        for a in kids.get("attribute", []):
            errs += a.get("__errors__", [])
            term_id = a.get("taxonomy_term_id") or a.get("taxonomy_id")
            attr = {"__file__": a["__file__"], "id": a.get("id") or f"{sid}-{term_id}",
                    "link_id": sid, "link_entity": "service", "link_type": a.get("link_type"),
                    "value": a.get("value"), "taxonomy_term_id": term_id}
            term = term_object(term_id) if term_id else None
            if term is not None:
                errs += term_errors(term_id)
                attr["taxonomy_term"] = term
            attributes.append({k: v for k, v in attr.items() if v is not None})
        if "attribute" in tables:
            record["attributes"] = attributes
        if srow.get("keywords"):
            record["keywords"] = srow["keywords"]
        if errs:
            record["__errors__"] = errs
        records.append(record)
    for (kind, id_), dup in shared_duplicates.items():
        if (kind, id_) not in used:  # no service uses it, so no service's report names it
            _f, rid, fld, reason = dup["__errors__"][-1]
            records.problems.append(Problem(dup["__file__"], rid, fld, reason))
    return records


def _ancestors(table: _Table, row: Dict[str, Any], parent_field: str) -> List[Dict[str, Any]]:
    """The rows above `row` in this table by `parent_field`, root first (a loop stops the walk)."""
    chain, seen = [], {row.get("id")}
    parent = row.get(parent_field)
    while parent and parent in table.by_id and parent not in seen:
        seen.add(parent)
        chain.append(table.by_id[parent])
        parent = table.by_id[parent].get(parent_field)
    return chain[::-1]

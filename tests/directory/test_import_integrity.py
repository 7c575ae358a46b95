"""Importing never loses or trusts what it should not: shared objects are merged, collections a
record leaves out are kept, text that is not UTF-8 anywhere in a record is reported, duplicate CSV
rows of shared objects skip the services using them, and broken parent references are reported.

Every record here uses its own ids, so the shared sample data is never touched."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from directory.importer import import_services, load_path
from directory.sources import read_services
from directory.models import Address, Organization, Service, TaxonomyTerm
from iaa.db import session_scope

from .conftest import FIXTURES, run_cli


def service(sid: str, **extra):
    """A small valid ORUK 3.0 service object."""
    rec = {"id": sid, "name": f"Service {sid}", "description": "A test service.",
           "organization": {"id": f"{sid}-org", "name": "Test Trust (fictional)"}}
    rec.update(extra)
    return rec


def hall(loc_id: str, **extra):
    loc = {"id": loc_id, "name": "Test Hall", "addresses": [
        {"id": f"{loc_id}-addr", "address_1": "1 Test Lane", "city": "Llandeilo", "postal_code": "SA19 9ZZ"}]}
    loc.update(extra)
    return loc


def imported(records, source="feed.json"):
    with session_scope() as db:
        return import_services(db, records, source)


# ---------------------------------------------------------------- shared objects are merged

def test_a_service_embedding_a_location_without_addresses_keeps_the_locations_addresses():
    full = service("int-a1", service_at_locations=[{"id": "sal-1", "location": hall("int-loc-1")}])
    assert imported([full]).created == 1
    bare = service("int-a2", service_at_locations=[{"id": "sal-2", "location": {"id": "int-loc-1", "name": "Test Hall"}}])
    summary = imported([bare])
    assert summary.created == 1 and summary.problems == []
    with session_scope() as db:
        cities = [a.city for a in db.scalars(select(Address).where(Address.location_id == "int-loc-1"))]
        assert cities == ["Llandeilo"]
        assert db.get(Service, "int-a1").locations[0].location.addresses[0].postal_code == "SA19 9ZZ"
    # A location that lists its addresses (even none) still replaces them.
    emptied = service("int-a2", service_at_locations=[{"id": "sal-2", "location": hall("int-loc-1", addresses=[])}])
    assert imported([emptied]).updated == 1
    with session_scope() as db:
        assert db.scalars(select(Address).where(Address.location_id == "int-loc-1")).all() == []


def test_an_organisation_embedded_with_only_id_and_name_keeps_its_other_fields():
    org = {"id": "int-org-m", "name": "Merge Trust (fictional)", "email": "merge@example.org",
           "website": "https://www.example.org/merge", "description": "Runs clubs."}
    assert imported([service("int-m1", organization=org)]).created == 1
    minimal = service("int-m2", organization={"id": "int-org-m", "name": "Merge Trust (fictional)"})
    assert imported([minimal]).created == 1
    with session_scope() as db:
        kept = db.get(Organization, "int-org-m")
        assert (kept.email, kept.website, kept.description) == (
            "merge@example.org", "https://www.example.org/merge", "Runs clubs.")
    renamed = service("int-m2", organization={"id": "int-org-m", "name": "Merge Trust Cymru (fictional)"})
    imported([renamed])
    with session_scope() as db:
        kept = db.get(Organization, "int-org-m")
        assert kept.name == "Merge Trust Cymru (fictional)" and kept.email == "merge@example.org"
    # Fields given as null are given: they clear the value.
    imported([service("int-m2", organization={"id": "int-org-m", "name": "Merge Trust", "email": None})])
    with session_scope() as db:
        assert db.get(Organization, "int-org-m").email is None


def test_collections_a_record_leaves_out_are_kept_and_given_ones_replaced():
    rec = service("int-c1", phones=[{"id": "p1", "number": "029 2018 0701"}],
                  contacts=[{"id": "c1", "name": "Coordinator", "phones": [{"id": "p2", "number": "029 2018 0702"}]}],
                  languages=[{"id": "l1", "name": "Welsh", "code": "cy"}],
                  service_at_locations=[{"id": "sal-1", "location": hall("int-loc-c")}],
                  schedules=[{"id": "s1", "service_at_location_id": "sal-1", "freq": "WEEKLY", "byday": "MO"}])
    assert imported([rec]).created == 1
    # A later feed that only carries the name and description: nothing else is lost.
    assert imported([service("int-c1")]).problems == []
    with session_scope() as db:
        svc = db.get(Service, "int-c1")
        assert sorted(p.number for p in svc.phones) == ["029 2018 0701", "029 2018 0702"]
        assert svc.welsh_medium and [lang.code for lang in svc.languages] == ["cy"]
        assert [s.byday for s in svc.schedules] == ["MO"] and len(svc.locations) == 1
    # A schedule may still point at the service at location the directory holds.
    again = service("int-c1", schedules=[{"id": "s1", "service_at_location_id": "sal-1", "freq": "WEEKLY", "byday": "TU"}])
    assert imported([again]).problems == []
    # The service's own phones replaced; its contacts' phones are theirs and stay.
    assert imported([service("int-c1", phones=[])]).updated == 1
    with session_scope() as db:
        svc = db.get(Service, "int-c1")
        assert [(p.number, p.contact_id) for p in svc.phones] == [("029 2018 0702", "c1")]
        assert [s.byday for s in svc.schedules] == ["TU"]
    imported([service("int-c1", languages=[])])
    with session_scope() as db:
        assert db.get(Service, "int-c1").welsh_medium is False


@pytest.fixture()
def package(tmp_path):
    dest = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "hsds3", dest)
    for csv_file in dest.glob("*.csv"):  # own ids, so the shared fixture rows are never touched
        csv_file.write_text(csv_file.read_text(encoding="utf-8").replace("csv3-", "intp-"), encoding="utf-8")
    return dest


def _append(path, line: bytes) -> None:
    with open(path, "ab") as f:
        f.write(line + b"\n")


def test_a_csv_package_without_a_file_keeps_that_collection_and_with_one_replaces_it(package):
    with session_scope() as db:
        assert load_path(db, package).problems == []
    datapackage = json.loads((package / "datapackage.json").read_text())
    datapackage["resources"] = [r for r in datapackage["resources"] if r["name"] not in ("phones", "addresses")]
    (package / "datapackage.json").write_text(json.dumps(datapackage))
    with session_scope() as db:
        assert load_path(db, package).problems == []
        assert [p.number for p in db.get(Service, "intp-svc-1").phones] == ["029 2018 0901"]
        assert db.get(Service, "intp-svc-1").locations[0].location.addresses[0].city == "Pentreprawf"
    (package / "cost_options.csv").write_text("id,service_id,option,amount,amount_description\n")
    with session_scope() as db:
        load_path(db, package)
        assert db.get(Service, "intp-svc-1").cost_options == []


# ---------------------------------------------------------------- text that is not UTF-8, anywhere

def test_a_bad_byte_in_a_key_or_an_unused_field_skips_the_record(tmp_path, capsys):
    good = json.dumps(service("int-u1")).encode()
    bad_key = json.dumps(service("int-u2", phones=[{"id": "p", "number": "1", "note": "x"}])).encode()
    bad_key = bad_key.replace(b'"note"', b'"n\xf6te"')
    unused = json.dumps(service("int-u3", programs="Caf\u00e9")).encode().replace(b"\\u00e9", b"\xe9")
    path = tmp_path / "bytes.json"
    path.write_bytes(b"[" + b",".join([good, bad_key, unused]) + b"]")
    assert run_cli("directory", "import", str(path), "--quiet") == 1
    err = capsys.readouterr().err
    assert f"{path}: record int-u2: n\\xf6te: this field name is not valid UTF-8 text (byte 0xF6) (in phones[0])" in err
    assert f"{path}: record int-u3: programs: is not valid UTF-8 text (byte 0xE9)" in err
    with session_scope() as db:
        assert db.get(Service, "int-u1") is not None
        assert db.get(Service, "int-u2") is None and db.get(Service, "int-u3") is None


def test_a_bad_byte_in_a_csv_column_name_skips_the_services_using_that_file(package):
    org_file = package / "organizations.csv"
    rows = org_file.read_bytes().splitlines()
    org_file.write_bytes(b"\n".join([rows[0] + b",n\xf6tes", rows[1] + b",unused"]) + b"\n")
    with session_scope() as db:
        summary = load_path(db, package, dry_run=True)
    text = [str(p) for p in summary.problems]
    assert any("organizations.csv: record intp-org-1: n\\xf6tes: this field name is not valid UTF-8 text (byte 0xF6) "
               "(service intp-svc-1 skipped)" in t for t in text), text


# ---------------------------------------------------------------- duplicate CSV rows of shared objects

@pytest.mark.parametrize("file,line,kind_id", [
    ("organizations.csv", b"intp-org-1,Another Trust,Same id,x@example.org,", "intp-org-1"),
    ("locations.csv", b"intp-loc-1,intp-org-1,physical,Another Hall,,51.9,-4.0", "intp-loc-1"),
    ("taxonomy_terms.csv", b"intp-term-1,intp-tax-1,lunch_club,Lunch clubs again,,,", "intp-term-1"),
    ("taxonomies.csv", b"intp-tax-1,Another taxonomy,,,2", "intp-tax-1"),
])
def test_a_duplicate_shared_row_is_reported_and_skips_the_services_using_it(package, file, line, kind_id):
    _append(package / file, line)
    with session_scope() as db:
        summary = load_path(db, package, dry_run=True)
    text = [str(p) for p in summary.problems]
    assert any(f"{file}: record {kind_id}: id: '{kind_id}' appears twice in this file (service intp-svc-1 skipped)" in t
               for t in text), text
    assert summary.created + summary.unchanged + summary.updated < 3


def test_a_duplicate_nobody_uses_is_still_reported(package):
    _append(package / "organizations.csv", b"intp-org-7,Unused Trust,,,")
    _append(package / "organizations.csv", b"intp-org-7,Unused Trust again,,,")
    records = read_services(package)
    assert any(str(p) == f"{package / 'organizations.csv'}: record intp-org-7: id: 'intp-org-7' appears twice in this file"
               for p in records.problems), [str(p) for p in records.problems]


def test_the_same_id_in_two_files_of_one_kind_is_a_duplicate(package):
    (package / "more_orgs.csv").write_text("id,name\nintp-org-1,Second file's trust\n", encoding="utf-8")
    datapackage = json.loads((package / "datapackage.json").read_text())
    datapackage["resources"].append({"name": "organizations", "path": "more_orgs.csv"})
    (package / "datapackage.json").write_text(json.dumps(datapackage))
    with session_scope() as db:
        summary = load_path(db, package, dry_run=True)
    assert any("more_orgs.csv: record intp-org-1: id: 'intp-org-1' is also in organizations.csv" in str(p)
               for p in summary.problems), [str(p) for p in summary.problems]


# ---------------------------------------------------------------- parent references

def test_a_parent_organisation_must_exist():
    child = service("int-p1", organization={"id": "int-org-child", "name": "Branch", "parent_organization_id": "nowhere"})
    summary = imported([child])
    assert [str(p) for p in summary.problems] == [
        "feed.json: record int-p1: parent_organization_id: refers to organization 'nowhere', which is not in the "
        "directory or this import (in organization)"]
    loop = service("int-p2", organization={"id": "int-org-self", "name": "Self", "parent_organization_id": "int-org-self"})
    assert "refers to the organization itself" in str(imported([loop]).problems[0])
    # A parent that comes later in the same import is fine.
    later = [child | {"organization": child["organization"] | {"parent_organization_id": "int-org-parent"}},
             service("int-p3", organization={"id": "int-org-parent", "name": "Parent Trust"})]
    assert imported(later).created == 2


def test_a_parent_taxonomy_term_must_exist():
    def tagged(sid, term):
        return service(sid, attributes=[{"id": f"{sid}-at", "taxonomy_term": term}])

    orphan = tagged("int-t1", {"id": "int-term-leaf", "name": "Leaf", "parent_id": "no-such-term"})
    summary = imported([orphan])
    assert [str(p) for p in summary.problems] == [
        "feed.json: record int-t1: parent_id: refers to taxonomy term 'no-such-term', which is not in the directory "
        "or this import (in attributes[0].taxonomy_term)"]
    with_parent = [tagged("int-t2", {"id": "int-term-root", "name": "Root"}),
                   tagged("int-t3", {"id": "int-term-leaf", "name": "Leaf", "parent_id": "int-term-root"})]
    assert imported(with_parent).created == 2


def test_csv_parents_in_the_package_are_imported_with_their_children(package):
    (package / "organizations.csv").write_text(
        "id,name,description,email,website,parent_organization_id\n"
        "intp-org-1,Prawf Community Trust (fictional),Child,prawf@example.org,,intp-org-0\n"
        "intp-org-0,Prawf Umbrella (fictional),Parent,,,\n", encoding="utf-8")
    (package / "taxonomy_terms.csv").write_text(
        "id,taxonomy_id,code,name,description,parent_id,term_uri\n"
        "intp-term-1,intp-tax-1,lunch_club,Lunch club,Lunch clubs,intp-term-0,\n"
        "intp-term-2,intp-tax-1,older_people,Older people,A theme,,\n"
        "intp-term-0,intp-tax-1,community,Community activities,Parent term,,\n", encoding="utf-8")
    with session_scope() as db:
        summary = load_path(db, package)
        assert summary.problems == []
        assert db.get(Organization, "intp-org-0").name == "Prawf Umbrella (fictional)"
        assert db.get(TaxonomyTerm, "intp-term-0").name == "Community activities"
        assert db.get(TaxonomyTerm, "intp-term-1").parent_id == "intp-term-0"
    (package / "organizations.csv").write_text(
        "id,name,description,email,website,parent_organization_id\n"
        "intp-org-1,Prawf Community Trust (fictional),Child,,,intp-org-missing\n", encoding="utf-8")
    with session_scope() as db:
        summary = load_path(db, package, dry_run=True)
    assert any("organizations.csv: record intp-org-1: parent_organization_id: refers to organization "
               "'intp-org-missing'" in str(p) for p in summary.problems), [str(p) for p in summary.problems]

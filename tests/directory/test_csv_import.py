"""HSDS tabular datapackages (datapackage.json + CSV files), with HSDS 3.0 and HSDS 1.1 column
names, and the problems only CSV can have: rows pointing nowhere, duplicate rows, bad bytes."""
from __future__ import annotations

import json
import shutil

import pytest

from directory.importer import load_path
from directory.sources import read_services
from directory.models import Service
from iaa.db import session_scope

from .conftest import FIXTURES, run_cli


def test_hsds3_package_imports_whole_services_and_is_idempotent(unit_database):
    with session_scope() as db:
        first = load_path(db, FIXTURES / "hsds3")
    assert (first.created + first.unchanged, first.problems) == (3, [])
    with session_scope() as db:
        again = load_path(db, FIXTURES / "hsds3" / "datapackage.json")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    with session_scope() as db:
        lunch = db.get(Service, "csv3-svc-1")
        assert lunch.name_cy == "Clwb Cinio Pentreprawf" and lunch.welsh_medium and lunch.minimum_age == 60
        assert lunch.organization.name == "Prawf Community Trust (fictional)"
        assert lunch.locations[0].location.addresses[0].city == "Pentreprawf"
        assert lunch.schedules[0].byday == "WE" and lunch.cost_options[0].amount == 3.75
        assert {a.taxonomy_term.term for a in lunch.attributes} == {"lunch_club", "older_people"}
        assert lunch.attributes[0].taxonomy_term.taxonomy_ref.name == "Prawf service types"
        cafe = db.get(Service, "csv3-svc-2")
        assert cafe.description == 'A drop-in cafe for carers, with "time for you".'
        assert [(c.name, [p.number for p in c.phones]) for c in cafe.contacts] == [("Cafe coordinator", ["01632 960901"])]
        assert db.get(Service, "csv3-svc-3").status == "inactive"


def test_hsds11_column_names(unit_database):
    with session_scope() as db:
        summary = load_path(db, FIXTURES / "hsds11")
    assert summary.problems == [] and summary.created + summary.unchanged == 2
    with session_scope() as db:
        youth = db.get(Service, "h11-svc-1")
        assert (youth.minimum_age, youth.maximum_age) == (11, 18)  # from eligibility.csv
        assert sorted(s.byday for s in youth.schedules) == ["MO", "WE"]  # weekday names and numbers
        assert youth.welsh_medium and youth.keywords == "youth, games"
        assert [p.number for p in youth.phones] == ["01632 960902"]  # the location's phone is not the service's
        assert {a.taxonomy_term.name for a in youth.attributes} == {"Youth clubs", "Children and young people"}
        assert youth.organization.website == "https://www.example.org/henffordd"
        cafe = db.get(Service, "h11-svc-2")
        assert cafe.schedules[0].byday == "FR" and cafe.fees == "Free"  # via services_at_location


@pytest.fixture()
def package(tmp_path):
    dest = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "hsds3", dest)
    return dest


def _append(path, line: bytes) -> None:
    with open(path, "ab") as f:
        f.write(line + b"\n")


def test_rows_pointing_nowhere_are_reported_with_file_id_and_field(package):
    _append(package / "phones.csv", b"csvx-ph-9,no-such-service,,029 2018 0999,voice")
    _append(package / "addresses.csv", b"csvx-addr-9,no-such-location,1 Lane,Nowhere,Sir,SA1 1ZZ,GB,physical")
    records = read_services(package)
    text = [str(p) for p in records.problems]
    assert any("phones.csv: record csvx-ph-9: service_id: refers to service 'no-such-service', which is not in "
               "services.csv" in t for t in text), text
    assert any("addresses.csv: record csvx-addr-9: location_id: refers to location 'no-such-location'" in t
               for t in text), text


def test_a_bad_child_row_skips_its_whole_service(package):
    _append(package / "cost_options.csv", b"csvx-cost-9,csv3-svc-2,Tea,one pound,per cup")
    with session_scope() as db:
        summary = load_path(db, package, dry_run=True)
    text = [str(p) for p in summary.problems]
    assert any("cost_options.csv: record csvx-cost-9: amount: must be a number, not 'one pound' "
               "(service csv3-svc-2 skipped)" in t for t in text), text
    assert summary.created + summary.unchanged == 2  # the other two services are fine


def test_duplicate_ids_and_non_utf8_rows(package):
    _append(package / "services.csv", b"csv3-svc-1,csv3-org-1,Second copy,,,,active,,,,,,")
    _append(package / "phones.csv", b"csvx-ph-8,csv3-svc-3,,029 2018 09\xff8,voice")
    with session_scope() as db:
        summary = load_path(db, package, dry_run=True)
    text = [str(p) for p in summary.problems]
    assert any("services.csv: record csv3-svc-1: id: 'csv3-svc-1' appears twice in this file" in t for t in text), text
    assert any("phones.csv: record csvx-ph-8: number: is not valid UTF-8 text (service csv3-svc-3 skipped)" in t
               for t in text), text


def test_unreadable_packages(tmp_path, package, capsys):
    (package / "datapackage.json").write_text(json.dumps({"resources": [{"name": "services", "path": "../x.csv"}]}))
    assert run_cli("directory", "import", str(package)) == 2
    assert "outside the package folder" in capsys.readouterr().err
    (package / "datapackage.json").write_text(json.dumps({"resources": [{"name": "organizations",
                                                                         "path": "organizations.csv"}]}))
    assert run_cli("directory", "import", str(package / "datapackage.json")) == 2
    assert "no services resource" in capsys.readouterr().err
    (package / "services.csv").write_text("name,description\nA,B\n")
    (package / "datapackage.json").write_text(json.dumps({"resources": [{"name": "services", "path": "services.csv"}]}))
    assert run_cli("directory", "import", str(package)) == 2
    assert "has no 'id' column" in capsys.readouterr().err


def test_cli_imports_a_package_with_a_summary(package, capsys):
    assert run_cli("directory", "import", str(package), "--dry-run", "--quiet") == 0
    out = capsys.readouterr().out
    assert out.startswith("[directory] dry run: would have ") and "0 skipped" in out

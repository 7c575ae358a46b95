"""ORUK 3.0 JSON import: upsert by id, idempotent, dry run, progress, and every kind of invalid
record reported (file, record id, field, reason) and skipped without half a service left behind."""
from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from directory import upsert
from directory.importer import import_services, load_path
from directory.models import (Address, CostOption, Language, Location, Phone, Schedule, Service,
                              ServiceAtLocation, ServiceAttribute)
from directory.records import ImportSummary
from directory.sources import read_services
from iaa.db import session_scope

from .conftest import SAMPLE, run_cli, write_json


def _one(sample_records, new_id: str, **changes):
    rec = copy.deepcopy(sample_records[0])
    rec["id"] = new_id
    rec.update(changes)
    return rec


def _count(model, **where) -> int:
    with session_scope() as db:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return db.scalar(stmt)


def test_sample_is_big_and_imports_idempotently(directory_db):
    assert len(directory_db) >= 150
    with session_scope() as db:
        again = load_path(db, SAMPLE)
    assert (again.created, again.updated, again.unchanged, again.problems) == (0, 0, len(directory_db), [])
    with session_scope() as db:
        svc = db.get(Service, directory_db[0]["id"])
        assert svc.name == "Llandeilo Luncheon Club" and svc.name_cy == "Clwb Cinio Llandeilo"
        assert svc.welsh_medium and svc.minimum_age == 60
        assert svc.locations[0].location.addresses[0].city == "Llandeilo"
        assert {a.taxonomy_term.term for a in svc.attributes} >= {"older_people", "lunch_club", "universal"}
        assert svc.cost_options[0].amount == 3.5 and svc.schedules[0].byday == "TU,TH"


def test_update_changes_only_what_changed_and_removes_dropped_children(directory_db, tmp_path):
    rec = _one(directory_db, "upd-1")
    path = write_json(tmp_path / "one.json", [rec])
    with session_scope() as db:
        assert load_path(db, path).created == 1
    rec["name"] = "Renamed Luncheon Club"
    rec["phones"] = []
    rec["cost_options"][0]["amount"] = 4.25
    write_json(path, [rec])
    with session_scope() as db:
        summary = load_path(db, path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    with session_scope() as db:
        svc = db.get(Service, "upd-1")
        assert svc.name == "Renamed Luncheon Club" and svc.phones == [] and svc.cost_options[0].amount == 4.25
    with session_scope() as db:
        assert load_path(db, path).unchanged == 1


def test_dry_run_counts_and_changes_nothing(directory_db, tmp_path):
    path = write_json(tmp_path / "dry.json", {"total_items": 1, "contents": [_one(directory_db, "dry-2")]})
    assert run_cli("directory", "import", str(path), "--dry-run", "--quiet") == 0
    with session_scope() as db:
        assert db.get(Service, "dry-2") is None
        summary = load_path(db, path, dry_run=True)
        assert summary.created == 1 and summary.dry_run
    with session_scope() as db:
        assert db.get(Service, "dry-2") is None


def test_paged_responses_list_and_folder_of_pages(directory_db, tmp_path):
    pages = [{"page_number": 1, "contents": [_one(directory_db, "page-1")]},
             {"page_number": 2, "contents": [_one(directory_db, "page-2")]}]
    assert len(read_services(write_json(tmp_path / "pages.json", pages))) == 2
    folder = tmp_path / "feed"
    folder.mkdir()
    for i, page in enumerate(pages):
        write_json(folder / f"page-{i + 1}.json", page)
    with session_scope() as db:
        summary = load_path(db, folder)
    assert summary.created == 2 and summary.problems == []


def test_progress_is_reported_per_record(directory_db):
    ticks = []
    with session_scope() as db:
        import_services(db, directory_db[:5], "sample", dry_run=True, progress=ticks.append)
    assert ticks == [1] * 5


BAD_CASES = [
    # (what is wrong, change to a good record, field in the message, reason fragment)
    ("wrong type", {"name": 7}, "name", "must be text, not int"),
    ("wrong type", {"minimum_age": "ten"}, "minimum_age", "whole number of years"),
    ("wrong type", {"phones": "029 2018 0000"}, "phones", "must be a list"),
    ("wrong type", {"status": "open"}, "status", "is not one of"),
    ("wrong type", {"assured_date": "last week"}, "assured_date", "is not a date"),
    ("wrong type", {"minimum_age": 70, "maximum_age": 20}, "minimum_age", "is more than maximum_age"),
    ("missing id", {"phones": [{"number": "029 2018 0001"}]}, "id", "is required (in phones[0])"),
    ("missing id", {"service_at_locations": [{"id": "x", "location": {"name": "no id"}}]}, "id",
     "is required (in service_at_locations[0].location)"),
    ("broken reference", {"organization": None, "organization_id": "no-such-org"}, "organization_id",
     "refers to organization 'no-such-org'"),
    ("broken reference", {"service_at_locations": [{"id": "x", "location_id": "no-such-place"}]}, "location_id",
     "refers to location 'no-such-place'"),
    ("broken reference", {"attributes": [{"id": "a", "taxonomy_term_id": "no-such-term"}]}, "taxonomy_term_id",
     "refers to taxonomy term 'no-such-term'"),
    ("broken reference", {"schedules": [{"id": "s", "service_at_location_id": "elsewhere", "freq": "WEEKLY"}]},
     "service_at_location_id", "not one of this service's service_at_locations"),
    ("duplicate id", {"phones": [{"id": "p", "number": "1"}, {"id": "p", "number": "2"}]}, "id",
     "'p' appears twice in this service"),
    ("oversized", {"description": "x" * 20_000}, "description", "is 20000 characters; the most is 10000"),
    ("oversized", {"phones": [{"id": "p", "number": "0" * 50}]}, "number", "is 50 characters; the most is 40"),
    ("oversized", {"id": "i" * 65}, "id", "is 65 characters; the most is 64"),
    ("not UTF-8", {"name": "Clwb \udcff"}, "name", "is not valid UTF-8 text"),
]


@pytest.mark.parametrize("kind,change,field,reason", BAD_CASES, ids=[f"{c[0]}:{c[2]}" for c in BAD_CASES])
def test_each_kind_of_invalid_record_is_reported_and_skipped(directory_db, kind, change, field, reason):
    rid = f"bad-{abs(hash((kind, field, reason))) % 10**8}"
    rec = _one(directory_db, rid, **change)
    with session_scope() as db:
        summary = import_services(db, [rec], "feed.json")
    assert summary.created == 0 and len(summary.problems) == 1
    problem = summary.problems[0]
    assert problem.file == "feed.json" and problem.field.split(".")[-1] == field
    assert reason in str(problem), str(problem)
    assert str(problem).startswith(f"feed.json: record {rec['id'] if len(rec['id']) <= 128 else ''}")
    with session_scope() as db:
        assert db.get(Service, rec["id"]) is None


def test_duplicate_service_in_one_import_and_non_objects(directory_db):
    recs = [_one(directory_db, "dup-1"), _one(directory_db, "dup-1"), "not an object", {"name": "no id"}]
    with session_scope() as db:
        summary = import_services(db, recs, "feed.json")
    assert summary.created == 1
    text = [str(p) for p in summary.problems]
    assert text == ["feed.json: record dup-1: id: appears twice in this import",
                    "feed.json: record #3: (record): must be a JSON object",
                    "feed.json: record #4: id: is required"]


def test_the_same_child_embedded_in_two_services_gives_each_its_own_copy(directory_db):
    a, b = _one(directory_db, "share-a"), _one(directory_db, "share-b")  # same phone, contact, location ids
    with session_scope() as db:
        assert import_services(db, [a, b], "feed.json").created == 2
    phone_id = a["phones"][0]["id"]
    assert _count(Phone, id=phone_id) >= 3  # the sample's, a's and b's
    with session_scope() as db:
        assert db.get(Service, "share-a").phones[0].number == db.get(Service, "share-b").phones[0].number


def test_a_failure_while_writing_leaves_no_half_service(directory_db, monkeypatch):
    real = upsert._write_rows

    def explode_after_some_rows(db, rows, written):
        real(db, rows, written)
        db.flush()  # service, locations, phones and the rest are in the database now...
        if rows.service["id"] == "boom-1":
            raise SQLAlchemyError("disk full")  # ...and then the write fails
        return True

    monkeypatch.setattr(upsert, "_write_rows", explode_after_some_rows)
    recs = [_one(directory_db, "boom-1"), _one(directory_db, "boom-2")]
    with session_scope() as db:
        summary = import_services(db, recs, "feed.json")
    assert summary.created == 1
    assert [str(p) for p in summary.problems] == ["feed.json: record boom-1: (record): could not be saved: disk full"]
    with session_scope() as db:
        assert db.get(Service, "boom-1") is None and db.get(Service, "boom-2") is not None
    for model in (Phone, ServiceAtLocation, Schedule, Language, CostOption, ServiceAttribute):
        assert _count(model, service_id="boom-1") == 0


def test_unreadable_files_exit_2(tmp_path, capsys):
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'[{"id": "\xff"')
    assert run_cli("directory", "import", str(bad)) == 2
    assert "not UTF-8 (byte 9)" in capsys.readouterr().err
    bad.write_text('{"services": []}')
    assert run_cli("directory", "import", str(bad)) == 2
    assert "expected a list" in capsys.readouterr().err
    assert run_cli("directory", "import", str(tmp_path / "missing.json")) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_stray_non_utf8_byte_skips_only_its_record(directory_db, tmp_path, capsys):
    good = json.dumps(_one(directory_db, "utf-ok"), ensure_ascii=False).encode()
    bad = json.dumps(_one(directory_db, "utf-bad", description="Caf\u00e9")).encode().replace(b"\\u00e9", b"\xe9")
    path = tmp_path / "mixed.json"
    path.write_bytes(b"[" + good + b"," + bad + b"]")
    assert run_cli("directory", "import", str(path), "--quiet") == 1
    captured = capsys.readouterr()
    assert "record utf-bad: description: is not valid UTF-8 text" in captured.err
    assert "1 created" in captured.out
    with session_scope() as db:
        assert db.get(Service, "utf-ok") is not None and db.get(Service, "utf-bad") is None


def test_summary_text_and_dict():
    s = ImportSummary(created=2, updated=1, unchanged=3)
    assert str(s) == "2 created, 1 updated, 3 unchanged, 0 skipped"
    assert s.as_dict()["skipped"] == 0


def test_locations_and_addresses_are_shared_not_duplicated(directory_db):
    towns = {sal["location"]["id"] for r in directory_db for sal in r.get("service_at_locations", [])}
    assert _count(Location) >= len(towns)
    with session_scope() as db:
        loc_id = directory_db[0]["service_at_locations"][0]["location"]["id"]
        assert len(db.get(Location, loc_id).addresses) == 1
        assert db.scalar(select(func.count()).select_from(Address).where(Address.location_id == loc_id)) == 1

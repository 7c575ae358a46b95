import json

from sqlalchemy import func, select

from directory.importer import import_services
from directory.sources import read_services
from directory.models import Service
from frontdoor.cli import SAMPLE_DIRECTORY, main
from iaa.db import session_scope


def count_services() -> int:
    with session_scope() as db:
        return db.scalar(select(func.count()).select_from(Service))


def test_sample_directory_imports_idempotently():
    records = read_services(SAMPLE_DIRECTORY)
    with session_scope() as db:
        first = import_services(db, records, "sample")
    with session_scope() as db:
        second = import_services(db, records, "sample")
    assert first.problems == [] and second.problems == []
    assert second.created == 0 and second.updated == 0 and second.unchanged == len(records)
    assert count_services() >= len(records)


def test_invalid_records_are_reported_and_skipped(tmp_path, capsys):
    good = read_services(SAMPLE_DIRECTORY)[0]
    bad = [
        {**good, "id": "bad-1", "name": 7},
        {**good, "id": None},
        {**good, "id": "bad-3", "organization": None},
        {**good, "id": "bad-4", "description": "x" * 20_000},
        {**good, "id": "bad-5", "service_at_locations": [{"id": "s", "location": {"name": "no id"}}]},
        {**good, "id": "ok-6"},
        {**good, "id": "ok-6"},
        "not an object",
    ]
    path = tmp_path / "services.json"
    path.write_text(json.dumps(bad))
    before = count_services()
    assert main(["directory", "import", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "record bad-1: name: must be text" in err
    assert "record #2: id: is required" in err
    assert "record bad-3: organization: is required" in err
    assert "record bad-4: description: is 20000 characters" in err
    assert "record bad-5: id: is required" in err
    assert "record ok-6: id: appears twice" in err
    assert "record #8: (record): must be a JSON object" in err
    assert count_services() == before + 1
    with session_scope() as db:
        assert db.get(Service, "bad-5") is None  # no half-written service


def test_dry_run_changes_nothing(tmp_path, capsys):
    record = {**read_services(SAMPLE_DIRECTORY)[0], "id": "dry-1"}
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"contents": [record]}))  # a paged API response
    assert main(["directory", "import", str(path), "--dry-run", "--quiet"]) == 0
    assert "dry run: would have 1 created" in capsys.readouterr().out
    with session_scope() as db:
        assert db.get(Service, "dry-1") is None


def test_unreadable_files(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_bytes(b"\xff\xfe[]")
    assert main(["directory", "import", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    path.write_text('{"services": []}')
    assert main(["directory", "import", str(path)]) == 2
    assert "expected a list" in capsys.readouterr().err

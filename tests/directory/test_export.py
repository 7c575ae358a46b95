"""Export to Open Referral UK 3.0 JSON, validated with jsonschema against the schemas in
../shared/openreferral-uk/schema ($refs resolved locally), and imported back unchanged."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker, RefResolver

from directory.export import export_services, export_taxonomies, paged
from directory.importer import load_path
from iaa.db import session_scope

from .conftest import run_cli


@pytest.fixture(scope="module")
def schema_dir(repo_root) -> Path:
    path = Path(repo_root).parent / "shared" / "openreferral-uk" / "schema"
    if not path.exists():
        pytest.skip(f"the ORUK schemas are not at {path}")
    return path


def validator(schema_dir: Path, name: str, formats: bool = False) -> Draft7Validator:
    schema = json.loads((schema_dir / name).read_text(encoding="utf-8"))
    resolver = RefResolver(base_uri=schema_dir.as_uri() + "/", referrer=schema)
    return Draft7Validator(schema, resolver=resolver, format_checker=FormatChecker() if formats else None)


def errors(v: Draft7Validator, doc) -> list:
    return [f"{list(e.absolute_path)}: {e.message[:150]}" for e in v.iter_errors(doc)]


@pytest.fixture(scope="module")
def exported(directory_db):
    with session_scope() as db:
        return export_services(db)


def test_every_exported_service_validates_against_service_json(schema_dir, exported):
    v = validator(schema_dir, "service.json")
    problems = {s["id"]: errors(v, s) for s in exported}
    assert not {k: e for k, e in problems.items() if e}


def test_sample_services_validate_with_formats_checked(schema_dir, exported, directory_db):
    """With format checking, ids must be UUIDs and emails emails: the sample uses both."""
    v = validator(schema_dir, "service.json", formats=True)
    sample_ids = {r["id"] for r in directory_db}
    checked = [s for s in exported if s["id"] in sample_ids]
    assert len(checked) == len(sample_ids)
    assert [e for s in checked for e in errors(v, s)] == []


def test_the_validator_does_catch_a_bad_service(schema_dir, exported):
    v = validator(schema_dir, "service.json", formats=True)
    bad = json.loads(json.dumps(exported[0]))
    bad["status"] = "open"
    bad["id"] = "not-a-uuid"
    bad["service_at_locations"][0]["location"]["location_type"] = "castle"
    assert len(errors(v, bad)) == 3


def test_exported_sample_has_what_the_bot_needs(exported, directory_db):
    first = next(s for s in exported if s["id"] == directory_db[0]["id"])
    assert first["x_translations"]["cy"]["name"] == "Clwb Cinio Llandeilo" and first["assured_date"]
    assert "name_cy" not in first  # the Welsh text goes out as the x_translations extension only
    assert first["schedules"][0]["byday"] == "TU,TH" and first["cost_options"][0]["amount"] == 3.5
    assert {lang["code"] for lang in first["languages"]} == {"en", "cy"}
    assert first["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Llandeilo"
    assert first["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["name"]


def test_list_and_taxonomy_shapes_validate(schema_dir, exported, directory_db):
    assert errors(validator(schema_dir, "service_list.json"), paged(exported[:5], len(exported), 1, 5)) == []
    with session_scope() as db:
        taxonomies = export_taxonomies(db)
    tv, lv = validator(schema_dir, "taxonomy.json"), validator(schema_dir, "taxonomy_list.json")
    assert [e for t in taxonomies for e in errors(tv, t)] == []
    assert errors(lv, paged([{k: v for k, v in t.items() if k != "taxonomy_terms"} for t in taxonomies],
                            len(taxonomies), 1, 50)) == []
    term_v = validator(schema_dir, "taxonomy_term.json")
    assert [e for t in taxonomies for term in t["taxonomy_terms"] for e in errors(term_v, term)] == []


def test_export_then_import_changes_nothing(tmp_path, directory_db, schema_dir):
    path = tmp_path / "export.json"
    assert run_cli("directory", "export", str(path)) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data) >= len(directory_db)
    with session_scope() as db:
        summary = load_path(db, path)
    assert (summary.created, summary.updated, summary.problems) == (0, 0, [])

"""The read-only ORUK publishing API and the search API, on an app holding only their router."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, RefResolver


from .conftest import by_name


def _list_validator(repo_root, name):
    schema_dir = Path(repo_root).parent / "shared" / "openreferral-uk" / "schema"
    if not schema_dir.exists():
        pytest.skip("ORUK schemas not found")
    schema = json.loads((schema_dir / name).read_text(encoding="utf-8"))
    return Draft7Validator(schema, resolver=RefResolver(base_uri=schema_dir.as_uri() + "/", referrer=schema))


def test_services_are_paged_in_the_oruk_shape(client, repo_root):
    r = client.get("/oruk/services", params={"page": 2, "per_page": 10})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty",
                         "contents"}
    assert body["page_number"] == 2 and body["size"] == 10 and not body["first_page"] and not body["empty"]
    assert body["total_pages"] == -(-body["total_items"] // 10) and body["total_items"] >= 150
    assert list(_list_validator(repo_root, "service_list.json").iter_errors(body)) == []
    last = client.get("/oruk/services", params={"page": body["total_pages"], "per_page": 10}).json()
    assert last["last_page"] and not last["empty"]
    beyond = client.get("/oruk/services", params={"page": 999}).json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["size"] == 0


def test_service_filters(client, directory_db):
    active = client.get("/oruk/services", params={"status": "active", "per_page": 100}).json()
    assert all(s["status"] == "active" for s in active["contents"])
    closed = client.get("/oruk/services", params={"status": "temporarily closed"}).json()
    assert "Friendship Luncheon Club Kidwelly" in [s["name"] for s in closed["contents"]]
    for town in ("Ammanford", "rhydaman"):  # English or Welsh
        found = client.get("/oruk/services", params={"town": town, "text": "luncheon", "per_page": 100}).json()
        assert [s["name"] for s in found["contents"]] == ["Friendship Luncheon Club Ammanford"]
    welsh_text = client.get("/oruk/services", params={"text": "clwb cinio"}).json()
    assert "Llandeilo Luncheon Club" in [s["name"] for s in welsh_text["contents"]]
    term_id = next(a["taxonomy_term_id"] for a in directory_db[0]["attributes"]
                   if a["taxonomy_term"]["term"] == "lunch_club")
    lunch = client.get("/oruk/services", params={"taxonomy_term_id": term_id, "per_page": 100}).json()
    names = [s["name"] for s in lunch["contents"]]
    assert "Llandeilo Luncheon Club" in names and "Llanelli Memory Cafe" not in names
    assert client.get("/oruk/services", params={"text": "100%_"}).json()["total_items"] == 0


def test_one_service_and_404(client, directory_db):
    sid = by_name(directory_db, "Llandeilo Luncheon Club")["id"]
    r = client.get(f"/oruk/services/{sid}")
    assert r.status_code == 200 and r.json()["name"] == "Llandeilo Luncheon Club"
    missing = client.get("/oruk/services/no-such-service")
    assert missing.status_code == 404 and missing.json() == {"detail": "no service with id 'no-such-service'"}


def test_taxonomies_and_terms(client, repo_root):
    tax = client.get("/oruk/taxonomies").json()
    assert tax["total_items"] >= 3 and list(_list_validator(repo_root, "taxonomy_list.json").iter_errors(tax)) == []
    theme = next(t for t in tax["contents"] if t["name"].startswith("IAA themes"))
    full = client.get(f"/oruk/taxonomies/{theme['id']}").json()
    assert {t["term"] for t in full["taxonomy_terms"]} >= {"older_people", "carers", "vawdasv", "secure_estate"}
    terms = client.get("/oruk/taxonomy_terms", params={"taxonomy_id": theme["id"], "per_page": 100}).json()
    assert terms["total_items"] == 9
    assert list(_list_validator(repo_root, "taxonomy_term_list.json").iter_errors(terms)) == []
    one = client.get(f"/oruk/taxonomy_terms/{terms['contents'][0]['id']}")
    assert one.status_code == 200
    assert client.get("/oruk/taxonomies/nope").status_code == 404
    assert client.get("/oruk/taxonomy_terms/nope").status_code == 404
    assert client.get("/oruk").json()["version"] == "HSDS-UK-3.0"


@pytest.mark.parametrize("params,field", [
    ({"per_page": 101}, "per_page"), ({"page": 0}, "page"), ({"status": "open"}, "status"),
    ({"per_page": "lots"}, "per_page"),
])
def test_bad_list_params_are_422(client, params, field):
    r = client.get("/oruk/services", params=params)
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == f"query.{field}"


def test_search_api_returns_reasons_and_cards(client):
    r = client.get("/api/directory/search", params={"q": "lunch club", "town": "Llandeilo"})
    assert r.status_code == 200
    body = r.json()
    assert 1 <= body["count"] <= 3 and body["query"]["town"] == "Llandeilo"
    top = body["results"][0]
    assert top["card"]["name"] == "Llandeilo Luncheon Club"
    assert top["reason"] == "matches 'lunch club' (synonym of luncheon club) in Llandeilo"
    cy = client.get("/api/directory/search", params={"q": "clwb cinio", "town": "Llandeilo", "lang": "cy"}).json()
    assert cy["results"][0]["card"]["name"] == "Clwb Cinio Llandeilo"
    assert cy["results"][0]["card"]["schedule"].startswith("Bob dydd Mawrth a dydd Iau")
    free_welsh = client.get("/api/directory/search",
                            params={"q": "", "theme": "carers", "welsh": "true", "free": "true", "limit": 10}).json()
    assert free_welsh["count"] >= 1
    assert all(x["card"]["welsh"] and x["card"]["cost"] == "Free" for x in free_welsh["results"])


@pytest.mark.parametrize("params,field", [
    ({"theme": "pets"}, "theme"), ({"town": "Atlantis"}, "town"), ({"age": 200}, "age"), ({"limit": 0}, "limit"),
    ({"lang": "fr"}, "lang"), ({"welsh": "maybe"}, "welsh"), ({"q": "x" * 301}, "q"),
])
def test_bad_search_params_are_422(client, params, field):
    r = client.get("/api/directory/search", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["problems"][0]["field"] == f"query.{field}"

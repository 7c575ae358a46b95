"""The ORUK API's filters (ORUK 3.0's search, taxonomy_id, organization_id, modified_after; terms'
search, parent_id, top_only), and parameters it does not take, pages it cannot serve and towns it
does not know all answered with a 422 naming the parameter."""
from __future__ import annotations

import pytest

from directory.importer import import_services
from iaa.db import session_scope

from .conftest import by_name


def _all(client, path, **params):
    return client.get(path, params={"per_page": 100, **params}).json()["contents"]


@pytest.mark.parametrize("path", [
    "/oruk", "/oruk/services", "/oruk/services/{sid}", "/oruk/taxonomies", "/oruk/taxonomies/{tax}",
    "/oruk/taxonomy_terms", "/oruk/taxonomy_terms/{term}", "/api/directory/search",
])
def test_every_endpoint_names_a_parameter_it_does_not_take(client, directory_db, path):
    term = directory_db[0]["attributes"][0]["taxonomy_term"]
    url = path.format(sid=directory_db[0]["id"], tax=term["taxonomy_id"], term=term["id"])
    r = client.get(url, params={"txet": "lunch"})
    assert r.status_code == 422, r.text
    problem = r.json()["problems"][0]
    assert problem["field"] == "query.txet" and "unknown parameter 'txet'" in problem["problem"]
    assert client.get(url).status_code == 200


def test_search_is_the_oruk_name_and_text_still_works(client):
    by_search = _all(client, "/oruk/services", search="luncheon club")
    assert by_search and all("luncheon" in (s["name"] + s.get("description", "")).lower() for s in by_search)
    assert [s["id"] for s in _all(client, "/oruk/services", text="luncheon club")] == [s["id"] for s in by_search]
    # Every word counts, wherever it is: "ammanford luncheon" is not a phrase in any name.
    both = _all(client, "/oruk/services", search="ammanford luncheon")
    assert "Friendship Luncheon Club Ammanford" in [s["name"] for s in both]
    r = client.get("/oruk/services", params={"search": "lunch", "text": "respite"})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "query.text"


def test_taxonomy_and_organisation_filters(client, directory_db):
    theme_taxonomy = next(a["taxonomy_term"]["taxonomy_id"] for a in directory_db[0]["attributes"]
                          if a["taxonomy_term"]["term"] == "older_people")
    themed = _all(client, "/oruk/services", taxonomy_id=theme_taxonomy)
    assert themed and all(any(a["taxonomy_term"]["taxonomy_id"] == theme_taxonomy for a in s["attributes"])
                          for s in themed)
    assert client.get("/oruk/services", params={"taxonomy_id": "no-such-taxonomy"}).json()["total_items"] == 0
    resettlement = by_name(directory_db, "Through the Gate Resettlement Service")
    org_id = resettlement["organization"]["id"]
    provided = _all(client, "/oruk/services", organization_id=org_id)
    assert resettlement["id"] in [s["id"] for s in provided]
    assert all(s["organization"]["id"] == org_id for s in provided)


def test_modified_after(client, directory_db):
    recent = _all(client, "/oruk/services", modified_after="2026-11-01T00:00:00Z")
    expected = {r["id"] for r in directory_db if r["last_modified"] >= "2026-11-01"}
    assert expected and expected <= {s["id"] for s in recent}
    assert all(s["last_modified"] >= "2026-11-01" for s in recent)
    assert len(_all(client, "/oruk/services", modified_after="2026-11-01")) == len(recent)  # a date is midnight
    r = client.get("/oruk/services", params={"modified_after": "last tuesday"})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "query.modified_after"


@pytest.mark.parametrize("params,field,words", [
    ({"town": "Atlantis"}, "town", "unknown town 'Atlantis'"),
    ({"town": "Swansea"}, "town", "outside Sir Enghraifft"),
    ({"page": 10_001}, "page", "less than or equal to 10000"),
    ({"page": 10 ** 20}, "page", "less than or equal to 10000"),
    ({"format": "ndjson"}, "format", "json only"),
    ({"full": "false"}, "full", "only full service objects"),
    ({"minimal": "true"}, "minimal", "not offered"),
])
def test_what_the_services_list_cannot_do_is_a_clear_422(client, params, field, words):
    r = client.get("/oruk/services", params=params)
    assert r.status_code == 422, r.text
    problem = r.json()["problems"][0]
    assert problem["field"] == f"query.{field}" and words in problem["problem"], problem


def test_paging_is_bounded_on_taxonomies_and_terms_too(client):
    for path in ("/oruk/taxonomies", "/oruk/taxonomy_terms"):
        assert client.get(path, params={"page": 10_001}).status_code == 422
        assert client.get(path, params={"per_page": 101}).status_code == 422
        assert client.get(path, params={"format": "json"}).status_code == 200


def test_taxonomies_and_terms_can_be_searched(client):
    found = _all(client, "/oruk/taxonomies", search="preventative")
    assert [t["name"] for t in found] and all("preventative" in (t["name"] + t["description"]).lower() for t in found)
    terms = _all(client, "/oruk/taxonomy_terms", search="lunch")
    assert terms and all("lunch" in (t["name"] + t.get("term", "") + t["description"]).lower() for t in terms)
    assert _all(client, "/oruk/taxonomy_terms", search="zzyzx") == []


def test_terms_by_parent_and_top_only(client):
    tagged = {"id": "api-tree-1", "name": "Tree Test Service", "organization": {"id": "api-tree-org", "name": "Tree Org"},
              "attributes": [{"id": "a1", "taxonomy_term": {"id": "api-root", "name": "Root term"}},
                             {"id": "a2", "taxonomy_term": {"id": "api-leaf", "name": "Leaf term",
                                                            "parent_id": "api-root"}}]}
    with session_scope() as db:
        assert import_services(db, [tagged], "test").problems == []
    assert [t["id"] for t in _all(client, "/oruk/taxonomy_terms", parent_id="api-root")] == ["api-leaf"]
    top = {t["id"] for t in _all(client, "/oruk/taxonomy_terms", top_only="true", search="term")}
    assert "api-root" in top and "api-leaf" not in top


def test_the_search_api_reads_a_place_outside_the_area(client):
    body = client.get("/api/directory/search", params={"q": "lunch club", "town": "Swansea"}).json()
    assert body["query"]["outside"] == "Swansea" and body["query"]["town"] == "Llanelli"
    assert body["count"] >= 1
    named = client.get("/api/directory/search", params={"q": "lunch clubs in Abertawe"}).json()
    assert named["query"]["outside"] == "Swansea" and named["count"] >= 1

"""Read-only publishing of the directory in the Open Referral UK 3.0 API shape, and the search
API the chat uses. No authentication: everything here is public information.

    GET /oruk                      API details (ORUK version and profile)
    GET /oruk/services             paged; page, per_page (<= 100), search (or text), taxonomy_term_id,
                                   taxonomy_id, organization_id, modified_after, town, status, format, full
    GET /oruk/services/{id}        one full service object, or 404
    GET /oruk/taxonomies           paged taxonomies, search;  GET /oruk/taxonomies/{id} with its terms
    GET /oruk/taxonomy_terms       paged terms; search, taxonomy_id, parent_id, top_only;
                                   GET /oruk/taxonomy_terms/{id}
    GET /api/directory/search      q, town, theme, age, welsh, free, limit, offset, lang

Every endpoint answers a query parameter it does not take with a 422 naming it, rather than
ignoring it (a misspelt filter must not quietly return everything).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Literal, Mapping, Optional, Union

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.dependencies.utils import get_flat_dependant
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy import and_, func, or_, select

from iaa.db import read_scope
from iaa.errors import invalid, responses
from iaa.validation import date_time_utc, full_date

from . import lexicon as lx
from .export import API_DETAILS, export_services, paged, taxonomy_to_oruk, term_to_oruk
from .models import Address, Service, ServiceAtLocation, ServiceAttribute, Taxonomy, TaxonomyTerm
from .search import get_search
from .themes import THEMES

MAX_PAGE = 10_000  # per_page <= 100: a million services is more than any council directory holds
MAX_PER_PAGE = 100


# -- what the routes answer: each route's response_model (built as dicts; FastAPI checks them
# against these and sends the keys the route set; tests/test_contract.py holds the running
# service to them). ORUK leaves out what is empty: no nulls.

class _Compact(BaseModel):
    class Config:
        never_null = "*"  # a field with nothing in it is left out, never sent as null


class ApiDetailsOut(BaseModel):
    version: str
    profile: str
    openapi_url: str


class _Paged(BaseModel):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


class ServicesPageOut(_Paged):
    contents: List[Dict[str, Any]] = Field(..., description="Open Referral UK 3.0 full service objects")


class TermOut(_Compact):
    id: str
    name: str
    description: str
    parent_id: Optional[str] = None
    taxonomy: Optional[str] = None
    taxonomy_id: Optional[str] = None
    term_uri: Optional[str] = None
    term: Optional[str] = None
    name_cy: Optional[str] = None


class TaxonomyOut(_Compact):  # in the order taxonomy_to_oruk writes them
    id: str
    name: str
    uri: Optional[str] = None
    version: Optional[str] = None
    description: str


class TaxonomyWithTermsOut(TaxonomyOut):
    taxonomy_terms: List[TermOut]


class TermsPageOut(_Paged):
    contents: List[TermOut]


class TaxonomiesPageOut(_Paged):
    contents: List[TaxonomyOut]


class SearchQueryOut(BaseModel):
    q: str
    town: Optional[str] = Field(..., description="the town understood, in English; null for none")
    outside: Optional[str] = Field(..., description="a place named outside the county, if any")
    theme: Optional[str] = Field(...)
    age: Optional[int] = Field(...)
    welsh: bool
    free: bool
    limit: int
    offset: int
    lang: Literal["en", "cy"]


class SearchResultOut(BaseModel):
    service_id: str
    score: float
    reason: str = Field(..., description="why it matched, in plain words")
    card: Dict[str, Any] = Field(..., description="what the chat shows of the service")


class SearchOut(BaseModel):
    query: SearchQueryOut
    count: int
    results: List[SearchResultOut]


def _documented(model, more: Optional[Mapping[Union[int, str], Any]] = None) -> Dict[str, Any]:
    """Decorator kwargs: the 200 answers with `model` (the keys the route sets: ORUK leaves out
    what is empty), and `more` statuses."""
    return {"response_model": model, "response_model_exclude_unset": True,
            "responses": {200: {"model": model, "description": "Successful Response"}, **(more or {})}}


def _bad(field: str, message: str) -> RequestValidationError:
    return invalid(("query", field), message)  # the one error shape: problems [{"field": "query.<field>"}]


def reject_unknown_parameters(request: Request) -> None:
    """A 422 naming the first query parameter the endpoint does not take."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    known = {p.alias for p in get_flat_dependant(route.dependant).query_params}
    for name in request.query_params:
        if name not in known:
            takes = ", ".join(sorted(known)) or "no query parameters"
            raise _bad(name, f"unknown parameter {name!r}; this endpoint takes: {takes}")


# Every endpoint can answer 422: a query parameter it does not take is named, not ignored.
router = APIRouter(tags=["directory"], dependencies=[Depends(reject_unknown_parameters)], responses=responses(422))


def _page(page: int = Query(1, ge=1, le=MAX_PAGE, description=f"page number, from 1 to {MAX_PAGE}"),
          per_page: int = Query(50, ge=1, le=MAX_PER_PAGE, description=f"items per page, 1 to {MAX_PER_PAGE}")):
    return page, per_page


def _json_only(format: Optional[str] = Query(None, description="json (ndjson is not offered)",
                                             json_schema_extra={"pattern": "^[jJ][sS][oO][nN]$"})) -> None:
    if format is not None and format.lower() != "json":
        raise _bad("format", f"format {format!r} is not offered: this API returns paged json only")


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _words_in(text: str, columns) -> Any:
    """Every word of text in at least one of the columns (case-insensitive)."""
    return and_(*(or_(*(func.lower(c).like(_like(w), escape="\\") for c in columns)) for w in text.split()))


def _search_text(search: Optional[str], text: Optional[str]) -> Optional[str]:
    if search and text and search.strip() != text.strip():
        raise _bad("text", "give search (ORUK 3.0) or text (its older name), not both")
    value = (search or text or "").strip()
    return value or None


# What modified_after takes, in the OpenAPI document too: an RFC 3339 date-time, a date, or nothing.
DATE_OR_DATE_TIME: Dict[str, Any] = {"anyOf": [{"format": "date-time"}, {"format": "date"}, {"const": ""}]}


def _datetime(name: str, value: Optional[str]) -> Optional[dt.datetime]:
    """Naive UTC, as the importer writes last_modified; a date is its midnight (UTC)."""
    if value is None or value == "":
        return None
    try:
        return date_time_utc(value)
    except ValueError:
        pass
    try:
        return dt.datetime.combine(full_date(value), dt.time())
    except ValueError:
        raise _bad(name, f"{value!r} is not a date-time like 2026-11-23T09:00:00Z (or a date like 2026-11-23)")


def _town_cities(db, town: str) -> List[str]:
    """The address cities (as stored) that are this town, in English or Welsh; 422 if the town is
    not one this directory knows, or is outside the council's area."""
    search = get_search(db)
    located = search.locate("", town)
    if located.outside is not None:
        raise _bad("town", f"{located.outside.name} is outside {lx.county_name()}: this directory covers "
                           f"{lx.county_name()} only")
    if located.town is None:
        raise _bad("town", f"unknown town {town!r}")
    cities = [c for c in db.scalars(select(Address.city).distinct()) if c]
    return [c for c in cities if search.resolve_town(c) == located.town]


@router.get("/oruk", summary="Open Referral UK API details", **_documented(ApiDetailsOut))
def api_details() -> Dict[str, str]:
    return dict(API_DETAILS)


@router.get("/oruk/services", summary="Services (Open Referral UK 3.0, paged)", **_documented(ServicesPageOut))
def list_services(
    paging=Depends(_page),
    _format=Depends(_json_only),
    search: Optional[str] = Query(None, max_length=200, description="words in the name, description or keywords"),
    text: Optional[str] = Query(None, max_length=200, description="the older name for search"),
    taxonomy_term_id: Optional[str] = Query(None, max_length=64, description="services with this term"),
    taxonomy_id: Optional[str] = Query(None, max_length=64, description="services with any term of this taxonomy"),
    organization_id: Optional[str] = Query(None, max_length=64, description="services this organisation provides"),
    modified_after: Optional[str] = Query(None, max_length=40, **DATE_OR_DATE_TIME,
                                          description="services last modified on or after this date-time "
                                                      "(RFC 3339, e.g. 2026-11-23T09:00:00Z) or date"),
    town: Optional[str] = Query(None, max_length=120, description="town or city of a location (English or Welsh)"),
    status: Optional[Literal["active", "inactive", "defunct", "temporarily closed"]] = Query(None),
    full: bool = Query(True, description="full service objects (the only form published)", enum=[True]),
    minimal: bool = Query(False, description="not offered", enum=[False]),
) -> Dict[str, Any]:
    page, per_page = paging
    if not full:
        raise _bad("full", "only full service objects are published: leave full out or set it to true")
    if minimal:
        raise _bad("minimal", "minimal lists are not offered: page through the full service objects")
    words = _search_text(search, text)
    since = _datetime("modified_after", modified_after)
    with read_scope() as db:
        stmt = select(Service.id)
        if status:
            stmt = stmt.where(Service.status == status)
        if words:
            stmt = stmt.where(_words_in(words, (Service.name, Service.description, Service.name_cy,
                                                Service.description_cy, Service.keywords)))
        if taxonomy_term_id:
            stmt = stmt.where(Service.id.in_(select(ServiceAttribute.service_id)
                                             .where(ServiceAttribute.taxonomy_term_id == taxonomy_term_id)))
        if taxonomy_id:
            stmt = stmt.where(Service.id.in_(
                select(ServiceAttribute.service_id)
                .join(TaxonomyTerm, TaxonomyTerm.id == ServiceAttribute.taxonomy_term_id)
                .where(TaxonomyTerm.taxonomy_id == taxonomy_id)))
        if organization_id:
            stmt = stmt.where(Service.organization_id == organization_id)
        if since is not None:
            stmt = stmt.where(Service.last_modified >= since)
        if town and town.strip():
            cities = [c.lower() for c in _town_cities(db, town)]
            stmt = stmt.where(Service.id.in_(
                select(ServiceAtLocation.service_id)
                .join(Address, Address.location_id == ServiceAtLocation.location_id)
                .where(func.lower(Address.city).in_(cities))))
        total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        ids = list(db.scalars(stmt.order_by(Service.name, Service.id).offset((page - 1) * per_page).limit(per_page)))
        contents = export_services(db, ids) if ids else []
    return paged(contents, total, page, per_page)


@router.get("/oruk/services/{service_id}", summary="One service (Open Referral UK 3.0 full service object)",
            response_model=Dict[str, Any], responses=responses(404, d404="No service with that id"))
def get_service(service_id: str) -> Dict[str, Any]:
    with read_scope() as db:
        found = export_services(db, [service_id])
    if not found:
        raise HTTPException(status_code=404, detail=f"no service with id {service_id!r}")
    return found[0]


@router.get("/oruk/taxonomies", summary="Taxonomies (paged)", **_documented(TaxonomiesPageOut))
def list_taxonomies(paging=Depends(_page), _format=Depends(_json_only),
                    search: Optional[str] = Query(None, max_length=200, description="words in the name or description"),
                    ) -> Dict[str, Any]:
    page, per_page = paging
    with read_scope() as db:
        stmt = select(Taxonomy)
        if search and search.strip():
            stmt = stmt.where(_words_in(search.strip(), (Taxonomy.name, Taxonomy.description)))
        total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.scalars(stmt.order_by(Taxonomy.name, Taxonomy.id).offset((page - 1) * per_page).limit(per_page)).all()
        contents = [taxonomy_to_oruk(t) for t in rows]
    return paged(contents, total, page, per_page)


@router.get("/oruk/taxonomies/{taxonomy_id}", summary="One taxonomy with its terms",
            **_documented(TaxonomyWithTermsOut, responses(404, d404="No taxonomy with that id")))
def get_taxonomy(taxonomy_id: str) -> Dict[str, Any]:
    with read_scope() as db:
        tax = db.get(Taxonomy, taxonomy_id)
        if tax is None:
            raise HTTPException(status_code=404, detail=f"no taxonomy with id {taxonomy_id!r}")
        terms = db.scalars(select(TaxonomyTerm).where(TaxonomyTerm.taxonomy_id == taxonomy_id)
                           .order_by(TaxonomyTerm.name)).all()
        return taxonomy_to_oruk(tax, terms)


@router.get("/oruk/taxonomy_terms", summary="Taxonomy terms (paged)", **_documented(TermsPageOut))
def list_taxonomy_terms(
    paging=Depends(_page),
    _format=Depends(_json_only),
    search: Optional[str] = Query(None, max_length=200, description="words in the name, code or description"),
    taxonomy_id: Optional[str] = Query(None, max_length=64),
    parent_id: Optional[str] = Query(None, max_length=64, description="terms with this parent"),
    top_only: bool = Query(False, description="only terms with no parent"),
) -> Dict[str, Any]:
    page, per_page = paging
    with read_scope() as db:
        stmt = select(TaxonomyTerm)
        if search and search.strip():
            stmt = stmt.where(_words_in(search.strip(), (TaxonomyTerm.name, TaxonomyTerm.name_cy, TaxonomyTerm.term,
                                                         TaxonomyTerm.description)))
        if taxonomy_id:
            stmt = stmt.where(TaxonomyTerm.taxonomy_id == taxonomy_id)
        if parent_id:
            stmt = stmt.where(TaxonomyTerm.parent_id == parent_id)
        if top_only:
            stmt = stmt.where(or_(TaxonomyTerm.parent_id.is_(None), TaxonomyTerm.parent_id == ""))
        total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.scalars(stmt.order_by(TaxonomyTerm.name, TaxonomyTerm.id)
                          .offset((page - 1) * per_page).limit(per_page)).all()
        contents = [term_to_oruk(t, with_taxonomy=False) for t in rows]
    return paged(contents, total, page, per_page)


@router.get("/oruk/taxonomy_terms/{term_id}", summary="One taxonomy term",
            **_documented(TermOut, responses(404, d404="No taxonomy term with that id")))
def get_taxonomy_term(term_id: str) -> Dict[str, Any]:
    with read_scope() as db:
        term = db.get(TaxonomyTerm, term_id)
        if term is None:
            raise HTTPException(status_code=404, detail=f"no taxonomy term with id {term_id!r}")
        return term_to_oruk(term, with_taxonomy=False)


@router.get("/api/directory/search", summary="Search the directory (ranked, with reasons and cards)",
            **_documented(SearchOut))
def search_directory(
    q: str = Query("", max_length=300, description="what is wanted, in English or Welsh"),
    town: Optional[str] = Query(None, max_length=120, description="a town, in English or Welsh"),
    theme: Optional[str] = Query(None, description="a theme code from TAXONOMY.md, e.g. older_people",
                                 enum=list(THEMES)),
    age: Optional[int] = Query(None, ge=0, le=150),
    welsh: bool = Query(False, description="only services that work in Welsh"),
    free: bool = Query(False, description="only free services"),
    limit: int = Query(3, ge=1, le=20),
    offset: int = Query(0, ge=0, le=1000),
    lang: Literal["en", "cy"] = Query("en", description="language of the cards"),
) -> Dict[str, Any]:
    if theme is not None and theme not in THEMES:
        raise _bad("theme", f"unknown theme {theme!r}; use one of: {', '.join(THEMES)}")
    search = get_search()
    located = search.locate(q, town if town and town.strip() else None)
    if located.unknown:
        raise _bad("town", f"unknown town {town!r}")
    matches = search.search(q, town=town or None, theme=theme, age=age, welsh=welsh, free=free, limit=limit,
                            offset=offset)
    results: List[Dict[str, Any]] = [m.as_dict(lang) for m in matches]
    return {"query": {"q": q, "town": located.town, "outside": located.outside.name if located.outside else None,
                      "theme": theme, "age": age, "welsh": welsh, "free": free, "limit": limit, "offset": offset,
                      "lang": lang},
            "count": len(results), "results": results}

"""Read-only publishing of the directory in the Open Referral UK 3.0 API shape, and the search
API the chat uses. No authentication: everything here is public information.

    GET /oruk                      API details (ORUK version and profile)
    GET /oruk/services             paged; page, per_page (<= 100), text, taxonomy_term_id, town, status
    GET /oruk/services/{id}        one full service object, or 404
    GET /oruk/taxonomies           paged taxonomies;  GET /oruk/taxonomies/{id} with its terms
    GET /oruk/taxonomy_terms       paged terms; taxonomy_id filter;  GET /oruk/taxonomy_terms/{id}
    GET /api/directory/search      q, town, theme, age, welsh, free, limit, offset, lang
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import func, or_, select

from iaa.db import session_scope

from . import lexicon as lx
from .export import API_DETAILS, export_services, paged, taxonomy_to_oruk, term_to_oruk
from .models import Address, Service, ServiceAtLocation, ServiceAttribute, Taxonomy, TaxonomyTerm
from .search import THEMES, get_search

router = APIRouter(tags=["directory"])

STATUS_PATTERN = "^(active|inactive|defunct|temporarily closed)$"


def _bad(field: str, message: str) -> HTTPException:
    return HTTPException(status_code=422, detail=[{"loc": ["query", field], "msg": message, "type": "value_error"}])


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@router.get("/oruk", summary="Open Referral UK API details")
def api_details() -> Dict[str, str]:
    return dict(API_DETAILS)


@router.get("/oruk/services", summary="Services (Open Referral UK 3.0, paged)")
def list_services(
    page: int = Query(1, ge=1, description="page number, from 1"),
    per_page: int = Query(50, ge=1, le=100, description="services per page, at most 100"),
    text: Optional[str] = Query(None, max_length=200, description="words in the name or description"),
    taxonomy_term_id: Optional[str] = Query(None, max_length=64),
    town: Optional[str] = Query(None, max_length=120, description="town or city of a location (English or Welsh)"),
    status: Optional[str] = Query(None, regex=STATUS_PATTERN),
) -> Dict[str, Any]:
    with session_scope() as db:
        stmt = select(Service.id)
        if status:
            stmt = stmt.where(Service.status == status)
        if text and text.strip():
            like = _like(text.strip())
            stmt = stmt.where(or_(*(func.lower(col).like(like, escape="\\") for col in
                                    (Service.name, Service.description, Service.name_cy, Service.description_cy))))
        if taxonomy_term_id:
            stmt = stmt.where(Service.id.in_(select(ServiceAttribute.service_id)
                                             .where(ServiceAttribute.taxonomy_term_id == taxonomy_term_id)))
        if town and town.strip():
            cities = [c for c in db.scalars(select(Address.city).distinct()) if c]
            name = lx.place_aliases(cities).get(" ".join(lx.words(town)), town.strip())
            stmt = stmt.where(Service.id.in_(
                select(ServiceAtLocation.service_id)
                .join(Address, Address.location_id == ServiceAtLocation.location_id)
                .where(func.lower(Address.city) == name.lower())))
        total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        ids = list(db.scalars(stmt.order_by(Service.name, Service.id).offset((page - 1) * per_page).limit(per_page)))
        contents = export_services(db, ids) if ids else []
    return paged(contents, total, page, per_page)


@router.get("/oruk/services/{service_id}", summary="One service (Open Referral UK 3.0 full service object)")
def get_service(service_id: str) -> Dict[str, Any]:
    with session_scope() as db:
        found = export_services(db, [service_id])
    if not found:
        raise HTTPException(status_code=404, detail=f"no service with id {service_id!r}")
    return found[0]


@router.get("/oruk/taxonomies", summary="Taxonomies (paged)")
def list_taxonomies(page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=100)) -> Dict[str, Any]:
    with session_scope() as db:
        total = db.scalar(select(func.count()).select_from(Taxonomy)) or 0
        rows = db.scalars(select(Taxonomy).order_by(Taxonomy.name, Taxonomy.id)
                          .offset((page - 1) * per_page).limit(per_page)).all()
        contents = [taxonomy_to_oruk(t) for t in rows]
    return paged(contents, total, page, per_page)


@router.get("/oruk/taxonomies/{taxonomy_id}", summary="One taxonomy with its terms")
def get_taxonomy(taxonomy_id: str) -> Dict[str, Any]:
    with session_scope() as db:
        tax = db.get(Taxonomy, taxonomy_id)
        if tax is None:
            raise HTTPException(status_code=404, detail=f"no taxonomy with id {taxonomy_id!r}")
        terms = db.scalars(select(TaxonomyTerm).where(TaxonomyTerm.taxonomy_id == taxonomy_id)
                           .order_by(TaxonomyTerm.name)).all()
        return taxonomy_to_oruk(tax, terms)


@router.get("/oruk/taxonomy_terms", summary="Taxonomy terms (paged)")
def list_taxonomy_terms(page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=100),
                        taxonomy_id: Optional[str] = Query(None, max_length=64)) -> Dict[str, Any]:
    with session_scope() as db:
        stmt = select(TaxonomyTerm)
        if taxonomy_id:
            stmt = stmt.where(TaxonomyTerm.taxonomy_id == taxonomy_id)
        total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.scalars(stmt.order_by(TaxonomyTerm.name, TaxonomyTerm.id)
                          .offset((page - 1) * per_page).limit(per_page)).all()
        contents = [term_to_oruk(t, with_taxonomy=False) for t in rows]
    return paged(contents, total, page, per_page)


@router.get("/oruk/taxonomy_terms/{term_id}", summary="One taxonomy term")
def get_taxonomy_term(term_id: str) -> Dict[str, Any]:
    with session_scope() as db:
        term = db.get(TaxonomyTerm, term_id)
        if term is None:
            raise HTTPException(status_code=404, detail=f"no taxonomy term with id {term_id!r}")
        return term_to_oruk(term, with_taxonomy=False)


@router.get("/api/directory/search", summary="Search the directory (ranked, with reasons and cards)")
def search_directory(
    q: str = Query("", max_length=300, description="what is wanted, in English or Welsh"),
    town: Optional[str] = Query(None, max_length=120, description="a town, in English or Welsh"),
    theme: Optional[str] = Query(None, description="a theme code from TAXONOMY.md, e.g. older_people"),
    age: Optional[int] = Query(None, ge=0, le=150),
    welsh: bool = Query(False, description="only services that work in Welsh"),
    free: bool = Query(False, description="only free services"),
    limit: int = Query(3, ge=1, le=20),
    offset: int = Query(0, ge=0, le=1000),
    lang: str = Query("en", regex="^(en|cy)$", description="language of the cards"),
) -> Dict[str, Any]:
    if theme is not None and theme not in THEMES:
        raise _bad("theme", f"unknown theme {theme!r}; use one of: {', '.join(THEMES)}")
    search = get_search()
    if town is not None and town.strip() and search.resolve_town(town) is None:
        raise _bad("town", f"unknown town {town!r}")
    matches = search.search(q, town=town or None, theme=theme, age=age, welsh=welsh, free=free, limit=limit,
                            offset=offset)
    results: List[Dict[str, Any]] = [m.as_dict(lang) for m in matches]
    return {"query": {"q": q, "town": search.resolve_town(town) if town else (matches[0].place if matches else None),
                      "theme": theme, "age": age, "welsh": welsh, "free": free, "limit": limit, "offset": offset,
                      "lang": lang},
            "count": len(results), "results": results}

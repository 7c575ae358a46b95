"""The OpenAPI document, made to say what the service really does (tests/test_contract.py runs
schemathesis against the running front door to hold it to that):

- one error shape: FastAPI's own HTTPValidationError is replaced by `ErrorOut` everywhere, and
  every documented error status carries it;
- the statuses any operation can answer are on every operation: 413 (body too large), 429 (too
  many requests, with Retry-After) and 500; 400 on those that take a body;
- a field that can be null says so (OpenAPI 3.1: `anyOf [..., {"type": "null"}]`): pydantic 1
  writes Optional[X] as plain X;
- the console's cookie session and CSRF header as security schemes.

What each route adds itself: its own statuses and response models (iaa.errors.responses), limits
and enums on its fields and parameters, and links between operations (link())."""
from __future__ import annotations

import copy
from enum import Enum
from typing import Any, Dict, Optional

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .errors import DESCRIPTIONS, RETRY_AFTER, ErrorOut

REF = "#/components/schemas/"
EVERY_OPERATION = (413, 429, 500)
WITH_A_BODY = (400,)


def install(app: FastAPI, security_schemes: Optional[Dict[str, Any]] = None) -> None:
    def openapi() -> Dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, openapi_version=app.openapi_version,
                               description=app.description, routes=app.routes, tags=app.openapi_tags,
                               servers=app.servers)
            app.openapi_schema = honest(spec, app.routes, security_schemes or {})
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def honest(spec: Dict[str, Any], routes, security_schemes: Dict[str, Any]) -> Dict[str, Any]:
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    _add_models(schemas, ErrorOut)
    _mark_nullable(schemas, routes)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    _whole_bounds(spec)
    error_content = {"application/json": {"schema": {"$ref": REF + "ErrorOut"}}}
    used_schemes = set()
    for methods in spec.get("paths", {}).values():
        for method, op in methods.items():
            responses = op.setdefault("responses", {})
            for code in EVERY_OPERATION + (WITH_A_BODY if "requestBody" in op else ()):
                responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
            for code, response in responses.items():
                if not code.isdigit() or int(code) < 400:
                    continue
                content = response.get("content") or {}
                schema = (content.get("application/json") or {}).get("schema") or {}
                if not content or schema.get("$ref") == REF + "HTTPValidationError":
                    response["content"] = copy.deepcopy(error_content)
                if code == "422" and response.get("description") == "Validation Error":
                    response["description"] = DESCRIPTIONS[422]
                if code == "429":
                    response.setdefault("headers", copy.deepcopy(RETRY_AFTER))
            for requirement in op.get("security", []):
                used_schemes.update(requirement)
    if used_schemes:
        spec["components"].setdefault("securitySchemes", {}).update(
            {k: v for k, v in security_schemes.items() if k in used_schemes})
    return spec


def _add_models(schemas: Dict[str, Any], *models) -> None:
    from pydantic.schema import schema as pydantic_schema

    definitions = pydantic_schema(models, ref_prefix=REF)["definitions"]
    for name, definition in definitions.items():
        schemas.setdefault(name, definition)


def _mark_nullable(schemas: Dict[str, Any], routes) -> None:
    """Every model field that may be None (pydantic 1: `allow_none`) accepts or sends null."""
    from fastapi._compat import get_compat_model_name_map
    from fastapi.openapi.utils import get_fields_from_routes

    names = get_compat_model_name_map(get_fields_from_routes(list(routes)))
    names.setdefault(ErrorOut, "ErrorOut")
    for model, name in names.items():
        schema = schemas.get(name)
        if not schema or issubclass(model, Enum) or not hasattr(model, "__fields__"):  # enums have no fields
            continue
        never = getattr(model.__config__, "never_null", ())  # left out when empty: "*" for every field
        for field in model.__fields__.values():
            prop = schema.get("properties", {}).get(field.alias)
            if prop is None or not field.allow_none or never == "*" or field.name in never or _allows_null(prop):
                continue
            outer = {k: prop.pop(k) for k in ("title", "description", "default") if k in prop}
            schema["properties"][field.alias] = {**outer, "anyOf": [prop, {"type": "null"}]} if prop else outer


def _whole_bounds(node: Any) -> None:
    """pydantic 1 writes an integer's bounds as floats (maximum: 100.0): written as integers."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if isinstance(node.get(key), float) and node[key].is_integer():
                    node[key] = int(node[key])
        for value in node.values():
            _whole_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _whole_bounds(value)


def _allows_null(prop: Dict[str, Any]) -> bool:
    if not prop:  # {} (Any) takes everything
        return True
    kind = prop.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind) or any(
        s.get("type") == "null" for s in prop.get("anyOf", []))


def link(path: str, method: str, **parameters: str) -> Dict[str, Any]:
    """An OpenAPI link to the operation at `path` and `method`, each parameter taken from the
    response by a JSON pointer: link("/x/{cid}", "get", cid="/conversation/id")."""
    pointer = path.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D")
    return {"operationRef": f"#/paths/{pointer}/{method}",
            "parameters": {name: f"$response.body#{where}" for name, where in parameters.items()}}

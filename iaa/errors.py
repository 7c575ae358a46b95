"""The one shape of every error the front door answers with, and the responses each route
documents, so the OpenAPI schema says what the service really sends.

Every error (4xx and 5xx) is `{"detail": "one plain sentence"}`; a 422 adds `"problems"`, one
`{"field", "problem"}` per thing wrong with the input. `field` is a body field ("text",
"messages.0.text"), "body" for the body as a whole, or a parameter as "query.after",
"path.conversation_id", "header.x-csrf-token"."""
from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class Problem(BaseModel):
    field: str = Field(..., description='where: a body field ("text"), "body", or a parameter ("query.after")')
    problem: str = Field(..., description="what is wrong with it, in plain words")

    class Config:
        extra = "forbid"


class ErrorOut(BaseModel):
    """Every error response: one plain sentence, and for a 422 the problems one by one."""

    detail: str = Field(..., description="what went wrong, as one plain sentence")
    problems: List[Problem] = Field(None, description="422 only: each problem with the input")

    class Config:
        extra = "forbid"
        never_null = ("problems",)  # left out when there are none, never sent as null


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyChecks(BaseModel):
    database: str = Field(..., description='"ok" or "error: ..."')
    rasa: str = Field(..., description='"ok" or "error: ..."')
    action_server: str = Field(..., description='"ok" or "error: ..."')


class ReadyOut(BaseModel):
    status: Literal["ready"]
    checks: ReadyChecks


class NotReadyOut(BaseModel):
    """/readyz's 503: the error shape's sentence, and the checks."""
    detail: str = Field(..., description="what is not ready, as one plain sentence")
    status: Literal["not ready"]
    checks: ReadyChecks


# Keyed int | str, as FastAPI's `responses=` is.
READY_RESPONSES: Dict[Union[int, str], Dict[str, Any]] = {
    200: {"model": ReadyOut, "description": "Ready"},
    503: {"model": NotReadyOut, "description": "Something the front door needs is down"}}


def error_response(status: int, detail: str, problems: Optional[List[Dict[str, str]]] = None,
                   headers: Optional[Mapping[str, str]] = None) -> JSONResponse:
    body: Dict[str, Any] = {"detail": detail or "Error"}
    if problems is not None:
        body["problems"] = problems
    return JSONResponse(body, status_code=status, headers=headers)


def summary(problems: Sequence[Dict[str, str]]) -> str:
    """The 422's sentence: every problem, "field: problem", in one line."""
    if not problems:
        return "The request is not valid."
    listed = "; ".join(f"{p['field']}: {p['problem']}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"The request is not valid: {listed}{more}."


def invalid(location: Tuple[str, ...], message: str) -> RequestValidationError:
    """A 422 the app decides itself (an unknown town, 'from' after 'to'), in the same shape as
    the ones FastAPI finds: raise it from a route or a dependency."""
    return RequestValidationError([{"loc": tuple(location), "msg": message, "type": "value_error"}])


# -- what routes document -------------------------------------------------------------------------

DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8, or a form that cannot be parsed)",
    401: "Not signed in, or the session has ended",
    403: "Not allowed: wrong role, or the X-CSRF-Token header missing or wrong",
    404: "Not found",
    409: "Conflicts with the conversation's current state",
    413: "The request body is larger than this service accepts",
    422: "The input is not valid: see problems",
    429: "Too many requests: try again after Retry-After seconds",
    500: "Something went wrong in the front door",
    502: "Saved, but a service further on (SMS) failed",
    503: "A service the front door needs is not available",
}

RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer", "minimum": 1}}}


def responses(*codes: int, **described: str) -> Dict[Union[int, str], Dict[str, Any]]:
    """`responses=` for a route: these statuses with the error shape; `described` overrides a
    description, e.g. responses(404, 409, d404="No such conversation")."""
    out: Dict[Union[int, str], Dict[str, Any]] = {}
    for code in codes:
        entry: Dict[str, Any] = {"model": ErrorOut,
                                 "description": described.get(f"d{code}", DESCRIPTIONS.get(code, "Error"))}
        if code == 429:
            entry["headers"] = RETRY_AFTER
        out[code] = entry
    return out


# -- the handlers ---------------------------------------------------------------------------------

def install(app) -> None:
    """Every error the app raises (FastAPI's validation, HTTPException, an unexpected exception)
    answered in the one shape."""
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(RequestValidationError)
    async def _bad_input(_, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": _field(e), "problem": _plain(e)} for e in exc.errors()]
        return error_response(422, summary(problems), problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            detail = "the body must be JSON encoded as UTF-8"
        # A 422 the app found itself (e.g. the desk's "No member of staff called ..."): one problem.
        problems = [{"field": "body", "problem": str(detail)}] if exc.status_code == 422 else None
        return error_response(exc.status_code, str(detail), problems, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _server_error(_, exc: Exception) -> JSONResponse:
        # Starlette logs the exception; the client gets the one shape, not a bare text page.
        return error_response(500, "Something went wrong in the front door. Please try again or phone us.")


def _field(error: Dict[str, Any]) -> str:
    if error.get("type") in ("json_invalid", "value_error.jsondecode"):
        return "body"
    return ".".join(str(p) for p in error["loc"] if p != "body") or "body"


def _plain(error: Dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind in ("json_invalid", "value_error.jsondecode"):
        reason = (error.get("ctx") or {}).get("error", "")
        return f"the body is not valid JSON ({reason})" if reason else "the body is not valid JSON"
    if kind == "value_error.extra":
        return "unknown field"
    if kind == "value_error.missing":
        return "this field is required"
    return error.get("msg", "invalid")

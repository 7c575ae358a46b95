"""What the console's route modules share (console/api.py, console/flag_api.py): the role checks,
the documentation every signed-in route carries, and the staff desk the routes call."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Union

from anyio import to_thread
from fastapi import HTTPException, Request

from iaa.errors import responses
from iaa.openapi import link

from .auth import require
from .desk import DeskError, StaffDesk

STAFF = require("staff", "admin")
PLANNER = require("planner", "admin")
ADMIN = require("admin")
MAX_ID = 2**53 - 1  # ids and offsets: SQLite holds 2**63 - 1; JSON numbers are exact to 2**53


CONVERSATION_OPERATIONS = (("get", ""), ("post", "/claim"), ("post", "/reply"), ("post", "/notes"),
                           ("post", "/release"), ("post", "/transfer"), ("post", "/return-to-bot"),
                           ("post", "/close"))


def to_conversation(pointer: str) -> Dict[str, Any]:
    """OpenAPI links from a response naming a conversation (its id at `pointer`) to what staff can
    do with it: schemathesis follows them."""
    return {f"{method}{suffix.replace('/', '_') or '_conversation'}":
            link("/console/api/conversations/{cid}" + suffix, method, cid=pointer)
            for method, suffix in CONVERSATION_OPERATIONS}


def signed_in(*codes: int, write: bool = False, out: Any = None, also: Optional[Dict[Union[int, str], Any]] = None,
              links: Optional[Dict[str, Any]] = None, **described: str) -> Dict[str, Any]:
    """A route's documentation: it needs a session (and for a POST the CSRF header), answers 401
    without one and 403 to the wrong role (or a missing CSRF token), and these statuses of its own;
    `out` is the model its 200 answers with (the keys the route sets, validated by FastAPI)."""
    scheme: Dict[str, List[str]] = {"session": [], "csrf": []} if write else {"session": []}
    documented: Dict[Union[int, str], Any] = {**(also or {}), **responses(401, 403, *codes, **described)}
    extra: Dict[str, Any] = {}
    if out is not None:
        documented[200] = {"model": out, "description": "Successful Response", **({"links": links} if links else {})}
        extra.update(response_model=out, response_model_exclude_unset=True)
    return {"responses": documented, "openapi_extra": {"security": [scheme]}, **extra}


def desk_of(request: Request) -> StaffDesk:
    return request.app.state.desk


async def run_desk(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return await to_thread.run_sync(fn, *args)
    except DeskError as e:
        raise HTTPException(e.status, e.detail)

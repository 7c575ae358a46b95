"""Console routes: sign-in, the live queue, conversation actions, audit, planners' statistics.
The safeguarding-flag routes are in console/flag_api.py, included in this router."""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel, Field, StrictStr, validator
from sqlalchemy import func, select

from iaa.db import read_scope, session_scope
from iaa.errors import responses
from iaa.headers import websocket_origin_allowed
from iaa.settings import get_settings
from iaa.states import Priority, Status
from iaa.texts import fill
from iaa.validation import encodable, typed_text, typed_text_schema

from . import auth, flag_api, insights_api
from .auth import COOKIE, LoginRefused, Staff, require
from .canned import text_in
from .desk import STAFF_OUTCOMES, StaffDesk
from .flag_api import FlagOut
from .routing import ADMIN, MAX_ID, STAFF, desk_of, run_desk, signed_in, to_conversation
from iaa.models import AuditEntry

STATIC = Path(__file__).resolve().parent / "static"
router = APIRouter(tags=["console"])
SESSION_RECHECK_SECONDS = 10

# The sign-in the OpenAPI document declares (iaa/openapi.py adds them to its components).
SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": COOKIE,
                "description": "The session cookie POST /console/api/login sets."},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
             "description": "csrf_token from the login reply or GET /console/api/me: on every POST."},
}




class LoginIn(BaseModel):
    username: StrictStr = Field(..., max_length=64)
    password: StrictStr = Field(..., max_length=1024)

    _unicode = validator("username", "password", allow_reuse=True)(encodable)


# Built outside the class: mypy reads pydantic's Field as a dataclass field and cannot check **kwargs there.
_TEXT_FIELD = Field(..., description="1 to 4000 characters, not only spaces", **typed_text_schema(4000))


class TextIn(BaseModel):
    text: StrictStr = _TEXT_FIELD

    @validator("text")
    def _text(cls, v: str) -> str:
        return typed_text(v, 4000)


class TransferIn(BaseModel):
    username: StrictStr = Field(..., max_length=64, description="a member of staff (GET /console/api/staff)")


class CloseIn(BaseModel):
    outcome: StrictStr = Field(..., description=" | ".join(STAFF_OUTCOMES), enum=list(STAFF_OUTCOMES))


# -- what the other routes answer: each route's response_model (the routes build dicts; FastAPI
# checks them against these and sends the keys the route set; tests/test_contract.py holds the
# running service to them).

class UserOut(BaseModel):
    username: str
    name: str = Field(..., description="first name, as citizens see it")
    role: Literal["staff", "planner", "admin"]
    speaks_welsh: bool = Field(..., description="Welsh conversations are offered to them first")


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(..., description="send it as X-CSRF-Token on every POST")


class StaffNameOut(BaseModel):
    username: str
    name: str
    speaks_welsh: bool = Field(..., description="can serve citizens in Welsh")


class CallbackOut(BaseModel):
    phone: str
    consented_at: Optional[str] = Field(...)


class ItemOut(BaseModel):
    """A conversation as the queue shows it."""
    id: str
    status: Literal[Status.values()]  # type: ignore[valid-type]  # "bot" | "waiting" | "with_staff" | "closed"
    priority: Literal[Priority.values()]  # type: ignore[valid-type]  # "urgent" | "normal"
    reason: Optional[str] = Field(..., description="safeguarding | advice | assistance | requested | fallback")
    language: str
    channel: str = Field(..., description="web | sms")
    waiting_since: Optional[str] = Field(...)
    due_by: Optional[str] = Field(..., description="3 working days after waiting_since")
    overdue: bool
    assigned_to: Optional[StaffNameOut] = Field(...)
    welsh_speaker_wanted: bool = Field(..., description="the person chose Welsh (language cy)")
    leave_to_welsh_speaker: bool = Field(
        ..., description="waiting in Welsh, you do not speak Welsh and a Welsh speaker is signed in: "
                         "leave it to them if you can (a request, not a block)")
    welsh_speakers_on_duty: List[str] = Field(
        ..., description="first names of those Welsh speakers, when leave_to_welsh_speaker")
    summary: Dict[str, Any]
    callback: Optional[CallbackOut] = Field(...)
    sms_opted_out_at: Optional[str] = Field(
        None, description="SMS: when the texter sent STOP (closed; no text can be sent until they send START)")


class QueueOut(BaseModel):
    conversations: List[ItemOut]


class AuthorOut(BaseModel):
    name: str


class ButtonOut(BaseModel):
    title: str
    payload: str


class DeliveryOut(BaseModel):
    """A text sent to an SMS citizen and what Twilio last said became of it."""
    id: int
    message_id: Optional[int] = Field(..., description="the message it carried, when there is one")
    kind: str = Field(..., description="reply | deferred | staff | more | keyword")
    status: str = Field(..., description="Twilio's status (queued, sent, delivered, undelivered, failed...) or error")
    error_code: Optional[int] = Field(..., description="Twilio's error code, e.g. 30003 unreachable, 30005 unknown number")
    failed: bool = Field(..., description="failed, undelivered or never accepted: the person did not get it")
    segments: Optional[int] = Field(...)
    encoding: Optional[str] = Field(..., description="GSM-7 | UCS-2")
    at: str


class MessageOut(BaseModel):
    id: int
    sender: Literal["citizen", "bot", "staff", "system"]
    text: str = Field(..., description="plain text: show it with textContent only")
    at: str
    author: Optional[AuthorOut] = Field(...)
    flag: FlagOut = Field(None, description="a flagged citizen message's latest flag")
    buttons: List[ButtonOut] = Field(None, description="the buttons a bot message offered")
    services: List[Dict[str, Any]] = Field(None, description="the service cards a bot message showed")
    delivery: DeliveryOut = Field(None, description="SMS: what became of the text that carried this message")

    class Config:
        never_null = ("flag", "buttons", "services", "delivery")  # left out when there is none


class NoteOut(BaseModel):
    id: int
    text: str
    at: str
    author: AuthorOut


class ConversationOut(BaseModel):
    conversation: ItemOut
    messages: List[MessageOut]
    notes: List[NoteOut]
    flags: List[FlagOut]
    sms_deliveries: List[DeliveryOut] = Field([], description="SMS: every text sent in it, oldest first")


class ClaimedOut(BaseModel):
    conversation: ItemOut


class ReplyOut(BaseModel):
    message: MessageOut


class NoteAddedOut(BaseModel):
    note: NoteOut


class StatusOut(BaseModel):
    status: Literal[Status.values()] = Field(..., description="the conversation's status now")  # type: ignore[valid-type]


class CannedReplyOut(BaseModel):
    id: str
    title: str
    text: str  # in the language asked for (?language=), English if none
    text_en: str
    text_cy: str


class CannedRepliesOut(BaseModel):
    replies: List[CannedReplyOut]


class StaffListOut(BaseModel):
    staff: List[StaffNameOut]


class AuditEntryOut(BaseModel):
    at: str
    user: Optional[str] = Field(..., description="the username, kept if the account is deleted")
    action: str
    conversation_id: Optional[str] = Field(...)
    detail: str


class AuditOut(BaseModel):
    entries: List[AuditEntryOut]
    total: int


# -- pages -------------------------------------------------------------------------------------

def _page(name: str, request: Request, roles: tuple) -> Response:
    staff = auth.current_staff(request)
    if staff is None or staff.role not in roles:
        return RedirectResponse("/console/login", status_code=303)
    return FileResponse(STATIC / name, headers={"Cache-Control": "no-store"})


@router.get("/console/login", include_in_schema=False)
def login_page() -> FileResponse:
    return FileResponse(STATIC / "login.html")


@router.get("/console", include_in_schema=False)
def console_page(request: Request) -> Response:
    return _page("console.html", request, ("staff", "admin"))


@router.get("/console/audit", include_in_schema=False)
def audit_page(request: Request) -> Response:
    return _page("audit.html", request, ("admin",))


@router.get("/console/safeguarding", include_in_schema=False)
def safeguarding_page(request: Request) -> Response:
    return _page("safeguarding.html", request, ("staff", "admin"))


@router.get("/insights", include_in_schema=False)
def insights_page(request: Request) -> Response:
    return _page("insights.html", request, ("planner", "admin"))


# -- sign-in -----------------------------------------------------------------------------------

def _sign_in_backoff(app) -> auth.SignInBackoff:
    # One per application (the event loop runs this, so there is no race to create it).
    backoff = getattr(app.state, "sign_in_backoff", None)
    if backoff is None:
        settings = getattr(app.state, "settings", None) or get_settings()
        backoff = app.state.sign_in_backoff = auth.SignInBackoff.from_settings(settings)
    return backoff


@router.post("/console/api/login", response_model=SessionOut, response_model_exclude_unset=True,
              responses={200: {"model": SessionOut, "description": "Signed in: the cookie is set"},
                         **responses(401, 429, d401="Wrong username or password")})
async def login(body: LoginIn, request: Request, response: Response) -> Dict[str, Any]:
    # uvicorn has already applied X-Forwarded-For from trusted proxies to request.client.
    address = request.client.host if request.client else ""
    request.app.state.limits.sign_in(address)  # 429 with Retry-After, before any hashing
    try:
        token, staff = await to_thread.run_sync(auth.login, body.username, body.password, address,
                                                _sign_in_backoff(request.app),
                                                limiter=getattr(request.app.state, "sign_in_threads", None))
    except LoginRefused as e:
        # The same status, body and headers for every reason (see console.auth).
        raise HTTPException(e.status, e.detail)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https" or get_settings().mode == "production", max_age=auth.SESSION_HOURS * 3600)
    return {"user": staff.public(), "csrf_token": staff.csrf_token}


@router.post("/console/api/logout", status_code=204, response_class=Response, **signed_in(write=True))
def logout(request: Request, staff: Staff = Depends(require("staff", "planner", "admin"))) -> Response:
    auth.logout(request.cookies.get(COOKIE, ""))
    with session_scope() as db:
        auth.audit(db, staff, "logout")
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/console/api/me", **signed_in(out=SessionOut))
def me(staff: Staff = Depends(require("staff", "planner", "admin"))) -> Dict[str, Any]:
    return {"user": staff.public(), "csrf_token": staff.csrf_token}


# -- queue and conversations ---------------------------------------------------------------------

@router.get("/console/api/queue", **signed_in(out=QueueOut, links=to_conversation("/conversations/0/id")))
async def queue(request: Request, staff: Staff = Depends(STAFF),
                language: Optional[Literal["en", "cy"]] = Query(
                    None, description="only conversations in this language")) -> Dict[str, Any]:
    return {"conversations": await run_desk(desk_of(request).queue, staff, language)}


@router.get("/console/api/conversations/{cid}",
            **signed_in(404, out=ConversationOut, d404="No such conversation",
                        links=to_conversation("/conversation/id")))
async def conversation(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return await run_desk(desk_of(request).conversation, staff, cid)


@router.post("/console/api/conversations/{cid}/claim",
              **signed_in(404, 409, 502, write=True, out=ClaimedOut, links=to_conversation("/conversation/id")))
async def claim(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"conversation": await run_desk(desk_of(request).claim, staff, cid)}


@router.post("/console/api/conversations/{cid}/reply", **signed_in(404, 409, 502, write=True, out=ReplyOut))
async def reply(cid: str, body: TextIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"message": await run_desk(desk_of(request).reply, staff, cid, body.text)}


@router.post("/console/api/conversations/{cid}/notes", **signed_in(404, write=True, out=NoteAddedOut))
async def note(cid: str, body: TextIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"note": await run_desk(desk_of(request).note, staff, cid, body.text)}


@router.post("/console/api/conversations/{cid}/release", **signed_in(404, 409, 502, write=True, out=StatusOut))
async def release(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await run_desk(desk_of(request).release, staff, cid)
    return {"status": Status.WAITING}


@router.post("/console/api/conversations/{cid}/transfer", **signed_in(404, 409, 502, write=True, out=StatusOut))
async def transfer(cid: str, body: TransferIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await run_desk(desk_of(request).transfer, staff, cid, body.username)
    return {"status": Status.WITH_STAFF}


@router.post("/console/api/conversations/{cid}/return-to-bot",
              **signed_in(404, 409, 502, 503, write=True, out=StatusOut))
async def return_to_bot(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await run_desk(desk_of(request).return_to_bot, staff, cid)
    return {"status": Status.BOT}


@router.post("/console/api/conversations/{cid}/close", **signed_in(404, 409, 502, write=True, out=StatusOut))
async def close(cid: str, body: CloseIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await run_desk(desk_of(request).close, staff, cid, body.outcome)
    return {"status": Status.CLOSED}


@router.get("/console/api/canned-replies", **signed_in(out=CannedRepliesOut))
def canned_replies(request: Request, staff: Staff = Depends(STAFF),
                   language: Optional[Literal["en", "cy"]] = Query(
                       None, description="the conversation's language: `text` is in it (English if not given)"),
                   ) -> Dict[str, Any]:
    """Every canned reply filled from the council profile, in English and Welsh; `text` is the
    one in the conversation's language, so the console offers that one."""
    profile = request.app.state.profile()
    replies = []
    for r in request.app.state.canned_replies:
        en, cy = fill(text_in(r, "en"), profile), fill(text_in(r, "cy"), profile)
        replies.append({"id": r["id"], "title": r["title"], "text": cy if language == "cy" else en,
                        "text_en": en, "text_cy": cy})
    return {"replies": replies}


@router.get("/console/api/staff", **signed_in(out=StaffListOut))
async def staff_list(request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"staff": await run_desk(desk_of(request).staff_list)}


# -- safeguarding flags -----------------------------------------------------------------------

# (their routes: console/flag_api.py, included here so the paths keep their order)
router.include_router(flag_api.router)
router.include_router(insights_api.router)


# -- admin and planners --------------------------------------------------------------------------

@router.get("/console/api/audit", **signed_in(out=AuditOut))
def audit_log(limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_ID),
              staff: Staff = Depends(ADMIN)) -> Dict[str, Any]:
    with read_scope() as db:
        total = db.scalar(select(func.count()).select_from(AuditEntry))
        rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
        entries = [{"at": r.at.replace(tzinfo=dt.timezone.utc).isoformat(), "user": r.username,
                    "action": r.action, "conversation_id": r.conversation_id, "detail": r.detail}
                   for r in rows]
    return {"entries": entries, "total": total}


# -- live queue ------------------------------------------------------------------------------------

@router.websocket("/console/ws")
async def console_socket(ws: WebSocket) -> None:
    # The session cookie travels with any page's websocket: only the console's own pages may open it.
    if not websocket_origin_allowed(ws.scope, ws.app.state.settings.public_base_url):
        await ws.close(code=1008)
        return
    token = ws.cookies.get(COOKIE)
    staff = await to_thread.run_sync(auth.staff_from_token, token)
    if staff is None or staff.role not in ("staff", "admin"):
        await ws.close(code=4401)
        return
    await ws.accept()
    desk: StaffDesk = ws.app.state.desk
    hub = desk.hub
    events: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
    queue_sub = hub.subscribe("queue")
    watched: Dict[str, Any] = {}

    async def forward(sub, transform):
        while True:
            event = await sub[1].get()
            await events.put(await transform(event))

    async def queue_frame(_event):
        return {"type": "queue", "conversations": await to_thread.run_sync(desk.queue, staff)}

    async def same(event):
        return event

    tasks = [asyncio.create_task(forward(queue_sub, queue_frame))]

    async def sender():
        await ws.send_json(await queue_frame(None))
        while True:
            await ws.send_json(await events.get())

    async def session_watch():
        # Signing out or the session expiring ends the live feed too, not only the pages.
        while True:
            await asyncio.sleep(SESSION_RECHECK_SECONDS)
            if await to_thread.run_sync(auth.staff_from_token, token) is None:
                await ws.close(code=4401)
                return

    send_task = asyncio.create_task(sender())
    tasks.append(asyncio.create_task(session_watch()))
    try:
        while True:
            frame = await ws.receive_json()
            if isinstance(frame, dict) and frame.get("type") == "watch" and isinstance(frame.get("conversation_id"), str):
                if watched:
                    watched["task"].cancel()
                    hub.unsubscribe(watched["topic"], watched["sub"])
                topic = f"staff:{frame['conversation_id']}"
                sub = hub.subscribe(topic)
                watched = {"topic": topic, "sub": sub, "task": asyncio.create_task(forward(sub, same))}
    except (WebSocketDisconnect, ValueError, RuntimeError):
        pass
    finally:
        send_task.cancel()
        for t in tasks:
            t.cancel()
        hub.unsubscribe("queue", queue_sub)
        if watched:
            watched["task"].cancel()
            hub.unsubscribe(watched["topic"], watched["sub"])

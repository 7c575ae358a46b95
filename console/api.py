"""Console routes: sign-in, the live queue, conversation actions, audit, planners' statistics."""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field, StrictStr, validator
from sqlalchemy import func, select

from iaa.db import session_scope
from iaa.settings import get_settings
from iaa.texts import fill
from iaa.validation import encodable, typed_text

from . import auth, flags
from .auth import COOKIE, LoginRefused, Staff, require
from .desk import STAFF_OUTCOMES, DeskError, StaffDesk, stats
from .models import AuditEntry

STATIC = Path(__file__).resolve().parent / "static"
router = APIRouter(tags=["console"])
STAFF = require("staff", "admin")
PLANNER = require("planner", "admin")
ADMIN = require("admin")
SESSION_RECHECK_SECONDS = 10


class LoginIn(BaseModel):
    username: StrictStr = Field(..., max_length=64)
    password: StrictStr = Field(..., max_length=1024)

    _unicode = validator("username", "password", allow_reuse=True)(encodable)


class TextIn(BaseModel):
    text: StrictStr

    @validator("text")
    def _text(cls, v: str) -> str:
        return typed_text(v, 4000)


class TransferIn(BaseModel):
    username: StrictStr


class CloseIn(BaseModel):
    outcome: StrictStr = Field(..., description=" | ".join(STAFF_OUTCOMES))


class ReviewIn(BaseModel):
    review: Literal["real", "false_alarm"]


class NameOut(BaseModel):
    name: str


class FlagOut(BaseModel):
    """Why a message was flagged (a cue id, or "learned" and its score), never its words."""
    id: int
    conversation_id: Optional[str] = Field(None, description="null once the conversation is purged")
    message_id: Optional[int]
    at: Optional[str]
    channel: str
    tier: str = Field(..., description="urgent | check")
    concern: str
    theme: str
    language: str
    cue: str = Field(..., description='a lexicon cue id, or "learned"')
    score: Optional[float] = Field(None, description="the learned screen's chance of risk")
    in_context: bool = Field(..., description="flagged only when read with the previous message")
    answer: Optional[str] = Field(None, description="the citizen's answer to a check-in: yes | no | other")
    review: Optional[str] = Field(None, description="real | false_alarm")
    reviewed_at: Optional[str]
    reviewed_by: Optional[NameOut]


class FlagReviewOut(BaseModel):
    flag: FlagOut


class FlagListOut(BaseModel):
    flags: List[FlagOut]
    total: int


class AnswersOut(BaseModel):
    yes: int
    no: int
    other: int


class FlagCountsOut(BaseModel):
    flags: int
    urgent: int
    check: int
    real: int
    false_alarm: int
    not_reviewed: int
    answers: AnswersOut = Field(..., description="check-ins answered yes, no or otherwise")
    precision: Optional[float] = Field(..., description="real / (real + false_alarm); null when none reviewed")


class FlagWeekOut(FlagCountsOut):
    week: str = Field(..., description="ISO week, e.g. 2026-W49")
    starts: dt.date


class FlagCueOut(FlagCountsOut):
    cue: str
    tier: str


class FlagWeeksOut(BaseModel):
    first_day: dt.date
    last_day: dt.date
    weeks: List[FlagWeekOut]
    total: FlagCountsOut
    cues: List[FlagCueOut] = Field(..., description="most false alarms first")


def _desk(request) -> StaffDesk:
    return request.app.state.desk


async def _run(fn, *args):
    try:
        return await to_thread.run_sync(fn, *args)
    except DeskError as e:
        raise HTTPException(e.status, e.detail)


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


@router.post("/console/api/login")
async def login(body: LoginIn, request: Request, response: Response) -> Dict[str, Any]:
    # uvicorn has already applied X-Forwarded-For from trusted proxies to request.client.
    address = request.client.host if request.client else ""
    try:
        token, staff = await to_thread.run_sync(auth.login, body.username, body.password, address,
                                                _sign_in_backoff(request.app))
    except LoginRefused as e:
        # The same status, body and headers for every reason (see console.auth).
        raise HTTPException(e.status, e.detail)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=get_settings().mode == "production", max_age=auth.SESSION_HOURS * 3600)
    return {"user": staff.public(), "csrf_token": staff.csrf_token}


@router.post("/console/api/logout", status_code=204)
def logout(request: Request, staff: Staff = Depends(require("staff", "planner", "admin"))) -> Response:
    auth.logout(request.cookies.get(COOKIE, ""))
    with session_scope() as db:
        auth.audit(db, staff, "logout")
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/console/api/me")
def me(staff: Staff = Depends(require("staff", "planner", "admin"))) -> Dict[str, Any]:
    return {"user": staff.public(), "csrf_token": staff.csrf_token}


# -- queue and conversations ---------------------------------------------------------------------

@router.get("/console/api/queue")
async def queue(request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"conversations": await _run(_desk(request).queue)}


@router.get("/console/api/conversations/{cid}")
async def conversation(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return await _run(_desk(request).conversation, staff, cid)


@router.post("/console/api/conversations/{cid}/claim")
async def claim(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"conversation": await _run(_desk(request).claim, staff, cid)}


@router.post("/console/api/conversations/{cid}/reply")
async def reply(cid: str, body: TextIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"message": await _run(_desk(request).reply, staff, cid, body.text)}


@router.post("/console/api/conversations/{cid}/notes")
async def note(cid: str, body: TextIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"note": await _run(_desk(request).note, staff, cid, body.text)}


@router.post("/console/api/conversations/{cid}/release")
async def release(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await _run(_desk(request).release, staff, cid)
    return {"status": "waiting"}


@router.post("/console/api/conversations/{cid}/transfer")
async def transfer(cid: str, body: TransferIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await _run(_desk(request).transfer, staff, cid, body.username)
    return {"status": "with_staff"}


@router.post("/console/api/conversations/{cid}/return-to-bot")
async def return_to_bot(cid: str, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await _run(_desk(request).return_to_bot, staff, cid)
    return {"status": "bot"}


@router.post("/console/api/conversations/{cid}/close")
async def close(cid: str, body: CloseIn, request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, str]:
    await _run(_desk(request).close, staff, cid, body.outcome)
    return {"status": "closed"}


@router.get("/console/api/canned-replies")
def canned_replies(request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    profile = request.app.state.profile()
    return {"replies": [{"id": r["id"], "title": r["title"], "text": fill(r["text"], profile)}
                        for r in request.app.state.canned_replies]}


@router.get("/console/api/staff")
async def staff_list(request: Request, staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"staff": await _run(_desk(request).staff_list)}


# -- safeguarding flags -----------------------------------------------------------------------

@router.post("/console/api/flags/{flag_id}/review", response_model=FlagReviewOut)
async def review_flag(flag_id: int, body: ReviewIn, request: Request,
                      staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"flag": await _run(_desk(request).review_flag, staff, flag_id, body.review)}


@router.get("/console/api/safeguarding/weeks", response_model=FlagWeeksOut)
async def flag_weeks(request: Request, weeks: int = Query(12, ge=1, le=104),
                     staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    timezone = request.app.state.profile().opening_hours.timezone
    return await to_thread.run_sync(flags.weeks, weeks, timezone)


@router.get("/console/api/safeguarding/flags", response_model=FlagListOut)
async def flag_list(reviewed: Optional[bool] = Query(None, description="false: only those not yet reviewed"),
                    limit: int = Query(50, ge=1, le=500), staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return await to_thread.run_sync(flags.recent, reviewed, limit)


@router.get("/console/api/safeguarding/export", response_class=Response,
            responses={200: {"content": {"text/yaml": {}},
                             "description": "candidate labelled examples, for a person to check"}})
async def flag_export(since: Optional[dt.date] = Query(None, description="only flags reviewed on or after"),
                      staff: Staff = Depends(ADMIN)) -> Response:
    text = await to_thread.run_sync(flags.export, staff, since)
    name = f"safeguarding-candidates-{dt.date.today().isoformat()}.yml"
    return Response(text, media_type="text/yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# -- admin and planners --------------------------------------------------------------------------

@router.get("/console/api/audit")
def audit_log(limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0),
              staff: Staff = Depends(ADMIN)) -> Dict[str, Any]:
    with session_scope() as db:
        total = db.scalar(select(func.count()).select_from(AuditEntry))
        rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
        entries = [{"at": r.at.replace(tzinfo=dt.timezone.utc).isoformat(), "user": r.username,
                    "action": r.action, "conversation_id": r.conversation_id, "detail": r.detail}
                   for r in rows]
    return {"entries": entries, "total": total}


@router.get("/console/api/stats")
def enquiry_stats(date_from: Optional[dt.date] = Query(None, alias="from"),
                  date_to: Optional[dt.date] = Query(None, alias="to"),
                  staff: Staff = Depends(PLANNER)) -> Dict[str, Any]:
    today = dt.date.today()
    date_to = date_to or today
    date_from = date_from or date_to - dt.timedelta(days=30)
    if date_from > date_to:
        raise HTTPException(422, "'from' must not be after 'to'")
    return stats(date_from, date_to)


# -- live queue ------------------------------------------------------------------------------------

@router.websocket("/console/ws")
async def console_socket(ws: WebSocket) -> None:
    token = ws.cookies.get(COOKIE)
    staff = auth.staff_from_token(token)
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
        return {"type": "queue", "conversations": await to_thread.run_sync(desk.queue)}

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

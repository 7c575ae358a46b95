"""Web chat: the JSON API (POST /api/chat) and the widget's websocket (/api/chat/ws)."""
from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Dict, List, Literal, Optional

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Path, Query, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, StrictStr, validator

from channels.conversations import ConversationService, Turn, UnknownConversation, run_citizen_turn
from iaa.db import read_scope
from iaa.headers import websocket_origin_allowed
from iaa.limits import TooMany, client_address
from iaa.models import Conversation
from iaa.errors import responses
from iaa.openapi import link
from iaa.settings import setting
from iaa.validation import typed_text, typed_text_schema

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/chat", tags=["chat"])

# Characters; longer messages are refused with a clear 422. The one limit (IAA_MAX_MESSAGE_CHARS),
# also served to the widget (data-max-chars on its script tag) and applied to SMS.
MAX_TEXT = setting("max_message_chars")
CONVERSATION_ID = r"^[0-9a-f]{32}$"


# Built outside the class: mypy reads pydantic's Field as a dataclass field and cannot check **kwargs there.
_TEXT_FIELD = Field(..., description=f"What the citizen typed, 1 to {MAX_TEXT} characters, not only spaces.",
                    **typed_text_schema(MAX_TEXT))


class ChatIn(BaseModel):
    conversation_id: Optional[str] = Field(None, regex=CONVERSATION_ID,
                                           description="Omit to start a new conversation.")
    text: StrictStr = _TEXT_FIELD
    lang: Optional[Literal["en", "cy"]] = Field(None, description="en or cy; omit to keep the current language.")

    class Config:
        extra = "forbid"

    @validator("text")
    def _text(cls, v: str) -> str:
        return typed_text(v, MAX_TEXT)


class Button(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    id: Optional[int] = Field(None, description="The message's number in the conversation, rising")
    sender: str = Field(..., description="bot, staff or system")
    text: str
    buttons: Optional[List[Button]] = None
    services: Optional[List[Dict[str, Any]]] = None


class Handoff(BaseModel):
    reason: str = Field(..., description="safeguarding, advice, assistance, requested or fallback")
    priority: str = Field(..., description="urgent or normal")


class ChatOut(BaseModel):
    conversation_id: str
    status: str = Field(..., description="bot, waiting, with_staff or closed")
    language: str
    messages: List[ChatMessage]
    handoff: Optional[Handoff]
    last_message_id: Optional[int] = Field(
        None, description="The newest message id in this reply: ask for what came after it with "
                          "GET /api/chat/{conversation_id}/messages?after=")


def _service(request_or_ws) -> ConversationService:
    return request_or_ws.app.state.conversations


async def _handle(request_or_ws, conversation_id: Optional[str], text: str, lang: Optional[str]) -> Turn:
    """One citizen message, counted against the rate limits first: a refused message creates
    nothing (no conversation, no enquiry record, no queue entry)."""
    state = request_or_ws.app.state
    state.limits.chat(client_address(request_or_ws), conversation_id)
    return await run_citizen_turn(state, conversation_id, text, lang, "web")


@router.post("", response_model=ChatOut, response_model_exclude_unset=True,
             responses={200: {"description": "The replies", "links": {"messages": link(
                 "/api/chat/{conversation_id}/messages", "get", conversation_id="/conversation_id")}},
                 **responses(404, 422, d404="Unknown conversation")})
async def chat(body: ChatIn, request: Request) -> Dict[str, Any]:
    """Send a citizen's message; get the replies. Start a conversation by omitting conversation_id."""
    try:
        turn = await _handle(request, body.conversation_id, body.text, body.lang)
    except UnknownConversation:
        raise HTTPException(404, "No conversation with that id. Omit conversation_id to start a new one.")
    return turn.as_dict()


@router.get("/{conversation_id}/messages", response_model=ChatOut, response_model_exclude_unset=True,
            responses=responses(404, 422, d404="Unknown conversation"))
async def messages_since(request: Request, conversation_id: str = Path(..., regex=CONVERSATION_ID),
                         after: int = Query(0, ge=0, le=2**53 - 1, description="Only messages with a larger id")
                         ) -> Dict[str, Any]:
    """What the citizen was sent after message `after` (staff replies, the bot, the service), up
    to 200 at a time: for a widget that reconnects, reloads or polls without a websocket."""
    try:
        turn = await to_thread.run_sync(_service(request).messages_since, conversation_id, after)
    except UnknownConversation:
        raise HTTPException(404, "No conversation with that id.")
    return turn.as_dict()


@router.websocket("/ws")
async def chat_socket(ws: WebSocket) -> None:
    """Frames in: {"type":"hello","conversation_id"?,"lang"?} then {"type":"message","text","lang"?}.
    Frames out: {"type":"hello","conversation_id"}, {"type":"update", ...ChatOut fields},
    {"type":"error","detail"} (with "retry_after" seconds when sent too fast). Only the front
    door's own pages may open it (the widget runs in them, framed on council sites)."""
    if not websocket_origin_allowed(ws.scope, ws.app.state.settings.public_base_url, allow_missing=True):
        await ws.close(code=1008)  # policy violation: a foreign page
        return
    await ws.accept()
    service = _service(ws)
    conversation_id: Optional[str] = None
    sub = None
    try:
        while True:
            event = await ws.receive()
            if event["type"] == "websocket.disconnect":
                break
            raw = event.get("text")
            if raw is None:  # a binary frame
                await ws.send_json({"type": "error", "detail": "frames must be JSON text"})
                continue
            try:
                frame = json.loads(raw)
                if not isinstance(frame, dict):
                    raise ValueError
            except ValueError:
                await ws.send_json({"type": "error", "detail": "frames must be JSON objects"})
                continue
            kind = frame.get("type")
            if kind == "hello":
                wanted = frame.get("conversation_id")
                if wanted is not None and not await to_thread.run_sync(_valid_id, wanted):
                    await ws.send_json({"type": "error", "detail": "unknown conversation; starting a new one"})
                    wanted = None
                conversation_id = wanted
                await ws.send_json({"type": "hello", "conversation_id": conversation_id})
                sub = _resubscribe(service, ws, sub, conversation_id)
            elif kind == "message":
                try:
                    body = ChatIn.parse_obj({"conversation_id": conversation_id, "text": frame.get("text"),
                                            "lang": frame.get("lang")})
                except Exception as e:  # pydantic.ValidationError
                    await ws.send_json({"type": "error", "detail": _first_error(e)})
                    continue
                try:
                    turn = await _handle(ws, conversation_id, body.text, body.lang)
                except TooMany as e:
                    await ws.send_json({"type": "error", "retry_after": e.retry_after,
                                        "detail": f"too many messages: try again in {e.retry_after} seconds"})
                    continue
                except UnknownConversation:
                    await ws.send_json({"type": "error", "detail": "unknown conversation"})
                    continue
                if turn.conversation_id != conversation_id:
                    conversation_id = turn.conversation_id
                    sub = _resubscribe(service, ws, sub, conversation_id)
                await ws.send_json({"type": "update", **turn.as_dict()})
            else:
                await ws.send_json({"type": "error", "detail": "unknown frame type"})
    except WebSocketDisconnect:
        pass
    finally:
        if sub:
            sub[1].cancel()
            service.hub.unsubscribe(sub[0], sub[2])


def _valid_id(value: Any) -> bool:
    if not isinstance(value, str) or not re.match(CONVERSATION_ID, value):
        return False
    with read_scope() as db:
        return db.get(Conversation, value) is not None


def _resubscribe(service: ConversationService, ws: WebSocket, old, conversation_id: Optional[str]):
    """Forward pushes for this conversation (e.g. a staff member's reply) to the socket."""
    if old:
        old[1].cancel()
        service.hub.unsubscribe(old[0], old[2])
    if not conversation_id:
        return None
    topic = f"citizen:{conversation_id}"
    sub = service.hub.subscribe(topic)

    async def pump() -> None:
        while True:
            event = await sub[1].get()
            await ws.send_json(event)

    return (topic, asyncio.create_task(pump()), sub)


def _first_error(e: Exception) -> str:
    errors: List[Dict[str, Any]] = getattr(e, "errors", lambda: [])()
    if errors:
        return f"{'.'.join(str(p) for p in errors[0]['loc'])}: {errors[0]['msg']}"
    return str(e)

"""SMS through Twilio: signed inbound webhooks, compact text replies, staff replies sent later.

Off unless IAA_TWILIO_ACCOUNT_SID, IAA_TWILIO_AUTH_TOKEN and IAA_TWILIO_FROM_NUMBER are set."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional
from xml.sax.saxutils import escape

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from iaa.db import read_scope, session_scope
from iaa.errors import invalid
from iaa.models import Conversation
from iaa.states import Status
from iaa.texts import phrase

from .conversations import run_citizen_turn

log = logging.getLogger(__name__)
router = APIRouter(prefix="/channels/sms", tags=["sms"])
SMS_LIMIT = 1600  # Twilio's maximum body; longer texts are cut at a sentence
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def render_sms(messages: List[Dict[str, Any]], language: Optional[str] = None) -> str:
    """Compact plain text: services as short lines, buttons as words to reply with, the prompts in
    the conversation's LANGUAGE (when not given, read from the messages: see _language_of)."""
    language = language if language in ("en", "cy") else _language_of(messages)
    parts: List[str] = []
    for m in messages:
        if m.get("text"):
            parts.append(m["text"])
        for i, s in enumerate(m.get("services") or [], start=1):
            cy = s.get("language") == "cy"
            line = f"{i}. {s.get('name', '')}"
            for key in ("town", "schedule", "phone", "cost"):
                if s.get(key):
                    line += f" - {s[key]}"
            # Whether the service works in Welsh (the card's welsh: true, false or null: unknown).
            if s.get("welsh") is True:
                line += " - Cymraeg ar gael" if cy else " - Welsh available"
            elif s.get("welsh") is False:
                line += " - dim Cymraeg" if cy else " - not in Welsh"
            elif "welsh" in s and s.get("welsh_label"):
                line += f" - {s['welsh_label']}"
            if s.get("language_note"):  # in Welsh: these details exist only in English
                line += f" - {s['language_note']}"
            if s.get("last_checked"):  # fresh or stale, the reader can judge how current it is
                line += f" ({'gwiriwyd ddiwethaf' if cy else 'last checked'} {s['last_checked']})"
            parts.append(line)
        titles = [b["title"] for b in m.get("buttons") or [] if not b["payload"].startswith("/feedback")]
        if titles:
            parts.append(phrase("sms_you_can_reply", language, choices=" / ".join(titles)))
        if any(b["payload"].startswith("/feedback") for b in m.get("buttons") or []):
            parts.append(phrase("sms_reply_yes_no", language))
    text = "\n\n".join(parts)
    if len(text) > SMS_LIMIT:
        cut = text[: SMS_LIMIT - 1]
        text = cut[: max(cut.rfind(". ") + 1, SMS_LIMIT // 2)] + "…"
    return text


def _language_of(messages: List[Dict[str, Any]]) -> str:
    """The language of messages sent without it (a push): a service card's, or Welsh when a
    feedback button has the Welsh title; otherwise English."""
    welsh_titles = {phrase("feedback_yes", "cy"), phrase("feedback_no", "cy")}
    for m in messages:
        for s in m.get("services") or []:
            if s.get("language") in ("en", "cy"):
                return s["language"]
        for b in m.get("buttons") or []:
            if b.get("payload", "").startswith("/feedback") and b.get("title") in welsh_titles:
                return "cy"
    return "en"


def twiml(text: str) -> Response:
    body = f"<Response><Message>{escape(text)}</Message></Response>" if text else "<Response/>"
    return Response(f'<?xml version="1.0" encoding="UTF-8"?>{body}', media_type="application/xml")


class SmsSender:
    """Sends texts that are not a direct answer (a staff member's reply) through Twilio's API."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str, http_client=None) -> None:
        from twilio.rest import Client

        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_number = from_number

    def send(self, to: str, messages: List[Dict[str, Any]], language: Optional[str] = None) -> None:
        body = render_sms(messages, language)
        if body:
            self.client.messages.create(to=to, from_=self.from_number, body=body)


def _feedback_word(text: str) -> Optional[str]:
    word = text.strip().lower().rstrip(".!")
    return {"yes": "yes", "do": "yes", "ie": "yes", "no": "no", "naddo": "no", "na": "no"}.get(word)


@router.post("/inbound", response_class=Response,
             responses={200: {"content": {"application/xml": {}}, "description": "TwiML reply"},
                        403: {"description": "Bad or missing Twilio signature"},
                        429: {"description": "Too many texts from this number; see Retry-After"},
                        404: {"description": "SMS is not configured"},
                        422: {"description": "From is not a phone number in E.164 form"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["From"],
                     "properties": {"From": {"type": "string", "pattern": E164.pattern, "description": "the texter, E.164"},
                                    "Body": {"type": "string", "description": "the text (cut to 2000 characters)"}},
                     "description": "Twilio's webhook fields; the ones not named here are signed but not used"}}}}})
async def inbound(request: Request) -> Response:
    """Twilio's webhook for an incoming text. Answers with TwiML. 404 while SMS is not configured;
    once it is, a request without Twilio's X-Twilio-Signature of the URL and form is refused (403)."""
    settings = request.app.state.settings
    if not settings.sms_enabled:
        raise HTTPException(404, "SMS is not configured for this council")
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    url = (settings.public_base_url.rstrip("/") + request.url.path) if settings.public_base_url else str(request.url)
    from twilio.request_validator import RequestValidator

    if not RequestValidator(settings.twilio_auth_token).validate(
            url, params, request.headers.get("x-twilio-signature", "")):
        raise HTTPException(403, "Twilio signature missing or wrong")
    sender, text = params.get("From", ""), (params.get("Body") or "").strip()
    if not E164.match(sender):
        raise invalid(("body", "From"), "must be a phone number in E.164 form")
    if not text:
        return twiml("")
    text = text[: settings.max_message_chars]
    # Per number (every text arrives from Twilio's addresses): a refused text is not kept, and
    # Twilio is told to stop (429 with Retry-After) rather than being sent a reply to pay for.
    request.app.state.limits.sms_per_number.hit(sender)
    cid = await to_thread.run_sync(_open_conversation, sender)
    word = _feedback_word(text)
    if cid and word:
        closed: bool = await to_thread.run_sync(_is_closed, cid)
        if closed:
            text = '/feedback{"answer": "%s"}' % word
    turn = await run_citizen_turn(request.app.state, cid, text, None, "sms")
    if cid is None:
        await to_thread.run_sync(_remember_number, turn.conversation_id, sender)
    return twiml(render_sms(turn.messages, turn.language))


def _open_conversation(number: str) -> Optional[str]:
    """The texter's current conversation: the latest one not closed, or just closed (feedback)."""
    with read_scope() as db:
        conv = db.scalars(select(Conversation).where(Conversation.sms_number == number)
                          .order_by(Conversation.created_at.desc()).limit(1)).first()
        if conv is None:
            return None
        if conv.status == Status.CLOSED and (conv.enquiry is None or conv.enquiry.feedback is not None):
            return None  # a new text after the feedback starts a new conversation
        return conv.id


def _is_closed(cid: str) -> bool:
    with read_scope() as db:
        return db.get(Conversation, cid).status == Status.CLOSED


def _remember_number(cid: str, number: str) -> None:
    with session_scope() as db:
        db.get(Conversation, cid).sms_number = number

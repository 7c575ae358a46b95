"""SMS through Twilio: a text service that keeps Twilio's rules and the texter's privacy.

Off unless IAA_TWILIO_ACCOUNT_SID, IAA_TWILIO_AUTH_TOKEN and IAA_TWILIO_FROM_NUMBER are set.

- The webhook's body is read up to sms_max_body_bytes, then parsed, then its X-Twilio-Signature
  checked with twilio's RequestValidator before anything else is read from it.
- Each MessageSid is claimed once (sms_inbound): a retry or replay within sms_replay_window_seconds
  gets the first answer again and stores nothing; one first seen longer ago is refused (403).
- Keywords (data/sms.yml): STOP and its Welsh forms end all texts to the number until START or
  DECHRAU; HELP or CYMORTH gives the service's name, hours and number; MORE or MWY the rest of
  a long reply. A digit answers a numbered option.
- A turn not done in sms_answer_within_seconds is answered with empty TwiML, and the reply goes
  through Twilio's REST API when it comes (Twilio waits 15 s for the webhook).
- Each text is kept within sms_max_segments segments (channels/segments.py), the rest on MORE.
- Every outgoing text is recorded (sms_outbound) with the status Twilio reports to /status;
  staff see a failed one in the console.
- The number is kept as a keyed hash (HMAC-SHA256) that finds the conversation, and sealed
  (Fernet) only while a reply may be needed (frontdoor/retention.py clears it); never logged."""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple, Union
from urllib.parse import parse_qsl

import yaml
from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, validator
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from iaa.db import read_scope, session_scope
from iaa.errors import invalid
from iaa.models import Conversation, Message, SmsInbound, SmsOptOut, SmsOutbound, utcnow
from iaa.settings import VAR, Settings
from iaa.payloads import Handoff
from iaa.states import HANDED_OFF, Actor, HandoffReason, Priority, Status
from iaa.texts import phrase, say

from . import segments
from . import state
from .conversations import run_citizen_turn

log = logging.getLogger(__name__)
router = APIRouter(prefix="/channels/sms", tags=["sms"])
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
SID = re.compile(r"^[A-Z]{2}[0-9a-f]{32}$")
DIGIT = re.compile(r"^\s*([1-9])\s*[.)]?\s*$")
# Twilio's statuses for an outgoing text, in the order they happen; a late callback never moves a
# text back (a "sent" arriving after "delivered").
STATUS_ORDER = {"error": 0, "accepted": 1, "scheduled": 1, "queued": 2, "sending": 3, "sent": 4,
                "receiving": 4, "received": 5, "delivered": 6, "read": 6, "undelivered": 7,
                "failed": 7, "canceled": 7}
FAILED = ("failed", "undelivered", "error")
# The twilio library logs each request's body (the number and the text) at INFO: never on.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


# -- keywords -------------------------------------------------------------------------------

class _Words(BaseModel):
    en: List[str]
    cy: List[str]

    @validator("en", "cy", each_item=True)
    def _word(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z][A-Za-z-]{0,19}", v or ""):
            raise ValueError(f"{v!r} is not a single word of letters")
        return v.upper()


class Keywords(BaseModel):
    """data/sms.yml: the words that stop, start, ask for help and ask for more, in each language."""
    stop: _Words
    start: _Words
    help: _Words
    more: _Words

    class Config:
        extra = "forbid"

    @validator("more")
    def _each_word_one_action(cls, more: _Words, values) -> _Words:
        seen: Dict[str, str] = {}
        for action in ("stop", "start", "help"):
            if action not in values:
                return more
        for action, words in list(values.items()) + [("more", more)]:
            for word in set(words.en) | set(words.cy):
                if seen.setdefault(word, action) != action:
                    raise ValueError(f"{word} is both a {seen[word]} and a {action} word")
        return more

    def match(self, text: str) -> Tuple[Optional[str], Optional[str]]:
        """(action, language) for a text that is a keyword; language None when the word is in
        both languages. (None, None) for any other text."""
        word = text.strip().rstrip(".!").strip().upper()
        for action in ("stop", "start", "help", "more"):
            words: _Words = getattr(self, action)
            en, cy = word in words.en, word in words.cy
            if en or cy:
                return action, None if en and cy else ("cy" if cy else "en")
        return None, None


def load_keywords(path: Path) -> Keywords:
    try:
        return Keywords.parse_obj(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except Exception as e:  # a council's file: say which and why, at start
        raise ValueError(f"{path}: SMS keywords are not valid: {e}") from e


# -- the number: a keyed hash to find, a sealed copy to reply to ----------------------------

class NumberKeys:
    """Two keys from one secret: one for the hash (HMAC-SHA256), one for the seal (Fernet)."""

    def __init__(self, secret: str) -> None:
        from cryptography.fernet import Fernet

        raw = secret.encode("utf-8")
        self._hash_key = hmac.new(raw, b"iaa sms number hash", hashlib.sha256).digest()
        seal_key = hmac.new(raw, b"iaa sms number seal", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(seal_key))

    def hash(self, number: str) -> str:
        return hmac.new(self._hash_key, number.encode("utf-8"), hashlib.sha256).hexdigest()

    def seal(self, number: str) -> str:
        return self._fernet.encrypt(number.encode("utf-8")).decode("ascii")

    def unseal(self, sealed: Optional[str]) -> Optional[str]:
        from cryptography.fernet import InvalidToken

        if not sealed:
            return None
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            log.error("a sealed SMS number could not be opened (was IAA_SMS_NUMBER_KEY changed?)")
            return None


def number_secret(settings: Settings) -> str:
    """IAA_SMS_NUMBER_KEY, or (outside production) a per-checkout secret in var/."""
    if settings.sms_number_key:
        return settings.sms_number_key
    if settings.mode == "production":
        raise ValueError("IAA_SMS_NUMBER_KEY must be set in production when SMS is on")
    import secrets

    path = VAR / "sms-number-key"
    if not path.exists():
        VAR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def seal_plain_numbers(keys: NumberKeys) -> int:
    """Numbers kept in plain text before migration 0017: hashed, sealed, and the plain copy cleared."""
    with session_scope() as db:
        rows = db.scalars(select(Conversation).where(Conversation.sms_number.isnot(None))).all()
        for conv in rows:
            conv.sms_number_hash = keys.hash(conv.sms_number)
            conv.sms_number_sealed = keys.seal(conv.sms_number)
            conv.sms_number = None
        return len(rows)


# -- rendering ------------------------------------------------------------------------------

def option_buttons(buttons: Optional[List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """The buttons a text numbers (feedback is answered YES or NO instead)."""
    return [b for b in buttons or [] if not b.get("payload", "").startswith("/feedback")]


def render_sms(messages: List[Dict[str, Any]], language: Optional[str] = None) -> str:
    """Compact plain text: services as short lines, buttons as numbered options (a digit answers
    one), the prompts in the conversation's LANGUAGE (when not given, read from the messages)."""
    language = language if language in ("en", "cy") else _language_of(messages)
    parts: List[str] = []
    for m in messages:
        if m.get("text"):
            parts.append(m["text"])
        for s in m.get("services") or []:
            cy = s.get("language") == "cy"
            line = f"- {s.get('name', '')}"  # not numbered: a digit answers an option
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
        options = option_buttons(m.get("buttons"))
        if options:
            choices = ", ".join(f"{i} {b['title']}" for i, b in enumerate(options, start=1))
            parts.append(phrase("sms_you_can_reply", language, choices=choices))
        if any(b["payload"].startswith("/feedback") for b in m.get("buttons") or []):
            parts.append(phrase("sms_reply_yes_no", language))
    return "\n\n".join(parts)


def _language_of(messages: List[Dict[str, Any]]) -> str:
    """The language of messages sent without it: a service card's, or Welsh when a feedback
    button has the Welsh title; otherwise English."""
    from iaa.texts import phrase as _phrase

    welsh_titles = {_phrase("feedback_yes", "cy"), _phrase("feedback_no", "cy")}
    for m in messages:
        for s in m.get("services") or []:
            if s.get("language") in ("en", "cy"):
                return s["language"]
        for b in m.get("buttons") or []:
            if b.get("payload", "").startswith("/feedback") and b.get("title") in welsh_titles:
                return "cy"
    return "en"


def fit_reply(text: str, language: str, max_segments: int) -> Tuple[str, Optional[str]]:
    """TEXT within MAX_SEGMENTS, ending "Reply MORE for the rest." when cut; and the rest."""
    return segments.fit(text, max_segments, phrase("sms_more", language))


def twiml(text: str, action: Optional[str] = None) -> Response:
    from twilio.twiml.messaging_response import MessagingResponse

    reply = MessagingResponse()
    if text:
        reply.message(text, action=action, method="POST" if action else None)
    return Response(str(reply), media_type="application/xml")


# -- Twilio's REST API ----------------------------------------------------------------------

def twilio_http_client(settings: Settings):
    """twilio's own HTTP client with a timeout, pointed at settings.twilio_api_url."""
    from twilio.http.http_client import TwilioHttpClient

    class _Edge(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            if settings.twilio_api_url != "https://api.twilio.com":
                url = re.sub(r"^https://api\.twilio\.com", settings.twilio_api_url.rstrip("/"), url)
            return super().request(method, url, *args, **kwargs)

    client = _Edge(timeout=settings.twilio_timeout_seconds)
    client.logger.setLevel(logging.WARNING)
    return client


class OptedOut(state.CitizenNotReached):
    pass


class SmsSender:
    """Every text that is not the webhook's own answer: staff replies, late bot replies."""

    def __init__(self, settings: Settings, keys: NumberKeys, http_client=None) -> None:
        from twilio.rest import Client

        self.settings = settings
        self.keys = keys
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=http_client or twilio_http_client(settings))
        self.from_number = settings.twilio_from_number

    @property
    def status_url(self) -> Optional[str]:
        base = self.settings.public_base_url
        return base.rstrip("/") + "/channels/sms/status" if base else None

    def callback_url(self, outbound_id: int) -> Optional[str]:
        return f"{self.status_url}?out={outbound_id}" if self.status_url else None

    def send_to_conversation(self, cid: str, messages: List[Dict[str, Any]], language: Optional[str] = None,
                             kind: str = "staff") -> None:
        """Render MESSAGES for the conversation's texter and send them (the rest kept for MORE).
        Raises state.CitizenNotReached (OptedOut after STOP) when they cannot go."""
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            if conv.sms_opted_out_at is not None or is_opted_out(db, conv.sms_number_hash):
                raise OptedOut("Saved, but this person texted STOP: no texts can be sent to them "
                               "until they text START")
            number = self.keys.unseal(conv.sms_number_sealed)
            if number is None:
                raise state.CitizenNotReached("Saved, but this person's number is no longer kept, "
                                              "so the text could not be sent")
            language = language if language in ("en", "cy") else conv.language
            body, rest = fit_reply(render_sms(messages, language), language, self.settings.sms_max_segments)
            conv.sms_more = rest
        if body:
            self.send_text(cid, number, body, kind, _last_id(messages))

    def send_text(self, cid: Optional[str], number: str, body: str, kind: str,
                  message_id: Optional[int] = None) -> int:
        """One text through the REST API, retried after a connection failure, 429 or 5xx, with
        backoff; recorded in sms_outbound whatever happens. Returns its sms_outbound id."""
        import requests
        from twilio.base.exceptions import TwilioRestException

        enc, count = segments.describe(body)
        with session_scope() as db:
            row = SmsOutbound(conversation_id=cid, message_id=message_id, kind=kind, delivery_status="sending",
                              segments=count, encoding=enc, attempts=0)
            db.add(row)
            db.flush()
            out_id = row.id
        tries = 1 + self.settings.twilio_retries
        error: Tuple[Optional[int], str] = (None, "")
        for attempt in range(tries):
            if attempt:
                time.sleep(self.settings.twilio_backoff_seconds * 2 ** (attempt - 1))
            try:
                kwargs = {"status_callback": self.callback_url(out_id)} if self.status_url else {}
                sent = self.client.messages.create(to=number, from_=self.from_number, body=body, **kwargs)
            except TwilioRestException as e:
                error = (e.code, f"Twilio refused the text ({e.status}{f', error {e.code}' if e.code else ''})")
                if e.status == 429 or e.status >= 500:
                    continue
                break
            except requests.exceptions.ConnectionError:  # never reached Twilio (a connect timeout too)
                error = (None, "Twilio could not be reached")
                continue
            except requests.exceptions.Timeout:  # it may have gone: sending again could send it twice
                error = (None, f"Twilio did not answer within {self.settings.twilio_timeout_seconds:g} s")
                break
            _record(out_id, attempts=attempt + 1, twilio_sid=sent.sid, delivery_status=sent.status or "queued")
            return out_id
        _record(out_id, attempts=attempt + 1, delivery_status="error", error_code=error[0], error_message=error[1][:255])
        log.warning("SMS to a citizen failed after %d tries: %s", attempt + 1, error[1])
        raise state.CitizenNotReached("Saved, but the text message could not be sent. Try again or phone them.")


def _record(out_id: int, **values: Any) -> None:
    with session_scope() as db:
        db.execute(update(SmsOutbound).where(SmsOutbound.id == out_id).values(**values, updated_at=utcnow()))


def is_opted_out(db, number_hash: Optional[str]) -> bool:
    return bool(number_hash) and db.get(SmsOptOut, number_hash) is not None


# -- the webhooks ---------------------------------------------------------------------------

async def _signed_form(request: Request) -> Dict[str, str]:
    """The form, read up to sms_max_body_bytes, with Twilio's signature checked (403 if wrong)."""
    settings: Settings = request.app.state.settings
    if not settings.sms_enabled:
        raise HTTPException(404, "SMS is not configured for this council")
    cap = settings.sms_max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise HTTPException(413, f"A webhook's body may be at most {cap} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise HTTPException(413, f"A webhook's body may be at most {cap} bytes")
    try:
        params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100))
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "The body is not a form")
    base = settings.public_base_url.rstrip("/")
    url = (base + request.url.path + (f"?{request.url.query}" if request.url.query else "")) if base \
        else str(request.url)
    from twilio.request_validator import RequestValidator

    if not RequestValidator(settings.twilio_auth_token).validate(
            url, params, request.headers.get("x-twilio-signature", "")):
        raise HTTPException(403, "Twilio signature missing or wrong")
    return params


INBOUND_RESPONSES: Dict[Union[int, str], Dict[str, Any]] = {200: {"content": {"application/xml": {}}, "description": "TwiML reply (empty: the reply comes later, or none is sent)"},
                     400: {"description": "The body is not a form (or has too many fields)"},
                     403: {"description": "Bad or missing Twilio signature, or a MessageSid first seen longer ago than the replay window"},
                     413: {"description": "Body larger than IAA_SMS_MAX_BODY_BYTES"},
                     429: {"description": "Too many texts from this number; see Retry-After"},
                     404: {"description": "SMS is not configured"},
                     422: {"description": "From is not a phone number in E.164 form, or MessageSid is missing"}}


@router.post("/inbound", response_class=Response, responses=INBOUND_RESPONSES,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["From", "MessageSid"],
                     "properties": {"From": {"type": "string", "pattern": E164.pattern, "description": "the texter, E.164"},
                                    "MessageSid": {"type": "string", "description": "Twilio's id for the text: answered once"},
                                    "Body": {"type": "string", "description": "the text (cut to max_message_chars)"}},
                     "description": "Twilio's webhook fields; the ones not named here are signed but not used"}}}}})
async def inbound(request: Request) -> Response:
    """Twilio's webhook for an incoming text. Answers with TwiML (or empty TwiML at once when the
    answer takes longer than sms_answer_within_seconds: it then comes through the REST API)."""
    app_state = request.app.state
    settings: Settings = app_state.settings
    params = await _signed_form(request)
    number, text, sid = params.get("From", ""), (params.get("Body") or "").strip(), params.get("MessageSid", "")
    if not E164.match(number):
        raise invalid(("body", "From"), "must be a phone number in E.164 form")
    if not SID.match(sid):
        raise invalid(("body", "MessageSid"), "must be Twilio's message id")
    sms: SmsTexting = app_state.sms
    number_hash = sms.keys.hash(number)
    claim, reply = await to_thread.run_sync(_claim_sid, sid, settings.sms_replay_window_seconds)
    if claim == "stale":
        raise HTTPException(403, "This message was first received too long ago to be answered again")
    if claim != "new":  # a retry or a replay: the same answer, nothing stored
        return Response(reply or twiml("").body, media_type="application/xml")
    try:
        # Per number (every text arrives from Twilio's addresses): Twilio is told to stop (429
        # with Retry-After) rather than being sent a reply to pay for.
        app_state.limits.sms_per_number.hit(number_hash)
        answer = await sms.answer(app_state, sid, number, number_hash, text[: settings.max_message_chars])
    except BaseException:
        await to_thread.run_sync(_forget_sid, sid)  # not answered: Twilio's retry may try again
        raise
    return answer


@router.post("/status", status_code=204, response_class=Response,
             responses={204: {"description": "Recorded"},
                        400: {"description": "The body is not a form (or has too many fields)"},
                        403: {"description": "Bad or missing Twilio signature"},
                        404: {"description": "SMS is not configured"},
                        413: {"description": "Body larger than IAA_SMS_MAX_BODY_BYTES"},
                        422: {"description": "MessageStatus is not one of Twilio's message statuses"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["MessageSid", "MessageStatus"],
                     "properties": {"MessageSid": {"type": "string", "description": "the text's Twilio id"},
                                    "MessageStatus": {"type": "string", "enum": sorted(STATUS_ORDER),
                                                      "description": "Twilio's status for it"},
                                    "ErrorCode": {"type": "string", "description": "Twilio's error code, when it failed"}},
                     "description": "Twilio's status callback fields; the ones not named here are signed but not used"}}}}})
async def status_callback(request: Request) -> Response:
    """Twilio's status callback for a text we sent (its StatusCallback, or a TwiML Message's
    action): the status is recorded, and a failed or undelivered text shown to staff."""
    params = await _signed_form(request)
    out = request.query_params.get("out", "")
    message_sid, status = params.get("MessageSid") or params.get("SmsSid") or "", (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
    if status not in STATUS_ORDER:
        raise invalid(("body", "MessageStatus"), "must be one of Twilio's message statuses")
    code = params.get("ErrorCode") or None
    changed = await to_thread.run_sync(_record_status, int(out) if out.isdigit() else None, message_sid, status,
                                       int(code) if code and code.isdigit() else None)
    if changed is not None and changed["status"] in FAILED and changed["conversation_id"]:
        push = state.Pushes(request.app.state.hub)
        push.hub.publish(f"staff:{changed['conversation_id']}", {
            "type": "sms_delivery", "conversation_id": changed["conversation_id"], "delivery": changed})
        push.queue_changed(changed["conversation_id"])
    return Response(status_code=204)


def _record_status(out_id: Optional[int], message_sid: str, status: str, code: Optional[int]) -> Optional[Dict[str, Any]]:
    with session_scope() as db:
        row = db.get(SmsOutbound, out_id) if out_id else None
        if row is None and message_sid:
            row = db.scalars(select(SmsOutbound).where(SmsOutbound.twilio_sid == message_sid)).first()
        if row is None:
            log.info("status for a text we do not know (%s)", status)
            return None
        if row.twilio_sid is None and message_sid:
            row.twilio_sid = message_sid
        if STATUS_ORDER[status] >= STATUS_ORDER.get(row.delivery_status, 0):
            row.delivery_status = status
            if code is not None:
                row.error_code = code
        db.flush()
        return delivery_view(row)


def delivery_view(row: SmsOutbound) -> Dict[str, Any]:
    """An outgoing text as staff see it: what happened, and Twilio's error code if any."""
    return {"id": row.id, "message_id": row.message_id, "conversation_id": row.conversation_id, "kind": row.kind,
            "status": row.delivery_status, "error_code": row.error_code, "failed": row.delivery_status in FAILED,
            "segments": row.segments, "encoding": row.encoding,
            "at": (row.updated_at or row.created_at).replace(tzinfo=dt.timezone.utc).isoformat()}


def deliveries(db, cid: str) -> List[Dict[str, Any]]:
    return [delivery_view(r) for r in db.scalars(
        select(SmsOutbound).where(SmsOutbound.conversation_id == cid).order_by(SmsOutbound.id))]


def _claim_sid(sid: str, window_seconds: int) -> Tuple[str, Optional[str]]:
    """("new", None) the first time; else the row's state and the answer it got, or "stale"."""
    try:
        with session_scope() as db:
            db.add(SmsInbound(message_sid=sid, state="answering", received_at=utcnow()))
            db.flush()
        return "new", None
    except IntegrityError:
        with read_scope() as db:
            row = db.get(SmsInbound, sid)
            if row is None:
                return "stale", None
            if utcnow() - row.received_at > dt.timedelta(seconds=window_seconds):
                return "stale", None
            return row.state, row.reply


def _forget_sid(sid: str) -> None:
    with session_scope() as db:
        row = db.get(SmsInbound, sid)
        if row is not None and row.state == "answering":
            db.delete(row)


def _answered(sid: str, cid: Optional[str], reply: str, deferred: bool = False) -> None:
    with session_scope() as db:
        row = db.get(SmsInbound, sid)
        row.conversation_id, row.reply, row.state = cid, reply, "deferred" if deferred else "answered"


class SmsTexting:
    """What the webhook does with a text (app.state.sms)."""

    def __init__(self, settings: Settings, profile, keywords: Keywords, keys: NumberKeys, sender: SmsSender) -> None:
        self.settings = settings
        self.profile = profile
        self.keywords = keywords
        self.keys = keys
        self.sender = sender
        self._late: Set["asyncio.Task[Any]"] = set()  # replies still being worked out

    async def answer(self, app_state, sid: str, number: str, number_hash: str, text: str) -> Response:
        found = await to_thread.run_sync(_find_conversation, number_hash)
        cid, language, opted_out, more = found
        action, word_language = self.keywords.match(text) if text else (None, None)
        language = word_language or language or "en"
        if action == "stop":
            closed = await to_thread.run_sync(_opt_out, number_hash, text.strip().upper()[:16], language)
            push = state.Pushes(app_state.hub)
            for closed_id in closed:
                push.hub.publish(f"staff:{closed_id}", {"type": "sms_opted_out", "conversation_id": closed_id})
            if closed:
                push.queue_changed()
            return await self._say(sid, cid, "sms_stopped", language, "keyword")
        if action == "start":
            await to_thread.run_sync(_opt_in, number_hash)
            return await self._say(sid, cid, "sms_started", language, "keyword")
        if action == "help":
            return await self._say(sid, cid, "sms_help", language, "keyword")
        if opted_out:
            # Nothing goes to a number after STOP but the answers to START and HELP (Twilio blocks
            # texts to it too), and an ordinary text is not kept (nobody could answer it). A
            # disclosure is never passed by: it is kept and handed to staff urgently, marked as a
            # number that must not be texted (staff may still phone).
            if text and app_state.conversations.detector.screen(text) is not None:
                return await self._disclosure_after_stop(app_state, sid, cid, number, number_hash, text)
            log.info("a text from a number that sent STOP was not answered")
            await to_thread.run_sync(_answered, sid, cid, str(twiml("").body, "utf-8"))
            return twiml("")
        if not text:
            await to_thread.run_sync(_answered, sid, cid, str(twiml("").body, "utf-8"))
            return twiml("")
        if action == "more" and cid and more:
            body, rest = fit_reply(more, language, self.settings.sms_max_segments)
            await to_thread.run_sync(_keep_more, cid, rest)
            return await self._reply(sid, cid, body, "more")
        if cid:
            text = await to_thread.run_sync(_as_option_or_feedback, cid, text)
        turn_task = asyncio.ensure_future(run_citizen_turn(app_state, cid, text, None, "sms"))
        done, _ = await asyncio.wait({turn_task}, timeout=self.settings.sms_answer_within_seconds)
        if turn_task in done:
            turn = turn_task.result()
            body = await to_thread.run_sync(self._after_turn, turn, cid, number, number_hash)
            return await self._reply(sid, turn.conversation_id, body, "reply", _last_id(turn.messages))
        # Twilio gives up at 15 s: an empty answer now, the reply through the REST API later.
        await to_thread.run_sync(_answered, sid, cid, str(twiml("").body, "utf-8"), True)
        late = asyncio.ensure_future(self._send_late(turn_task, sid, cid, number, number_hash))
        self._late.add(late)
        late.add_done_callback(self._late.discard)
        return twiml("")

    async def _disclosure_after_stop(self, app_state, sid: str, cid: Optional[str], number: str,
                                     number_hash: str, text: str) -> Response:
        turn = await run_citizen_turn(app_state, cid, text, None, "sms")
        await to_thread.run_sync(self._after_turn, turn, cid, number, number_hash)
        handed = await to_thread.run_sync(_urgent_after_stop, turn.conversation_id)
        push = state.Pushes(app_state.hub)
        if handed:
            push.queue_changed()
        push.hub.publish(f"staff:{turn.conversation_id}", {"type": "sms_opted_out", "conversation_id": turn.conversation_id})
        await to_thread.run_sync(_answered, sid, turn.conversation_id, str(twiml("").body, "utf-8"))
        return twiml("")

    async def _send_late(self, turn_task, sid: str, cid: Optional[str], number: str, number_hash: str) -> None:
        try:
            turn = await turn_task
            body = await to_thread.run_sync(self._after_turn, turn, cid, number, number_hash)
            if body:
                await to_thread.run_sync(self._send_unless_opted_out, turn.conversation_id, number, number_hash,
                                         body, turn.messages)
        except state.CitizenNotReached as e:
            log.warning("a late SMS reply could not be sent: %s", e.detail)
        except Exception:
            log.exception("a late SMS reply failed")

    def _send_unless_opted_out(self, cid: str, number: str, number_hash: str, body: str, messages) -> None:
        with read_scope() as db:
            if is_opted_out(db, number_hash):  # STOP arrived while the bot was thinking
                return
        self.sender.send_text(cid, number, body, "deferred", _last_id(messages))

    def _after_turn(self, turn, cid: Optional[str], number: str, number_hash: str) -> str:
        """The turn's reply within the segment limit (the rest kept for MORE); a new
        conversation is tied to the number's hash and sealed number."""
        with session_scope() as db:
            conv = db.get(Conversation, turn.conversation_id)
            # Safety first, whole: a safeguarding handoff or check-in is never left for MORE.
            urgent = (turn.handoff or {}).get("reason") == "safeguarding" or conv.safeguarding_check_id is not None
            body, rest = fit_reply(render_sms(turn.messages, turn.language), turn.language,
                                   self.settings.sms_safeguarding_max_segments if urgent
                                   else self.settings.sms_max_segments)
            if cid is None or conv.sms_number_hash is None:
                conv.sms_number_hash = number_hash
            conv.sms_number_sealed = self.keys.seal(number)  # kept fresh while replies may follow
            conv.sms_more = rest
        return body

    async def _say(self, sid: str, cid: Optional[str], key: str, language: str, kind: str) -> Response:
        return await self._reply(sid, cid, say(key, language, self.profile()), kind)

    async def _reply(self, sid: str, cid: Optional[str], body: str, kind: str,
                     message_id: Optional[int] = None) -> Response:
        """Answer in TwiML, recorded as an outgoing text (carrying MESSAGE_ID, the turn's last
        message, when there is one) whose status Twilio reports."""
        out_id = await to_thread.run_sync(_outbound_row, cid, body, kind, message_id) if body else None
        response = twiml(body, self.sender.callback_url(out_id) if out_id else None)
        await to_thread.run_sync(_answered, sid, cid, str(response.body, "utf-8"))
        return response


def _last_id(messages: List[Dict[str, Any]]) -> Optional[int]:
    return next((m.get("id") for m in reversed(messages) if m.get("id")), None)


def _outbound_row(cid: Optional[str], body: str, kind: str, message_id: Optional[int] = None) -> int:
    enc, count = segments.describe(body)
    with session_scope() as db:
        row = SmsOutbound(conversation_id=cid, message_id=message_id, kind=kind, delivery_status="accepted", segments=count, encoding=enc,
                          attempts=1)
        db.add(row)
        db.flush()
        return row.id


def _find_conversation(number_hash: str) -> Tuple[Optional[str], Optional[str], bool, Optional[str]]:
    """(conversation id, language, opted out, rest for MORE) for the texter: the latest
    conversation not closed, or just closed (feedback); none after the feedback or after STOP."""
    with read_scope() as db:
        opted_out = is_opted_out(db, number_hash)
        conv = db.scalars(select(Conversation).where(Conversation.sms_number_hash == number_hash)
                          .order_by(Conversation.created_at.desc()).limit(1)).first()
        if conv is None:
            return None, None, opted_out, None
        if conv.status == Status.CLOSED and (conv.sms_opted_out_at is not None or conv.enquiry is None
                                             or conv.enquiry.feedback is not None):
            return None, conv.language, opted_out, None  # a new text starts a new conversation
        return conv.id, conv.language, opted_out, conv.sms_more


def _as_option_or_feedback(cid: str, text: str) -> str:
    """A digit answering the last message's numbered options is that option's payload; YES or
    NO after the conversation ended is its feedback; anything else is the text itself."""
    with read_scope() as db:
        conv = db.get(Conversation, cid)
        digit = DIGIT.match(text)
        if digit:
            last = db.scalars(select(Message).where(Message.conversation_id == cid,
                                                    Message.sender.in_(("bot", "system")))
                              .order_by(Message.id.desc()).limit(1)).first()
            options = option_buttons((last.payload or {}).get("buttons")) if last is not None else []
            index = int(digit.group(1))
            if 1 <= index <= len(options):
                return options[index - 1]["payload"]
        word = _feedback_word(text)
        if word and conv.status == Status.CLOSED:
            return '/feedback{"answer": "%s"}' % word
    return text


def _feedback_word(text: str) -> Optional[str]:
    word = text.strip().lower().rstrip(".!")
    return {"yes": "yes", "do": "yes", "ie": "yes", "no": "no", "naddo": "no", "na": "no"}.get(word)


def _keep_more(cid: str, rest: Optional[str]) -> None:
    with session_scope() as db:
        db.get(Conversation, cid).sms_more = rest


def _urgent_after_stop(cid: str) -> bool:
    """A possible concern from a number that sent STOP cannot be asked about by text: it goes
    to staff urgently, and the conversation is marked as one nobody may text."""
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        conv.sms_opted_out_at = conv.sms_opted_out_at or utcnow()
        if conv.status == Status.BOT:
            state.start_handoff(conv, Handoff(reason=HandoffReason.SAFEGUARDING, priority=Priority.URGENT,
                                              summary={"reason": "safeguarding", "note": "texts stopped"}),
                                Actor.FRONT_DOOR)
            return True
        if conv.status in (Status.WAITING, Status.WITH_STAFF):
            state.raise_to_urgent(conv, {"reason": "safeguarding", "note": "texts stopped"})
            return True
        return False


def _opt_out(number_hash: str, keyword: str, language: str) -> List[str]:
    """STOP: the number is opted out, and its open conversations are closed for staff."""
    with session_scope() as db:
        if db.get(SmsOptOut, number_hash) is None:
            db.add(SmsOptOut(number_hash=number_hash, keyword=keyword, language=language))
        convs = db.scalars(select(Conversation).where(Conversation.sms_number_hash == number_hash,
                                                      Conversation.sms_opted_out_at.is_(None))).all()
        closed = []
        for conv in convs:
            if conv.status in HANDED_OFF or conv.status == Status.BOT:
                closed.append(conv.id)
            state.opt_out(conv)
            conv.sms_more = None
        return closed


def _opt_in(number_hash: str) -> None:
    with session_scope() as db:
        row = db.get(SmsOptOut, number_hash)
        if row is not None:
            db.delete(row)


def make_texting(settings: Settings, profile) -> Optional[SmsTexting]:
    """The SMS service when it is configured (keywords read and checked here, at start)."""
    if not settings.sms_enabled:
        return None
    keywords = load_keywords(settings.sms_keywords_path)
    keys = NumberKeys(number_secret(settings))
    sealed = seal_plain_numbers(keys)
    if sealed:
        log.info("sealed %d SMS numbers kept in plain text before migration 0017", sealed)
    return SmsTexting(settings, profile, keywords, keys, SmsSender(settings, keys))

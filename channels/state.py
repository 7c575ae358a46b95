"""The one owner of a conversation's state: every status change, every message kept, every view
of a message, and every push to the citizen, to staff and to the queue.

Both the chat channels (channels/conversations.py) and the staff console (console/desk.py) call
this module; nothing else assigns a conversation's status, priority or handoff reason
(tests/test_states.py checks). Each change asks iaa.states.transition first, which raises
IllegalTransition for a move the table does not allow.

State changes and message stores run inside the caller's session (they do not commit); the
caller pushes once its session has committed, so nobody is told of something not yet kept.

Hub topics: `citizen:{id}` (the citizen's widget), `staff:{id}` (the console's open
conversation), `queue` (the console's queue)."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Mapping, Optional

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from iaa.models import Conversation, Enquiry, Message, utcnow
from iaa.payloads import Handoff
from iaa.states import (HANDED_OFF, HANDOFF_OUTCOME, OUTCOME_WEIGHT, Actor, HandoffReason, Outcome,
                        Priority, StaffOutcome, Status, transition)

from .hub import Hub

log = logging.getLogger(__name__)


# -- status changes -------------------------------------------------------------------------

def open_conversation(db: Session, channel: str, language: str, enquiry: Optional[Enquiry]) -> Conversation:
    """A citizen's first message: a new conversation, with the bot."""
    conv = Conversation(channel=channel, language=language,
                        status=transition(None, Status.BOT, Actor.CITIZEN), enquiry=enquiry)
    db.add(conv)
    db.flush()
    return conv


def start_handoff(conv: Conversation, handoff: Handoff, actor: Actor) -> HandoffReason:
    """Into the staff queue: from the bot (the dialogue model asked, or the front door hands off
    itself), or reopened after closing (a disclosure after the end). The enquiry record's
    outcome rises to the handoff's. A bot's handoff that did not fit arrives as a plain request
    (iaa.payloads.read_handoff); an unknown reason that got past the model is treated the same."""
    status = transition(conv.status, Status.WAITING, actor)
    try:
        reason = HandoffReason(handoff.reason)
    except ValueError:
        log.error("bot asked for a handoff with unknown reason %r; treating as requested", handoff.reason)
        reason = HandoffReason.REQUESTED
    conv.status = status
    conv.handoff_reason = reason
    conv.priority = (Priority.URGENT if reason is HandoffReason.SAFEGUARDING
                     or handoff.priority == Priority.URGENT else Priority.NORMAL)
    conv.handoff_summary = handoff.summary or {}
    conv.waiting_since = utcnow()
    if conv.enquiry is not None:
        raise_outcome(conv.enquiry, HANDOFF_OUTCOME[reason])
        conv.enquiry.handoff_reason = str(reason.value)
    return reason


def raise_to_urgent(conv: Conversation, summary: Dict[str, Any]) -> None:
    """A safeguarding concern in a conversation already waiting or with staff: to the top of the queue."""
    conv.status = transition(conv.status, conv.status, Actor.FRONT_DOOR)
    conv.priority = Priority.URGENT
    conv.handoff_reason = HandoffReason.SAFEGUARDING
    conv.handoff_summary = summary
    if conv.enquiry is not None:
        raise_outcome(conv.enquiry, Outcome.SAFEGUARDING_HANDOFF)
        conv.enquiry.handoff_reason = HandoffReason.SAFEGUARDING.value


def claim(db: Session, cid: str, staff_id: int) -> Optional[Conversation]:
    """A member of staff takes a waiting conversation. One conditional UPDATE: of two staff
    claiming at once, exactly one matches. The conversation if this one won, else None."""
    status = transition(Status.WAITING, Status.WITH_STAFF, Actor.STAFF)
    won = db.execute(
        update(Conversation)
        .where(Conversation.id == cid, Conversation.status == Status.WAITING)
        .values(status=status, assigned_to=staff_id, claimed_at=utcnow())
    ).rowcount == 1
    if not won:
        return None
    conv = db.get(Conversation, cid)
    db.refresh(conv)
    if conv.callback_state in ("offered", "consent", "number"):
        conv.callback_state = None  # a person is here now: no call back needed
    return conv


def release(conv: Conversation) -> None:
    """Back to the queue, for anyone to claim."""
    conv.status = transition(conv.status, Status.WAITING, Actor.STAFF)
    conv.assigned_to, conv.claimed_at = None, None


def transfer(conv: Conversation, staff_id: int) -> None:
    conv.status = transition(conv.status, Status.WITH_STAFF, Actor.STAFF)
    conv.assigned_to, conv.claimed_at = staff_id, utcnow()


def return_to_bot(conv: Conversation) -> None:
    """The bot carries on (the caller has told Rasa first); out of the queue."""
    conv.status = transition(conv.status, Status.BOT, Actor.STAFF)
    conv.assigned_to, conv.priority = None, None
    conv.handoff_reason, conv.waiting_since = None, None


def close(conv: Conversation, outcome: StaffOutcome) -> None:
    conv.status = transition(conv.status, Status.CLOSED, Actor.STAFF)
    conv.closed_at = utcnow()
    if conv.enquiry is not None:
        conv.enquiry.staff_outcome = StaffOutcome(outcome)


def opt_out(conv: Conversation) -> None:
    """The texter sent STOP: closed (out of the queue, nobody may text them), with no staff outcome."""
    if conv.status != Status.CLOSED:
        conv.status = transition(conv.status, Status.CLOSED, Actor.FRONT_DOOR)
        conv.closed_at = utcnow()
    conv.priority = None
    conv.sms_opted_out_at = utcnow()


def raise_outcome(enquiry: Enquiry, outcome: str) -> None:
    """When one conversation reaches several outcomes, the enquiry record keeps the weightiest."""
    try:
        new = Outcome(outcome)
    except ValueError:
        log.error("unknown enquiry outcome %r ignored", outcome)
        return
    if OUTCOME_WEIGHT[new] > OUTCOME_WEIGHT.get(enquiry.outcome, 0):
        enquiry.outcome = new


# -- messages -------------------------------------------------------------------------------

def store(db: Session, cid: str, sender: str, text: str, author_id: Optional[int] = None,
          **extras: Any) -> Message:
    """Keep a message (`extras`: buttons, services; whatever the channel renders beyond text)."""
    extras = {k: v for k, v in extras.items() if v}
    message = Message(conversation_id=cid, sender=sender, text=text, payload=extras or None,
                      author_id=author_id)
    db.add(message)
    db.flush()
    return message


def store_message(db: Session, cid: str, sender: str, text: str, shown: Optional[str] = None,
                  **extras: Any) -> Dict[str, Any]:
    """Keep a message and return it as the citizen is shown it, with its id, by which a widget
    that was away catches up (GET /api/chat/{id}/messages?after=). `shown` is what the citizen
    sees when the kept text must differ (a phone number left out of the transcript)."""
    view = citizen_message_view(store(db, cid, sender, text, **extras))
    if shown:
        view["text"] = shown
    return view


# -- views ----------------------------------------------------------------------------------

def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.replace(tzinfo=dt.timezone.utc).isoformat() if value else None


def citizen_message_view(message: Message, author: Optional[str] = None) -> Dict[str, Any]:
    """A message as the citizen is shown it; a live staff reply also names its author (first name)."""
    extras = {k: v for k, v in (message.payload or {}).items() if k in ("buttons", "services") and v}
    view = {"id": message.id, "sender": message.sender, "text": message.text, **extras}
    if author is not None:
        view["author"] = {"name": author}
    return view


def staff_message_view(message: Message, names: Optional[Mapping[int, Any]] = None) -> Dict[str, Any]:
    """A message as staff see it: when, and who wrote it (`names`: staff accounts by id)."""
    author = (names or {}).get(message.author_id) if message.author_id else None
    view = {"id": message.id, "sender": message.sender, "text": message.text, "at": _iso(message.created_at),
            "author": {"name": author.first_name} if author else None}
    if message.payload:
        view.update(message.payload)
    return view


def handoff_view(conv: Conversation) -> Optional[Dict[str, str]]:
    """Why and how urgently the conversation waits for staff, while it does."""
    if conv.status in HANDED_OFF and conv.handoff_reason:
        return {"reason": conv.handoff_reason, "priority": conv.priority or Priority.NORMAL}
    return None


def citizen_update(cid: str, status: str, language: str, messages: List[Dict[str, Any]],
                   handoff: Optional[Dict[str, str]]) -> Dict[str, Any]:
    """The citizen's side of a turn or a push: the HTTP answer, and the websocket's update frame."""
    ids = [m["id"] for m in messages if isinstance(m.get("id"), int)]
    return {"conversation_id": cid, "status": status, "language": language, "messages": messages,
            "handoff": handoff, "last_message_id": max(ids) if ids else None}


# -- pushes ---------------------------------------------------------------------------------

class CitizenNotReached(Exception):
    """Kept, but the citizen could not be sent it (SMS off here, or Twilio refused)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Pushes:
    """Everything the front door pushes, on the hub (and by text to an SMS citizen)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def citizen(self, conv: Conversation, messages: List[Dict[str, Any]], sms=None) -> None:
        """Messages the citizen did not ask for in a turn (a member of staff's): live on the web,
        by text on SMS (`sms`: channels.sms.SmsSender, or None when SMS is off)."""
        if conv.channel == "sms":
            if sms is None:
                raise CitizenNotReached("Saved, but SMS is not set up here, so the citizen has not been sent it")
            sms.send_to_conversation(conv.id, messages, conv.language, kind="staff")  # raises CitizenNotReached
            return
        self.hub.publish(f"citizen:{conv.id}", {
            "type": "update", **citizen_update(conv.id, conv.status, conv.language, messages, handoff_view(conv))})

    def staff_message(self, cid: str, view: Dict[str, Any]) -> None:
        """A message reaches the console live (staff_message_view)."""
        self.hub.publish(f"staff:{cid}", {"type": "message", "conversation_id": cid, "message": view})

    def staff_flag(self, cid: str, view: Dict[str, Any]) -> None:
        """A safeguarding flag, new, answered or reviewed, reaches the console live."""
        self.hub.publish(f"staff:{cid}", {"type": "flag", "conversation_id": cid, "flag": view})

    def queue_changed_after_commit(self, db: Session, cid: Optional[str] = None) -> None:
        """The queue push once `db` commits: the console re-reads the queue on it, and a read
        (which takes no lock) must find the change there, not the state before it."""
        event.listen(db, "after_commit", lambda _session: self.queue_changed(cid), once=True)

    def queue_changed(self, cid: Optional[str] = None, priority: Optional[str] = None) -> None:
        event: Dict[str, Any] = {"type": "queue_changed"}
        if cid is not None:
            event["conversation_id"] = cid
        if priority is not None:
            event["priority"] = priority
        self.hub.publish("queue", event)

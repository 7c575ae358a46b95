"""What IAA staff do with handed-off conversations: claim, reply, note, release, transfer,
return to the bot, close. Each action is audited and reaches the citizen live."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import case, func, select, update

from channels.bot import BotClient, BotUnavailable
from channels.conversations import store_message
from channels.hub import Hub
from iaa.db import read_scope, session_scope
from iaa.models import Conversation, Enquiry, Message, SafeguardingFlag, utcnow
from iaa.profile import CouncilProfile
from iaa.texts import say

from . import flags
from .auth import Staff, audit
from iaa.models import Note, StaffUser

log = logging.getLogger(__name__)

STAFF_OUTCOMES = ("information", "advice", "assistance", "safeguarding_referral", "no_further_action")
RESPONSE_WORKING_DAYS = 3  # Code of Practice paras 300(i), 380


class DeskError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.replace(tzinfo=dt.timezone.utc).isoformat() if value else None


class StaffDesk:
    def __init__(self, hub: Hub, bot: BotClient, profile: Callable[[], CouncilProfile], sms=None) -> None:
        self.hub = hub
        self.bot = bot
        self.profile = profile
        self.sms = sms  # channels.sms.SmsSender, or None when SMS is off

    # -- reading -----------------------------------------------------------------------------

    def _item(self, conv: Conversation, names: Dict[int, StaffUser]) -> Dict[str, Any]:
        due = overdue = None
        if conv.waiting_since:
            due_local = self.profile().working_days_later(
                conv.waiting_since.replace(tzinfo=dt.timezone.utc), RESPONSE_WORKING_DAYS)
            due = due_local.astimezone(dt.timezone.utc)
            overdue = (conv.channel == "web" and conv.first_response_at is None
                       and conv.status in ("waiting", "with_staff")
                       and dt.datetime.now(dt.timezone.utc) > due)
        holder = names.get(conv.assigned_to) if conv.assigned_to else None
        return {
            "id": conv.id, "status": conv.status, "priority": conv.priority or "normal",
            "reason": conv.handoff_reason, "language": conv.language, "channel": conv.channel,
            "waiting_since": _iso(conv.waiting_since), "due_by": due.isoformat() if due else None,
            "overdue": bool(overdue),
            "assigned_to": {"username": holder.username, "name": holder.first_name} if holder else None,
            "summary": conv.handoff_summary or {},
            "callback": ({"phone": conv.callback_phone, "consented_at": _iso(conv.callback_consented_at)}
                         if conv.callback_phone else None),
        }

    def queue(self) -> List[Dict[str, Any]]:
        with read_scope() as db:
            rows = db.scalars(
                select(Conversation)
                .where(Conversation.status.in_(("waiting", "with_staff")))
                .order_by(case((Conversation.priority == "urgent", 0), else_=1),
                          Conversation.waiting_since.asc())
            ).all()
            names = self._names(db)
            return [self._item(c, names) for c in rows]

    def _names(self, db) -> Dict[int, StaffUser]:
        return {u.id: u for u in db.scalars(select(StaffUser))}

    def conversation(self, staff: Staff, cid: str) -> Dict[str, Any]:
        with session_scope() as db:
            conv = self._get(db, cid)
            names = self._names(db)
            messages = [self._message_view(m, names) for m in conv.messages]
            found = flags.for_conversation(db, cid)
            # A message flagged twice shows its latest flag; `flags` has every one.
            by_message = {f["message_id"]: f for f in found if f["message_id"] is not None}
            for m in messages:
                if m["id"] in by_message and m["sender"] == "citizen":
                    m["flag"] = by_message[m["id"]]
            notes = [{"id": n.id, "text": n.text, "at": _iso(n.created_at),
                      "author": {"name": names[n.author_id].first_name}}
                     for n in db.scalars(select(Note).where(Note.conversation_id == cid).order_by(Note.id))]
            audit(db, staff, "view", cid)
            return {"conversation": self._item(conv, names), "messages": messages, "notes": notes,
                    "flags": found}

    @staticmethod
    def _message_view(m: Message, names: Dict[int, StaffUser]) -> Dict[str, Any]:
        author = names.get(m.author_id) if m.author_id else None
        view = {"id": m.id, "sender": m.sender, "text": m.text, "at": _iso(m.created_at),
                "author": {"name": author.first_name} if author else None}
        if m.payload:
            view.update(m.payload)
        return view

    def staff_list(self) -> List[Dict[str, str]]:
        with read_scope() as db:
            return [{"username": u.username, "name": u.first_name}
                    for u in db.scalars(select(StaffUser).where(StaffUser.role.in_(("staff", "admin")))
                                        .order_by(StaffUser.first_name))]

    # -- acting ------------------------------------------------------------------------------

    def _get(self, db, cid: str) -> Conversation:
        conv = db.get(Conversation, cid)
        if conv is None:
            raise DeskError(404, "No such conversation")
        return conv

    def _held_by(self, db, staff: Staff, cid: str) -> Conversation:
        conv = self._get(db, cid)
        if conv.status != "with_staff" or conv.assigned_to != staff.id:
            raise DeskError(409, "Claim this conversation first")
        return conv

    def claim(self, staff: Staff, cid: str) -> Dict[str, Any]:
        now = utcnow()
        with session_scope() as db:
            # One conditional UPDATE: of two staff claiming at once, exactly one matches.
            won = db.execute(
                update(Conversation)
                .where(Conversation.id == cid, Conversation.status == "waiting")
                .values(status="with_staff", assigned_to=staff.id, claimed_at=now)
            ).rowcount == 1
            if not won:
                conv = self._get(db, cid)
                holder = db.get(StaffUser, conv.assigned_to) if conv.assigned_to else None
                raise DeskError(409, f"Already taken by {holder.first_name}" if holder
                                else f"This conversation is {conv.status.replace('_', ' ')}, not waiting")
            conv = self._get(db, cid)
            db.refresh(conv)
            if conv.callback_state in ("offered", "consent", "number"):
                conv.callback_state = None  # a person is here now: no call back needed
            joined = self._tell_citizen(db, conv, "staff_joined", name=staff.first_name)
            audit(db, staff, "claim", cid)
            item = self._item(conv, self._names(db))
        self._queue_changed()
        self._push(conv, [joined])
        return item

    def reply(self, staff: Staff, cid: str, text: str) -> Dict[str, Any]:
        with session_scope() as db:
            conv = self._held_by(db, staff, cid)
            message = Message(conversation_id=cid, sender="staff", text=text, author_id=staff.id)
            db.add(message)
            if conv.first_response_at is None:
                conv.first_response_at = utcnow()
            audit(db, staff, "reply", cid)
            db.flush()
            view = self._message_view(message, self._names(db))
        self._push(conv, [{"id": view["id"], "sender": "staff", "text": text, "author": {"name": staff.first_name}}])
        self.hub.publish(f"staff:{cid}", {"type": "message", "conversation_id": cid, "message": view})
        return view

    def note(self, staff: Staff, cid: str, text: str) -> Dict[str, Any]:
        with session_scope() as db:
            self._get(db, cid)
            note = Note(conversation_id=cid, author_id=staff.id, text=text)
            db.add(note)
            audit(db, staff, "note", cid)
            db.flush()
            return {"id": note.id, "text": note.text, "at": _iso(note.created_at),
                    "author": {"name": staff.first_name}}

    def release(self, staff: Staff, cid: str) -> None:
        with session_scope() as db:
            conv = self._held_by(db, staff, cid)
            conv.status, conv.assigned_to, conv.claimed_at = "waiting", None, None
            left = self._tell_citizen(db, conv, "staff_released")
            audit(db, staff, "release", cid)
        self._queue_changed()
        self._push(conv, [left])

    def transfer(self, staff: Staff, cid: str, username: str) -> None:
        with session_scope() as db:
            conv = self._held_by(db, staff, cid)
            to = db.scalar(select(StaffUser).where(StaffUser.username == username,
                                                   StaffUser.role.in_(("staff", "admin"))))
            if to is None:
                raise DeskError(422, f"No member of staff called {username!r}")
            conv.assigned_to, conv.claimed_at = to.id, utcnow()
            joined = self._tell_citizen(db, conv, "staff_joined", name=to.first_name)
            audit(db, staff, "transfer", cid, detail=f"to {to.username}")
        self._queue_changed()
        self._push(conv, [joined])

    def return_to_bot(self, staff: Staff, cid: str) -> None:
        with session_scope() as db:
            self._held_by(db, staff, cid)
        try:
            self.bot.resume(cid)  # Rasa gets ConversationResumed and carries on
        except BotUnavailable:
            raise DeskError(503, "The assistant is not available; the conversation stays with you")
        with session_scope() as db:
            conv = self._held_by(db, staff, cid)
            conv.status, conv.assigned_to, conv.priority = "bot", None, None
            conv.handoff_reason, conv.waiting_since = None, None
            back = self._tell_citizen(db, conv, "returned_to_bot")
            audit(db, staff, "return_to_bot", cid)
        self._queue_changed()
        self._push(conv, [back])

    def close(self, staff: Staff, cid: str, outcome: str) -> None:
        if outcome not in STAFF_OUTCOMES:
            raise DeskError(422, f"outcome must be one of {', '.join(STAFF_OUTCOMES)}")
        with session_scope() as db:
            conv = self._get(db, cid)
            if conv.status == "closed":
                raise DeskError(409, "Already closed")
            if conv.status == "bot":  # never handed to staff: the assistant still has it
                raise DeskError(409, "This conversation is with the assistant, not waiting for staff")
            if conv.status == "with_staff" and conv.assigned_to != staff.id:
                raise DeskError(409, "Someone else holds this conversation")
            conv.status, conv.closed_at = "closed", utcnow()
            if conv.enquiry is not None:
                conv.enquiry.staff_outcome = outcome
            ended = self._tell_citizen(db, conv, "conversation_ended", buttons=[
                {"title": say("feedback_yes", conv.language, self.profile()), "payload": '/feedback{"answer": "yes"}'},
                {"title": say("feedback_no", conv.language, self.profile()), "payload": '/feedback{"answer": "no"}'},
            ])
            audit(db, staff, "close", cid, detail=outcome)
        self._queue_changed()
        self._push(conv, [ended])

    def review_flag(self, staff: Staff, flag_id: int, review: str) -> Dict[str, Any]:
        """Staff say whether a safeguarding flag was right. Counted for the safeguarding lead;
        nothing retrains from it. Anyone who may view conversations may review their flags."""
        if review not in flags.REVIEWS:
            raise DeskError(422, f"review must be one of {', '.join(flags.REVIEWS)}")
        with session_scope() as db:
            row = db.get(SafeguardingFlag, flag_id)
            if row is None:
                raise DeskError(404, "No such flag")
            was = row.review
            row.review, row.reviewed_by, row.reviewed_at = review, staff.id, utcnow()
            cid = row.conversation_id if row.conversation_id and db.get(Conversation, row.conversation_id) else None
            # The flag's id and the verdict only: never the citizen's words.
            audit(db, staff, "flag_review", cid,
                  detail=f"flag {flag_id}: {review}" + (f" (was {was})" if was and was != review else ""))
            db.flush()
            view = flags.staff_view(row, self._names(db), cid)
        if cid:  # others with the conversation open see the review too
            self.hub.publish(f"staff:{cid}", {"type": "flag", "conversation_id": cid, "flag": view})
        return view

    # -- telling people ----------------------------------------------------------------------

    def _tell_citizen(self, db, conv: Conversation, key: str, buttons=None, **values) -> Dict[str, Any]:
        return store_message(db, conv.id, "system", say(key, conv.language, self.profile(), **values),
                             buttons=buttons)

    def _push(self, conv: Conversation, messages: List[Dict[str, Any]]) -> None:
        if conv.channel == "sms":
            self._text(conv, messages)
            return
        self.hub.publish(f"citizen:{conv.id}", {
            "type": "update", "conversation_id": conv.id, "status": conv.status,
            "language": conv.language, "messages": messages,
            "last_message_id": max((m["id"] for m in messages if m.get("id")), default=None),
            "handoff": ({"reason": conv.handoff_reason, "priority": conv.priority or "normal"}
                        if conv.status in ("waiting", "with_staff") else None),
        })

    def _text(self, conv: Conversation, messages: List[Dict[str, Any]]) -> None:
        if self.sms is None or not conv.sms_number:
            raise DeskError(502, "Saved, but SMS is not set up here, so the citizen has not been sent it")
        try:
            self.sms.send(conv.sms_number, messages)
        except Exception as e:  # Twilio's errors are many; staff need to know it did not go
            log.warning("SMS to a citizen failed: %s", type(e).__name__)
            raise DeskError(502, "Saved, but the text message could not be sent. Try again or phone them.")

    def _queue_changed(self) -> None:
        self.hub.publish("queue", {"type": "queue_changed"})


def stats(day_from: dt.date, day_to: dt.date) -> Dict[str, Any]:
    """Counts for planners: no text, no identifiers."""
    with read_scope() as db:
        base = select(Enquiry).where(Enquiry.day >= day_from, Enquiry.day <= day_to).subquery()
        out: Dict[str, Any] = {"from": day_from.isoformat(), "to": day_to.isoformat(),
                               "total": db.scalar(select(func.count()).select_from(base))}
        for key, column in (("by_outcome", base.c.outcome), ("by_topic", base.c.topic),
                            ("by_theme", base.c.theme), ("by_channel", base.c.channel),
                            ("by_language", base.c.language_delivered), ("by_enquirer", base.c.enquirer),
                            ("by_staff_outcome", base.c.staff_outcome), ("feedback", base.c.feedback)):
            rows = db.execute(select(column, func.count()).where(column.isnot(None)).group_by(column)).all()
            out[key] = {value: n for value, n in rows}
        # Unmet need (para 76) stays visible when the citizen then went on to a person.
        for key, column in (("unmet_need_by_theme", base.c.theme), ("unmet_need_by_area", base.c.area)):
            value = func.coalesce(column, "not_stated")
            rows = db.execute(select(value, func.count())
                              .where(base.c.unmet_need.is_(True)).group_by(value)).all()
            out[key] = {value: n for value, n in rows}
        return out

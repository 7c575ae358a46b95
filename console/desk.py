"""What IAA staff do with handed-off conversations: claim, reply, note, release, transfer,
return to the bot, close. Each action is audited and reaches the citizen live."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import case, func, select

from channels import state
from channels.bot import BotClient, BotUnavailable
from channels.hub import Hub
from channels.sms import deliveries as sms_deliveries
from channels.state import CitizenNotReached, store_message
from iaa.db import read_scope, session_scope
from iaa.models import Conversation, SafeguardingFlag, utcnow
from iaa.profile import CouncilProfile
from iaa.states import HANDED_OFF, Priority, StaffOutcome, Status
from iaa.texts import say

from . import flags
from .auth import Staff, audit
from iaa.models import Message, Note, StaffSession, StaffUser

log = logging.getLogger(__name__)

STAFF_OUTCOMES = StaffOutcome.values()
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
        self.push = state.Pushes(hub)
        self.bot = bot
        self.profile = profile
        self.sms = sms  # channels.sms.SmsSender, or None when SMS is off

    # -- reading -----------------------------------------------------------------------------

    def _count_response(self, conv: Conversation) -> None:
        """The first staff reply against the three-working-day standard, on the enquiry record:
        working days taken and whether within the standard (never the times themselves)."""
        if conv.enquiry is None or conv.waiting_since is None or conv.first_response_at is None:
            return
        start = conv.waiting_since.replace(tzinfo=dt.timezone.utc)
        end = conv.first_response_at.replace(tzinfo=dt.timezone.utc)
        profile = self.profile()
        conv.enquiry.response_working_days = profile.working_days_between(start, end)
        conv.enquiry.response_within_standard = end <= profile.working_days_later(start, RESPONSE_WORKING_DAYS)

    def _item(self, conv: Conversation, names: Dict[int, StaffUser],
              viewer: Optional[Staff] = None, welsh_on_duty: Optional[List[Any]] = None) -> Dict[str, Any]:
        due = overdue = None
        if conv.waiting_since:
            due_local = self.profile().working_days_later(
                conv.waiting_since.replace(tzinfo=dt.timezone.utc), RESPONSE_WORKING_DAYS)
            due = due_local.astimezone(dt.timezone.utc)
            overdue = (conv.channel == "web" and conv.first_response_at is None
                       and conv.status in HANDED_OFF
                       and dt.datetime.now(dt.timezone.utc) > due)
        holder = names.get(conv.assigned_to) if conv.assigned_to else None
        welsh = conv.language == "cy"
        # Welsh is offered, never refused: a member of staff without Welsh is asked to leave a
        # waiting Welsh conversation to a Welsh speaker who is signed in, and may still take it.
        others = [name for username, name in (welsh_on_duty or [])
                  if viewer is None or username != viewer.username]
        leave = (welsh and conv.status == Status.WAITING and viewer is not None
                 and not viewer.speaks_welsh and bool(others))
        return {
            "id": conv.id, "status": conv.status, "priority": conv.priority or Priority.NORMAL,
            "reason": conv.handoff_reason, "language": conv.language, "channel": conv.channel,
            "waiting_since": _iso(conv.waiting_since), "due_by": due.isoformat() if due else None,
            "overdue": bool(overdue),
            "assigned_to": ({"username": holder.username, "name": holder.first_name,
                             "speaks_welsh": bool(holder.speaks_welsh)} if holder else None),
            "welsh_speaker_wanted": welsh,
            "leave_to_welsh_speaker": leave,
            "welsh_speakers_on_duty": others if leave else [],
            "summary": conv.handoff_summary or {},
            "callback": ({"phone": conv.callback_phone, "consented_at": _iso(conv.callback_consented_at)}
                         if conv.callback_phone else None),
            # SMS: the texter sent STOP (closed; nobody may text them until they send START).
            "sms_opted_out_at": _iso(conv.sms_opted_out_at),
        }

    def queue(self, staff: Optional[Staff] = None, language: Optional[str] = None) -> List[Dict[str, Any]]:
        """Urgent first for everyone; then, for a Welsh speaker, Welsh conversations before the
        others of the same priority; then the longest waiting. `language`: only en or cy."""
        order = [case((Conversation.priority == Priority.URGENT, 0), else_=1)]
        if staff is not None and staff.speaks_welsh:
            order.append(case((Conversation.language == "cy", 0), else_=1))
        query = select(Conversation).where(Conversation.status.in_(HANDED_OFF))
        if language:
            query = query.where(Conversation.language == language)
        with read_scope() as db:
            rows = db.scalars(query.order_by(*order, Conversation.waiting_since.asc(), Conversation.id)).all()
            names = self._names(db)
            on_duty = self._welsh_on_duty(db)
            return [self._item(c, names, staff, on_duty) for c in rows]

    def _names(self, db) -> Dict[int, StaffUser]:
        return {u.id: u for u in db.scalars(select(StaffUser))}

    def _welsh_on_duty(self, db) -> List[Any]:
        """(username, first name) of the Welsh speakers signed in now who may take conversations."""
        return [tuple(row) for row in db.execute(
            select(StaffUser.username, StaffUser.first_name).distinct()
            .join(StaffSession, StaffSession.user_id == StaffUser.id)
            .where(StaffUser.speaks_welsh.is_(True), StaffUser.disabled_at.is_(None),
                   StaffUser.role.in_(("staff", "admin")), StaffSession.expires_at > utcnow())
            .order_by(StaffUser.first_name, StaffUser.username))]

    def conversation(self, staff: Staff, cid: str) -> Dict[str, Any]:
        with session_scope() as db:
            conv = self._get(db, cid)
            names = self._names(db)
            messages = [state.staff_message_view(m, names) for m in conv.messages]
            found = flags.for_conversation(db, cid)
            # A message flagged twice shows its latest flag; `flags` has every one.
            by_message = {f["message_id"]: f for f in found if f["message_id"] is not None}
            for m in messages:
                if m["id"] in by_message and m["sender"] == "citizen":
                    m["flag"] = by_message[m["id"]]
            notes = [{"id": n.id, "text": n.text, "at": _iso(n.created_at),
                      "author": {"name": names[n.author_id].first_name}}
                     for n in db.scalars(select(Note).where(Note.conversation_id == cid).order_by(Note.id))]
            # SMS: each text sent with what Twilio said became of it; a failed one on its message.
            sent = sms_deliveries(db, cid) if conv.channel == "sms" else []
            for d in sent:
                for m in messages:
                    if d["message_id"] is not None and m["id"] == d["message_id"]:
                        m["delivery"] = d
            audit(db, staff, "view", cid)
            return {"conversation": self._item(conv, names, staff, self._welsh_on_duty(db)),
                    "messages": messages, "notes": notes,
                    "flags": found, "sms_deliveries": sent}

    def staff_list(self) -> List[Dict[str, Any]]:
        with read_scope() as db:
            return [{"username": u.username, "name": u.first_name, "speaks_welsh": bool(u.speaks_welsh)}
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
        if conv.status != Status.WITH_STAFF or conv.assigned_to != staff.id:
            raise DeskError(409, "Claim this conversation first")
        return conv

    def claim(self, staff: Staff, cid: str) -> Dict[str, Any]:
        with session_scope() as db:
            conv = state.claim(db, cid, staff.id)  # race-safe: of two staff at once, one wins
            if conv is None:
                conv = self._get(db, cid)
                holder = db.get(StaffUser, conv.assigned_to) if conv.assigned_to else None
                raise DeskError(409, f"Already taken by {holder.first_name}" if holder
                                else f"This conversation is {conv.status.replace('_', ' ')}, not waiting")
            joined = self._tell_citizen(db, conv, "staff_joined", name=staff.first_name)
            audit(db, staff, "claim", cid)
            item = self._item(conv, self._names(db), staff)
        self._queue_changed()
        self._push(conv, [joined])
        return item

    def reply(self, staff: Staff, cid: str, text: str) -> Dict[str, Any]:
        with session_scope() as db:
            if self._get(db, cid).sms_opted_out_at is not None:
                raise DeskError(409, "This person texted STOP: no texts can be sent to them until they text START")
            conv = self._held_by(db, staff, cid)
            message = state.store(db, cid, "staff", text, author_id=staff.id)
            self._count_language(db, conv, staff)
            if conv.first_response_at is None:
                conv.first_response_at = utcnow()
                self._count_response(conv)
            audit(db, staff, "reply", cid)
            db.flush()
            view = state.staff_message_view(message, self._names(db))
            shown = state.citizen_message_view(message, author=staff.first_name)
        self._push(conv, [shown])
        self.push.staff_message(cid, view)
        return view

    @staticmethod
    def _count_language(db, conv: Conversation, staff: Staff) -> None:
        """The enquiry record's language_delivered, once a person has replied: a Welsh
        conversation counts as delivered in Welsh only while every staff reply in it came from a
        Welsh speaker; one reply from someone without Welsh makes it English. An English
        conversation stays English. (The bot's own replies set it in channels/conversations.py.)"""
        enquiry = conv.enquiry
        if enquiry is None:
            return
        if conv.language != "cy":
            enquiry.language_delivered = "en"
            return
        english_only = db.scalar(
            select(func.count()).select_from(Message)
            .join(StaffUser, StaffUser.id == Message.author_id)
            .where(Message.conversation_id == conv.id, Message.sender == "staff",
                   StaffUser.speaks_welsh.is_(False)))
        enquiry.language_delivered = "cy" if staff.speaks_welsh and not english_only else "en"

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
            state.release(conv)
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
            state.transfer(conv, to.id)
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
            state.return_to_bot(conv)
            back = self._tell_citizen(db, conv, "returned_to_bot")
            audit(db, staff, "return_to_bot", cid)
        self._queue_changed()
        self._push(conv, [back])

    def close(self, staff: Staff, cid: str, outcome: str) -> None:
        if outcome not in STAFF_OUTCOMES:
            raise DeskError(422, f"outcome must be one of {', '.join(STAFF_OUTCOMES)}")
        with session_scope() as db:
            conv = self._get(db, cid)
            if conv.status == Status.CLOSED:
                raise DeskError(409, "Already closed")
            if conv.status == Status.BOT:  # never handed to staff: the assistant still has it
                raise DeskError(409, "This conversation is with the assistant, not waiting for staff")
            if conv.status == Status.WITH_STAFF and conv.assigned_to != staff.id:
                raise DeskError(409, "Someone else holds this conversation")
            state.close(conv, StaffOutcome(outcome))
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
            self.push.staff_flag(cid, view)
        return view

    # -- telling people ----------------------------------------------------------------------

    def _tell_citizen(self, db, conv: Conversation, key: str, buttons=None, **values) -> Dict[str, Any]:
        return store_message(db, conv.id, "system", say(key, conv.language, self.profile(), **values),
                             buttons=buttons)

    def _push(self, conv: Conversation, messages: List[Dict[str, Any]]) -> None:
        """Live on the web, by text on SMS: 502 when a text could not go (the message is kept).
        Nothing is texted to a number that sent STOP (a disclosure after STOP still reaches
        staff, who phone): the notices of a claim or a release are kept, not sent."""
        if conv.channel == "sms" and conv.sms_opted_out_at is not None:
            return
        try:
            self.push.citizen(conv, messages, sms=self.sms)
        except CitizenNotReached as e:
            raise DeskError(502, e.detail)

    def _queue_changed(self) -> None:
        self.push.queue_changed()

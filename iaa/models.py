"""The front door's own tables: conversations, messages, anonymous enquiry records, safeguarding
flags, and the console's staff accounts, sessions, notes and audit log. (The directory's tables are
in directory/models.py, on the same metadata.)"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import declarative_base, relationship

# A class made at run time, and SQLAlchemy 1.4 ships no type information: Any, so the models may
# subclass it.
Base: Any = declarative_base()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    return uuid.uuid4().hex


class Conversation(Base):
    __tablename__ = "conversation"

    id = Column(String(32), primary_key=True, default=new_id)
    channel = Column(String(8), nullable=False)  # web | sms
    status = Column(String(12), nullable=False, default="bot")  # bot | waiting | with_staff | closed
    language = Column(String(2), nullable=False, default="en")
    priority = Column(String(8))  # urgent | normal, while waiting or with staff
    handoff_reason = Column(String(16))
    handoff_summary = Column(JSON)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    waiting_since = Column(DateTime)
    assigned_to = Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"))
    claimed_at = Column(DateTime)
    first_response_at = Column(DateTime)  # first staff reply: the three-working-day standard
    closed_at = Column(DateTime)
    # Call back: a number is kept only with consent, and only as long as retention allows.
    callback_state = Column(String(16))  # offered | consent | number | done
    callback_phone = Column(String(20))
    callback_consented_at = Column(DateTime)
    sms_number = Column(String(20), index=True)  # before 0017: sealed and cleared at start (channels/sms.py)
    # SMS (migration 0017): the number's keyed hash finds the conversation; the number itself is
    # sealed (encrypted) and kept only while a reply may be needed (frontdoor/retention.py).
    sms_number_hash = Column(String(64), index=True)
    sms_number_sealed = Column(String(255))
    sms_more = Column(Text)  # the rest of a reply too long for one text, sent on "MORE"
    sms_opted_out_at = Column(DateTime)  # the person texted STOP: closed, and nothing more is sent
    # A possible concern was met with a check-in question; this is its flag, until answered.
    safeguarding_check_id = Column(Integer, ForeignKey("safeguarding_flag.id", ondelete="SET NULL",
                                                       use_alter=True, name="fk_conversation_check"))
    enquiry_id = Column(Integer, ForeignKey("enquiry.id", ondelete="SET NULL"))

    messages = relationship("Message", back_populates="conversation", order_by="Message.id",
                            cascade="all, delete-orphan")
    enquiry = relationship("Enquiry")

    __table_args__ = (Index("ix_conversation_queue", "status", "priority", "waiting_since"),)


class Message(Base):
    __tablename__ = "message"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversation.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    sender = Column(String(8), nullable=False)  # citizen | bot | staff | system
    text = Column(Text, nullable=False, default="")
    payload = Column(JSON)  # services, buttons: whatever the channel renders beyond text
    author_id = Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"))  # staff messages
    created_at = Column(DateTime, nullable=False, default=utcnow)

    conversation = relationship("Conversation", back_populates="messages")


class Enquiry(Base):
    """One row per enquiry, for planners: no text, no identifiers, no time finer than a day."""

    __tablename__ = "enquiry"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    financial_year = Column(String(7), nullable=False)  # e.g. 2026-27
    channel = Column(String(8), nullable=False)
    language_requested = Column(String(2), nullable=False)
    language_delivered = Column(String(2), nullable=False)
    theme = Column(String(40), nullable=False, default="not_stated")
    topic = Column(String(40), nullable=False, default="other")
    outcome = Column(String(40), nullable=False, default="unresolved")
    enquirer = Column(String(20), nullable=False, default="not_stated")
    area = Column(String(60))  # the town asked about, for unmet need (para 76); never an address
    # The directory had nothing that fitted (para 76), whatever the outcome became afterwards (a
    # person offered and accepted outranks no_service_found); theme and area say what and where.
    unmet_need = Column(Boolean, nullable=False, default=False, server_default=false())
    staff_outcome = Column(String(24))  # information | advice | assistance | safeguarding_referral | no_further_action
    feedback = Column(String(8))  # measure 7: "did you get the right information or advice?" yes | partly | no
    contacted_before = Column(String(8))  # measure 23: "contacted us about this in the last year?" yes | no
    handoff_reason = Column(String(16))  # iaa.states.HandoffReason, when handed to staff
    # the three-working-day standard: working days from the handoff to the first staff reply, and
    # whether that was within the standard (a count and a yes/no, never a timestamp)
    response_working_days = Column(Integer)
    response_within_standard = Column(Boolean)
    services = relationship("EnquiryService", cascade="all, delete-orphan", lazy="selectin")


class EnquiryService(Base):
    """The directory taxonomy term of a service offered in an enquiry (what kind of help was
    signposted), once per term."""

    __tablename__ = "enquiry_service"

    enquiry_id = Column(Integer, ForeignKey("enquiry.id", ondelete="CASCADE"), primary_key=True)
    term = Column(String(60), primary_key=True)


class SafeguardingFlag(Base):
    """Why the safeguarding screen flagged a citizen's message, and whether staff agreed.

    No words of the citizen's: the cue id (or "learned" with its score) says why. When a
    conversation is purged the flag keeps only its counts (week, tier, cue, concern, review), which
    is what the safeguarding lead's precision figures are made of."""

    __tablename__ = "safeguarding_flag"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversation.id", ondelete="SET NULL"), index=True)
    message_id = Column(Integer, ForeignKey("message.id", ondelete="SET NULL"), index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    channel = Column(String(8), nullable=False)
    tier = Column(String(8), nullable=False)  # urgent | check (safeguarding.Tier)
    concern = Column(String(40), nullable=False)
    theme = Column(String(40), nullable=False)
    language = Column(String(2), nullable=False)
    cue = Column(String(80), nullable=False)  # a lexicon cue id, or "learned"
    score = Column(Float)  # the learned screen's chance of risk, when it flagged
    in_context = Column(Boolean, nullable=False, default=False, server_default=false())
    answer = Column(String(8))  # the citizen's answer to a check-in: yes | no | other
    review = Column(String(12))  # staff: real | false_alarm
    reviewed_by = Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"))
    reviewed_at = Column(DateTime)


def financial_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


# Staff accounts, sessions, internal notes and the audit log (the console's tables: conversations
# and safeguarding reviews refer to staff accounts, so every table lives here, in the foundation).

ROLES = ("staff", "planner", "admin")


class StaffUser(Base):
    __tablename__ = "staff_user"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    first_name = Column(String(64), nullable=False)  # the only name a citizen sees
    role = Column(String(12), nullable=False)
    password_hash = Column(String(255), nullable=False)
    # failed_logins and locked_until (migration 0010) are no longer used: failed sign-ins back off
    # per client address (console.auth.SignInBackoff), so nobody can lock someone else out.
    disabled_at = Column(DateTime)  # set: cannot sign in, and has no sessions
    # Can serve citizens in Welsh (the Welsh Language Standards; Code of Practice para 319):
    # Welsh conversations are offered to them first, and only their replies count as Welsh delivered.
    speaks_welsh = Column(Boolean, nullable=False, default=False, server_default=false())
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffSession(Base):
    __tablename__ = "staff_session"

    token_hash = Column(String(64), primary_key=True)  # sha256 of the cookie value
    user_id = Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class Note(Base):
    __tablename__ = "staff_note"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = Column(Integer, ForeignKey("staff_user.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    user_id = Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"))
    username = Column(String(64))  # kept if the account is later deleted
    action = Column(String(32), nullable=False)
    conversation_id = Column(String(32))
    detail = Column(String(255), nullable=False, default="")


# SMS through Twilio (migration 0017; channels/sms.py).

class SmsInbound(Base):
    """A webhook's MessageSid and the answer it got: a retry gets the same answer, stores nothing."""

    __tablename__ = "sms_inbound"

    message_sid = Column(String(64), primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversation.id", ondelete="SET NULL"), index=True)
    received_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    state = Column(String(12), nullable=False)  # answering | answered | deferred
    reply = Column(Text)  # the TwiML answered; cleared after the replay window


class SmsOptOut(Base):
    """A number (its keyed hash only) that texted STOP and not START since."""

    __tablename__ = "sms_opt_out"

    number_hash = Column(String(64), primary_key=True)
    opted_out_at = Column(DateTime, nullable=False, default=utcnow)
    keyword = Column(String(16))
    language = Column(String(2))


class SmsOutbound(Base):
    """One text sent to a citizen, with the status Twilio last reported for it."""

    __tablename__ = "sms_outbound"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversation.id", ondelete="SET NULL"), index=True)
    message_id = Column(Integer, ForeignKey("message.id", ondelete="SET NULL"))
    twilio_sid = Column(String(64), unique=True)
    kind = Column(String(12), nullable=False)  # reply | deferred | staff | more | keyword
    # Twilio's (queued, sent, delivered, undelivered, failed...) or error; column "status", named
    # apart from a conversation's status (which only channels/state.py changes)
    delivery_status = Column("status", String(16), nullable=False)
    error_code = Column(Integer)
    error_message = Column(String(255))
    segments = Column(Integer)
    encoding = Column(String(8))
    attempts = Column(Integer)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

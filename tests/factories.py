"""Test data, made one way: conversations (with their enquiry record and messages) and staff
accounts, written to the test's own database (tests/conftest.py binds one per test)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from console.auth import create_user
from iaa.db import session_scope
from iaa.models import Conversation, Enquiry, Message, financial_year, utcnow

STAFF_PASSWORD = "correct horse battery"


def enquiry(channel: str = "web", day: Optional[dt.date] = None, **codes: Any) -> Enquiry:
    """An enquiry record for today (English asked for and given) with any codes set."""
    day = day or dt.date.today()
    values = dict(day=day, financial_year=financial_year(day), channel=channel,
                  language_requested="en", language_delivered="en")
    return Enquiry(**{**values, **codes})


def conversation(status: str = "bot", channel: str = "web", messages: Iterable[str] = (),
                 with_enquiry: bool = True, **fields: Any) -> str:
    """A conversation in `status`, with the citizen's `messages` stored in order; its id.
    A conversation waiting for staff gets a normal-priority "requested" handoff unless told."""
    if status == "waiting":
        fields = {"priority": "normal", "handoff_reason": "requested", "waiting_since": utcnow(),
                  "handoff_summary": {"topic": "other"}, **fields}
    with session_scope() as db:
        conv = Conversation(channel=channel, language="en", status=status,
                            enquiry=enquiry(channel) if with_enquiry else None, **fields)
        db.add(conv)
        db.flush()
        for text in messages:
            db.add(Message(conversation_id=conv.id, sender="citizen", text=text))
        return conv.id


def waiting_conversation(priority: str = "normal", reason: str = "requested",
                         text: str = "I need help with my mum") -> str:
    """A conversation handed to staff and waiting in the queue, with one message from the citizen."""
    return conversation("waiting", messages=[text], priority=priority, handoff_reason=reason)


def staff_account(username: str, role: str = "staff", first_name: Optional[str] = None,
                  password: str = STAFF_PASSWORD) -> str:
    """A staff account (staff, planner or admin) with a known password; its username."""
    create_user(username, first_name or username.title(), role, password)
    return username

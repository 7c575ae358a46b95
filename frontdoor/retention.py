"""Deletes what the council's retention settings say must go: transcripts (bot-only ones much
sooner than handed-off ones), phone numbers, and in time the anonymous enquiry records.
Run daily: `iaa purge` (also run by `iaa serve` at start)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Optional, Tuple, Union

from sqlalchemy import create_engine, delete, or_, select, text, update

from iaa.models import Note
from iaa.db import session_scope
from iaa.logs import purge_logs
from iaa.models import Conversation, Enquiry, Message, SafeguardingFlag, SmsInbound, SmsOutbound, utcnow
from iaa.states import HANDED_OFF, Status
from iaa.profile import CouncilProfile


@dataclass
class PurgeSummary:
    bot_only: int = 0
    handed_off: int = 0
    numbers: int = 0
    enquiries: int = 0
    rasa_events: int = 0
    flags: int = 0
    log_files: int = 0
    sms_answers: int = 0

    def __str__(self) -> str:
        return (f"deleted {self.bot_only} bot-only and {self.handed_off} handed-off conversations, "
                f"{self.rasa_events} dialogue-engine events, {self.enquiries} enquiry records, "
                f"{self.flags} safeguarding flag counts and {self.log_files} old log files; "
                f"cleared {self.numbers} phone numbers and {self.sms_answers} remembered SMS answers")


class _Default(Enum):
    """A default that says "read it from the settings" (None means "there is none")."""
    FROM_SETTINGS = "from settings"


_FROM_SETTINGS = _Default.FROM_SETTINGS


def purge(profile: CouncilProfile, tracker_url: Optional[str] = None,
          now: Optional[dt.datetime] = None,
          log_dir: Union[Path, str, None, _Default] = _FROM_SETTINGS,
          sms_replay: Optional[Tuple[int, int]] = None) -> PurgeSummary:
    """SMS_REPLAY: (window seconds, memory days) for remembered MessageSids; from the settings
    when not given (IAA_SMS_REPLAY_WINDOW_SECONDS, IAA_SMS_REPLAY_MEMORY_DAYS)."""
    now = now or utcnow()
    if sms_replay is None:
        from iaa.settings import get_settings

        sms_replay = (get_settings().sms_replay_window_seconds, get_settings().sms_replay_memory_days)
    keep = profile.retention
    summary = PurgeSummary()
    # Logs hold no conversation text (iaa/logs.py scrubs it), but they do hold conversation ids
    # and times: rolled log files go with the shortest transcript retention.
    if isinstance(log_dir, _Default):
        from iaa.settings import get_settings

        log_dir = get_settings().log_dir or None
    summary.log_files = purge_logs(Path(log_dir) if log_dir else None, keep.bot_only_conversation_days,
                                   now.replace(tzinfo=now.tzinfo or dt.timezone.utc))
    bot_cutoff = now - dt.timedelta(days=keep.bot_only_conversation_days)
    staff_cutoff = now - dt.timedelta(days=keep.handed_off_conversation_days)
    number_cutoff = now - dt.timedelta(days=keep.sms_number_days)
    with session_scope() as db:
        never_handed = Conversation.handoff_reason.is_(None) & Conversation.waiting_since.is_(None) \
            & Conversation.claimed_at.is_(None)
        old_bot = select(Conversation.id).where(never_handed, Conversation.status == Status.BOT,
                                                Conversation.updated_at < bot_cutoff)
        old_staff = select(Conversation.id).where(~never_handed, Conversation.updated_at < staff_cutoff,
                                                  Conversation.status.in_((Status.CLOSED, Status.BOT)))
        doomed_bot = list(db.scalars(old_bot))
        doomed_staff = list(db.scalars(old_staff))
        doomed = doomed_bot + doomed_staff
        for chunk in range(0, len(doomed), 500):
            ids = doomed[chunk:chunk + 500]
            db.execute(delete(Message).where(Message.conversation_id.in_(ids)).execution_options(synchronize_session=False))
            db.execute(delete(Note).where(Note.conversation_id.in_(ids)).execution_options(synchronize_session=False))
            db.execute(delete(SmsOutbound).where(SmsOutbound.conversation_id.in_(ids)).execution_options(synchronize_session=False))
            db.execute(delete(SmsInbound).where(SmsInbound.conversation_id.in_(ids)).execution_options(synchronize_session=False))
            db.execute(delete(Conversation).where(Conversation.id.in_(ids)).execution_options(synchronize_session=False))
        summary.bot_only, summary.handed_off = len(doomed_bot), len(doomed_staff)
        # A texter's number (sealed; a plain one from before 0017) is kept while a reply may be
        # needed: never while the conversation waits for staff or is with them, whatever its age.
        # Its keyed hash stays with the conversation (it holds no number) until that is purged.
        summary.numbers = db.execute(
            update(Conversation)
            .where(or_(Conversation.sms_number.isnot(None), Conversation.sms_number_sealed.isnot(None)),
                   Conversation.updated_at < number_cutoff, Conversation.status.not_in(HANDED_OFF))
            .values(sms_number=None, sms_number_sealed=None, sms_more=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        summary.numbers += db.execute(
            update(Conversation)
            .where(Conversation.callback_phone.isnot(None), Conversation.callback_consented_at < number_cutoff)
            .values(callback_phone=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        # MessageSids: their answers kept for the replay window, the sids for the memory.
        window_cutoff = now - dt.timedelta(seconds=sms_replay[0])
        summary.sms_answers = db.execute(
            update(SmsInbound).where(SmsInbound.received_at < window_cutoff, SmsInbound.reply.isnot(None))
            .values(reply=None).execution_options(synchronize_session=False)
        ).rowcount
        db.execute(delete(SmsInbound).where(SmsInbound.received_at < now - dt.timedelta(days=sms_replay[1]))
                   .execution_options(synchronize_session=False))
        stats_cutoff = (now - dt.timedelta(days=365 * keep.enquiry_statistics_years)).date()
        # Enquiry rows hold no personal data, but still have an end (the council's schedule).
        linked = select(Conversation.enquiry_id).where(Conversation.enquiry_id.isnot(None))
        summary.enquiries = db.execute(
            delete(Enquiry).where(Enquiry.day < stats_cutoff, Enquiry.id.not_in(linked))
            .execution_options(synchronize_session=False)
        ).rowcount
        # A purged conversation's flags keep only their counts (no words, no link), which make the
        # safeguarding lead's precision figures; they end with the statistics period too.
        summary.flags = db.execute(
            delete(SafeguardingFlag).where(SafeguardingFlag.created_at < dt.datetime.combine(stats_cutoff, dt.time()))
            .execution_options(synchronize_session=False)
        ).rowcount
    if tracker_url and doomed:
        summary.rasa_events = _purge_rasa_tracker(tracker_url, doomed)
    return summary


def _purge_rasa_tracker(url: str, sender_ids) -> int:
    """Rasa keeps its own copy of each conversation in the SQL tracker store we configure for it
    (bot/endpoints.yml); its HTTP API cannot delete, so the same retention is applied here."""
    engine = create_engine(url, future=True)
    deleted = 0
    try:
        with engine.begin() as conn:
            if "events" not in _tables(conn):
                return 0
            for chunk in range(0, len(sender_ids), 500):
                ids = list(sender_ids[chunk:chunk + 500])
                marks = ", ".join(f":s{i}" for i in range(len(ids)))
                deleted += conn.execute(text(f"DELETE FROM events WHERE sender_id IN ({marks})"),
                                        {f"s{i}": v for i, v in enumerate(ids)}).rowcount
    finally:
        engine.dispose()
    return deleted


def _tables(conn):
    from sqlalchemy import inspect

    return set(inspect(conn).get_table_names())

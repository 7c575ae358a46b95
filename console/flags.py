"""Safeguarding flags for staff and the safeguarding lead: why a message was flagged, staff's
review of it, precision by week and by cue, and reviewed flags as candidate labelled examples.

Nothing here changes the detector: the export is for a person to check and de-identify before
anything is added to data/safeguarding/examples.yml."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Dict, List, Optional, Tuple

import yaml
from sqlalchemy import func, select
from zoneinfo import ZoneInfo

from channels.conversations import flag_view
from iaa.db import read_scope, session_scope
from iaa.models import Conversation, Message, SafeguardingFlag

from .auth import Staff, audit
from iaa.models import StaffUser

REVIEWS = ("real", "false_alarm")
ANSWERS = ("yes", "no", "other")
EXAMPLES_FILE = "data/safeguarding/examples.yml"


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.replace(tzinfo=dt.timezone.utc).isoformat() if value else None


def staff_view(row: SafeguardingFlag, names: Dict[int, StaffUser],
               conversation_id: Optional[str] = None) -> Dict[str, Any]:
    """The front door's view of a flag, plus what staff need around it: where it came from and
    who reviewed it. `conversation_id` only when the conversation still exists."""
    reviewer = names.get(row.reviewed_by) if row.reviewed_by else None
    return {**flag_view(row), "conversation_id": conversation_id, "channel": row.channel,
            "reviewed_at": _iso(row.reviewed_at),
            "reviewed_by": {"name": reviewer.first_name} if reviewer else None}


def names(db) -> Dict[int, StaffUser]:
    return {u.id: u for u in db.scalars(select(StaffUser))}


def for_conversation(db, cid: str) -> List[Dict[str, Any]]:
    staff = names(db)
    rows = db.scalars(select(SafeguardingFlag).where(SafeguardingFlag.conversation_id == cid)
                      .order_by(SafeguardingFlag.id))
    return [staff_view(r, staff, cid) for r in rows]


def recent(reviewed: Optional[bool], limit: int) -> Dict[str, Any]:
    """Newest first. A purged conversation's flag is listed without a conversation to open."""
    with read_scope() as db:
        query = select(SafeguardingFlag, Conversation.id).outerjoin(
            Conversation, Conversation.id == SafeguardingFlag.conversation_id)
        if reviewed is not None:
            query = query.where(SafeguardingFlag.review.isnot(None) if reviewed
                                else SafeguardingFlag.review.is_(None))
        total = db.scalar(select(func.count()).select_from(query.subquery()))
        rows = db.execute(query.order_by(SafeguardingFlag.created_at.desc(), SafeguardingFlag.id.desc())
                          .limit(limit)).all()
        staff = names(db)
        return {"flags": [staff_view(row, staff, cid) for row, cid in rows], "total": total}


# -- precision, for the safeguarding lead ---------------------------------------------------------

def _counts() -> Dict[str, Any]:
    return {"flags": 0, "urgent": 0, "check": 0, "real": 0, "false_alarm": 0, "not_reviewed": 0,
            "answers": {a: 0 for a in ANSWERS}}


def _add(counts: Dict[str, Any], tier: str, answer: Optional[str], review: Optional[str]) -> None:
    counts["flags"] += 1
    if tier in ("urgent", "check"):
        counts[tier] += 1
    if answer in ANSWERS:
        counts["answers"][answer] += 1
    if review in REVIEWS:
        counts[review] += 1
    else:
        counts["not_reviewed"] += 1


def _precision(counts: Dict[str, Any]) -> Dict[str, Any]:
    reviewed = counts["real"] + counts["false_alarm"]
    counts["precision"] = counts["real"] / reviewed if reviewed else None
    return counts


def weeks(n: int, timezone: str, today: Optional[dt.date] = None) -> Dict[str, Any]:
    """Flags by ISO week (the council's local time) for the last `n` weeks, this one included,
    and by cue over the same period. Flags of purged conversations count too: the figures are
    made of the flag rows alone."""
    tz = ZoneInfo(timezone)
    today = today or dt.datetime.now(tz).date()
    first = today - dt.timedelta(days=today.weekday() + 7 * (n - 1))  # a Monday
    start_utc = dt.datetime.combine(first, dt.time(), tzinfo=tz).astimezone(dt.timezone.utc).replace(tzinfo=None)
    by_week = {first + dt.timedelta(weeks=i): _counts() for i in range(n)}
    by_cue: Dict[Tuple[str, str], Dict[str, Any]] = defaultdict(_counts)
    total = _counts()
    with read_scope() as db:
        rows = db.execute(select(SafeguardingFlag.created_at, SafeguardingFlag.tier, SafeguardingFlag.cue,
                                 SafeguardingFlag.answer, SafeguardingFlag.review)
                          .where(SafeguardingFlag.created_at >= start_utc)).all()
    for created, tier, cue, answer, review in rows:
        day = created.replace(tzinfo=dt.timezone.utc).astimezone(tz).date()
        monday = day - dt.timedelta(days=day.weekday())
        if monday not in by_week:  # a clock set ahead: not a week we show
            continue
        for counts in (by_week[monday], by_cue[(cue, tier)], total):
            _add(counts, tier, answer, review)
    out_weeks = []
    for monday, counts in by_week.items():
        year, week, _ = monday.isocalendar()
        out_weeks.append({"week": f"{year}-W{week:02d}", "starts": monday, **_precision(counts)})
    cues = [{"cue": cue, "tier": tier, **_precision(counts)} for (cue, tier), counts in by_cue.items()]
    # The cues giving the most false alarms first: those are the ones to look at.
    cues.sort(key=lambda c: (-c["false_alarm"], -c["flags"], c["cue"], c["tier"]))
    return {"first_day": first, "last_day": first + dt.timedelta(days=7 * n - 1),
            "weeks": out_weeks, "total": _precision(total), "cues": cues}


# -- candidate labelled examples ------------------------------------------------------------------

class _Quoted(str):
    """Text written double-quoted, as every example in the examples file is."""


class _Entry(dict):
    """One example on one line, `{concern: ..., lang: ..., text: "..."}`, as in the examples file."""


yaml.SafeDumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"'))
yaml.SafeDumper.add_representer(
    _Entry, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True))

HEADER = """\
# CANDIDATE labelled examples from staff reviews of safeguarding flags. NOT ready to use.
#
# Exported {when} by {who}{since}: {risky} marked a real concern (risky), {benign} marked a
# false alarm (benign).
#
# A person must check every entry before any is added to {examples}:
# is the label right, and is the text de-identified (names, places, ages, dates, phone numbers and
# anything else that could identify someone removed or changed)? Move the entries you keep into
# the right section of that file, then run `iaa safeguarding check`.
#
# Nothing retrains by itself: exporting changes nothing. The learned screen learns only from
# {examples}, when a person edits it.
"""


def export(staff: Staff, since: Optional[dt.date]) -> str:
    """Reviewed flags whose message still exists, as YAML for a person to check. Audited: the
    file holds citizens' words."""
    with session_scope() as db:
        query = (select(SafeguardingFlag.review, SafeguardingFlag.concern, SafeguardingFlag.language, Message.text)
                 .join(Message, Message.id == SafeguardingFlag.message_id)
                 .where(SafeguardingFlag.review.in_(REVIEWS)))
        if since is not None:
            query = query.where(SafeguardingFlag.reviewed_at >= dt.datetime.combine(since, dt.time()))
        rows = db.execute(query.order_by(SafeguardingFlag.reviewed_at, SafeguardingFlag.id)).all()
        risky, benign = _entries(rows)
        audit(db, staff, "flag_export", detail=f"{len(risky)} risky, {len(benign)} benign"
              + (f" since {since.isoformat()}" if since else ""))
    body = yaml.safe_dump({"risky": risky, "benign": benign}, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=100_000)
    header = HEADER.format(when=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), who=staff.username,
                           since=f" (reviewed since {since.isoformat()})" if since else "",
                           risky=len(risky), benign=len(benign), examples=EXAMPLES_FILE)
    return header + "\n" + _indent_lists(body)


def _entries(rows) -> Tuple[List[_Entry], List[_Entry]]:
    risky: List[_Entry] = []
    benign: List[_Entry] = []
    seen = set()
    for review, concern, lang, text in rows:
        if (review, text) in seen:  # one message flagged twice is one example
            continue
        seen.add((review, text))
        if review == "real":
            risky.append(_Entry(concern=concern, lang=lang, kind="from_review", text=_Quoted(text)))
        else:
            benign.append(_Entry(lang=lang, kind="from_review", text=_Quoted(text)))
    return risky, benign


def _indent_lists(text: str) -> str:
    """PyYAML writes list items flush with their key; the examples file indents them by two."""
    return "".join(("  " + line if line.startswith("- ") else line) for line in text.splitlines(True))

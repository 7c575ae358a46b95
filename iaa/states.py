"""A conversation's state as the front door knows it: statuses, priorities, handoff reasons and
enquiry outcomes, and which status may move to which, and who may move it.

Plain data, no database: channels/state.py is the one module that changes a conversation's
state, and it asks `transition` first. Every enum is a str, so what is stored and what goes out
as JSON are exactly the strings they always were ("waiting", "urgent", ...): a value read back
from the database compares, hashes and looks up equal to its member."""
from __future__ import annotations

from enum import Enum
from typing import Dict, FrozenSet, Optional, Tuple, Union


class _Str(str, Enum):
    """A str that is also an enum member: str(), hash() and format() are the plain string's, so
    "waiting" (from the database) and Status.WAITING are interchangeable as values and as keys."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __hash__(self) -> int:
        return str.__hash__(self)

    @classmethod
    def values(cls) -> Tuple[str, ...]:
        return tuple(m.value for m in cls)


class Status(_Str):
    BOT = "bot"                # the dialogue model answers
    WAITING = "waiting"        # handed off, in the staff queue
    WITH_STAFF = "with_staff"  # claimed by a member of staff
    CLOSED = "closed"          # ended by staff (a feedback question follows)


# Messages go to the staff queue, not to Rasa, in these.
HANDED_OFF: Tuple[Status, ...] = (Status.WAITING, Status.WITH_STAFF)


class Priority(_Str):
    URGENT = "urgent"
    NORMAL = "normal"


class HandoffReason(_Str):
    SAFEGUARDING = "safeguarding"
    ADVICE = "advice"
    ASSISTANCE = "assistance"
    REQUESTED = "requested"
    FALLBACK = "fallback"


class Outcome(_Str):
    """The enquiry record's outcome, in rising weight: when one conversation reaches several,
    the record keeps the weightiest."""

    UNRESOLVED = "unresolved"
    INFORMATION_GIVEN = "information_given"
    SIGNPOSTED = "signposted"
    NO_SERVICE_FOUND = "no_service_found"
    HANDOFF_REQUESTED = "handoff_requested"
    HANDOFF_ASSISTANCE = "handoff_assistance"
    HANDOFF_ADVICE = "handoff_advice"
    SAFEGUARDING_HANDOFF = "safeguarding_handoff"

    @property
    def weight(self) -> int:
        return list(Outcome).index(self)


OUTCOME_WEIGHT: Dict[Outcome, int] = {o: o.weight for o in Outcome}

HANDOFF_OUTCOME: Dict[HandoffReason, Outcome] = {
    HandoffReason.SAFEGUARDING: Outcome.SAFEGUARDING_HANDOFF,
    HandoffReason.ADVICE: Outcome.HANDOFF_ADVICE,
    HandoffReason.ASSISTANCE: Outcome.HANDOFF_ASSISTANCE,
    HandoffReason.REQUESTED: Outcome.HANDOFF_REQUESTED,
    HandoffReason.FALLBACK: Outcome.HANDOFF_REQUESTED,
}


class StaffOutcome(_Str):
    """What staff record when they close a conversation."""

    INFORMATION = "information"
    ADVICE = "advice"
    ASSISTANCE = "assistance"
    SAFEGUARDING_REFERRAL = "safeguarding_referral"
    NO_FURTHER_ACTION = "no_further_action"


class Actor(_Str):
    """Who moves a conversation."""

    CITIZEN = "citizen"        # a first message opens one
    BOT = "bot"                # the dialogue model asks for a person
    FRONT_DOOR = "front_door"  # the front door itself: a safeguarding concern, a lost handoff
    STAFF = "staff"            # the console


# (from, to) -> who may. None is "no conversation yet". A move to the same status changes
# something else: raised to urgent (waiting or with staff), transferred (with staff).
TRANSITIONS: Dict[Tuple[Optional[Status], Status], FrozenSet[Actor]] = {
    (None, Status.BOT): frozenset({Actor.CITIZEN}),                          # open
    (Status.BOT, Status.WAITING): frozenset({Actor.BOT, Actor.FRONT_DOOR}),  # start a handoff
    (Status.CLOSED, Status.WAITING): frozenset({Actor.FRONT_DOOR}),          # reopen: a disclosure after the end
    (Status.WAITING, Status.WAITING): frozenset({Actor.FRONT_DOOR}),         # raise to urgent
    (Status.WAITING, Status.WITH_STAFF): frozenset({Actor.STAFF}),           # claim
    (Status.WITH_STAFF, Status.WITH_STAFF): frozenset({Actor.STAFF, Actor.FRONT_DOOR}),  # transfer; raise
    (Status.WITH_STAFF, Status.WAITING): frozenset({Actor.STAFF}),           # release
    (Status.WITH_STAFF, Status.BOT): frozenset({Actor.STAFF}),               # return to the bot
    (Status.WAITING, Status.CLOSED): frozenset({Actor.STAFF, Actor.FRONT_DOOR}),     # close; SMS STOP
    (Status.WITH_STAFF, Status.CLOSED): frozenset({Actor.STAFF, Actor.FRONT_DOOR}),  # close; SMS STOP
    (Status.BOT, Status.CLOSED): frozenset({Actor.FRONT_DOOR}),              # SMS STOP: nothing more may be sent
}


class IllegalTransition(ValueError):
    def __init__(self, current: object, new: object, actor: object) -> None:
        super().__init__(f"{actor} may not move a conversation from {current or 'nothing'} to {new}")
        self.current, self.new, self.actor = current, new, actor


def transition(current: Union[Status, str, None], new: Union[Status, str],
               actor: Union[Actor, str]) -> Status:
    """The new status if `actor` may move a conversation from `current` to it; else raises
    IllegalTransition (an unknown status is illegal too)."""
    try:
        was = Status(current) if current is not None else None
        to, who = Status(new), Actor(actor)
    except ValueError:  # not a status or not an actor
        raise IllegalTransition(current, new, actor) from None
    if who not in TRANSITIONS.get((was, to), frozenset()):
        raise IllegalTransition(was, to, who)
    return to


def may(current: Union[Status, str, None], new: Union[Status, str], actor: Union[Actor, str]) -> bool:
    try:
        transition(current, new, actor)
    except IllegalTransition:
        return False
    return True

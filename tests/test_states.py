"""A conversation's state: the enums keep the stored strings, the transition table allows exactly
its moves, and only channels/state.py changes a conversation's status, priority or handoff reason."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from iaa.payloads import Handoff, read_handoff
from iaa.states import (HANDOFF_OUTCOME, OUTCOME_WEIGHT, TRANSITIONS, Actor, HandoffReason,
                        IllegalTransition, Outcome, Priority, StaffOutcome, Status, may, transition)

ROOT = Path(__file__).resolve().parents[1]
STATUSES = [None, *Status]


def test_the_enums_are_the_strings_stored_and_sent():
    assert Status.values() == ("bot", "waiting", "with_staff", "closed")
    assert Priority.values() == ("urgent", "normal")
    assert HandoffReason.values() == ("safeguarding", "advice", "assistance", "requested", "fallback")
    assert StaffOutcome.values() == ("information", "advice", "assistance", "safeguarding_referral",
                                     "no_further_action")
    for member in [*Status, *Priority, *HandoffReason, *Outcome, *StaffOutcome]:
        # a value read back from the database is its member: equal, same hash, same text
        assert member == member.value and hash(member) == hash(member.value)
        assert str(member) == f"{member}" == member.value
        assert json.dumps({member: member}) == json.dumps({member.value: member.value})
        assert member.value in {member} and {member.value: 1}[member] == 1


def test_outcomes_rise_in_the_order_they_always_had():
    assert list(OUTCOME_WEIGHT) == [
        "unresolved", "information_given", "signposted", "no_service_found", "handoff_requested",
        "handoff_assistance", "handoff_advice", "safeguarding_handoff"]
    assert [OUTCOME_WEIGHT[o] for o in Outcome] == list(range(len(Outcome)))
    assert OUTCOME_WEIGHT["safeguarding_handoff"] > OUTCOME_WEIGHT["handoff_advice"]
    assert set(HANDOFF_OUTCOME) == set(HandoffReason)
    assert HANDOFF_OUTCOME["fallback"] == HANDOFF_OUTCOME["requested"] == "handoff_requested"
    assert HANDOFF_OUTCOME["safeguarding"] == "safeguarding_handoff"


LEGAL = {
    (None, "bot"): {"citizen"},
    ("bot", "waiting"): {"bot", "front_door"},
    ("closed", "waiting"): {"front_door"},
    ("waiting", "waiting"): {"front_door"},
    ("waiting", "with_staff"): {"staff"},
    ("with_staff", "with_staff"): {"staff", "front_door"},
    ("with_staff", "waiting"): {"staff"},
    ("with_staff", "bot"): {"staff"},
    ("waiting", "closed"): {"staff", "front_door"},
    ("with_staff", "closed"): {"staff", "front_door"},
    ("bot", "closed"): {"front_door"},
}


def test_the_table_is_the_one_described():
    assert {(a and a.value, b.value): {w.value for w in who} for (a, b), who in TRANSITIONS.items()} == LEGAL


@pytest.mark.parametrize("current,new,actor", [(c, n, a) for (c, n), who in LEGAL.items() for a in sorted(who)])
def test_every_legal_move_works(current, new, actor):
    assert transition(current, new, actor) is Status(new)
    # given as members or as the strings the database holds
    assert transition(current and Status(current), Status(new), Actor(actor)) is Status(new)
    assert may(current, new, actor)


@pytest.mark.parametrize("current,new,actor", [
    (c and c.value, n.value, a.value) for c in STATUSES for n in Status for a in Actor
    if a.value not in LEGAL.get((c and c.value, n.value), set())])
def test_every_other_move_is_refused(current, new, actor):
    with pytest.raises(IllegalTransition, match="may not move"):
        transition(current, new, actor)
    assert not may(current, new, actor)


@pytest.mark.parametrize("current,new,actor", [
    ("bot", "gone", "staff"), ("pending", "waiting", "bot"), ("waiting", "with_staff", "manager"),
    ("", "bot", "citizen")])
def test_unknown_statuses_and_actors_are_refused(current, new, actor):
    with pytest.raises(IllegalTransition):
        transition(current, new, actor)


def test_the_moves_people_rely_on():
    # staff cannot take a conversation the bot still has, nor reopen a closed one
    assert not may("bot", "with_staff", "staff") and not may("closed", "waiting", "staff")
    # the bot cannot hand off a conversation that is already with staff or closed
    assert not may("with_staff", "waiting", "bot") and not may("closed", "waiting", "bot")
    # nothing closes a conversation but staff, or the front door when the texter sends STOP;
    # and a closed one never goes back to the bot
    assert all(not may(c, "closed", a) for c in Status for a in Actor if a not in (Actor.STAFF, Actor.FRONT_DOOR))
    assert not may("bot", "closed", "staff") and not may("bot", "closed", "bot")
    assert all(not may("closed", "bot", a) for a in Actor)


# -- one owner ----------------------------------------------------------------------------------

OWNER = Path("channels/state.py")
OWNED = {"status", "priority", "handoff_reason"}
SOURCES = ["channels", "console", "iaa", "frontdoor", "actions", "directory", "safeguarding"]


def _assignments(tree: ast.AST):
    """Where a module sets status, priority or handoff_reason on something other than itself:
    attribute assignments (plain, augmented, annotated, in tuples), setattr with the name, and
    keyword arguments to Conversation(...), insert/update .values(...) and .update({...})."""
    def targets(node):
        if isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                yield from targets(elt)
        elif isinstance(node, ast.Starred):
            yield from targets(node.value)
        else:
            yield node

    for node in ast.walk(tree):
        found = []
        if isinstance(node, ast.Assign):
            found = [t for target in node.targets for t in targets(target)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            found = list(targets(node.target))
        for t in found:
            if isinstance(t, ast.Attribute) and t.attr in OWNED and not (
                    isinstance(t.value, ast.Name) and t.value.id == "self"):
                yield node.lineno, f".{t.attr} ="
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "setattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value in OWNED:
                yield node.lineno, f"setattr {node.args[1].value}"
            if name in ("Conversation", "values", "update"):
                for kw in node.keywords:
                    if kw.arg in OWNED:
                        yield node.lineno, f"{name}({kw.arg}=...)"
                for arg in node.args:
                    if isinstance(arg, ast.Dict) and any(
                            isinstance(k, ast.Constant) and k.value in OWNED for k in arg.keys):
                        yield node.lineno, f"{name}({{...}})"


def test_the_checker_finds_every_way_of_setting_a_status():
    src = '''
conv.status = "closed"
conv.status, conv.assigned_to = "waiting", None
(a, conv.priority) = 1, "urgent"
conv.handoff_reason: str = "advice"
setattr(conv, "status", "bot")
Conversation(channel="web", status="bot")
db.execute(update(Conversation).values(status="with_staff"))
db.query(Conversation).update({"priority": "urgent"})
self.status = 409
x = conv.status
'''
    assert [what for _, what in sorted(_assignments(ast.parse(src)))] == [
        ".status =", ".status =", ".priority =", ".handoff_reason =", "setattr status",
        "Conversation(status=...)", "values(status=...)", "update({...})"]


def test_only_the_owner_changes_a_conversations_state():
    offenders, owner_sets = [], []
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else []:
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:  # schema history, not behaviour
                continue
            hits = list(_assignments(ast.parse(path.read_text(encoding="utf-8"), str(rel))))
            if rel == OWNER:
                owner_sets += hits
            else:
                offenders += [f"{rel}:{line}: {what}" for line, what in hits]
    assert offenders == [], "only channels/state.py may change a conversation's state:\n" + "\n".join(offenders)
    assert owner_sets, "the checker found nothing in channels/state.py itself"


# -- the owner's changes ask the table first ------------------------------------------------------

def _conv(status, **values):
    from iaa.models import Conversation

    return Conversation(channel="web", language="en", status=status, **values)


def test_the_owners_changes_follow_the_table():
    from channels import state

    conv = _conv("bot")
    assert state.start_handoff(conv, Handoff(reason="advice"), Actor.BOT) is HandoffReason.ADVICE
    assert (conv.status, conv.priority, conv.handoff_reason) == ("waiting", "normal", "advice")
    assert conv.waiting_since is not None and conv.handoff_summary == {}
    with pytest.raises(IllegalTransition):  # already waiting: the bot cannot hand it off again
        state.start_handoff(conv, Handoff(reason="requested"), Actor.BOT)
    with pytest.raises(IllegalTransition):  # nobody holds it
        state.release(conv)
    state.raise_to_urgent(conv, {"concern": "domestic_abuse"})
    assert (conv.status, conv.priority, conv.handoff_reason) == ("waiting", "urgent", "safeguarding")

    conv = _conv("with_staff", assigned_to=1, priority="normal", handoff_reason="requested")
    state.transfer(conv, 2)
    assert (conv.status, conv.assigned_to) == ("with_staff", 2) and conv.claimed_at is not None
    state.release(conv)
    assert (conv.status, conv.assigned_to, conv.claimed_at) == ("waiting", None, None)
    with pytest.raises(IllegalTransition):  # only from with staff
        state.return_to_bot(conv)
    state.close(conv, StaffOutcome.ADVICE)
    assert conv.status == "closed" and conv.closed_at is not None
    with pytest.raises(IllegalTransition):
        state.close(conv, StaffOutcome.ADVICE)
    # a disclosure after the end reopens it, urgent; only the front door does that
    with pytest.raises(IllegalTransition):
        state.start_handoff(conv, Handoff(reason="requested"), Actor.BOT)
    state.start_handoff(conv, Handoff(reason="safeguarding"), Actor.FRONT_DOOR)
    assert (conv.status, conv.priority) == ("waiting", "urgent")

    conv = _conv("with_staff", assigned_to=1, priority="urgent", handoff_reason="safeguarding",
                 waiting_since=utc())
    state.return_to_bot(conv)
    assert (conv.status, conv.assigned_to, conv.priority, conv.handoff_reason, conv.waiting_since) == \
        ("bot", None, None, None, None)
    with pytest.raises(IllegalTransition):
        state.raise_to_urgent(conv, {})


def test_an_unknown_handoff_reason_is_a_request_and_outcomes_only_rise():
    from channels import state
    from iaa.models import Enquiry

    conv = _conv("bot", enquiry=Enquiry(outcome="signposted"))
    # a handoff that does not fit is still a handoff: read as a plain request, urgent if it said so
    assert state.start_handoff(conv, read_handoff({"reason": "chat", "priority": "urgent"}), Actor.BOT) \
        is HandoffReason.REQUESTED
    assert conv.priority == "urgent" and conv.enquiry.outcome == "handoff_requested"
    state.raise_outcome(conv.enquiry, "information_given")  # lighter: kept as it was
    assert conv.enquiry.outcome == "handoff_requested"
    state.raise_outcome(conv.enquiry, "nonsense")
    assert conv.enquiry.outcome == "handoff_requested"
    state.raise_outcome(conv.enquiry, "safeguarding_handoff")
    assert conv.enquiry.outcome == "safeguarding_handoff"


def utc():
    from iaa.models import utcnow

    return utcnow()

"""Fixtures for calling each custom action's run() directly, as RasaHQ/rasa-demo does: a rasa_sdk
Tracker built from a dict, a CollectingDispatcher, and the real domain (bot/domain, loaded by
Rasa's own Domain.load and handed to the action as a dict, as the action server is).

The council profile is the real one (data/council/example.yml, the default profile_path); the
directory is the real sample in the unit test SQLite database (tests/conftest.py). The only thing
faked is the clock, at the edge: iaa.profile reads "now" to decide whether the office is open."""
from __future__ import annotations

import asyncio
import datetime as dt
import types
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from iaa.settings import ROOT

DOMAIN_DIR = ROOT / "bot" / "domain"
SAMPLE = ROOT / "directory" / "sample" / "services.json"
LONDON = ZoneInfo("Europe/London")
# The example council is open 09:00-17:00 Monday to Thursday, 09:00-16:30 Friday.
OPEN = dt.datetime(2026, 11, 23, 11, 0, tzinfo=LONDON)  # a Monday morning
CLOSED = dt.datetime(2026, 11, 28, 20, 0, tzinfo=LONDON)  # a Saturday evening: back at 9am Monday


@pytest.fixture(scope="session")
def rasa_domain() -> Domain:
    return Domain.load(str(DOMAIN_DIR))


@pytest.fixture(scope="session")
def domain(rasa_domain) -> Dict[str, Any]:
    """The domain as the action server passes it to run(): a dict."""
    return rasa_domain.as_dict()


def initial_slots(domain: Dict[str, Any]) -> Dict[str, Any]:
    """Every slot in the domain at its initial value, as a new conversation has them."""
    return {name: spec.get("initial_value") for name, spec in domain["slots"].items()}


def user_event(text: str, intent: str, entities: Optional[List[dict]] = None,
               metadata: Optional[dict] = None, **parse: Any) -> Dict[str, Any]:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 1.0},
                  "intent_ranking": [{"name": intent, "confidence": 1.0}], "entities": entities or [], **parse}
    return {"event": "user", "text": text, "parse_data": parse_data, "metadata": metadata or {}}


@pytest.fixture
def make_tracker(domain):
    """make_tracker(text, intent, slots..., before=[earlier user events], entities, metadata, parse):
    a Tracker whose latest message is TEXT with INTENT, after the BEFORE messages."""

    def make(text: str = "", intent: str = "greet", *, before: Optional[List[dict]] = None,
             entities: Optional[List[dict]] = None, metadata: Optional[dict] = None,
             parse: Optional[dict] = None, **slots: Any) -> Tracker:
        latest = user_event(text, intent, entities, metadata, **(parse or {}))
        events = [{"event": "action", "name": "action_session_start"},
                  {"event": "session_started"},
                  {"event": "action", "name": "action_listen"}]
        for earlier in before or []:
            events += [earlier, {"event": "action", "name": "action_listen"}]
        events.append(latest)
        state = {"sender_id": "test-citizen", "slots": {**initial_slots(domain), **slots},
                 "latest_message": {**latest["parse_data"], "metadata": latest["metadata"]},
                 "events": events, "paused": False, "followup_action": None, "active_loop": {},
                 "latest_action_name": "action_listen"}
        return Tracker.from_dict(state)

    return make


@pytest.fixture
def run_action(domain):
    """Runs ACTION's run() as the action server would, with a CollectingDispatcher of its own
    (one per turn, as the action server has); returns (messages, events)."""

    def run(action, tracker: Tracker):
        dispatcher = CollectingDispatcher()
        # In a thread of its own: the browser tests leave Playwright's event loop in this one.
        with ThreadPoolExecutor(1) as pool:
            events = pool.submit(asyncio.run, action.run(dispatcher, tracker, domain)).result()
        return dispatcher.messages, events

    return run


class _FrozenDatetime(dt.datetime):
    frozen: dt.datetime = OPEN

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return cls.frozen.astimezone(tz) if tz else cls.frozen.replace(tzinfo=None)


def _freeze(monkeypatch, moment: dt.datetime) -> dt.datetime:
    import iaa.profile

    frozen = type("Frozen", (_FrozenDatetime,), {"frozen": moment})
    clock = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if not k.startswith("__")})
    clock.datetime = frozen
    monkeypatch.setattr(iaa.profile, "dt", clock)
    return moment


@pytest.fixture
def office_open(monkeypatch) -> dt.datetime:
    """The clock says Monday 11am: the council's office is open."""
    return _freeze(monkeypatch, OPEN)


@pytest.fixture
def office_closed(monkeypatch) -> dt.datetime:
    """The clock says Saturday 8pm: the office is closed until 9am Monday."""
    return _freeze(monkeypatch, CLOSED)


@pytest.fixture(scope="module")
def directory_db(module_database):
    """The sample directory is in this module's database (tests/conftest.py starts a module that
    asks for it from a template with the sample loaded, made once per run)."""
    return module_database


# What the dispatcher collected, read the way the front door reads a reply.
def responses(messages) -> List[str]:
    return [m["response"] for m in messages if m.get("response")]


def customs(messages) -> List[Dict[str, Any]]:
    return [m["custom"] for m in messages if m.get("custom")]


def enquiries(messages) -> List[Dict[str, Any]]:
    return [c["enquiry"] for c in customs(messages) if "enquiry" in c]


def handoffs(messages) -> List[Dict[str, Any]]:
    return [c["handoff"] for c in customs(messages) if "handoff" in c]


def texts(messages) -> List[str]:
    return [m["text"] for m in messages if m.get("text")]


def as_dicts(events) -> List[Dict[str, Any]]:
    return [dict(e) for e in events]

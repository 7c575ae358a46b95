"""Each action through rasa_sdk's own ActionExecutor, as the action server runs it for Rasa: the
tracker and the domain as the JSON Rasa sends, the reply as the JSON Rasa reads. Every event it
returns is one Rasa's own event parser accepts, and every response it names is in the domain."""
from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import rasa_sdk
from rasa.shared.core.events import Event
from rasa_sdk.executor import ActionExecutor

from actions.actions import INFORMATION_TOPICS
from iaa.settings import ROOT

from .conftest import user_event

TURNS = [
    ("action_session_start", "", "session_start", {"session_started_metadata": {"language": "cy"}}),
    ("action_choose_language", "/choose_language", "choose_language", {"language": "cy"}),
    ("action_give_information", "how much will I pay", "info_charges", {}),
    ("action_handoff", "a person please", "request_person", {}),
    ("action_handoff_for_need", "I need advice", "need_advice", {}),
    ("action_safeguarding_handoff", "I want to kill myself", "safeguarding_disclosure", {}),
    ("action_missed", "asdf", "nlu_fallback", {"misses": 1.0}),
    ("action_answer_yes_no", "yes", "affirm", {"pending_question": "offer_person"}),
    ("action_find_service", "lunch club in Carmarthen", "find_service", {}),
]


@pytest.fixture(scope="module")
def executor():
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


def test_the_turns_cover_every_registered_action(executor):
    assert {name for name, *_ in TURNS} == set(executor.actions)


@pytest.mark.parametrize("name, text, intent, slots", TURNS, ids=[t[0] for t in TURNS])
def test_the_reply_is_json_rasa_reads(directory_db, executor, domain, make_tracker, office_open,
                                      name, text, intent, slots):
    tracker = make_tracker(text, intent, before=[user_event("blah", "nlu_fallback")], **slots)
    call = json.loads(json.dumps({"next_action": name, "sender_id": tracker.sender_id, "version": rasa_sdk.__version__,
                                  "tracker": tracker.current_state(), "domain": domain}))
    with ThreadPoolExecutor(1) as pool:
        reply = pool.submit(asyncio.run, executor.run(call)).result()
    reply = json.loads(json.dumps(reply))  # what goes over the wire
    assert reply["responses"] or reply["events"], f"{name} did nothing"
    for event in reply["events"]:
        assert Event.from_parameters(event) is not None, event
    for message in reply["responses"]:
        if message.get("response"):
            assert message["response"] in domain["responses"]


def test_every_response_the_actions_name_is_in_the_domain(domain):
    named = set()
    for path in (ROOT / "actions").glob("*.py"):
        named |= set(re.findall(r"""["'](utter_[a-z_]+)["']""", path.read_text(encoding="utf-8")))
    named |= {f"utter_{intent}" for intent in INFORMATION_TOPICS}  # f"utter_{intent}"
    named |= {"utter_language_en", "utter_language_cy"}  # f"utter_language_{language}"
    assert named and not named - set(domain["responses"])

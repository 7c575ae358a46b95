"""The find-service action with the real search over the test database: the place in the reply and
the record is the one the search used, "more" with nothing before it is not a search, more is
offered only when there is more, and a place outside the council's area is said to be so."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory_actions import ActionFindService, domain_text
from directory.search import get_search
from iaa.settings import ROOT


@pytest.fixture(scope="module")
def domain():
    merged = {"responses": {}}
    for part in sorted(Path(ROOT / "bot" / "domain").glob("*.yml")):
        merged["responses"].update(yaml.safe_load(part.read_text(encoding="utf-8")).get("responses") or {})
    return merged


def run(domain, text, intent="find_service", language="en", **slots):
    tracker = Tracker(sender_id="test", slots={"language": language, **slots},
                      latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0},
                                      "intent_ranking": [{"name": intent, "confidence": 1.0}], "entities": []},
                      events=[{"event": "user", "text": text}], paused=False, followup_action=None,
                      active_loop={}, latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    # In a thread of its own: the browser tests leave Playwright's event loop in this one.
    with ThreadPoolExecutor(1) as pool:
        events = pool.submit(asyncio.run, ActionFindService().run(dispatcher, tracker, domain)).result()
    return dispatcher.messages, events


def responses(messages):
    return [m["response"] for m in messages if m.get("response")]


def records(messages):
    return [m["custom"]["enquiry"] for m in messages if "enquiry" in (m.get("custom") or {})]


def services(messages):
    return next(m["custom"] for m in messages if "services" in (m.get("custom") or {}))


def said(domain, message, language="en"):
    """A response the action named, as Rasa would word it for this language."""
    values = {k: v for k, v in message.items() if isinstance(v, str)}
    return domain_text(domain, message["response"], language).format(**values)


def slot(events, name):
    return next(e["value"] for e in events if e.get("name") == name)


def test_a_misspelt_town_the_search_reads_is_the_one_in_the_reply_and_the_record(directory_db, domain):
    messages, events = run(domain, "lunch club Carmathen")
    found = services(messages)
    assert found["text"] == "Here are some services that might help in Carmarthen:"
    assert found["services"][0]["name"] == "Carmarthen Luncheon Club"
    assert records(messages)[0]["area"] == "Carmarthen"
    assert slot(events, "service_search")["town"] == "Carmarthen"


def test_the_welsh_reply_names_the_town_in_welsh(directory_db, domain):
    messages, _ = run(domain, "clwb cinio yng Nghaerfyrddin", language="cy")
    assert services(messages)["text"] == "Dyma rai gwasanaethau a allai helpu yng Nghaerfyrddin:"


@pytest.mark.parametrize("said", ["show me more", "rhagor"])
def test_more_with_no_search_before_it_says_so_and_records_nothing(directory_db, domain, said):
    messages, events = run(domain, said, intent="more_services")
    assert responses(messages) == ["utter_nothing_to_page"]
    assert records(messages) == [] and events == []
    assert not any((m.get("custom") or {}).get("services") for m in messages)


@pytest.mark.parametrize("said", ["is there anything", "can you find me something please"])
def test_a_request_naming_nothing_asks_rather_than_recording_an_unmet_need(directory_db, domain, said):
    messages, events = run(domain, said)
    assert responses(messages) == ["utter_how_can_i_help"] and records(messages) == [] and events == []


def test_more_pages_on_from_the_search_before(directory_db, domain):
    first, events = run(domain, "befriending")
    request = slot(events, "service_search")
    second, _ = run(domain, "show me more", intent="more_services", service_search=request)
    shown = {c["name"] for c in services(first)["services"]}
    assert services(second)["services"] and not shown & {c["name"] for c in services(second)["services"]}


def test_more_is_offered_only_when_there_is_more(directory_db, domain):
    assert len(get_search().search("shopmobility", limit=4)) < 3  # the directory has two
    messages, _ = run(domain, "shopmobility")
    assert len(services(messages)["services"]) < 3
    assert "utter_more_or_person" not in responses(messages)
    assert "utter_no_more_services" in responses(messages)  # that is all, and a person is offered
    assert len(get_search().search("befriending", limit=4)) == 4
    messages, _ = run(domain, "befriending")
    assert "utter_more_or_person" in responses(messages) and "utter_no_more_services" not in responses(messages)


def test_a_place_outside_the_area_is_said_to_be_and_the_nearest_shown(directory_db, domain):
    messages, _ = run(domain, "lunch clubs in Swansea")
    assert said(domain, messages[0]) == ("Our directory covers Sir Enghraifft only, not Swansea. "
                                         "Here is what is nearest, around Llanelli.")
    found = services(messages)["services"]
    assert found and found[0]["town"] == "Llanelli"
    assert records(messages)[0]["area"] == "Swansea" and records(messages)[0]["outcome"] == "signposted"


def test_far_outside_the_area_only_county_wide_services_are_shown(directory_db, domain):
    messages, _ = run(domain, "befriending in London")
    assert said(domain, messages[0]) == ("Our directory covers Sir Enghraifft only, not London. "
                                         "Here is what covers the whole of Sir Enghraifft.")
    assert [c["name"] for c in services(messages)["services"]] == ["Befriending by Phone"]
    welsh, _ = run(domain, "cyfeillio yng Nghaerdydd", language="cy")
    assert said(domain, welsh[0], "cy") == ("Mae ein cyfeiriadur yn cynnwys Sir Enghraifft yn unig, nid Caerdydd. "
                                            "Dyma wasanaethau sy'n cwmpasu Sir Enghraifft i gyd.")


def test_nothing_found_records_the_unmet_need_where_it_was_asked(directory_db, domain):
    messages, events = run(domain, "bowls club for older people in Llandeilo")
    assert responses(messages) == ["utter_no_service_found"]
    assert messages[0]["where"] == " in Llandeilo"
    assert records(messages) == [{**records(messages)[0], "outcome": "no_service_found", "area": "Llandeilo"}]
    assert slot(events, "service_search") is None

"""action_find_service over the real sample directory in the unit test SQLite database: up to
three services as a payload the channels render (in the citizen's language), the search kept in
a slot for "more", the names shown kept for the staff summary, and an enquiry record of what was
looked for: signposted, or an unmet need (no_service_found) where it was asked."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.directory_actions import PAGE, ActionFindService

from .conftest import customs, enquiries, responses


def cards(messages):
    [payload] = [c for c in customs(messages) if "services" in c]
    return payload


def slot(events, name):
    [value] = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return value


def find(make_tracker, run_action, text, intent="find_service", **slots):
    return run_action(ActionFindService(), make_tracker(text, intent, **slots))


def test_a_search_shows_services_records_signposted_and_remembers_the_search(
        directory_db, make_tracker, run_action):
    messages, events = find(make_tracker, run_action, "lunch club in Carmarthen")
    found = cards(messages)
    assert found["text"] == "Here are some services that might help in Carmarthen:"
    assert 1 <= len(found["services"]) <= PAGE
    first = found["services"][0]
    assert first["name"] == "Carmarthen Luncheon Club" and first["town"] == "Carmarthen"
    assert {"id", "phone", "address", "schedule", "cost", "url"} <= set(first)
    assert enquiries(messages) == [{"topic": "find_service", "outcome": "signposted", "theme": "not_stated",
                                    "enquirer": "not_stated", "area": "Carmarthen"}]
    search = slot(events, "service_search")
    assert (search["town"], search["offset"]) == ("Carmarthen", 0) and search["query"]
    names = [c["name"] for c in found["services"]]
    assert events[1:] == [SlotSet("services_offered", names), SlotSet("last_topic", "find_service"),
                          SlotSet("misses", 0.0)]


def test_the_slots_it_sets_are_in_the_domain(directory_db, domain, make_tracker, run_action):
    _, events = find(make_tracker, run_action, "lunch club in Carmarthen")
    assert {e["name"] for e in events if e["event"] == "slot"} <= set(domain["slots"])


def test_in_welsh_the_intro_and_the_cards_are_welsh(directory_db, make_tracker, run_action):
    messages, _ = find(make_tracker, run_action, "clwb cinio yng Nghaerfyrddin", language="cy")
    found = cards(messages)
    assert found["text"] == "Dyma rai gwasanaethau a allai helpu yng Nghaerfyrddin:"
    luncheon = next(c for c in found["services"] if c["name"] == "Carmarthen Luncheon Club")
    assert (luncheon["town"], luncheon["language"]) == ("Caerfyrddin", "cy")
    assert luncheon["schedule"] == "Bob dydd Mawrth a dydd Iau, 12yp tan 2yp"
    assert enquiries(messages)[0]["area"] == "Carmarthen"  # the record keeps the code, not the Welsh name


def test_services_shown_add_to_those_shown_before_for_the_staff_summary(directory_db, make_tracker, run_action):
    messages, events = find(make_tracker, run_action, "befriending", services_offered=["Earlier Service"])
    shown = [c["name"] for c in cards(messages)["services"]]
    assert slot(events, "services_offered") == ["Earlier Service", *shown]


def test_more_pages_on_until_there_is_no_more(directory_db, make_tracker, run_action):
    first, events = find(make_tracker, run_action, "befriending")
    assert "utter_more_or_person" in responses(first)
    search = slot(events, "service_search")
    seen = {c["name"] for c in cards(first)["services"]}
    for _ in range(10):
        page, events = find(make_tracker, run_action, "show me more", intent="more_services", service_search=search)
        search = slot(events, "service_search")
        if search is None:  # paged past the end: said so, and the search forgotten
            assert responses(page) == ["utter_no_more_services"] and enquiries(page) == []
            break
        names = {c["name"] for c in cards(page)["services"]}
        assert names and not names & seen
        seen |= names
        assert search["offset"] % PAGE == 0 and search["offset"] > 0
    else:
        pytest.fail("paging never reached the end")


def test_more_with_nothing_searched_says_there_is_nothing_to_page(directory_db, make_tracker, run_action):
    messages, events = find(make_tracker, run_action, "rhagor", intent="more_services", language="cy")
    assert responses(messages) == ["utter_nothing_to_page"] and events == []


def test_nothing_found_records_an_unmet_need_and_offers_a_person(directory_db, make_tracker, run_action):
    messages, events = find(make_tracker, run_action, "bowls club for older people in Llandeilo")
    assert responses(messages) == ["utter_no_service_found"]
    assert messages[0]["where"] == " in Llandeilo" and messages[0]["what"].startswith(" (")
    [record] = enquiries(messages)
    assert (record["topic"], record["outcome"], record["area"]) == ("find_service", "no_service_found", "Llandeilo")
    assert events == [SlotSet("service_search", None), SlotSet("last_topic", "find_service")]


def test_a_request_naming_nothing_asks_what_is_wanted(directory_db, make_tracker, run_action):
    messages, events = find(make_tracker, run_action, "is there anything")
    assert responses(messages) == ["utter_how_can_i_help"] and enquiries(messages) == [] and events == []


@pytest.mark.parametrize("language, said", [
    ("en", {"county": "Sir Enghraifft", "outside": "Swansea", "town": "Llanelli"}),
    ("cy", {"county": "Sir Enghraifft", "outside": "Abertawe", "town": "Llanelli"}),
])
def test_a_place_outside_the_area_is_named_in_the_citizens_language(
        directory_db, make_tracker, run_action, language, said):
    text = "lunch clubs in Swansea" if language == "en" else "clybiau cinio yn Abertawe"
    messages, _ = find(make_tracker, run_action, text, language=language)
    assert messages[0]["response"] == "utter_outside_area_nearest"
    assert {k: messages[0][k] for k in said} == said
    assert enquiries(messages)[0]["area"] == "Swansea"

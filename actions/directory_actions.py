"""Finding local services: what and where from the citizen's words, up to three services as a
structured payload each channel renders, paging, and an honest record when nothing fits."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Text

import yaml
from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from directory import lexicon as lx
from directory.request import parse_service_request
from directory.search import get_search
from iaa.payloads import CustomMessage, ServiceCard
from iaa.settings import ROOT

from .actions import enquiry_payload

PAGE = 3

class ActionFindService(Action):
    def name(self) -> Text:
        return "action_find_service"

    async def run(self, dispatcher, tracker, domain):
        language = tracker.get_slot("language") or "en"
        search = get_search()
        earlier = tracker.get_slot("service_search")
        if tracker.get_intent_of_latest_message() == "more_services":
            if not earlier:
                # Nothing was searched for yet, so there is nothing more to show: "rhagor" or
                # "show me more" is not a search, and no enquiry outcome is recorded for it.
                dispatcher.utter_message(response="utter_nothing_to_page")
                return []
            request: Dict[str, Any] = dict(earlier)
            request["offset"] = int(request.get("offset", 0)) + PAGE
            located = search.locate(request["query"], request["town"])
        else:
            parsed = parse_service_request(tracker.latest_message.get("text") or "", search.towns)
            # The search reads the place too (a misspelt town the parser missed, a place outside
            # the area), so the reply and the record use the place it searched.
            located = search.locate(parsed["what"] or "", parsed["town"])
            request = {"query": located.query, "town": located.outside.name if located.outside else located.town,
                       "theme": parsed["theme"], "age": parsed["age"], "welsh": bool(parsed["welsh"]),
                       "free": bool(parsed["free"]), "offset": 0}
            if not (search.asks_for_something(request["query"]) or request["town"] or request["theme"]
                    or request["age"] is not None or request["welsh"] or request["free"]):
                # Nothing to look for ("is there anything?"): ask, rather than record an unmet need.
                dispatcher.utter_message(response="utter_how_can_i_help")
                return []
        found = search.search(request["query"], town=request["town"], theme=request["theme"], age=request["age"],
                              welsh=request["welsh"], free=request["free"], limit=PAGE + 1, offset=request["offset"])
        matches, more = found[:PAGE], len(found) > PAGE

        record = enquiry_payload(tracker, "find_service", None)
        if request["theme"]:
            record["enquiry"]["theme"] = request["theme"]
        asked_about = located.outside.name if located.outside else located.town
        if asked_about:
            record["enquiry"]["area"] = asked_about

        if not matches and request["offset"]:
            dispatcher.utter_message(response="utter_no_more_services")
            return [SlotSet("service_search", None)]
        if located.outside and not request["offset"]:
            say_outside_area(dispatcher, located.outside, located.town, language)
        if not matches:
            what = f" ({request['query']})" if request["query"] else ""
            where = f" {lx.in_town(located.town, language)}" if located.town else ""
            dispatcher.utter_message(response="utter_no_service_found", what=what, where=where)
            record["enquiry"]["outcome"] = "no_service_found"
            dispatcher.utter_message(json_message=CustomMessage.parse_obj(record).as_json())
            return [SlotSet("service_search", None), SlotSet("last_topic", "find_service")]

        cards = [ServiceCard(**m.card(language)) for m in matches]
        if any(c.english_only for c in cards):
            # Honest about language: in Welsh, a service whose details exist only in English says so.
            note = domain_text(domain, ENGLISH_ONLY, language)
            for c in cards:
                if c.english_only:
                    c.language_note = note
        where = f" {lx.in_town(located.town, language)}" if located.town and not located.outside else ""
        intro = domain_text(domain, "utter_services_found", language).format(where=where)
        dispatcher.utter_message(json_message=CustomMessage(text=intro, services=cards).as_json())
        # Offer more only when there is more; otherwise say that is all, still offering a person.
        dispatcher.utter_message(response="utter_more_or_person" if more else "utter_no_more_services")
        record["enquiry"]["outcome"] = "signposted"
        dispatcher.utter_message(json_message=CustomMessage.parse_obj(record).as_json())
        offered = list(tracker.get_slot("services_offered") or []) + [c.name for c in cards]
        return [SlotSet("service_search", request), SlotSet("services_offered", offered[-10:]),
                SlotSet("last_topic", "find_service"), SlotSet("misses", 0.0)]


def say_outside_area(dispatcher, outside: lx.Place, nearest: Optional[str], language: str) -> None:
    """"Our directory covers Sir Enghraifft only, not Swansea. Here is what is nearest, around Llanelli." """
    welsh = language == "cy"
    county = lx.county_name("cy" if welsh else "en")
    place = outside.name_cy if welsh else outside.name
    if nearest:
        town = lx.welsh_place_name(nearest) if welsh else nearest
        dispatcher.utter_message(response="utter_outside_area_nearest", county=county, outside=place, town=town)
    else:
        dispatcher.utter_message(response="utter_outside_area_county", county=county, outside=place)


ENGLISH_ONLY = "utter_directory_english_only"
WELSH_DOMAIN = ROOT / "bot" / "domain" / "directory_welsh.yml"


@lru_cache(maxsize=1)
def _welsh_domain() -> Dict[str, Any]:
    return yaml.safe_load(WELSH_DOMAIN.read_text(encoding="utf-8")) or {}


def domain_text(domain: Dict[str, Any], response: str, language: str) -> str:
    """The text of a response variation for this language (the payload carries the services).
    A response of bot/domain/directory_welsh.yml that a model trained before it lacks is read
    from the file, so the action works before the model is retrained."""
    variations = domain.get("responses", {}).get(response, [])
    if not variations and response == ENGLISH_ONLY:
        variations = _welsh_domain().get("responses", {}).get(response, [])
    for v in variations:
        for c in v.get("condition") or []:
            if c.get("name") == "language" and c.get("value") == language:
                return v["text"]
    return next(v["text"] for v in variations if not v.get("condition"))

"""Finding local services: what and where from the citizen's words, up to three services as a
structured payload each channel renders, paging, and an honest record when nothing fits."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from directory.request import parse_service_request
from directory.search import get_search

from .actions import enquiry_payload

PAGE = 3


class ActionFindService(Action):
    def name(self) -> Text:
        return "action_find_service"

    async def run(self, dispatcher, tracker, domain):
        language = tracker.get_slot("language") or "en"
        search = get_search()
        if tracker.get_intent_of_latest_message() == "more_services" and tracker.get_slot("service_search"):
            request: Dict[str, Any] = dict(tracker.get_slot("service_search"))
            request["offset"] = int(request.get("offset", 0)) + PAGE
        else:
            parsed = parse_service_request(tracker.latest_message.get("text") or "", search.towns)
            request = {"query": parsed["what"] or "", "town": parsed["town"], "theme": parsed["theme"],
                       "age": parsed["age"], "welsh": bool(parsed["welsh"]), "free": bool(parsed["free"]),
                       "offset": 0}
        matches = search.search(request["query"], town=request["town"], theme=request["theme"],
                                age=request["age"], welsh=request["welsh"], free=request["free"],
                                limit=PAGE, offset=request["offset"])
        where = f" in {request['town']}" if request["town"] else ""
        record = enquiry_payload(tracker, "find_service", None)
        if request["theme"]:
            record["enquiry"]["theme"] = request["theme"]
        if request["town"]:
            record["enquiry"]["area"] = request["town"]

        if not matches and request["offset"]:
            dispatcher.utter_message(response="utter_no_more_services")
            return [SlotSet("service_search", None)]
        if not matches:
            what = f" ({request['query']})" if request["query"] else ""
            dispatcher.utter_message(response="utter_no_service_found", what=what, where=where)
            record["enquiry"]["outcome"] = "no_service_found"
            dispatcher.utter_message(json_message=record)
            return [SlotSet("service_search", None), SlotSet("last_topic", "find_service")]

        cards: List[Dict[str, Any]] = [m.card(language) for m in matches]
        intro = domain_text(domain, "utter_services_found", language).format(where=where)
        dispatcher.utter_message(json_message={"text": intro, "services": cards})
        dispatcher.utter_message(response="utter_more_or_person")
        record["enquiry"]["outcome"] = "signposted"
        dispatcher.utter_message(json_message=record)
        offered = list(tracker.get_slot("services_offered") or []) + [c["name"] for c in cards]
        return [SlotSet("service_search", request), SlotSet("services_offered", offered[-10:]),
                SlotSet("last_topic", "find_service"), SlotSet("misses", 0.0)]


def domain_text(domain: Dict[str, Any], response: str, language: str) -> str:
    """The text of a response variation for this language (the payload carries the services)."""
    variations = domain.get("responses", {}).get(response, [])
    for v in variations:
        for c in v.get("condition") or []:
            if c.get("name") == "language" and c.get("value") == language:
                return v["text"]
    return next(v["text"] for v in variations if not v.get("condition"))

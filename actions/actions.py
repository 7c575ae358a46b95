"""Custom actions: council values into slots, information answers with their enquiry record,
handoff decisions, and what to do when the bot does not understand."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from iaa.payloads import CustomMessage, Enquiry, Handoff
from iaa.profile import CouncilProfile, cached_profile
from iaa.replies import safeguarding_reply, when_text
from iaa.settings import setting
from iaa.states import HandoffReason, Priority
from iaa.taxonomy import default
from safeguarding import load_detector

from .classify import classify_enquiry, guess_topic

ROOT = Path(__file__).resolve().parent.parent
# Information intents and the enquiry topic each one records (codes from TAXONOMY.md).
INFORMATION_TOPICS: Dict[str, str] = {
    "info_how_care_works": "how_care_works",
    "info_support_types": "how_care_works",
    "info_assessment": "assessment",
    "info_carers_assessment": "assessment",
    "info_raise_concern": "raising_concern",
    "info_charges": "charges_finance",
    "info_direct_payments": "direct_payments",
    "info_carer_support": "carer_support",
    "info_advocacy": "advocacy",
    "info_complaints": "complaints",
    "info_eligibility": "assessment",
    "info_children_families": "how_care_works",
    "info_money_advice": "charges_finance",
    "info_housing_equipment": "housing_equipment",
    "info_accessible_contact": "other",
    "info_other_area": "how_care_works",
    "info_after_concern": "raising_concern",
    "info_wellbeing": "find_service",  # TAXONOMY.md: find_service includes preventative and well-being services
    "info_future_planning": "other",
    "info_secure_estate": "how_care_works",
}
MISSES_BEFORE_OFFER = 2


def profile() -> CouncilProfile:
    return cached_profile(str(setting("profile_path")))


def profile_slots() -> List[EventType]:
    return [SlotSet(name, value) for name, value in profile().template_values().items()]


def user_texts(tracker: Tracker) -> List[str]:
    """What the citizen has typed this session (button payloads excluded)."""
    return [e.get("text") or "" for e in tracker.events
            if e.get("event") == "user" and not (e.get("text") or "").startswith("/")]


def enquiry_payload(tracker: Tracker, topic: Optional[str], outcome: Optional[str]) -> Dict[str, Any]:
    """The enquiry record. TOPIC is the one the turn knows (an information intent's, find_service
    for a service request) and is never replaced. Without one (a handoff, a miss): what the
    citizen's latest message is about ("can someone arrange a ramp" -> housing_equipment, "arrange
    care for mum" -> how_care_works), else the topic already talked about this session, else what an
    earlier message was about (latest first), else "other"."""
    texts = user_texts(tracker)
    latest = tracker.latest_message.get("text") or ""
    typed_now = bool(latest) and not latest.startswith("/")
    earlier = texts[:-1] if typed_now and texts and texts[-1] == latest else texts
    if topic is None:
        topic = ((guess_topic(latest) if typed_now else None) or tracker.get_slot("last_topic")
                 or next((g for g in (guess_topic(t) for t in reversed(earlier)) if g), None) or default("topic"))
    found = classify_enquiry(texts, topic=topic)
    found.pop("topic_guess")
    enquiry = Enquiry(topic=topic, outcome=outcome, **found)
    return CustomMessage(enquiry=enquiry).as_json()


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SessionStarted(), *profile_slots()]
        metadata = tracker.get_slot("session_started_metadata") or {}
        if metadata.get("language") in ("en", "cy"):
            events.append(SlotSet("language", metadata["language"]))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionChooseLanguage(Action):
    def name(self) -> Text:
        return "action_choose_language"

    async def run(self, dispatcher, tracker, domain):
        language = tracker.get_slot("language") or "en"
        dispatcher.utter_message(response=f"utter_language_{language}")
        dispatcher.utter_message(json_message=CustomMessage(language=language).as_json())
        return []


class ActionGiveInformation(Action):
    """Answers an information intent with its response and records the enquiry's topic."""

    def name(self) -> Text:
        return "action_give_information"

    async def run(self, dispatcher, tracker, domain):
        intent = tracker.get_intent_of_latest_message()
        topic = INFORMATION_TOPICS.get(intent or "")
        if topic is None:  # a rule pointed here for an intent this action does not know
            dispatcher.utter_message(response="utter_please_rephrase")
            return []
        dispatcher.utter_message(response=f"utter_{intent}")
        dispatcher.utter_message(json_message=enquiry_payload(tracker, topic, "information_given"))
        return [SlotSet("misses", 0.0), SlotSet("last_topic", topic), SlotSet("pending_question", None)]


def handoff_events(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                   now: Optional[dt.datetime] = None) -> List[EventType]:
    """Tell the citizen what happens next, and ask the front door to queue the conversation."""
    council = profile()
    if council.is_open(now):
        dispatcher.utter_message(response="utter_handoff_in_hours")
    else:
        # in the conversation's language: the Welsh variation says "9yb dydd Llun 30 Tachwedd"
        dispatcher.utter_message(response="utter_handoff_out_of_hours",
                                 back_at=when_text(council.next_opening(now), tracker.get_slot("language") or "en"))
    enquiry = enquiry_payload(tracker, None, None)["enquiry"]
    summary = {
        "reason": reason,
        "topic": enquiry["topic"],
        "theme": enquiry["theme"],
        "enquirer": enquiry["enquirer"],
        "language": tracker.get_slot("language") or "en",
    }
    if tracker.get_slot("services_offered"):
        summary["services_offered"] = tracker.get_slot("services_offered")
    dispatcher.utter_message(json_message=CustomMessage(
        handoff=Handoff(reason=HandoffReason(reason),
                        priority=Priority.URGENT if reason == HandoffReason.SAFEGUARDING else Priority.NORMAL,
                        summary=summary),
        enquiry=Enquiry(**enquiry),
    ).as_json())
    # Staff have it now: the bot stays silent until the front door resumes the conversation.
    return [SlotSet("misses", 0.0), SlotSet("pending_question", None), ConversationPaused()]


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher, tracker, domain):
        return handoff_events(dispatcher, tracker, "requested")


class ActionHandoffForNeed(Action):
    """Advice or assistance: a trained person does the proportionate assessment (para 300)."""

    def name(self) -> Text:
        return "action_handoff_for_need"

    async def run(self, dispatcher, tracker, domain):
        reason = "advice" if tracker.get_intent_of_latest_message() == "need_advice" else "assistance"
        return handoff_events(dispatcher, tracker, reason)


class ActionSafeguardingHandoff(Action):
    """A disclosure: a calm reply and an urgent handoff, with no questions first."""

    def name(self) -> Text:
        return "action_safeguarding_handoff"

    async def run(self, dispatcher, tracker, domain):
        # the verdict the message was flagged with (screened once, by the front door or the NLU)
        verdict = tracker.latest_message.get("safeguarding") or {}
        if not verdict.get("concern"):
            flag = load_detector().screen(tracker.latest_message.get("text") or "")
            verdict = flag.verdict() if flag else {}
        concern = verdict.get("concern") or "immediate_danger"  # flagged upstream: never drop it
        theme = verdict.get("theme") or "not_stated"
        language = tracker.get_slot("language") or "en"
        for text in safeguarding_reply(profile(), concern, language):
            dispatcher.utter_message(text=text)
        enquiry = enquiry_payload(tracker, None, "safeguarding_handoff")["enquiry"]
        if theme != "not_stated":
            enquiry["theme"] = theme
        summary = {"reason": "safeguarding", "concern": concern, "theme": enquiry["theme"], "topic": enquiry["topic"],
                   "enquirer": enquiry["enquirer"], "language": language}
        dispatcher.utter_message(json_message=CustomMessage(
            handoff=Handoff(reason="safeguarding", priority="urgent", summary=summary),
            enquiry=Enquiry(**enquiry),
        ).as_json())
        return [SlotSet("misses", 0.0), SlotSet("pending_question", None), ConversationPaused()]


MISS_INTENTS = ("nlu_fallback", "out_of_scope")


def _previous_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the citizen's message before this one, if any."""
    said = [e for e in tracker.events if e.get("event") == "user"]
    if len(said) < 2:
        return None
    return ((said[-2].get("parse_data") or {}).get("intent") or {}).get("name")


class ActionMissed(Action):
    """The bot did not understand (low confidence or out of scope). The second miss in a row
    offers a person rather than asking the citizen to try again forever."""

    def name(self) -> Text:
        return "action_missed"

    async def run(self, dispatcher, tracker, domain):
        # "In a row": a greeting or thanks in between starts the count again.
        misses = int(tracker.get_slot("misses") or 0) + 1 if _previous_intent(tracker) in MISS_INTENTS else 1
        if misses >= MISSES_BEFORE_OFFER:
            dispatcher.utter_message(response="utter_offer_person")
            dispatcher.utter_message(json_message=enquiry_payload(tracker, None, "unresolved"))
            return [SlotSet("misses", float(misses)), SlotSet("pending_question", "offer_person")]
        intent = tracker.get_intent_of_latest_message()
        dispatcher.utter_message(response="utter_out_of_scope" if intent == "out_of_scope" else "utter_please_rephrase")
        return [SlotSet("misses", float(misses))]


class ActionAnswerYesNo(Action):
    """Yes or no means something only after a yes/no question."""

    def name(self) -> Text:
        return "action_answer_yes_no"

    async def run(self, dispatcher, tracker, domain):
        pending = tracker.get_slot("pending_question")
        yes = tracker.get_intent_of_latest_message() == "affirm"
        if pending == "offer_person" and yes:
            return handoff_events(dispatcher, tracker, "fallback")
        if pending == "offer_person":
            dispatcher.utter_message(response="utter_no_handoff")
        else:
            dispatcher.utter_message(response="utter_how_can_i_help")
        return [SlotSet("pending_question", None), SlotSet("misses", 0.0)]

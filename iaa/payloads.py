"""The bot's custom payloads: what an action sends with `dispatcher.utter_message(json_message=...)`
and the front door reads back from Rasa (`channels/bot.py`). One set of models, used on both sides.

    {"text": ..., "services": [ServiceCard, ...]}         service cards (actions/directory_actions.py)
    {"enquiry": Enquiry}                                  the enquiry record's codes (data/taxonomy/codes.yml)
    {"handoff": Handoff, "enquiry": Enquiry}              a handoff to staff (iaa/states.py's reasons)
    {"language": "en" | "cy"}                             the language chosen

Actions build them through `CustomMessage(...).as_json()`: the keys they set, as they set them
(exclude_unset: a null they send stays a null, a key they leave out stays out), so the JSON on the
wire is what it was before these models. The front door reads them with `read_custom`, part by
part: a part that does not fit is logged and dropped, never an error; a handoff that does not fit
is still a handoff (a plain request, as `channels/state.py` treats an unknown reason), because a
citizen who asked for a person must not be lost."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field, ValidationError, validator

from . import taxonomy
from .states import HandoffReason, Priority

log = logging.getLogger(__name__)

Language = Literal["en", "cy"]


class _Payload(BaseModel):
    class Config:
        use_enum_values = True  # plain strings in the JSON, as the actions always sent


class Handoff(_Payload):
    reason: HandoffReason
    priority: Priority = Priority.NORMAL
    summary: Dict[str, Any] = Field(default_factory=dict,
                                    description="what staff see first: reason, topic, theme, enquirer, language, ...")

    class Config:
        extra = "forbid"


def _code_of(dimension: str):
    def check(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in taxonomy.codes(dimension):
            raise ValueError(f"{value!r} is not a {dimension} code")
        return value
    return validator(dimension, allow_reuse=True)(check)


class Enquiry(_Payload):
    """The enquiry record's codes (None: not known from this turn)."""
    theme: Optional[str] = None
    topic: Optional[str] = None
    enquirer: Optional[str] = None
    outcome: Optional[str] = None
    area: Optional[str] = Field(default=None, description="the town asked about (free text, not a code)")  # default= by name: mypy sees it

    _theme = _code_of("theme")
    _topic = _code_of("topic")
    _enquirer = _code_of("enquirer")
    _outcome = _code_of("outcome")

    class Config:
        extra = "forbid"


class ServiceCard(_Payload):
    """What the chat shows of a service (directory/cards.py build_card)."""
    id: Optional[str]
    name: Optional[str]
    description: str = ""
    address: Optional[str] = None
    town: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    url: Optional[str] = None
    schedule: Optional[str] = None
    cost: Optional[str] = None
    ages: Optional[str] = None
    welsh: Optional[bool] = Field(default=None, description="works in Welsh (the service's languages); "
                                                             "null: no languages recorded")
    welsh_label: Optional[str] = Field(default=None, description="that, as a line in the card's language")
    english_only: bool = Field(default=False, description="a Welsh card whose details exist only in English")
    language_note: Optional[str] = Field(default=None, description="the sentence saying so, from the domain")
    last_checked: Optional[str] = None
    stale: bool = False
    status: str = "active"
    language: Language = "en"
    terms: List[str] = Field(default_factory=list, description="the service's taxonomy term codes (counted for planners)")


class CustomMessage(_Payload):
    """The envelope: any of these parts, in one json_message."""
    text: Optional[str] = None
    services: Optional[List[ServiceCard]] = None
    handoff: Optional[Handoff] = None
    enquiry: Optional[Enquiry] = None
    language: Optional[Language] = None

    class Config:
        extra = "forbid"

    def as_json(self) -> Dict[str, Any]:
        """What goes to dispatcher.utter_message(json_message=...)."""
        return self.dict(exclude_unset=True)


def read_custom(raw: Any) -> CustomMessage:
    """A custom payload from Rasa, part by part: what does not fit is logged and left out."""
    if not isinstance(raw, dict):
        if raw is not None:
            log.warning("bot payload is not an object (%s); ignored", type(raw).__name__)
        return CustomMessage()
    parts: Dict[str, Any] = {}
    if "text" in raw and isinstance(raw["text"], str):
        parts["text"] = raw["text"]
    if raw.get("language") is not None:
        if raw["language"] in ("en", "cy"):
            parts["language"] = raw["language"]
        else:
            log.warning("bot payload language %r is not en or cy; ignored", raw["language"])
    if "enquiry" in raw:
        try:
            parts["enquiry"] = Enquiry.parse_obj(raw["enquiry"])
        except ValidationError as e:
            log.warning("bot enquiry payload dropped: %s", _why(e))
    if raw.get("handoff"):  # an empty one asks for nothing, as before these models
        parts["handoff"] = read_handoff(raw["handoff"])
    if raw.get("services") and not isinstance(raw["services"], list):
        log.warning("bot services payload is not a list; dropped")
    elif raw.get("services"):
        parts["services"] = []
        for card in raw["services"]:
            try:
                parts["services"].append(ServiceCard.parse_obj(card))
            except ValidationError as e:
                log.warning("bot service card dropped: %s", _why(e))
    return CustomMessage(**parts)


def read_handoff(raw: Any) -> Handoff:
    """A handoff the bot asked for. One that does not fit is still a handoff: a plain request
    (urgent if it said so), so the citizen reaches a person."""
    try:
        return Handoff.parse_obj(raw)
    except ValidationError as e:
        log.error("bot handoff payload does not fit (%s); treated as requested", _why(e))
    given = raw if isinstance(raw, dict) else {}
    summary = given.get("summary")
    return Handoff(reason=HandoffReason.REQUESTED,
                   priority=Priority.URGENT if given.get("priority") == Priority.URGENT else Priority.NORMAL,
                   summary=summary if isinstance(summary, dict) else {})


def _why(error: ValidationError) -> str:
    # Field names and reasons only, never the values (they may be a citizen's words).
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['type']}" for e in error.errors())

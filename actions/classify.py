"""Classifies an enquiry's theme, enquirer and a topic guess from what the citizen wrote, by cue
words kept in data/taxonomy/enquiry_cues.yml (the rules and their order are written there). Only
the codes leave this module, never the text.

    classify_enquiry("my son is autistic")   -> {"theme": "learning_disability_autism",
                                                 "enquirer": "family_friend", "topic_guess": "other"}
    classify_enquiry([earlier, latest], topic="carer_support")   every message of a session
    guess_topic("can I get a ramp")           -> "housing_equipment" (None when no cue)

The theme follows the person who needs the care or support: a circumstance (domestic abuse,
prison), then a carer asking for themselves, then a condition, then age or life stage; a
relationship ("my mum") or caring ("I look after my husband") on its own sets none."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Pattern, Sequence, Tuple, Union

from iaa.taxonomy import default, enquiry_cues, stated

THEMES = set(stated("theme"))
ENQUIRERS = set(stated("enquirer"))
TOPICS = set(stated("topic"))

# Age bands, as directory/request.py reads them: under 18, and 65 and over.
CHILD_UNDER, OLDER_FROM = 18, 65
# Topics whose intent says a carer is asking about support for themselves.
CARER_SELF_TOPICS = {"carer_support"}

_NOT_AN_AGE = (r"(?![.:,]\d)(?!\s*(?:%|minutes?|mins?|hours?|hrs?|pounds?|quid|pence|p\b|days?|weeks?|"
               r"months?|miles?|times?|am\b|pm\b|o'clock|funud|awr|diwrnod|wythnos|mis|punt|ceiniog))")
_AGE = r"([1-9]\d?|10\d|110)\b" + _NOT_AN_AGE
# The writer's own age: "I'm 82", "rwy'n 82 oed".
SELF_AGE = re.compile(r"(?<![\w'])(?:i'm|i am|im|rwy'n|rwyf yn|dw i'n|dwi'n|rydw i'n|rydw i yn)\s+" + _AGE)
# Anyone's age: "she's 84", "son aged 9", "a 9 year old", "mae hi'n 84", "9 oed", "in her 80s".
AGES = [re.compile(p) for p in (
    r"(?<![\w'])(?:i'm|i am|im|he's|he is|she's|she is|they're|they are|who is|who's|is|aged?|age of|"
    r"mae hi'n|mae e'n|mae o'n|mae hi yn|mae e yn|sy'n|rwy'n|rwyf yn|dw i'n|dwi'n|rydw i'n|yn)\s+" + _AGE,
    r"(?<![\w'])([1-9]\d?|10\d|110)\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*old\b",
    r"(?<![\w'])([1-9]\d?|10\d|110)\s+(?:mlwydd\s+|mlynedd\s+)?oed\b",
)]
DECADE = re.compile(r"(?<![\w'])in\s+(?:his|her|their|my|our)\s+([1-9])0s\b")
# "I'm a nurse", "as her social worker", "rwy'n nyrs", "fel gweithiwr cymdeithasol".
ROLE_PREFIX = (r"(?:i'm|i am|im|as|i work as|i'm working as|i am working as|rwy'n|rwyf yn|dw i'n|dwi'n|"
               r"rydw i'n|rydw i yn|fel|rwy'n gweithio fel|dw i'n gweithio fel)\s+(?:(?:a|an|his|her|their)\s+)?")


def fold(text: str) -> str:
    """Lower case, one kind of apostrophe, no accents ("strôc" and "stroc", "ôl" and "ol" alike)."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _alternatives(cues: Iterable[str]) -> str:
    words = sorted({re.escape(fold(c)) for c in cues}, key=len, reverse=True)
    return "(?:" + "|".join(words) + ")"


def _pattern(cues: List[str]) -> Pattern[str]:
    # A possessive still matches: "my mum" in "my mum's care", "carers" in "carers' group".
    return re.compile(r"(?<![\w'])" + _alternatives(cues) + r"(?:'s|')?(?![\w'])")


Compiled = List[Tuple[str, Pattern[str]]]


def _section(name: str) -> Compiled:
    return [(code, _pattern(words)) for code, words in enquiry_cues()[name]]


@lru_cache()
def _compiled() -> Dict[str, Compiled]:
    # checked there: a missing or wrong file raises TaxonomyError
    out = {name: _section(name) for name in ("enquiry_themes", "enquirers", "topics", "carer_own_needs",
                                             "self_over_relative")}
    roles = [w for _, words in enquiry_cues()["professional_roles"] for w in words]
    out["professional_roles"] = [("professional", re.compile(
        r"(?<![\w'])" + ROLE_PREFIX + _alternatives(roles) + r"(?![\w'])"))] if roles else []
    return out


_compiled()  # at import: the action server does not start with a missing or wrong cue file


def _any(section: str, text: str) -> Optional[str]:
    return next((code for code, p in _compiled()[section] if p.search(text)), None)


def _ages(text: str) -> List[int]:
    found = [int(m.group(1)) for p in AGES for m in p.finditer(text)]
    return found + [int(m.group(1)) * 10 + 5 for m in DECADE.finditer(text)]


def _enquirer(text: str) -> str:
    if _any("professional_roles", text) or _has("enquirers", "professional", text):
        return "professional"
    if _has("enquirers", "carer", text):
        return "carer"
    if _any("self_over_relative", text) or SELF_AGE.search(text):
        return "self"
    for code in ("family_friend", "self"):
        if _has("enquirers", code, text):
            return code
    return str(default("enquirer"))


def _has(section: str, code: str, text: str) -> bool:
    return any(c == code and p.search(text) for c, p in _compiled()[section])


def _theme(text: str, enquirer: str, topic: Optional[str]) -> str:
    ages = _ages(text)
    for code, p in _compiled()["enquiry_themes"]:
        if p.search(text):
            return code
        if code == "carers" and enquirer == "carer" and (_any("carer_own_needs", text) or topic in CARER_SELF_TOPICS):
            return code
        if code == "older_people" and any(a >= OLDER_FROM for a in ages):
            return code
        if code == "children_young_people" and any(a < CHILD_UNDER for a in ages):
            return code
    return str(default("theme"))


def guess_topic(text: str) -> Optional[str]:
    """The topic one message's cues say, or None."""
    return _any("topics", fold(text))


def classify_enquiry(texts: Union[str, Sequence[str]], topic: Optional[str] = None) -> Dict[str, Optional[str]]:
    """Theme and enquirer always, from everything said; topic only as a guess for when no intent
    says it ("other"), from the latest message with a topic cue. TOPIC is the topic already
    known (an intent's), which can tell that a carer is asking for themselves."""
    said = [texts] if isinstance(texts, str) else list(texts)
    text = "\n".join(fold(t) for t in said)  # a cue does not run across two messages
    enquirer = _enquirer(text)
    guess = next((g for g in (guess_topic(t) for t in reversed(said)) if g), None)
    return {"theme": _theme(text, enquirer, topic), "enquirer": enquirer,
            "topic_guess": guess or default("topic")}

"""Classifies an enquiry's theme and enquirer from what the citizen wrote, by cue words kept
in data/taxonomy/enquiry_cues.yml. Only the codes leave this module, never the text."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Pattern, Tuple

import yaml

CUES = Path(__file__).resolve().parent.parent / "data" / "taxonomy" / "enquiry_cues.yml"
THEMES = {"children_young_people", "older_people", "health_physical_disability",
          "learning_disability_autism", "mental_health", "sensory_impairment", "carers",
          "vawdasv", "secure_estate"}
ENQUIRERS = {"self", "family_friend", "carer", "professional"}
TOPICS = {"how_care_works", "find_service", "assessment", "charges_finance", "direct_payments",
          "carer_support", "advocacy", "complaints", "raising_concern", "housing_equipment"}


def _pattern(cues: List[str]) -> Pattern[str]:
    words = sorted((re.escape(c.lower()) for c in cues), key=len, reverse=True)
    # A possessive still matches: "my mum" in "my mum's care", "carers" in "carers' group".
    return re.compile(r"(?<![\w'])(?:" + "|".join(words) + r")(?:'s|')?(?![\w'])")


@lru_cache()
def _compiled() -> Tuple[List[Tuple[str, Pattern[str]]], ...]:
    data = yaml.safe_load(CUES.read_text(encoding="utf-8"))
    for code in data["topics"]:
        if code not in TOPICS:
            raise ValueError(f"{CUES}: unknown topic code {code!r}")
    for code in data["themes"]:
        if code not in THEMES:
            raise ValueError(f"{CUES}: unknown theme code {code!r}")
    for code in data["enquirers"]:
        if code not in ENQUIRERS:
            raise ValueError(f"{CUES}: unknown enquirer code {code!r}")
    return tuple([(c, _pattern(w)) for c, w in data[kind].items()] for kind in ("themes", "enquirers", "topics"))


def classify_enquiry(text: str) -> Dict[str, str]:
    """Theme and enquirer always; topic only as a guess for when no intent says it ("other")."""
    text = text.lower().replace("’", "'")
    themes, enquirers, topics = _compiled()
    theme = next((code for code, p in themes if p.search(text)), "not_stated")
    enquirer = next((code for code, p in enquirers if p.search(text)), "not_stated")
    topic = next((code for code, p in topics if p.search(text)), "other")
    return {"theme": theme, "enquirer": enquirer, "topic_guess": topic}

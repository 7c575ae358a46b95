"""Classifies an enquiry's theme and enquirer from what the citizen wrote, by cue words kept
in data/taxonomy/enquiry_cues.yml. Only the codes leave this module, never the text."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, List, Optional, Pattern, Tuple

from iaa.taxonomy import default, enquiry_cues, stated

THEMES = set(stated("theme"))
ENQUIRERS = set(stated("enquirer"))
TOPICS = set(stated("topic"))


def _pattern(cues: List[str]) -> Pattern[str]:
    words = sorted((re.escape(c.lower()) for c in cues), key=len, reverse=True)
    # A possessive still matches: "my mum" in "my mum's care", "carers" in "carers' group".
    return re.compile(r"(?<![\w'])(?:" + "|".join(words) + r")(?:'s|')?(?![\w'])")


@lru_cache()
def _compiled() -> Tuple[List[Tuple[str, Pattern[str]]], ...]:
    data = enquiry_cues()  # checked there: a missing or wrong file raises TaxonomyError
    return tuple([(c, _pattern(w)) for c, w in data[kind]] for kind in ("themes", "enquirers", "topics"))


_compiled()  # at import: the action server does not start with a missing or wrong cue file


def classify_enquiry(text: str) -> Dict[str, Optional[str]]:
    """Theme and enquirer always; topic only as a guess for when no intent says it ("other")."""
    text = text.lower().replace("’", "'")
    themes, enquirers, topics = _compiled()
    theme = next((code for code, p in themes if p.search(text)), default("theme"))
    enquirer = next((code for code, p in enquirers if p.search(text)), default("enquirer"))
    topic = next((code for code, p in topics if p.search(text)), default("topic"))
    return {"theme": theme, "enquirer": enquirer, "topic_guess": topic}

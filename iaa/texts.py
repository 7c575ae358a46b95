"""Messages the front door itself says (when the bot cannot), from data/messages.yml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

from .profile import CouncilProfile

MESSAGES_PATH = Path(__file__).resolve().parent.parent / "data" / "messages.yml"


@lru_cache()
def _catalogue() -> Dict[str, Dict[str, str]]:
    data = yaml.safe_load(MESSAGES_PATH.read_text(encoding="utf-8"))
    for key, variants in data.items():
        if set(variants) != {"en", "cy"}:
            raise ValueError(f"{MESSAGES_PATH}: message {key!r} needs exactly 'en' and 'cy'")
    return data


def say(key: str, language: str, profile: CouncilProfile, **extra: str) -> str:
    variants = _catalogue()[key]
    return fill(variants.get(language) or variants["en"], profile, **extra)


def phrase(key: str, language: str, **extra: str) -> str:
    """A message that needs nothing from the council profile (an SMS prompt), in LANGUAGE."""
    variants = _catalogue()[key]
    return (variants.get(language) or variants["en"]).format(**extra)


def fill(text: str, profile: CouncilProfile, **extra: str) -> str:
    """Put the council's values ({iaa_phone}...) into a text written by a council."""
    return text.format(**profile.template_values(), **extra)

"""Safeguarding disclosure detector for the IAA front door.

    from safeguarding import load_detector, Flag, CONCERNS
    flag = load_detector().screen(text)   # Optional[Flag]

The lexicon (data/safeguarding/lexicon.yml) is data that safeguarding leads edit; check it with
`iaa safeguarding check`. This package never imports Rasa.
"""
from .detector import Detector, Flag, Tier, clear_cache, load_detector
from .lexicon import CONCERNS, DEFAULT_PATH, THEMES, LexiconError, compile_lexicon

__all__ = ["CONCERNS", "THEMES", "DEFAULT_PATH", "Detector", "Flag", "LexiconError", "Tier", "clear_cache",
           "compile_lexicon", "load_detector"]

"""Screen a message for a safeguarding disclosure.

    from safeguarding import load_detector
    flag = load_detector().screen("can you tell me about day centres, also my son keeps "
                                  "taking money from my purse")
    # Flag(concern='adult_abuse_neglect', theme='older_people', language='en', cue='...')

One pass per message: fold and split the text once, map the tokens to lexicon words for each
language section (inflections, Welsh mutations, text-speak, misspellings), build a spaCy Doc per
section from those words and run that section's Matcher. A cue that overlaps an idiom from the
lexicon's `not` lists is dropped. Of what is left, the most urgent concern wins.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from ._spacy import Doc, Matcher, new_vocab
from .lexicon import CONCERNS, DEFAULT_PATH, PLACEHOLDER, CompiledLexicon, CueInfo, compile_lexicon
from .normalise import BREAK, raw_tokens

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Flag:
    """A safeguarding flag. `cue` is the lexicon cue id, never the person's words."""
    concern: str
    theme: str
    language: str
    cue: str

    def __str__(self) -> str:
        return f"{self.concern} (theme {self.theme}, {self.language}, cue {self.cue})"


class Detector:
    def __init__(self, lexicon: CompiledLexicon):
        self.lexicon = lexicon
        self.vocab = new_vocab()
        self._matchers: Dict[str, Matcher] = {}
        self._info: Dict[int, CueInfo] = {}
        for lang, lane in lexicon.lanes.items():
            matcher = Matcher(self.vocab)
            for key, patterns in lane.specs.items():
                matcher.add(key, patterns)
                self._info[self.vocab.strings[key]] = lexicon.cues[key]
            self._matchers[lang] = matcher
        self._lock = threading.Lock()  # the lanes' spelling caches are plain dicts

    @property
    def path(self) -> Path:
        return self.lexicon.path

    def _lane_matches(self, lang: str, toks: List[str]) -> Tuple[Optional[CueInfo], int]:
        lane = self.lexicon.lanes[lang]
        words = lane.canon(toks)
        known = 0
        for w in words:
            if w != PLACEHOLDER and w != BREAK:
                known += 1
        if not known:
            return None, 0
        doc = Doc(self.vocab, words=words)
        matches = self._matchers[lang](doc)
        if not matches:
            return None, known
        info = self._info
        idioms: List[Tuple[Optional[str], int, int]] = []
        hits: List[Tuple[CueInfo, int, int]] = []
        for match_id, start, end in matches:
            cue = info[match_id]
            if cue.kind == "not":
                idioms.append((cue.concern, start, end))
            else:
                hits.append((cue, start, end))
        best: Optional[CueInfo] = None
        for cue, start, end in hits:
            if best is not None and (cue.rank, cue.order) >= (best.rank, best.order):
                continue
            if any((ic is None or ic == cue.concern) and start < ie and is_ < end for ic, is_, ie in idioms):
                continue
            best = cue
        return best, known

    def explain(self, text: str) -> Dict[str, dict]:
        """For people tuning the lexicon: per language section, the words the message was read
        as, and every cue and idiom that matched (with whether an idiom cancelled it)."""
        out: Dict[str, dict] = {}
        toks = raw_tokens(text if isinstance(text, str) else str(text))
        for lang, lane in self.lexicon.lanes.items():
            with self._lock:
                words = lane.canon(toks)
            doc = Doc(self.vocab, words=words)
            found = []
            idioms = []
            for match_id, start, end in self._matchers[lang](doc):
                cue = self._info[match_id]
                item = {"kind": cue.kind, "id": cue.id, "concern": cue.concern,
                        "words": " ".join(words[start:end]), "start": start, "end": end}
                (idioms if cue.kind == "not" else found).append(item)
            for item in found:
                item["cancelled_by"] = sorted({i["id"] for i in idioms
                                               if (i["concern"] is None or i["concern"] == item["concern"])
                                               and item["start"] < i["end"] and i["start"] < item["end"]})
            out[lang] = {"words": " ".join(words), "cues": found, "idioms": idioms}
        return out

    def screen(self, text: str) -> Optional[Flag]:
        """The most urgent safeguarding concern in `text`, or None. Never raises."""
        try:
            if not isinstance(text, str):
                text = "" if text is None else str(text)
            toks = raw_tokens(text)
            if not toks:
                return None
            with self._lock:
                en, en_known = self._lane_matches("en", toks)
                cy, cy_known = self._lane_matches("cy", toks)
            if en is None and cy is None:
                return None
            if en is None or (cy is not None and cy.rank < en.rank):
                best = cy
            elif cy is None or en.rank < cy.rank:
                best = en
            else:  # same concern in both sections: answer in the message's language
                best = cy if _welsh_score(toks) > 0 else en
            assert best is not None and best.concern is not None
            return Flag(concern=best.concern, theme=self.lexicon.themes[best.concern],
                        language=best.lang, cue=best.id)
        except Exception:  # pragma: no cover - a bug here must not break the conversation
            log.exception("safeguarding screen failed")
            return None


def _welsh_score(toks: List[str]) -> int:
    from .language import ENGLISH_MARKERS, WELSH_MARKERS

    score = 0
    for t in toks:
        t = t.lstrip("'")
        if t in WELSH_MARKERS:
            score += 1
        if t in ENGLISH_MARKERS:
            score -= 1
    return score


_cache: Dict[Path, Detector] = {}
_cache_lock = threading.Lock()


def load_detector(path: Optional[Path | str] = None) -> Detector:
    """The detector for a lexicon file (default data/safeguarding/lexicon.yml), built once per
    path and then cached. Raises LexiconError if the lexicon has problems."""
    key = Path(path).resolve() if path else DEFAULT_PATH
    with _cache_lock:
        det = _cache.get(key)
        if det is None:
            det = Detector(compile_lexicon(key))
            _cache[key] = det
        return det


def clear_cache() -> None:
    """Forget cached detectors (after the lexicon file was edited)."""
    with _cache_lock:
        _cache.clear()


__all__ = ["CONCERNS", "Detector", "Flag", "load_detector", "clear_cache"]

"""The compiled lexicon's structures: per language a Lane (every word form a person may type ->
the lexicon word it stands for, with the spelling-tolerant fallback), and the tables of clitics
and run-together words the compiler gives each lane."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple, TYPE_CHECKING

from .fuzzy import FuzzyIndex
from .normalise import BREAK

if TYPE_CHECKING:  # pragma: no cover
    from .patterns import Chain, _Element

LANGS: Tuple[str, ...] = ("en", "cy")
PLACEHOLDER = "_"

# Clitics (the bit after an apostrophe) and what they stand for; the lexicon's text-speak table
# may override any of them.
CLITICS = {
    "en": {"'s": "is", "'m": "am", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would",
           "'t": "not", "'n": "and", "'em": "them"},
    "cy": {"'n": "yn", "'r": "yr", "'m": "fy", "'i": "ei", "'w": "ei", "'u": "eu", "'th": "dy",
           "'ch": "eich", "'di": "wedi", "'na": "yna", "'da": "gyda", "'s": "ei", "'ma": "yma",
           "'no": "yno", "'to": "eto"},
}
# "'s" is "is" or "has" after these; after any other word it is a possessive ("my nan's flat").
CLITIC_IS_AFTER = frozenset("he she it that what there who where here how this everyone everybody "
                            "someone somebody nobody noone anyone anybody one let when why which "
                            "thing nothing something everything".split())
# Words typed together: a harm word followed by one of these ("killmyself", "hitme", "endit").
SPLIT_TAILS_EN = ("themselves", "yourself", "ourselves", "himself", "herself", "myself", "itall", "them",
                  "him", "her", "me", "us", "it")
SPLIT_HEADS_EN = ("kill", "end", "hang", "cut", "harm", "hurt", "hit", "beat", "punch", "kick", "slap",
                  "stab", "shoot", "burn", "drown", "poison", "starve", "choke", "strangle", "rape",
                  "touch", "threaten", "scare", "hate", "smack", "batter", "attack", "abuse")
# Welsh "'m" is "ddim" after these ("dwi'm isio byw", "sai'm yn gwybod"), "fy" elsewhere ("i'm tad").
CY_NEGATIVE_M_AFTER = frozenset("dw dwi wi dydw ydw rwy sai so sa dyw dydy ni chi nhw "
                                "dydi oedd doedd".split())
# Short Welsh function words that look like mutations of other words but are not.
CY_NOT_MUTATIONS = frozenset("fe fo hi ni di dy fy ei eu yn yr ar am at ac ai oes fel dal mor mae "
                             "gan ond neu nad nid wedi un".split())
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


# --------------------------------------------------------------------------------------------
# Compiled structures

@dataclass
class CueInfo:
    kind: str  # "cue" or "not"
    id: str
    concern: Optional[str]  # None for a global idiom
    lang: str
    location: str
    rank: int = 0  # urgency rank of the concern (0 = most urgent)
    order: int = 0  # position in the file
    # "check": the cue names a topic more than it discloses ("refuge", "county lines"), so the
    # citizen is asked the check-in question rather than handed off at once
    tier: str = "urgent"
    # the words ask for help themselves (a refuge's number): never set aside as an idiom, however
    # ordinary the rest of the message reads
    always_ask: bool = False


@dataclass
class Lane:
    """Everything one language section needs at screening time."""
    lang: str
    surface: Dict[str, Tuple[str, ...]]
    known: FrozenSet[str]
    fuzzy: FuzzyIndex
    fuzzy_min_length: int
    markers: FrozenSet[str]
    groups: Dict[str, List[Tuple[str, ...]]] = field(default_factory=dict)
    cache: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # the words this section lists itself (not generated forms, text-speak or corrections): in a
    # message with no sign of this language, only these are read (so that in an English message
    # the Welsh section does not read "bad" as "pad" or "nan" as "tân")
    exact: FrozenSet[str] = frozenset()
    # English: the words after which "'s" means "is" or "has" ("he's", "it's"); after any other
    # word it is a possessive and is dropped ("my nan's flat" -> "my nan flat", "hit's" -> "hit")
    clitic_is_after: Optional[FrozenSet[str]] = None
    # a clitic read differently after some words: Welsh "dwi'm" is "dw i ddim", not "dw i fy"
    clitic_after: Dict[str, Tuple[FrozenSet[str], Tuple[str, ...]]] = field(default_factory=dict)
    # words typed together ("killmyself", "hitme"): a head word (canonical) + a tail word
    split_heads: FrozenSet[str] = frozenset()
    split_tails: Tuple[str, ...] = ()
    # the other language's `known_words`: in a message in the other language they are read as
    # placeholders here (Welsh "od" is "odd", not the English text-speak for an overdose)
    foreign_known: FrozenSet[str] = frozenset()
    # fast engine: per cue key, its chains (segments of literal phrases with bounded gaps)
    chains: Dict[str, List["Chain"]] = field(default_factory=dict)
    # reference engine: per cue key, the parsed patterns (compiled to spaCy Matcher specs on demand)
    parsed: Dict[str, List[List["_Element"]]] = field(default_factory=dict)

    CACHE_LIMIT = 50_000
    CACHE_WORD_LIMIT = 40

    def resolve(self, tok: str) -> Tuple[str, ...]:
        """Canonical words for one raw token (cached for tokens that needed work)."""
        hit = self.surface.get(tok)
        if hit is not None:
            return hit
        hit = self.cache.get(tok)
        if hit is not None:
            return hit
        res = self._resolve_slow(tok)
        if len(tok) <= self.CACHE_WORD_LIMIT:  # a long nonsense word is not worth keeping
            if len(self.cache) >= self.CACHE_LIMIT:
                self.cache.clear()
            self.cache[tok] = res
        return res

    def _resolve_slow(self, tok: str) -> Tuple[str, ...]:
        if tok.startswith("'"):
            tok = tok[1:]
            hit = self.surface.get(tok)
            if hit is not None:
                return hit
        if not tok.isalpha():
            tok = tok.translate(LEET)
            if not tok.isalpha():
                return (PLACEHOLDER,)
            hit = self.surface.get(tok)
            if hit is not None:
                return hit
        if tok in self.known:
            return (PLACEHOLDER,)
        if len(tok) < self.fuzzy_min_length:
            # a short word with one letter dropped ("hom", "wnt", "kds"): insertions only
            if len(tok) == self.fuzzy_min_length - 1:
                word = self.fuzzy.lookup_dropped(tok)
                if word is not None:
                    return self.surface[word]
            return (PLACEHOLDER,)
        # a doubled letter that should be single ("hitts") or a stretched word
        squeezed = re.sub(r"(.)\1", r"\1", tok)
        if squeezed != tok:
            hit = self.surface.get(squeezed)
            if hit is not None:
                return hit
        word = self.fuzzy.lookup(tok)
        if word is not None:
            return self.surface[word]
        return self._split(tok) or (PLACEHOLDER,)

    def _split(self, tok: str) -> Optional[Tuple[str, ...]]:
        """Two words typed as one: a harm word and who it is done to ("killmyself", "hitme")."""
        if not self.split_heads or len(tok) < 5:
            return None
        for tail in self.split_tails:
            if tok.endswith(tail) and len(tok) - len(tail) >= 3:
                head = self.surface.get(tok[:-len(tail)])
                if head is not None and head[0] in self.split_heads:
                    return head + self.surface.get(tail, (tail,))
        return None

    def resolve_exact(self, tok: str) -> Tuple[str, ...]:
        """Only the words this section lists itself; anything else is a placeholder."""
        if tok.startswith("'"):
            tok = tok[1:]
        if tok in self.exact:
            return self.surface.get(tok, (tok,))
        return (PLACEHOLDER,)

    def canon(self, toks: Sequence[str], exact_only: bool = False, mask_foreign: bool = False) -> List[str]:
        out: List[str] = []
        resolve = self.resolve_exact if exact_only else self.resolve
        if mask_foreign and self.foreign_known:
            plain, foreign = resolve, self.foreign_known

            def resolve(tok: str) -> Tuple[str, ...]:
                return (PLACEHOLDER,) if tok in foreign else plain(tok)
        is_after = self.clitic_is_after
        after = self.clitic_after
        prev = None
        for t in toks:
            if t == BREAK:
                out.append(BREAK)
            elif t[0] == "'" and prev is not None and (is_after is not None or after):
                if t == "'s" and is_after is not None and prev not in is_after:
                    pass  # a possessive: "my nan's flat", "my son's 14", "he hit's me"
                elif t in after and prev in after[t][0]:
                    out.extend(after[t][1])
                else:
                    out.extend(resolve(t))
            else:
                out.extend(resolve(t))
            prev = t
        return out


@dataclass
class CompiledLexicon:
    path: Path
    urgency: List[str]
    themes: Dict[str, str]  # concern -> theme
    lanes: Dict[str, Lane]
    cues: Dict[str, CueInfo]  # matcher key -> info
    counts: Dict[str, Dict[str, int]]  # concern -> lang -> number of cues
    idiom_count: int
    pattern_count: int

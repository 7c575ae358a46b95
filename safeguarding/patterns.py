"""The lexicon's pattern language: parsing a pattern, and compiling it to the fast engine's
chains and to spaCy Matcher token patterns (the reference engine)."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import FrozenSet, Iterable, List, Optional, Set, Tuple

from .lanes import Lane
from .normalise import BREAK, raw_tokens

# --------------------------------------------------------------------------------------------
# Pattern language
#
#   word            that word in any form: "hit" also matches hits, hitting, hitted, hitt
#   a|b|c           any one of these words; join words with _ for a phrase: no_one|nobody
#   {group}         any word of a word group defined under `groups`
#   x?              the element is optional: "really? scared"
#   ...             up to `settings.gap` words (default 3) of anything, not across a sentence
#   ...5            up to 5 words
#   *               exactly one word of anything

_GAP = re.compile(r"^\.\.\.(\d*)$")
_BAD_CHARS = re.compile(r"[{}()\[\]<>\"\\]")


@dataclass
class _Element:
    kind: str  # words, gap, any
    alts: List[str] = field(default_factory=list)  # words, phrases, or {group} references
    optional: bool = False
    n: int = 0


class PatternError(ValueError):
    pass


def parse_pattern(text: str, gap: int) -> List[_Element]:
    if not isinstance(text, str) or not text.strip():
        raise PatternError("empty pattern")
    elements: List[_Element] = []
    for piece in text.split():
        m = _GAP.match(piece)
        if m:
            n = int(m.group(1)) if m.group(1) else gap
            if not 1 <= n <= 12:
                raise PatternError(f"'{piece}': a gap must be between 1 and 12 words")
            elements.append(_Element("gap", n=n))
            continue
        optional = False
        if piece.endswith("?") and len(piece) > 1:
            optional, piece = True, piece[:-1]
        if piece == "*":
            elements.append(_Element("any", optional=optional))
            continue
        if "..." in piece or piece == "?":
            raise PatternError(f"'{piece}': '...' and '?' must stand apart from words")
        alts = piece.split("|")
        for a in alts:
            if a.startswith("{") or a.endswith("}") or "{" in a or "}" in a:
                if not (a.startswith("{") and a.endswith("}")) or len(a) < 3 or _BAD_CHARS.search(a[1:-1]):
                    raise PatternError(f"'{piece}': a word group is written {{name}}")
            elif _BAD_CHARS.search(a):
                raise PatternError(f"'{piece}': brackets, braces and quotes are not allowed here")
            elif not a.strip("_"):
                raise PatternError(f"'{piece}': empty alternative (check the | signs)")
        elements.append(_Element("words", alts=[a if a.startswith("{") else a.replace("_", " ") for a in alts],
                                 optional=optional))
    required = [e for e in elements if e.kind == "words" and not e.optional]
    if not required:
        raise PatternError("a pattern needs at least one word that is not optional")
    if elements[0].kind == "gap" or elements[-1].kind == "gap":
        raise PatternError("a pattern cannot begin or end with '...'")
    return elements


def pattern_words(text: str) -> List[str]:
    """Literal words of a pattern (for building the vocabulary), best effort on bad input."""
    out: List[str] = []
    if not isinstance(text, str):
        return out
    for piece in text.split():
        if _GAP.match(piece) or piece in ("*", "*?"):
            continue
        piece = piece[:-1] if piece.endswith("?") and len(piece) > 1 else piece
        for alt in piece.split("|"):
            if not alt.startswith("{"):
                out.extend(raw_tokens(alt.replace("_", " ")))
    return out


_WILD = {"ORTH": {"NOT_IN": [BREAK]}}


def _spec(words: Set[str], optional: bool = False) -> dict:
    ws = sorted(words)
    spec: dict = {"ORTH": ws[0]} if len(ws) == 1 else {"ORTH": {"IN": ws}}
    if optional:
        spec["OP"] = "?"
    return spec


def _branches(seqs: Iterable[Tuple[str, ...]], optional: bool) -> List[List[dict]]:
    singles: Set[str] = set()
    multi: List[List[dict]] = []
    for seq in seqs:
        if len(seq) == 1:
            singles.add(seq[0])
        elif seq:
            multi.append([{"ORTH": w} for w in seq])
    out: List[List[dict]] = []
    if singles:
        out.append([_spec(singles, optional and not multi)])
    out.extend(multi)
    if optional and multi:
        out.append([])
    return out


SPLIT_ABOVE = 256


@dataclass(frozen=True)
class Chain:
    """A pattern as the fast engine runs it: literal phrases (segments) in order, with a (min, max)
    number of words allowed between consecutive segments (never across a sentence break)."""
    segments: Tuple[FrozenSet[Tuple[str, ...]], ...]
    gaps: Tuple[Tuple[int, int], ...]


def _element_seqs(el: _Element, lane: Lane) -> List[Tuple[str, ...]]:
    seqs: List[Tuple[str, ...]] = []
    for alt in el.alts:
        if alt.startswith("{"):
            name = alt[1:-1]
            if name not in lane.groups:
                raise PatternError(f"unknown word group {{{name}}} (define it under groups.{lane.lang})")
            seqs.extend(lane.groups[name])
            continue
        toks = raw_tokens(alt)
        if not toks or BREAK in toks:
            raise PatternError(f"'{alt}' has no letters or contains punctuation")
        seq: List[str] = []
        for t in toks:
            seq.extend(lane.surface.get(t, (t,)))
        seqs.append(tuple(seq))
    return seqs


def compile_chains(elements: List[_Element], lane: Lane, max_phrases: int) -> List[Chain]:
    """Turn a parsed pattern into chains for the fast engine. Semantics are those of the spaCy
    Matcher patterns built by `matcher_specs` (tests check that the two engines agree)."""
    items: List[tuple] = []  # ("gap", lo, hi) | ("seg", [element seqs...])
    for el in elements:
        if el.kind in ("gap", "any"):
            lo, hi = (0, el.n) if el.kind == "gap" else ((0, 1) if el.optional else (1, 1))
            if items and items[-1][0] == "gap":
                items[-1] = ("gap", items[-1][1] + lo, items[-1][2] + hi)
            else:
                items.append(("gap", lo, hi))
        else:
            seqs = _element_seqs(el, lane)
            options = list(dict.fromkeys(seqs)) + ([()] if el.optional else [])
            if items and items[-1][0] == "seg":
                items[-1][1].append(options)
            else:
                items.append(("seg", [options]))
    if items[0][0] == "gap" or items[-1][0] == "gap":
        raise PatternError("a pattern cannot begin or end with '...' or '*'")
    segments: List[Tuple[FrozenSet[Tuple[str, ...]], bool]] = []
    gaps: List[Tuple[int, int]] = []
    for item in items:
        if item[0] == "gap":
            gaps.append((item[1], item[2]))
            continue
        total = 1
        for options in item[1]:
            total *= len(options)
        # a run of words with many alternatives is matched word by word (same meaning, far fewer
        # phrases to build): "hit|kick|... the|my|...? child|kid|..." is 3 segments 0 words apart
        parts = [item[1]] if total <= SPLIT_ABOVE else [[options] for options in item[1]]
        for n, part in enumerate(parts):
            size = 1
            for options in part:
                size *= len(options)
            if size > max_phrases:
                raise PatternError(f"one part of it stands for {size} word sequences (limit {max_phrases}): "
                                   "split it with '...' or into several patterns")
            if n:
                gaps.append((0, 0))
            phrases = {tuple(w for seq in combo for w in seq) for combo in itertools.product(*part)}
            optional = () in phrases
            phrases.discard(())
            segments.append((frozenset(phrases), optional))
    # an optional segment may be left out: its gaps on either side join up
    chains: List[Chain] = []
    optional_idx = [i for i, (_, opt) in enumerate(segments) if opt]
    if len(optional_idx) > 6:
        raise PatternError("too many optional words (at most 6 in one pattern)")
    for omit in itertools.product((False, True), repeat=len(optional_idx)):
        dropped = {i for i, o in zip(optional_idx, omit) if o}
        segs: List[FrozenSet[Tuple[str, ...]]] = []
        gs: List[Tuple[int, int]] = []
        pending: Optional[Tuple[int, int]] = None
        for i, (phr, _) in enumerate(segments):
            gap_before = gaps[i - 1] if i > 0 else None
            if gap_before is not None:
                pending = gap_before if pending is None else (pending[0] + gap_before[0], pending[1] + gap_before[1])
            if i in dropped:
                continue
            if segs:
                gs.append(pending or (0, 0))
            pending = None
            segs.append(phr)
        if segs:
            chains.append(Chain(tuple(segs), tuple(gs)))
    if not chains:
        raise PatternError("a pattern needs at least one word that is not optional")
    return chains


def matcher_specs(elements: List[_Element], lane: Lane, max_comb: int = 100_000) -> List[List[dict]]:
    """The same pattern as spaCy Matcher token patterns (the reference engine)."""
    options: List[List[List[dict]]] = []
    for el in elements:
        if el.kind == "gap":
            options.append([[dict(_WILD, OP="?") for _ in range(el.n)]])
        elif el.kind == "any":
            options.append([[dict(_WILD, OP="?") if el.optional else dict(_WILD)]])
        else:
            options.append(_branches(_element_seqs(el, lane), el.optional))
    total = 1
    for o in options:
        total *= len(o)
    if total > max_comb:
        raise PatternError(f"expands to {total} spaCy patterns (limit {max_comb}): "
                           "split it into several simpler patterns")
    out = []
    for combo in itertools.product(*options):
        spec = [tok for part in combo for tok in part]
        if any("OP" not in t for t in spec):
            out.append(spec)
    return out

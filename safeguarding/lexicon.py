"""Read, check and compile the safeguarding lexicon (data/safeguarding/lexicon.yml).

The lexicon is data that council safeguarding leads edit. This module turns it into:

* per language ("lane"), a table from every word form a person may type to the lexicon word it
  stands for: inflections (hits, hitting -> hit), Welsh mutations (nharo, daro -> taro),
  text-speak (u -> you, dwi -> dw i), irregular forms, plus a spelling-tolerant fallback;
* per cue and idiom pattern, its "chains": the literal phrases between `...` gaps, with the gap
  limits, which the fast engine runs through one spaCy PhraseMatcher per language; and the same
  pattern as spaCy Matcher token patterns (`matcher_specs`), the reference engine.

`compile_lexicon` collects every problem it finds (with file and line) before giving up, so the
`safeguarding check` command can list them all at once.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from iaa.concerns import CONCERNS  # noqa: F401  (the concern codes, shared with the council profile)
from iaa.taxonomy import theme_codes

from .fuzzy import FuzzyIndex
from .language import ENGLISH_MARKERS, WELSH_MARKERS, english_forms, welsh_mutations, welsh_verb_forms
from .normalise import BREAK, raw_tokens

# Theme codes from the enquiry taxonomy (data/taxonomy/codes.yml, TAXONOMY.md). A lexicon may add
# council-specific themes under `extra_themes`.
THEMES: Tuple[str, ...] = theme_codes()

LANGS: Tuple[str, ...] = ("en", "cy")
PLACEHOLDER = "_"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "safeguarding" / "lexicon.yml"

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

TOP_KEYS = {"version", "urgency", "extra_themes", "settings", "groups", "textspeak", "forms",
            "known_words", "not", "concerns"}
CONCERN_KEYS = {"theme", "description", "en", "cy", "not"}
CUE_KEYS = {"id", "match", "note", "tier"}
CUE_TIERS = ("urgent", "check")
SETTING_KEYS = {"gap", "fuzzy_min_length", "max_combinations", "noun_groups"}


class LexiconError(Exception):
    def __init__(self, problems: List[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --------------------------------------------------------------------------------------------
# YAML with line numbers

class _Map(dict):
    line = 0

    def __init__(self):
        super().__init__()
        self.lines: Dict[Any, int] = {}
        self.duplicates: List[Tuple[Any, int]] = []


class _Seq(list):
    line = 0

    def __init__(self):
        super().__init__()
        self.lines: List[int] = []


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in out:
            out.duplicates.append((key, key_node.start_mark.line + 1))
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq()
    out.line = node.start_mark.line + 1
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.lines.append(item.start_mark.line + 1)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def _line(container: Any, key: Any) -> int:
    if isinstance(container, _Map):
        return container.lines.get(key, container.line)
    if isinstance(container, _Seq) and isinstance(key, int) and key < len(container.lines):
        return container.lines[key]
    return getattr(container, "line", 0)


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


# --------------------------------------------------------------------------------------------
# Compiler

class _Problems(list):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def add(self, line: int, where: str, message: str) -> None:
        self.append(f"{self.path}:{line}: {where}: {message}")


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


_compiled: Dict[Tuple[str, int, int], CompiledLexicon] = {}


def compile_lexicon(path: Path | str | None = None) -> CompiledLexicon:
    """Read and compile a lexicon file; raise LexiconError listing every problem. A file that has
    not changed since it was last compiled is not compiled again."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        st = path.stat()
        stamp: Optional[Tuple[str, int, int]] = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    if stamp is not None and stamp in _compiled:
        return _compiled[stamp]
    lexicon = _compile(path)
    if stamp is not None:
        if len(_compiled) > 8:
            _compiled.clear()
        _compiled[stamp] = lexicon
    return lexicon


def _compile(path: Path) -> CompiledLexicon:
    problems = _Problems(path)
    try:
        data = load_yaml(path)
    except OSError as e:
        raise LexiconError([f"{path}:0: file: cannot be read ({e.strerror or e})"])
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise LexiconError([f"{path}:{line}: file: not valid YAML ({getattr(e, 'problem', e)})"])
    if not isinstance(data, dict):
        raise LexiconError([f"{path}:1: file: the lexicon must be a mapping with a 'concerns' section"])

    def dupes(m: Any, where: str) -> None:
        for key, line in getattr(m, "duplicates", []):
            problems.add(line, where, f"'{key}' appears twice (the later one would win)")

    dupes(data, "top level")
    for key in data:
        if key not in TOP_KEYS:
            problems.add(_line(data, key), "top level", f"unknown section '{key}' "
                         f"(expected one of: {', '.join(sorted(TOP_KEYS))})")

    # settings
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        problems.add(_line(data, "settings"), "settings", "must be a mapping")
        settings = {}
    for key in settings:
        if key not in SETTING_KEYS:
            problems.add(_line(settings, key), "settings", f"unknown setting '{key}'")
    gap = settings.get("gap", 3)
    fuzzy_min = settings.get("fuzzy_min_length", 4)
    max_comb = settings.get("max_combinations", 20_000)
    def setting_ok(name: str, val: Any, lo: int, hi: int) -> bool:
        if not isinstance(val, int) or isinstance(val, bool) or not lo <= val <= hi:
            problems.add(_line(settings, name), "settings", f"'{name}' must be a whole number from {lo} to {hi}")
            return False
        return True

    noun_groups = settings.get("noun_groups") or []
    if not isinstance(noun_groups, list) or not all(isinstance(g, str) for g in noun_groups):
        problems.add(_line(settings, "noun_groups"), "settings", "'noun_groups' must be a list of group names")
        noun_groups = []
    gap = gap if setting_ok("gap", gap, 1, 12) else 3  # carry on checking with the default
    fuzzy_min = fuzzy_min if setting_ok("fuzzy_min_length", fuzzy_min, 3, 20) else 4
    max_comb = max_comb if setting_ok("max_combinations", max_comb, 1, 200_000) else 20_000

    # themes
    extra = data.get("extra_themes") or []
    if not isinstance(extra, list) or not all(isinstance(t, str) and re.fullmatch(r"[a-z][a-z0-9_]*", t) for t in extra):
        problems.add(_line(data, "extra_themes"), "extra_themes", "must be a list of lower_case codes")
        extra = []
    themes_known = set(THEMES) | set(extra)

    # concerns
    concerns = data.get("concerns")
    if not isinstance(concerns, dict) or not concerns:
        problems.add(_line(data, "concerns"), "concerns", "missing or empty: list each concern with its cues")
        concerns = {}
    dupes(concerns, "concerns")
    for code in concerns:
        if code not in CONCERNS:
            problems.add(_line(concerns, code), f"concerns.{code}",
                         f"unknown concern code (known: {', '.join(CONCERNS)})")
    for code in CONCERNS:
        if code not in concerns:
            problems.add(getattr(concerns, "line", 0), "concerns", f"concern '{code}' is missing")

    # urgency
    urgency = data.get("urgency")
    if urgency is None:
        urgency = list(CONCERNS)
    elif not isinstance(urgency, list):
        problems.add(_line(data, "urgency"), "urgency", "must be a list of concern codes, most urgent first")
        urgency = list(CONCERNS)
    else:
        seen_u: Set[str] = set()
        for i, code in enumerate(urgency):
            if code not in CONCERNS:
                problems.add(_line(urgency, i), f"urgency[{i}]", f"unknown concern code '{code}'")
            elif code in seen_u:
                problems.add(_line(urgency, i), f"urgency[{i}]", f"'{code}' is listed twice")
            seen_u.add(code)
        for code in CONCERNS:
            if code not in seen_u:
                problems.add(getattr(urgency, "line", 0), "urgency", f"'{code}' is missing from the urgency order")
        urgency = [c for c in dict.fromkeys(urgency) if c in CONCERNS] + [c for c in CONCERNS if c not in urgency]
    rank = {c: i for i, c in enumerate(urgency)}

    # per-language tables
    def lang_section(name: str) -> Dict[str, Any]:
        sec = data.get(name) or {}
        if not isinstance(sec, dict):
            problems.add(_line(data, name), name, "must be a mapping with 'en' and 'cy'")
            return {}
        dupes(sec, name)
        for k in sec:
            if k not in LANGS:
                problems.add(_line(sec, k), name, f"unknown language '{k}' (use en or cy)")
        return sec

    groups_sec = lang_section("groups")
    ts_sec = lang_section("textspeak")
    forms_sec = lang_section("forms")
    known_sec = lang_section("known_words")
    not_sec = lang_section("not")

    # collect cues: (kind, id, concern, lang, pattern list, where, line, container)
    raw_cues: List[Tuple[str, str, Optional[str], str, List[Tuple[str, int]], str, int]] = []
    check_tier: Set[str] = set()
    ids: Dict[str, str] = {}
    counts: Dict[str, Dict[str, int]] = {}

    def read_cue_list(items: Any, kind: str, concern: Optional[str], lang: str, where: str, line: int) -> int:
        n = 0
        if items is None:
            return 0
        if not isinstance(items, list):
            problems.add(line, where, "must be a list")
            return 0
        for i, item in enumerate(items):
            iline = _line(items, i)
            iwhere = f"{where}[{i}]"
            if kind == "not":
                # idioms: a plain pattern string, or {id, match}
                if isinstance(item, str):
                    item = {"id": f"not.{lang}.{concern or 'all'}.{i}", "match": item}
                    auto_id = True
                else:
                    auto_id = False
            else:
                auto_id = False
            if not isinstance(item, dict):
                problems.add(iline, iwhere, "each cue needs an 'id' and a 'match'")
                continue
            dupes(item, iwhere)
            for k in item:
                if k not in CUE_KEYS:
                    problems.add(_line(item, k), iwhere, f"unknown key '{k}' (a cue has id, match, note, tier)")
            tier = item.get("tier", "urgent")
            if tier not in CUE_TIERS or (kind == "not" and "tier" in item):
                problems.add(_line(item, "tier"), iwhere, "tier must be 'urgent' or 'check' (and only on a cue, not an idiom)")
                tier = "urgent"
            cid = item.get("id")
            if not auto_id and tier == "check" and isinstance(cid, str):
                check_tier.add(cid)
            if not isinstance(cid, str) or not cid.strip():
                problems.add(iline, iwhere, "missing 'id'")
                cid = f"<no id {where}[{i}]>"
            else:
                iwhere = f"{iwhere} ({cid})"
                if not re.fullmatch(r"[A-Za-z0-9_.\-]+", cid):
                    problems.add(_line(item, "id"), iwhere, "an id may use letters, digits, '.', '-' and '_' only")
                if not auto_id:
                    if cid in ids:
                        problems.add(_line(item, "id"), iwhere, f"duplicate cue id (first used at {ids[cid]})")
                    else:
                        ids[cid] = f"line {iline}"
            match = item.get("match")
            pats: List[Tuple[str, int]] = []
            if isinstance(match, str):
                pats = [(match, _line(item, "match"))]
            elif isinstance(match, list):
                pats = [(p, _line(match, j)) for j, p in enumerate(match)]
            if not pats:
                problems.add(iline, iwhere, "empty cue: 'match' needs a phrase or pattern")
                continue
            for p, pl in pats:
                if not isinstance(p, str) or not p.strip():
                    problems.add(pl, iwhere, "empty cue: each 'match' entry must be a phrase or pattern")
            raw_cues.append((kind, cid, concern, lang, [(p, pl) for p, pl in pats if isinstance(p, str) and p.strip()],
                             iwhere, iline))
            n += 1
        return n

    concern_theme: Dict[str, str] = {}
    for code, body in concerns.items():
        where = f"concerns.{code}"
        cline = _line(concerns, code)
        if not isinstance(body, dict):
            problems.add(cline, where, "must be a mapping with theme, en and cy")
            continue
        dupes(body, where)
        for k in body:
            if k not in CONCERN_KEYS:
                problems.add(_line(body, k), where, f"unknown key '{k}' (expected theme, description, en, cy, not)")
        theme = body.get("theme")
        if theme not in themes_known:
            problems.add(_line(body, "theme"), where,
                         f"theme {theme!r} is not a taxonomy theme code (known: {', '.join(sorted(themes_known))})")
        else:
            concern_theme[code] = theme
        counts[code] = {}
        for lang in LANGS:
            n = read_cue_list(body.get(lang), "cue", code, lang, f"{where}.{lang}", _line(body, lang))
            counts[code][lang] = n
            if code in CONCERNS and n == 0:
                problems.add(_line(body, lang) if lang in body else cline, where,
                             f"no {'English' if lang == 'en' else 'Welsh'} cues ('{lang}' is missing or empty)")
        nots = body.get("not")
        if nots is not None:
            if not isinstance(nots, dict):
                problems.add(_line(body, "not"), f"{where}.not", "must be a mapping with 'en' and 'cy' lists")
            else:
                for lang, items in nots.items():
                    if lang not in LANGS:
                        problems.add(_line(nots, lang), f"{where}.not", f"unknown language '{lang}'")
                        continue
                    read_cue_list(items, "not", code, lang, f"{where}.not.{lang}", _line(nots, lang))
    idiom_count = 0
    for lang in LANGS:
        idiom_count += read_cue_list(not_sec.get(lang), "not", None, lang, f"not.{lang}", _line(not_sec, lang))

    # ---- build lanes
    lanes: Dict[str, Lane] = {}
    for lang in LANGS:
        lanes[lang] = _build_lane(lang, groups_sec, ts_sec, forms_sec, known_sec, raw_cues, problems,
                                  fuzzy_min, set(noun_groups))
    # Never correct a word of one language into a cue word of the other ("pip", the disability
    # benefit, is not a misspelling of the Welsh "pimp"; "cael" is not a misspelt English word):
    # every English word form the lexicon knows is a known word for the Welsh spelling corrector,
    # and every Welsh word it lists is one for the English corrector.
    if "en" in lanes and "cy" in lanes:
        en, cy = lanes["en"], lanes["cy"]
        cy.known = cy.known | frozenset(w for w in en.surface if w.isalpha() and w not in cy.surface)
        en.known = en.known | frozenset(w for w in cy.exact if w.isalpha() and w not in en.surface)
        # in a message with no Welsh in it, the Welsh section reads only words that are not also
        # English: the English section reads "county lines", "dad" or "drugs" there
        cy.exact = frozenset(w for w in cy.exact if w not in en.surface)
        for lane, other in ((en, "cy"), (cy, "en")):
            listed = known_sec.get(other) or []
            lane.foreign_known = frozenset(t for w in listed if isinstance(w, str) for t in raw_tokens(w))

    # ---- compile patterns
    cues: Dict[str, CueInfo] = {}
    pattern_count = 0
    for order, (kind, cid, concern, lang, pats, where, line) in enumerate(raw_cues):
        lane = lanes[lang]
        key = f"{kind}:{lang}:{order}"
        chains: List[Chain] = []
        parsed: List[List[_Element]] = []
        for p, pl in pats:
            try:
                elements = parse_pattern(p, gap)
                chains.extend(compile_chains(elements, lane, max_comb))
                parsed.append(elements)
            except PatternError as e:
                problems.add(pl, where, f"pattern {p!r}: {e}")
        if chains:
            lane.chains[key] = chains
            lane.parsed[key] = parsed
            pattern_count += len(parsed)
            cues[key] = CueInfo(kind, cid, concern, lang, f"{problems.path}:{line}",
                                rank=rank.get(concern, len(rank)) if concern else -1, order=order,
                                tier="check" if kind == "cue" and cid in check_tier else "urgent")

    if problems:
        raise LexiconError(list(problems))
    return CompiledLexicon(path=path, urgency=urgency, themes=concern_theme, lanes=lanes, cues=cues,
                           counts=counts, idiom_count=idiom_count, pattern_count=pattern_count)


def _build_lane(lang: str, groups_sec: dict, ts_sec: dict, forms_sec: dict, known_sec: dict,
                raw_cues: list, problems: _Problems, fuzzy_min: int,
                noun_groups: Optional[Set[str]] = None) -> Lane:
    bases: Set[str] = set()
    noun_words: Set[str] = set()  # words of noun groups: only their plurals are generated

    # groups
    groups_raw = groups_sec.get(lang) or {}
    if not isinstance(groups_raw, dict):
        problems.add(_line(groups_sec, lang), f"groups.{lang}", "must be a mapping of group name to word list")
        groups_raw = {}
    group_words: Dict[str, List[List[str]]] = {}
    for name, words in groups_raw.items():
        where = f"groups.{lang}.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
            problems.add(_line(groups_raw, name), where, "a group name may use letters, digits, '-' and '_' only")
            continue
        if not isinstance(words, list) or not words:
            problems.add(_line(groups_raw, name), where, "must be a non-empty list of words")
            continue
        toks_list = []
        for i, w in enumerate(words):
            if not isinstance(w, str) or not raw_tokens(w):
                problems.add(_line(words, i), where, f"entry {w!r} has no letters")
                continue
            toks = raw_tokens(w)
            if BREAK in toks:
                problems.add(_line(words, i), where, f"entry {w!r} contains sentence punctuation")
                continue
            toks_list.append(toks)
            bases.update(toks)
            if noun_groups and name in noun_groups and len(toks) == 1:
                noun_words.add(toks[0])
        group_words[name] = toks_list

    # text-speak (defaults: clitics)
    ts_raw = ts_sec.get(lang) or {}
    if not isinstance(ts_raw, dict):
        problems.add(_line(ts_sec, lang), f"textspeak.{lang}", "must be a mapping: what people type -> what they mean")
        ts_raw = {}
    textspeak: Dict[str, List[str]] = {k: raw_tokens(v) for k, v in CLITICS[lang].items()}
    for k, v in ts_raw.items():
        where = f"textspeak.{lang}"
        kt = raw_tokens(str(k)) if k is not None else []
        if len(kt) != 1:
            problems.add(_line(ts_raw, k), where, f"{k!r}: the left side must be a single word")
            continue
        if not isinstance(v, str) or not raw_tokens(v) or BREAK in raw_tokens(v):
            problems.add(_line(ts_raw, k), where, f"{k!r}: the right side must be one or more words")
            continue
        textspeak[kt[0]] = raw_tokens(v)
    for v in textspeak.values():
        bases.update(v)

    # explicit forms
    forms_raw = forms_sec.get(lang) or {}
    if not isinstance(forms_raw, dict):
        problems.add(_line(forms_sec, lang), f"forms.{lang}", "must be a mapping: word form -> base word")
        forms_raw = {}
    explicit: Dict[str, str] = {}
    for k, v in forms_raw.items():
        where = f"forms.{lang}"
        kt = raw_tokens(str(k)) if k is not None else []
        vt = raw_tokens(v) if isinstance(v, str) else []
        if len(kt) != 1 or len(vt) != 1:
            problems.add(_line(forms_raw, k), where, f"{k!r}: both sides must be single words")
            continue
        explicit[kt[0]] = vt[0]
        bases.add(vt[0])

    # known words: real words (in either language) the spelling corrector leaves alone
    known: Set[str] = set()
    for klang in LANGS:
        known_raw = known_sec.get(klang) or []
        if not isinstance(known_raw, list):
            if klang == lang:
                problems.add(_line(known_sec, klang), f"known_words.{klang}", "must be a list of words")
            continue
        for w in known_raw:
            if isinstance(w, str):
                known.update(raw_tokens(w))

    # words that are a verb somewhere (in a group that is not a noun group): all forms
    verb_words: Set[str] = set()
    for name, toks_list in group_words.items():
        if not (noun_groups and name in noun_groups):
            for toks in toks_list:
                verb_words.update(toks)
    # cue literals
    for kind, cid, concern, clang, pats, where, line in raw_cues:
        if clang == lang:
            for p, _ in pats:
                words = [t for t in pattern_words(p) if t != BREAK]
                bases.update(words)
                verb_words.update(words)
    noun_words -= verb_words

    # generate forms
    gen_fn: Callable[[str], Set[str]]
    if lang == "en":
        def gen_fn(word: str) -> Set[str]:
            forms = english_forms(word)
            if word in noun_words:
                # a noun ("kik", the app) gets no verb endings: "kiked" is "kicked" misspelt
                forms = {f for f in forms if not f.endswith(("ed", "ing"))}
            return forms
    else:
        def gen_fn(word: str) -> Set[str]:
            if len(word) < 3 or word in CY_NOT_MUTATIONS:
                return set()
            forms = welsh_mutations(word)
            if len(word) < 4:
                forms = {f for f in forms if not (f.startswith("h") and f[1:] == word)}
            for verb_form in welsh_verb_forms(word):
                forms.add(verb_form)
                # "mi giciodd e": the soft mutation of a past form (nasal and aspirate ones are rare)
                forms.update(f for f in welsh_mutations(verb_form)
                             if not f.startswith(("mh", "nh", "ngh", "ph", "th", "ch", "h")))
            return forms
    generated: Dict[str, Set[str]] = {}
    for b in bases:
        if b.startswith("'"):
            continue
        for f in gen_fn(b):
            generated.setdefault(f, set()).add(b)
    for form, base in explicit.items():
        generated.setdefault(form, set()).add(base)
        if lang == "cy":
            for f in gen_fn(form):
                generated.setdefault(f, set()).add(base)

    def lemma(w: str, depth: int = 0) -> str:
        if w in explicit:
            target = explicit[w]
        else:
            cands = generated.get(w, set()) - {w}
            if not cands or (lang == "cy" and w in CY_NOT_MUTATIONS):
                return w
            target = max(cands, key=lambda c: (len(c), c))
        return lemma(target, depth + 1) if depth < 3 and target != w else target

    surface: Dict[str, Tuple[str, ...]] = {}
    for w in set(bases) | set(generated):
        surface[w] = (lemma(w),)
    for key, toks in textspeak.items():
        out: List[str] = []
        for t in toks:
            out.extend(surface.get(t, (t,)))
        surface[key] = tuple(out)
    if lang == "en":  # "selfharm" is in the table, so "selfharming" is too
        for key in list(textspeak):
            if len(key) >= 4 and key.isalpha():
                for form in english_forms(key):
                    surface.setdefault(form, surface[key])

    # Spelling corrections prefer the lexicon's own words, then the forms it lists, then generated
    # forms: "homless" is "homeless", not some generated form one letter away.
    priority: Dict[str, int] = {}
    for w in surface:
        if w in bases:
            priority[w] = 0
        elif w in explicit or w in textspeak:
            priority[w] = 1
        else:
            priority[w] = 2
    exact = frozenset(w for w in bases if not w.startswith("'") and textspeak.get(w, [w]) == [w]) | frozenset(
        w for w in explicit.values())
    other_markers = ENGLISH_MARKERS if lang == "cy" else WELSH_MARKERS
    lane = Lane(lang=lang, surface=surface, known=frozenset(known | other_markers),
                fuzzy=FuzzyIndex((w for w in surface if not w.startswith("'")), priority=priority),
                fuzzy_min_length=fuzzy_min, markers=WELSH_MARKERS if lang == "cy" else ENGLISH_MARKERS,
                exact=exact)
    if lang == "en":
        lane.clitic_is_after = CLITIC_IS_AFTER
        heads: Set[str] = set()
        for name in ("hit", "hurt"):
            for toks in group_words.get(name, []):
                if len(toks) == 1:
                    heads.add(lemma(toks[0]))
        heads.update(lemma(w) for w in SPLIT_HEADS_EN if w in surface)
        lane.split_heads = frozenset(heads)
        lane.split_tails = SPLIT_TAILS_EN
    else:
        dim = surface.get("ddim", surface.get("dim", ("dim",)))
        lane.clitic_after = {"'m": (CY_NEGATIVE_M_AFTER, dim)}
    for name, toks_list in group_words.items():
        seqs = []
        for toks in toks_list:
            seq: List[str] = []
            for t in toks:
                seq.extend(surface.get(t, (t,)))
            seqs.append(tuple(seq))
        lane.groups[name] = seqs
    return lane


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

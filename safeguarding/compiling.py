"""Compiling the safeguarding lexicon: check every section (collecting each problem with its file
and line), build one Lane per language, and compile every cue's patterns into it."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

import yaml

from iaa.concerns import CONCERNS
from iaa.taxonomy import theme_codes

from .lane_build import _build_lane
from .lanes import LANGS, CompiledLexicon, CueInfo, Lane
from .loading import (CONCERN_KEYS, CUE_KEYS, CUE_TIERS, SETTING_KEYS, TOP_KEYS, LexiconError, _line, _Problems,
                      load_yaml)
from .normalise import raw_tokens
from .patterns import Chain, PatternError, _Element, compile_chains, parse_pattern

# Theme codes from the enquiry taxonomy (data/taxonomy/codes.yml, TAXONOMY.md). A lexicon may add
# council-specific themes under `extra_themes`.
THEMES: Tuple[str, ...] = theme_codes()

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "safeguarding" / "lexicon.yml"

# (kind, id, concern, lang, [(pattern, line)], where, line)
RawCue = Tuple[str, str, Optional[str], str, List[Tuple[str, int]], str, int]

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


# --------------------------------------------------------------------------------------------
# The file and its top-level sections

def _read(path: Path) -> Any:
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
    return data


def _dupes(problems: _Problems, m: Any, where: str) -> None:
    for key, line in getattr(m, "duplicates", []):
        problems.add(line, where, f"'{key}' appears twice (the later one would win)")


def _check_top(data: dict, problems: _Problems) -> None:
    _dupes(problems, data, "top level")
    for key in data:
        if key not in TOP_KEYS:
            problems.add(_line(data, key), "top level", f"unknown section '{key}' "
                         f"(expected one of: {', '.join(sorted(TOP_KEYS))})")


def _read_settings(data: dict, problems: _Problems) -> Tuple[int, int, int, List[str]]:
    """gap, fuzzy_min_length, max_combinations, noun_groups (defaults where a value is wrong)."""
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
    return gap, fuzzy_min, max_comb, noun_groups


def _read_themes(data: dict, problems: _Problems) -> Set[str]:
    extra = data.get("extra_themes") or []
    if not isinstance(extra, list) or not all(isinstance(t, str) and re.fullmatch(r"[a-z][a-z0-9_]*", t) for t in extra):
        problems.add(_line(data, "extra_themes"), "extra_themes", "must be a list of lower_case codes")
        extra = []
    return set(THEMES) | set(extra)


def _read_concerns(data: dict, problems: _Problems) -> dict:
    concerns = data.get("concerns")
    if not isinstance(concerns, dict) or not concerns:
        problems.add(_line(data, "concerns"), "concerns", "missing or empty: list each concern with its cues")
        concerns = {}
    _dupes(problems, concerns, "concerns")
    for code in concerns:
        if code not in CONCERNS:
            problems.add(_line(concerns, code), f"concerns.{code}",
                         f"unknown concern code (known: {', '.join(CONCERNS)})")
    for code in CONCERNS:
        if code not in concerns:
            problems.add(getattr(concerns, "line", 0), "concerns", f"concern '{code}' is missing")
    return concerns


def _read_urgency(data: dict, problems: _Problems) -> List[str]:
    urgency = data.get("urgency")
    if urgency is None:
        return list(CONCERNS)
    if not isinstance(urgency, list):
        problems.add(_line(data, "urgency"), "urgency", "must be a list of concern codes, most urgent first")
        return list(CONCERNS)
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
    return [c for c in dict.fromkeys(urgency) if c in CONCERNS] + [c for c in CONCERNS if c not in urgency]


def _lang_section(data: dict, name: str, problems: _Problems) -> Dict[str, Any]:
    sec = data.get(name) or {}
    if not isinstance(sec, dict):
        problems.add(_line(data, name), name, "must be a mapping with 'en' and 'cy'")
        return {}
    _dupes(problems, sec, name)
    for k in sec:
        if k not in LANGS:
            problems.add(_line(sec, k), name, f"unknown language '{k}' (use en or cy)")
    return sec


# --------------------------------------------------------------------------------------------
# Cues and idioms

class _CueReader:
    """Collects every cue and idiom (raw_cues, in file order), the ids of `tier: check` cues and
    the ids seen so far (a duplicate is a problem)."""

    def __init__(self, problems: _Problems):
        self.problems = problems
        self.raw_cues: List[RawCue] = []
        self.check_tier: Set[str] = set()
        self.always_ask: Set[str] = set()
        self.ids: Dict[str, str] = {}

    def read(self, items: Any, kind: str, concern: Optional[str], lang: str, where: str, line: int) -> int:
        if items is None:
            return 0
        if not isinstance(items, list):
            self.problems.add(line, where, "must be a list")
            return 0
        n = 0
        for i, item in enumerate(items):
            n += self._item(items, i, item, kind, concern, lang, where)
        return n

    def _item(self, items: list, i: int, item: Any, kind: str, concern: Optional[str], lang: str,
              where: str) -> int:
        problems = self.problems
        iline = _line(items, i)
        iwhere = f"{where}[{i}]"
        auto_id = False
        if kind == "not" and isinstance(item, str):
            # idioms: a plain pattern string, or {id, match}
            item = {"id": f"not.{lang}.{concern or 'all'}.{i}", "match": item}
            auto_id = True
        if not isinstance(item, dict):
            problems.add(iline, iwhere, "each cue needs an 'id' and a 'match'")
            return 0
        _dupes(problems, item, iwhere)
        for k in item:
            if k not in CUE_KEYS:
                problems.add(_line(item, k), iwhere, f"unknown key '{k}' (a cue has id, match, note, tier, always_ask)")
        tier = item.get("tier", "urgent")
        if tier not in CUE_TIERS or (kind == "not" and "tier" in item):
            problems.add(_line(item, "tier"), iwhere, "tier must be 'urgent' or 'check' (and only on a cue, not an idiom)")
            tier = "urgent"
        cid = item.get("id")
        if not auto_id and tier == "check" and isinstance(cid, str):
            self.check_tier.add(cid)
        always_ask = item.get("always_ask", False)
        if not isinstance(always_ask, bool) or (kind == "not" and "always_ask" in item):
            problems.add(_line(item, "always_ask"), iwhere, "always_ask must be true or false (and only on a cue, not an idiom)")
        elif always_ask and isinstance(cid, str):
            self.always_ask.add(cid)
        cid, iwhere = self._check_id(item, cid, auto_id, iline, iwhere, f"<no id {where}[{i}]>")
        pats = self._patterns(item, iline, iwhere)
        if pats is None:
            return 0
        self.raw_cues.append((kind, cid, concern, lang, pats, iwhere, iline))
        return 1

    def _check_id(self, item: dict, cid: Any, auto_id: bool, iline: int, iwhere: str,
                  missing: str) -> Tuple[str, str]:
        problems = self.problems
        if not isinstance(cid, str) or not cid.strip():
            problems.add(iline, iwhere, "missing 'id'")
            return missing, iwhere
        iwhere = f"{iwhere} ({cid})"
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", cid):
            problems.add(_line(item, "id"), iwhere, "an id may use letters, digits, '.', '-' and '_' only")
        if not auto_id:
            if cid in self.ids:
                problems.add(_line(item, "id"), iwhere, f"duplicate cue id (first used at {self.ids[cid]})")
            else:
                self.ids[cid] = f"line {iline}"
        return cid, iwhere

    def _patterns(self, item: dict, iline: int, iwhere: str) -> Optional[List[Tuple[str, int]]]:
        """The cue's (pattern, line) pairs; None (and a problem) if it has none."""
        match = item.get("match")
        pats: List[Tuple[Any, int]] = []
        if isinstance(match, str):
            pats = [(match, _line(item, "match"))]
        elif isinstance(match, list):
            pats = [(p, _line(match, j)) for j, p in enumerate(match)]
        if not pats:
            self.problems.add(iline, iwhere, "empty cue: 'match' needs a phrase or pattern")
            return None
        for p, pl in pats:
            if not isinstance(p, str) or not p.strip():
                self.problems.add(pl, iwhere, "empty cue: each 'match' entry must be a phrase or pattern")
        return [(p, pl) for p, pl in pats if isinstance(p, str) and p.strip()]


def _read_concern_bodies(concerns: dict, themes_known: Set[str], reader: _CueReader,
                         problems: _Problems) -> Tuple[Dict[str, str], Dict[str, Dict[str, int]]]:
    """Each concern's theme and cues (and idioms); concern -> theme, concern -> lang -> cues."""
    concern_theme: Dict[str, str] = {}
    counts: Dict[str, Dict[str, int]] = {}
    for code, body in concerns.items():
        where = f"concerns.{code}"
        cline = _line(concerns, code)
        if not isinstance(body, dict):
            problems.add(cline, where, "must be a mapping with theme, en and cy")
            continue
        _dupes(problems, body, where)
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
            n = reader.read(body.get(lang), "cue", code, lang, f"{where}.{lang}", _line(body, lang))
            counts[code][lang] = n
            if code in CONCERNS and n == 0:
                problems.add(_line(body, lang) if lang in body else cline, where,
                             f"no {'English' if lang == 'en' else 'Welsh'} cues ('{lang}' is missing or empty)")
        _read_concern_idioms(body, code, where, reader, problems)
    return concern_theme, counts


def _read_concern_idioms(body: dict, code: str, where: str, reader: _CueReader, problems: _Problems) -> None:
    nots = body.get("not")
    if nots is None:
        return
    if not isinstance(nots, dict):
        problems.add(_line(body, "not"), f"{where}.not", "must be a mapping with 'en' and 'cy' lists")
        return
    for lang, items in nots.items():
        if lang not in LANGS:
            problems.add(_line(nots, lang), f"{where}.not", f"unknown language '{lang}'")
            continue
        reader.read(items, "not", code, lang, f"{where}.not.{lang}", _line(nots, lang))


# --------------------------------------------------------------------------------------------
# The whole file

def _compile(path: Path) -> CompiledLexicon:
    problems = _Problems(path)
    data = _read(path)
    _check_top(data, problems)
    gap, fuzzy_min, max_comb, noun_groups = _read_settings(data, problems)
    themes_known = _read_themes(data, problems)
    concerns = _read_concerns(data, problems)
    urgency = _read_urgency(data, problems)
    rank = {c: i for i, c in enumerate(urgency)}
    groups_sec = _lang_section(data, "groups", problems)
    ts_sec = _lang_section(data, "textspeak", problems)
    forms_sec = _lang_section(data, "forms", problems)
    known_sec = _lang_section(data, "known_words", problems)
    not_sec = _lang_section(data, "not", problems)

    reader = _CueReader(problems)
    concern_theme, counts = _read_concern_bodies(concerns, themes_known, reader, problems)
    idiom_count = 0
    for lang in LANGS:
        idiom_count += reader.read(not_sec.get(lang), "not", None, lang, f"not.{lang}", _line(not_sec, lang))

    lanes: Dict[str, Lane] = {}
    for lang in LANGS:
        lanes[lang] = _build_lane(lang, groups_sec, ts_sec, forms_sec, known_sec, reader.raw_cues, problems,
                                  fuzzy_min, set(noun_groups))
    _keep_languages_apart(lanes, known_sec)
    cues, pattern_count = _compile_cues(reader, lanes, gap, max_comb, rank, problems)
    if problems:
        raise LexiconError(list(problems))
    return CompiledLexicon(path=path, urgency=urgency, themes=concern_theme, lanes=lanes, cues=cues,
                           counts=counts, idiom_count=idiom_count, pattern_count=pattern_count)


def _keep_languages_apart(lanes: Dict[str, Lane], known_sec: Dict[str, Any]) -> None:
    """Never correct a word of one language into a cue word of the other ("pip", the disability
    benefit, is not a misspelling of the Welsh "pimp"; "cael" is not a misspelt English word):
    every English word form the lexicon knows is a known word for the Welsh spelling corrector,
    and every Welsh word it lists is one for the English corrector."""
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


def _compile_cues(reader: _CueReader, lanes: Dict[str, Lane], gap: int, max_comb: int, rank: Dict[str, int],
                  problems: _Problems) -> Tuple[Dict[str, CueInfo], int]:
    cues: Dict[str, CueInfo] = {}
    pattern_count = 0
    for order, (kind, cid, concern, lang, pats, where, line) in enumerate(reader.raw_cues):
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
                                tier="check" if kind == "cue" and cid in reader.check_tier else "urgent",
                                always_ask=kind == "cue" and cid in reader.always_ask)
    return cues, pattern_count


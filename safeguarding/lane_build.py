"""Building one language's Lane from the lexicon's sections: every word form a person may type
(inflections, Welsh mutations, text-speak, listed forms) -> the lexicon word it stands for, the
spelling corrector's vocabulary, the clitic and run-together word rules, and the word groups."""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Set, Tuple

from .fuzzy import FuzzyIndex
from .language import ENGLISH_MARKERS, WELSH_MARKERS, english_forms, welsh_mutations, welsh_verb_forms
from .lanes import (CLITIC_IS_AFTER, CLITICS, CY_NEGATIVE_M_AFTER, CY_NOT_MUTATIONS, LANGS, SPLIT_HEADS_EN,
                    SPLIT_TAILS_EN, Lane)
from .loading import _line, _Problems
from .normalise import BREAK, raw_tokens
from .patterns import pattern_words


# --------------------------------------------------------------------------------------------
# One language's lane: every word form a person may type -> the lexicon word it stands for

def _build_lane(lang: str, groups_sec: dict, ts_sec: dict, forms_sec: dict, known_sec: dict,
                raw_cues: list, problems: _Problems, fuzzy_min: int,
                noun_groups: Optional[Set[str]] = None) -> Lane:
    bases: Set[str] = set()
    noun_words: Set[str] = set()  # words of noun groups: only their plurals are generated
    group_words = _lane_groups(lang, groups_sec, problems, noun_groups, bases, noun_words)
    textspeak = _lane_textspeak(lang, ts_sec, problems)
    for v in textspeak.values():
        bases.update(v)
    explicit = _lane_forms(lang, forms_sec, problems, bases)
    known = _lane_known(lang, known_sec, problems)
    noun_words -= _verb_words(lang, group_words, noun_groups, raw_cues, bases)
    gen_fn = _form_generator(lang, noun_words)
    generated = _generated_forms(lang, bases, explicit, gen_fn)
    lemma = _lemmatiser(lang, explicit, generated)
    surface = _surface(lang, bases, generated, textspeak, lemma)
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
    _lane_clitics_and_groups(lane, group_words, surface, lemma)
    return lane


def _lane_groups(lang: str, groups_sec: dict, problems: _Problems, noun_groups: Optional[Set[str]],
                 bases: Set[str], noun_words: Set[str]) -> Dict[str, List[List[str]]]:
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
    return group_words


def _lane_textspeak(lang: str, ts_sec: dict, problems: _Problems) -> Dict[str, List[str]]:
    """What people type -> what they mean (defaults: the clitics)."""
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
    return textspeak


def _lane_forms(lang: str, forms_sec: dict, problems: _Problems, bases: Set[str]) -> Dict[str, str]:
    """Explicit forms: word form -> base word."""
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
    return explicit


def _lane_known(lang: str, known_sec: dict, problems: _Problems) -> Set[str]:
    """Known words: real words (in either language) the spelling corrector leaves alone."""
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
    return known


def _verb_words(lang: str, group_words: Dict[str, List[List[str]]], noun_groups: Optional[Set[str]],
                raw_cues: list, bases: Set[str]) -> Set[str]:
    """Words that are a verb somewhere (in a group that is not a noun group, or in a cue): they get
    all forms. The cues' literal words are added to `bases` on the way."""
    verb_words: Set[str] = set()
    for name, toks_list in group_words.items():
        if not (noun_groups and name in noun_groups):
            for toks in toks_list:
                verb_words.update(toks)
    for kind, cid, concern, clang, pats, where, line in raw_cues:
        if clang == lang:
            for p, _ in pats:
                words = [t for t in pattern_words(p) if t != BREAK]
                bases.update(words)
                verb_words.update(words)
    return verb_words


def _form_generator(lang: str, noun_words: Set[str]) -> Callable[[str], Set[str]]:
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
    return gen_fn


def _generated_forms(lang: str, bases: Set[str], explicit: Dict[str, str],
                     gen_fn: Callable[[str], Set[str]]) -> Dict[str, Set[str]]:
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
    return generated


def _lemmatiser(lang: str, explicit: Dict[str, str], generated: Dict[str, Set[str]]) -> Callable[[str], str]:
    def lemma(w: str, depth: int = 0) -> str:
        if w in explicit:
            target = explicit[w]
        else:
            cands = generated.get(w, set()) - {w}
            if not cands or (lang == "cy" and w in CY_NOT_MUTATIONS):
                return w
            target = max(cands, key=lambda c: (len(c), c))
        return lemma(target, depth + 1) if depth < 3 and target != w else target
    return lemma


def _surface(lang: str, bases: Set[str], generated: Dict[str, Set[str]], textspeak: Dict[str, List[str]],
             lemma: Callable[[str], str]) -> Dict[str, Tuple[str, ...]]:
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
    return surface


def _lane_clitics_and_groups(lane: Lane, group_words: Dict[str, List[List[str]]],
                             surface: Dict[str, Tuple[str, ...]], lemma: Callable[[str], str]) -> None:
    if lane.lang == "en":
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

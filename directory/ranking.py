"""Ranking: how much of a query each service answers (field weight x IDF x similarity, coverage,
the key, MIN_RELEVANCE), the best `limit` after `offset`, and the short English reason each match
carries ("matches 'lunch club' (synonym of luncheon club) in Llandeilo")."""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import numpy as np

from . import lexicon as lx
from .index import CONCEPT, WELSH_FIELDS, Index
from .places import Places
from .query import Group
from .themes import THEME_LABELS

MIN_COVERAGE = 0.5
KEYED_COVERAGE = 0.35  # when the service matches the query's key (see query.key_group)
# A service whose text answers less than this of the query (relevance before place and freshness)
# is not shown: a stray shared word ("council" in "council tax") is no answer.
MIN_RELEVANCE = 0.15


def relevance(index: Index, groups: List[Group], key: Optional[Group], mask: np.ndarray
              ) -> Tuple[np.ndarray, np.ndarray]:
    """Per service, how well its text answers the query (before place and freshness), and the
    mask narrowed to those that match the key, cover enough of the query and reach MIN_RELEVANCE."""
    n = len(index)
    score = np.zeros(n, dtype=np.float32)
    covered = np.zeros(n, dtype=np.float32)
    total = sum(g.weight for g in groups)
    ideal = 0.0
    for g in groups:
        if not g.alts:
            ideal += g.weight * index.max_idf * 0.5
            continue
        best = np.zeros(n, dtype=np.float32)
        top_idf = 0.0
        for a in g.alts:
            docs, w = index.postings[a.token]
            idf = index.idf[a.token]
            top_idf = max(top_idf, idf)
            best[docs] = np.maximum(best[docs], w * np.float32(idf * a.sim))
        score += best * np.float32(g.weight)
        covered += (best > 0).astype(np.float32) * np.float32(g.weight)
        ideal += g.weight * top_idf * 3.0
        if g is key:
            mask &= best > 0
    if key is not None and not key.alts:
        mask[:] = False  # what matters most in the query is in no service
    coverage = covered / np.float32(total)
    # Matching the key is itself most of the evidence; the rest may be filler words.
    needed = KEYED_COVERAGE if key is not None else MIN_COVERAGE
    mask &= (coverage >= np.float32(needed)) & (score > 0)
    base = (score / np.float32(max(ideal, 1e-6))) * (0.5 + 0.5 * coverage)
    mask &= base >= np.float32(MIN_RELEVANCE)
    return base, mask


def top(index: Index, final: np.ndarray, mask: np.ndarray, offset: int, limit: int) -> List[int]:
    """The services in mask ranked by final score (then name), from offset, at most limit."""
    candidates = np.flatnonzero(mask)
    if len(candidates) == 0:
        return []
    k = offset + limit
    values = final[candidates]
    if len(candidates) > k:
        part = np.argpartition(-values, k - 1)[:k]
        candidates, values = candidates[part], values[part]
    order = sorted(range(len(candidates)),
                   key=lambda j: (-round(float(values[j]), 6), index.docs[candidates[j]].name.lower()))
    return [int(candidates[j]) for j in order][offset:k]


# ---------------------------------------------------------------- reasons

def field_of(index: Index, i: int, token: str) -> Optional[str]:
    d = index.docs[i]
    for f in ("name", "terms", "keywords", "description", "organization", "name_cy", "terms_cy",
              "description_cy"):
        text = d.fields.get(f)
        if not text:
            continue
        toks = lx.tokens(text)
        if token.startswith(CONCEPT):
            seqs = [toks]
            if f in WELSH_FIELDS:
                seqs.append([next((r for r in lx.demutate(t) if r in index.postings), t) for t in toks])
            if any(c == token[1:] for seq in seqs for _s, _e, c in lx.find_concepts(seq)):
                return f
        elif token in toks or (f in WELSH_FIELDS and any(token in lx.demutate(t) for t in toks)):
            return f
    return None


def doc_phrase(index: Index, i: int, concept: str, typed: str = "", welsh: bool = False
               ) -> Tuple[Optional[str], Optional[str]]:
    """The words the service itself uses for a concept, and the field they are in. The name
    (the Welsh name first for a Welsh query) speaks for the service; elsewhere, the query's own
    words win if the service uses them."""
    d = index.docs[i]
    want = tuple(lx.tokens(typed))
    names = ("name_cy", "name") if welsh else ("name", "name_cy")
    first: Tuple[Optional[str], Optional[str]] = (None, None)
    for f in names + ("terms", "keywords", "description", "terms_cy", "description_cy"):
        text = d.fields.get(f)
        if not text:
            continue
        ws = lx.words(text)
        toks = [lx.stem(w) for w in ws]
        hits = [(s, e) for s, e, c in lx.find_concepts(toks) if c == concept]
        if not hits and f in WELSH_FIELDS:
            radical = [t if t in index.concept_words else next((r for r in lx.demutate(t) if r in index.postings), t)
                       for t in toks]
            hits = [(s, e) for s, e, c in lx.find_concepts(radical) if c == concept]
        if not hits:
            continue
        same = [(s, e) for s, e in hits if tuple(toks[s:e]) == want]
        if f in names:
            s, e = (same or hits)[0]
            return " ".join(ws[s:e]), f
        if same:
            s, e = same[0]
            return " ".join(ws[s:e]), f
        if first[0] is None:
            s, e = hits[0]
            first = (" ".join(ws[s:e]), f)
    return first


def _matched(index: Index, i: int, groups: List[Group], welsh_query: bool
             ) -> Tuple[List[str], List[Optional[str]]]:
    """What service i matched, as the reason says it (at most two parts), and the fields."""
    bits: List[str] = []
    fields: List[Optional[str]] = []
    matched_members: Set[int] = set()
    for g in sorted(groups, key=lambda g: -g.weight):
        if g.weight < 1.0 and set(g.members) <= matched_members:
            continue
        hit = None
        for a in g.alts:
            docs, _w = index.postings[a.token]
            j = np.searchsorted(docs, i)
            if j < len(docs) and docs[j] == i:
                hit = a
                break
        if hit is None:
            continue
        matched_members.update(g.members)
        f = field_of(index, i, hit.token)
        if g.concept:
            phrase, f = doc_phrase(index, i, g.concept, g.text, welsh_query)
            phrase = phrase or lx.concept_label(g.concept)
            if hit.how == "typo":
                read = " ".join(g.corrected) if g.corrected else phrase
                same = lx.tokens(read) == lx.tokens(phrase)
                bits.append(f"'{g.text}' (read as {read})" if same
                            else f"'{g.text}' (read as {read}, synonym of {phrase})")
            elif lx.tokens(phrase) != lx.tokens(g.text):
                bits.append(f"'{g.text}' (synonym of {phrase})")
            else:
                bits.append(f"'{g.text}'")
        elif hit.how == "typo":
            bits.append(f"'{g.text}' (read as {hit.token})")
        elif hit.how == "welsh":
            bits.append(f"'{g.text}' ({hit.token})")
        else:
            bits.append(f"'{g.text}'")
        fields.append(f)
        if len(bits) == 2:
            break
    return bits, fields


def reason(index: Index, places: Places, i: int, groups: List[Group], place: Optional[str],
           where: Optional[Dict], welsh: bool, free: bool, theme: Optional[str], welsh_query: bool) -> str:
    bits, fields = _matched(index, i, groups, welsh_query)
    text = ""
    if bits:
        text = "matches " + " and ".join(bits)
        if fields and all(f in WELSH_FIELDS for f in fields):
            text += (" in the Welsh name" if "name_cy" in fields else " in the Welsh description"
                     if "description_cy" in fields else " in its Welsh category") + \
                ("," if place else "")
    elif theme:
        text = f"a service for {THEME_LABELS[theme]}"
    else:
        text = "a service"
    if place:
        text += places.describe(i, index.docs[i], place, where)
    extras = []
    if welsh:
        extras.append("works in Welsh")
    if free:
        extras.append("free")
    if theme and bits:
        extras.append(f"for {THEME_LABELS[theme]}")
    if extras:
        text += "; " + ", ".join(extras)
    return text

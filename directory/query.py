"""Reading a query against the index: each word's alternatives (itself, the radical of a mutated
Welsh word, typos within rapidfuzz ratio 80, or 75 for long words), synonym phrases found in the
corrected words as one concept, the groups that are scored, and the query's key (what every
result must match)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from . import lexicon as lx
from .index import CONCEPT, Index

WELSH_MARKERS = {"oes", "yng", "ym", "gyfer", "unrhyw", "ble", "mae", "fy", "ger", "plis", "chwilio", "angen",
                 "sydd", "yna", "ydy", "gan", "gyda", "efo", "cymraeg", "gymraeg"}
# Long words get a looser typo match ("counciling" -> counselling is ratio 76): a long word keeps
# enough letters in place for a lower ratio to stay unambiguous (see fuzzy).
LONG_WORD = 9
LONG_WORD_RATIO = 75


@dataclass
class Alt:
    token: str
    sim: float
    how: str  # exact | typo | welsh | concept
    typed: str


@dataclass
class Group:
    alts: List[Alt]
    weight: float
    text: str  # what the person typed for this group
    concept: Optional[str] = None
    members: Tuple[int, ...] = ()
    corrected: Tuple[str, ...] = ()  # the words as read, after typo correction
    in_concept: bool = False  # one word of a synonym phrase, also scored on its own


def fuzzy(index: Index, token: str) -> List[Tuple[str, float]]:
    """Vocabulary words the token may be a typo of: rapidfuzz ratio >= 80 for words of six
    letters or more (>= 75 for words of nine or more that start with the same two letters:
    "counciling" is counselling, "physiotherapy" is not psychotherapy), and one edit (a
    transposition counts as one) for any word of five or more."""
    if len(token) < 5 or token.isdigit():
        return []
    hits = process.extract(token, index.pool(len(token)), scorer=fuzz.ratio, score_cutoff=70, limit=12)
    out = []
    for word, score, _ in hits:
        if (score >= 80 and len(token) >= 6) or (
                word[0] == token[0] and DamerauLevenshtein.distance(token, word, score_cutoff=1) <= 1):
            out.append((word, max(score, 80.0) / 100.0))
        elif score >= LONG_WORD_RATIO and min(len(token), len(word)) >= LONG_WORD and word[:2] == token[:2]:
            out.append((word, score / 100.0))
    out.sort(key=lambda h: (-h[1], -len(index.postings[h[0]][0])))
    return out[:3]


def alternatives(index: Index, word: str, welsh_query: bool = False) -> List[Alt]:
    """What a query word may match: itself, the radical of a mutated Welsh word (chwnsela ->
    cwnsela, ddall -> dall), or the words it may be a typo of. In a query that does not look
    Welsh, a radical only English text uses is not one ("has" is not a mutated "as")."""
    postings, en_vocab = index.postings, index.en_vocab
    t = lx.stem(word)
    radicals = [lx.stem(r) for r in lx.demutate(word)]
    if not welsh_query:
        radicals = [r for r in radicals if r not in en_vocab]
    if t in postings:
        alts = [Alt(t, 1.0, "exact", word)]
        if t not in en_vocab:  # a Welsh word: its radical is the same word
            alts += [Alt(r, 0.95, "welsh", word) for r in radicals if r in postings][:2]
        if len(postings[t][0]) <= 2 and len(t) >= 6:  # a rare word may itself be a typo
            df = len(postings[t][0])
            alts += [Alt(c, s, "typo", word) for c, s in fuzzy(index, t)
                     if c != t and s >= 0.85 and len(postings[c][0]) >= 10 * df]
        return alts
    alts = [Alt(r, 0.95, "welsh", word) for r in radicals if r in postings]
    if alts:
        return alts[:2]
    known = [r for r in radicals if r in index.concept_words]
    if known:  # a synonym word no service uses itself (ddall -> dall -> sight loss)
        return [Alt(known[0], 0.95, "welsh", word)]
    return [Alt(c, s * s, "typo", word) for c, s in fuzzy(index, t)]


def _concept_groups(index: Index, ws: List[str], alts: List[List[Alt]], corrected: List[str],
                    radical: List[str]) -> Tuple[List[Group], set]:
    """The synonym phrases in the corrected words (and seen through Welsh mutations), one group
    each, and the positions of the words they take."""
    corrected_words = [a[0].token if a and a[0].how == "typo" else w for w, a in zip(ws, alts)]
    spans = lx.find_concepts(corrected)
    taken = {i for s, e, _c in spans for i in range(s, e)}
    for s, e, c in lx.find_concepts(radical):  # concepts seen through Welsh mutations
        if not any(i in taken for i in range(s, e)):
            spans.append((s, e, c))
            taken.update(range(s, e))
    groups: List[Group] = []
    for s, e, c in sorted(spans):
        typed = " ".join(ws[s:e])
        how = "typo" if any(a and a[0].how == "typo" for a in alts[s:e]) else "concept"
        sim = min([a[0].sim for a in alts[s:e] if a] or [1.0])
        read = tuple(corrected_words[s:e])
        if CONCEPT + c in index.postings:
            groups.append(Group([Alt(CONCEPT + c, sim, how, typed)], 1.5, typed, concept=c,
                                members=tuple(range(s, e)), corrected=read))
        else:
            groups.append(Group([], 1.5, typed, concept=c, members=tuple(range(s, e)), corrected=read))
    return groups, taken


def analyse(index: Index, query: str) -> Tuple[List[Group], bool]:
    """The query's groups (concepts, then words), and whether it reads as Welsh."""
    postings, en_vocab = index.postings, index.en_vocab
    ws = lx.words(query)
    # Welsh if it has a Welsh word no English text in the directory uses ("caffi", "cof").
    welsh_query = any(w in WELSH_MARKERS or (lx.stem(w) in postings and lx.stem(w) not in en_vocab)
                      for w in ws if w not in lx.STOPWORDS or w in WELSH_MARKERS)
    alts = [alternatives(index, w, welsh_query) if w not in lx.STOPWORDS else [] for w in ws]
    # Concepts are found in the corrected words (so "respit" -> respite -> short breaks).
    corrected = [a[0].token if a else lx.stem(w) for w, a in zip(ws, alts)]
    radical = [next((x.token for x in a if x.how == "welsh"), c) if a else c for a, c in zip(alts, corrected)]
    alts = [[x for x in a if x.token in postings] for a in alts]  # only words some service uses
    groups, taken = _concept_groups(index, ws, alts, corrected, radical)
    for i, (w, a) in enumerate(zip(ws, alts)):
        if w in lx.STOPWORDS:
            continue
        if i in taken:
            if a:
                groups.append(Group(a, 0.35, w, members=(i,), in_concept=True))
            continue
        groups.append(Group(a, 1.0 if a else 0.6, w, members=(i,)))
    return groups, welsh_query


def _specificity(index: Index, g: Group) -> float:
    return max((index.idf[a.token] for a in g.alts), default=index.max_idf)


def key_group(index: Index, groups: List[Group]) -> Optional[Group]:
    """The most specific part of the query, which every result must match: the rarest service
    concept named (a synonym phrase such as "respite"), else a word the directory never uses
    ("bowls" in "bowls club": nothing fits, so nothing is shown). Qualifier concepts (older
    people, children, free) say who or how, not what, so they are never the key; nor is a word
    of three letters or fewer the index cannot read (a typo such as "clb" is no reason to show
    nothing). Plain words are left to coverage: rarity alone does not make "problems" the point
    of "sight problems"."""
    main = [g for g in groups if not g.in_concept]
    concepts = [g for g in main if g.concept and g.concept not in lx.QUALIFIERS]
    if concepts:
        present = [g for g in concepts if g.alts]
        return max(present or concepts, key=lambda g: _specificity(index, g))
    return next((g for g in main if not g.alts and len(g.text) >= 4 and g.text.isalpha()), None)

"""The search index: one `Doc` per service (its searchable fields, themes, towns, area), numpy
postings (token -> services, best field weight) with concepts (synonym phrases) and the radicals
of mutated Welsh words, IDF, the vocabulary by length (for typos), and per-service filters
(active, Welsh, free, ages, stale, theme). Built once; read-only afterwards."""
from __future__ import annotations

import datetime as dt
import math
from array import array
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np

from . import lexicon as lx
from .cards import is_free, is_stale, last_checked, welsh_text, works_in_welsh
from .themes import CONCEPT_THEMES, THEMES

FIELD_WEIGHTS = {"name": 3.0, "name_cy": 3.0, "terms": 2.0, "terms_cy": 2.0, "keywords": 2.0, "description": 1.0,
                 "description_cy": 1.0, "organization": 0.5}
WELSH_FIELDS = {"name_cy", "description_cy", "terms_cy"}
CONCEPT = "\u00a7"  # prefix of concept tokens in the index


@dataclass
class Doc:
    id: str
    name: str
    fields: Dict[str, str]
    themes: Set[str]
    towns: List[str]
    area_text: str
    coords: Optional[Tuple[float, float]]
    record: Dict[str, Any]


def make_doc(rec: Dict[str, Any]) -> Doc:
    terms, terms_cy, themes = [], [], set()
    for a in rec.get("attributes") or []:
        t = a.get("taxonomy_term") or {}
        code = (t.get("term") or "").strip()
        if code in THEMES:
            themes.add(code)
        if t.get("name"):
            terms.append(t["name"])
        if t.get("name_cy"):
            terms_cy.append(t["name_cy"])
    towns: List[str] = []
    coords: Optional[Tuple[float, float]] = None
    area_bits: List[str] = []
    for sal in rec.get("service_at_locations") or []:
        loc = sal.get("location") or {}
        if coords is None and isinstance(loc.get("latitude"), (int, float)) and isinstance(loc.get("longitude"), (int, float)):
            coords = (float(loc["latitude"]), float(loc["longitude"]))
        for a in loc.get("addresses") or []:
            if a.get("city") and a["city"] not in towns:
                towns.append(a["city"])
    for area in rec.get("service_areas") or []:
        area_bits.extend(x for x in (area.get("name"), area.get("description"), area.get("service_area")) if x)
    keywords = rec.get("keywords")
    fields: Dict[str, str] = {
        "name": rec.get("name") or "", "name_cy": welsh_text(rec, "name") or "",
        "description": rec.get("description") or "", "description_cy": welsh_text(rec, "description") or "",
        "keywords": keywords if isinstance(keywords, str) else ", ".join(keywords or []),
        "terms": " ; ".join(terms), "terms_cy": " ; ".join(terms_cy),
        "organization": " ; ".join(x for x in ((rec.get("organization") or {}).get("name"),
                                               welsh_text(rec.get("organization") or {}, "name")) if x)}
    return Doc(id=str(rec["id"]), name=fields["name"], fields=fields, themes=themes, towns=towns,
               area_text=" ".join(area_bits), coords=coords, record=rec)


class Index:
    """Postings, vocabulary and filters over `docs`, as of `today` (for staleness)."""

    def __init__(self, records: Sequence[Dict[str, Any]], today: dt.date) -> None:
        self.today = today
        self.docs: List[Doc] = [make_doc(r) for r in records]
        self.by_id: Dict[str, int] = {d.id: i for i, d in enumerate(self.docs)}
        self.concept_words: Set[str] = {w for phrase in lx.concept_phrases() for w in phrase}
        tokenised, base_vocab = self._tokenise()
        self._build_postings(tokenised, base_vocab)
        self._build_filters()

    def __len__(self) -> int:
        return len(self.docs)

    def _tokenise(self) -> Tuple[List[Dict[str, List[str]]], Set[str]]:
        """Pass 1: tokens per field, and the vocabulary (for Welsh radicals)."""
        tokenised: List[Dict[str, List[str]]] = []
        base_vocab: Set[str] = set(self.concept_words)
        en_vocab: Set[str] = set()
        cache: Dict[str, List[str]] = {}
        for d in self.docs:
            per = {}
            for f, text in d.fields.items():
                if text:
                    toks = cache.get(text)
                    if toks is None:
                        toks = cache[text] = lx.tokens(text)
                    per[f] = toks
                    if f not in WELSH_FIELDS:
                        en_vocab.update(toks)
            tokenised.append(per)
            for toks in per.values():
                base_vocab.update(toks)
        self.en_vocab = en_vocab
        return tokenised, base_vocab

    def _best_weights(self, per: Dict[str, List[str]], base_vocab: Set[str]) -> Tuple[Dict[str, float], Set[str]]:
        """One service's tokens (with concepts and Welsh radicals) and the best field weight of each."""
        concept_words = self.concept_words
        best: Dict[str, float] = {}
        concepts_here: Set[str] = set()
        for f, toks in per.items():
            w = FIELD_WEIGHTS[f]
            for t in toks:
                if best.get(t, 0) < w:
                    best[t] = w
            seqs = [toks]
            if f in WELSH_FIELDS:
                radical_seq = []
                for t in toks:
                    r = next((r for r in lx.demutate(t) if r in base_vocab), None) if t not in concept_words else None
                    radical_seq.append(r or t)
                    if r and best.get(r, 0) < w * 0.9:
                        best[r] = w * 0.9
                seqs.append(radical_seq)
            for seq in seqs:
                for _s, _e, c in lx.find_concepts(seq):
                    concepts_here.add(c)
                    key = CONCEPT + c
                    if best.get(key, 0) < w:
                        best[key] = w
        return best, concepts_here

    def _build_postings(self, tokenised: List[Dict[str, List[str]]], base_vocab: Set[str]) -> None:
        """Pass 2: postings (token -> docs, best field weight), with concepts and Welsh radicals."""
        n = len(self.docs)
        post_docs: Dict[str, array] = {}
        post_w: Dict[str, array] = {}
        self.concept_themes: List[Set[str]] = []
        for i, per in enumerate(tokenised):
            best, concepts_here = self._best_weights(per, base_vocab)
            for t, w in best.items():
                if t not in post_docs:
                    post_docs[t], post_w[t] = array("i"), array("f")
                post_docs[t].append(i)
                post_w[t].append(w)
            self.concept_themes.append({CONCEPT_THEMES[c] for c in concepts_here if c in CONCEPT_THEMES})

        self.postings: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}
        self.idf: Dict[str, float] = {}
        for t, ds in post_docs.items():
            arr_d = np.frombuffer(ds, dtype=np.int32)
            arr_w = np.frombuffer(post_w[t], dtype=np.float32)
            self.postings[t] = (arr_d, arr_w)
            df = len(arr_d)
            self.idf[t] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        self.max_idf = math.log(1 + (n + 0.5) / 0.5) if n else 1.0
        self.vocab = [t for t in self.postings if not t.startswith(CONCEPT)]
        by_len: Dict[int, List[str]] = {}
        for t in self.vocab:
            by_len.setdefault(len(t), []).append(t)
        self.by_len = by_len
        self.pools: Dict[int, List[str]] = {}

    def _build_filters(self) -> None:
        docs = self.docs
        self.active = np.array([(d.record.get("status") or "active") == "active" for d in docs], dtype=bool)
        self.welsh = np.array([works_in_welsh(d.record) for d in docs], dtype=bool)
        self.free = np.array([is_free(d.record) for d in docs], dtype=bool)
        self.min_age = np.array([d.record.get("minimum_age") if d.record.get("minimum_age") is not None else -1
                                 for d in docs], dtype=np.float32)
        self.max_age = np.array([d.record.get("maximum_age") if d.record.get("maximum_age") is not None else 999
                                 for d in docs], dtype=np.float32)
        self.checked = [last_checked(d.record) for d in docs]
        self.stale = np.array([is_stale(c, self.today) for c in self.checked], dtype=bool)
        themes: Dict[str, List[int]] = {t: [] for t in THEMES}
        for i, d in enumerate(docs):
            for t in (d.themes or self.concept_themes[i]):
                themes.setdefault(t, []).append(i)
        self.theme_mask = {t: self.mask(ix) for t, ix in themes.items()}

    def mask(self, idx: Iterable[int]) -> np.ndarray:
        m = np.zeros(len(self.docs), dtype=bool)
        idx = list(idx)
        if idx:
            m[np.array(idx, dtype=np.int64)] = True
        return m

    def pool(self, length: int) -> List[str]:
        """Vocabulary words within two letters of this length (typo candidates)."""
        pool = self.pools.get(length)
        if pool is None:
            pool = [t for L in range(max(1, length - 2), length + 3) for t in self.by_len.get(L, ())]
            self.pools[length] = pool
        return pool

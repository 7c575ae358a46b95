"""Directory search for the bot and the search API.

An in-memory index over every service's names, descriptions (English and Welsh), keywords and
taxonomy terms, ranked with rapidfuzz typo tolerance, the synonyms councils use (lexicon.CONCEPTS),
Welsh initial mutations, and places (in a town, covering it, or near it). Only active services are
ever returned. Every match carries a short English reason.

    search = DirectorySearch.from_db(session)      # or get_search(): cached, rebuilt on change
    for m in search.search("lunch club", town="Llandeilo"):
        m.service_id, m.score, m.reason, m.card("cy")

How a query is scored: its words are matched against the index vocabulary (exactly, as the radical
of a mutated Welsh word, or as a typo within rapidfuzz ratio >= 80, >= 75 for long words); synonym
phrases are found in the corrected words and matched as one concept; each group of alternatives
adds its best field weight x IDF x similarity (name 3, taxonomy terms and keywords 2, description
1). A service must match the query's key (its rarest service concept, else a word no service uses:
then nothing fits), cover at least half of the query's weight (a third with a key), and reach
MIN_RELEVANCE; the place factor (in town 1, covering it 0.9, county-wide 0.85, nearby 0.8 falling
with distance) and freshness (stale x 0.9) finish the score. A place outside the council's area
(places.yml `outside`) stands for the council's nearest town, or for county-wide services only.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import threading
from array import array
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from iaa import taxonomy

from . import lexicon as lx
from .cards import build_card, is_free, is_stale, last_checked, works_in_welsh

THEMES = taxonomy.stated("theme")  # data/taxonomy/codes.yml, without "not_stated"
THEME_LABELS = {"children_young_people": "children and young people", "older_people": "older people",
                "health_physical_disability": "people with a physical disability or health condition",
                "learning_disability_autism": "people with a learning disability or autism",
                "mental_health": "mental health", "sensory_impairment": "people with a sensory impairment",
                "carers": "carers", "vawdasv": "people affected by abuse or violence",
                "secure_estate": "people in or leaving prison"}
# Used only for services that carry no theme term of their own.
CONCEPT_THEMES = {
    "lunch_club": "older_people", "memory_cafe": "older_people", "dementia": "older_people", "older": "older_people",
    "telecare": "older_people", "meals": "older_people", "falls": "older_people",
    "carer": "carers", "young_carer": "carers", "respite": "carers",
    "autism": "learning_disability_autism", "learning_disability": "learning_disability_autism",
    "mental_health": "mental_health", "counselling": "mental_health", "bereavement": "mental_health",
    "sight_loss": "sensory_impairment", "hearing_loss": "sensory_impairment", "sign_language": "sensory_impairment",
    "disability": "health_physical_disability", "wheelchair": "health_physical_disability",
    "stroke": "health_physical_disability", "equipment": "health_physical_disability",
    "children": "children_young_people", "toddler": "children_young_people", "youth_club": "children_young_people",
    "play_scheme": "children_young_people", "parenting": "children_young_people",
    "domestic_abuse": "vawdasv", "sexual_violence": "vawdasv", "refuge": "vawdasv", "prison": "secure_estate",
}
FIELD_WEIGHTS = {"name": 3.0, "name_cy": 3.0, "terms": 2.0, "terms_cy": 2.0, "keywords": 2.0, "description": 1.0,
                 "description_cy": 1.0, "organization": 0.5}
WELSH_FIELDS = {"name_cy", "description_cy", "terms_cy"}
WELSH_MARKERS = {"oes", "yng", "ym", "gyfer", "unrhyw", "ble", "mae", "fy", "ger", "plis", "chwilio", "angen",
                 "sydd", "yna", "ydy", "gan", "gyda", "efo", "cymraeg", "gymraeg"}
NEAR_KM = 25.0
MIN_COVERAGE = 0.5
KEYED_COVERAGE = 0.35  # when the service matches the query's key (see _key_group)
# A service whose text answers less than this of the query (relevance before place and freshness)
# is not shown: a stray shared word ("council" in "council tax") is no answer.
MIN_RELEVANCE = 0.15
# Long words get a looser typo match ("counciling" -> counselling is ratio 76): a long word keeps
# enough letters in place for a lower ratio to stay unambiguous (see _fuzzy).
LONG_WORD = 9
LONG_WORD_RATIO = 75
CONCEPT = "\u00a7"  # prefix of concept tokens in the index


def _km(a: Tuple[float, float], b: Tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


_PLACE_PREPOSITION = re.compile(r"(?:^|\s)(?:in|near|around|at|by|from|to|yn|yng|ym|ger|i|o)\s*$")


def _without(folded: str, m: "re.Match") -> str:
    """The text without a place name found in it, and without the preposition before it."""
    before = _PLACE_PREPOSITION.sub("", folded[:m.start()])
    return " ".join((before + " " + folded[m.end():]).split())


def _contains(sorted_ids: np.ndarray, i: int) -> bool:
    j = int(np.searchsorted(sorted_ids, i))
    return j < len(sorted_ids) and int(sorted_ids[j]) == i


@dataclass
class _Doc:
    id: str
    name: str
    fields: Dict[str, str]
    themes: Set[str]
    towns: List[str]
    area_text: str
    coords: Optional[Tuple[float, float]]
    record: Dict[str, Any]


@dataclass
class _Alt:
    token: str
    sim: float
    how: str  # exact | typo | welsh | concept
    typed: str


@dataclass
class _Group:
    alts: List[_Alt]
    weight: float
    text: str  # what the person typed for this group
    concept: Optional[str] = None
    members: Tuple[int, ...] = ()
    corrected: Tuple[str, ...] = ()  # the words as read, after typo correction
    in_concept: bool = False  # one word of a synonym phrase, also scored on its own


@dataclass
class Located:
    """Where a search is about."""
    town: Optional[str]  # the council's town (display name), if any
    query: str  # what is wanted, without the place
    outside: Optional[lx.Place] = None  # a place beyond the council's area that was asked about
    unknown: bool = False  # a town was given that neither the directory nor the gazetteer knows


@dataclass
class Match:
    service_id: str
    score: float
    reason: str
    name: str
    _search: "DirectorySearch" = field(repr=False, compare=False, default=None)
    _index: int = field(repr=False, compare=False, default=-1)
    place: Optional[str] = None
    outside: Optional[str] = None  # the place asked about, when it is beyond the council's area

    def card(self, language: str = "en") -> Dict[str, Any]:
        return self._search.card(self._index, language)

    def as_dict(self, language: str = "en") -> Dict[str, Any]:
        return {"service_id": self.service_id, "score": round(self.score, 4), "reason": self.reason,
                "card": self.card(language)}


class DirectorySearch:
    """Built once from ORUK 3.0 service objects; search() is read-only and thread-safe."""

    def __init__(self, records: Sequence[Dict[str, Any]], today: Optional[dt.date] = None,
                 version: Any = None) -> None:
        self.today = today or dt.date.today()
        self.version = version
        self._docs: List[_Doc] = []
        self._by_id: Dict[str, int] = {}
        self._build(records)

    # ---------------------------------------------------------------- construction

    @classmethod
    def from_records(cls, records: Iterable[Dict[str, Any]], today: Optional[dt.date] = None) -> "DirectorySearch":
        return cls(list(records), today=today)

    @classmethod
    def from_db(cls, session, today: Optional[dt.date] = None) -> "DirectorySearch":
        from .export import export_services
        from .version import directory_version

        version = directory_version(session)
        return cls(export_services(session), today=today, version=version)

    def _doc(self, rec: Dict[str, Any]) -> _Doc:
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
        towns, coords, area_bits = [], None, []
        for sal in rec.get("service_at_locations") or []:
            loc = sal.get("location") or {}
            if coords is None and isinstance(loc.get("latitude"), (int, float)) and isinstance(loc.get("longitude"), (int, float)):
                coords = (float(loc["latitude"]), float(loc["longitude"]))
            for a in loc.get("addresses") or []:
                if a.get("city") and a["city"] not in towns:
                    towns.append(a["city"])
        for area in rec.get("service_areas") or []:
            area_bits.extend(x for x in (area.get("name"), area.get("description"), area.get("service_area")) if x)
        fields = {"name": rec.get("name") or "", "name_cy": rec.get("name_cy") or "",
                  "description": rec.get("description") or "", "description_cy": rec.get("description_cy") or "",
                  "keywords": rec.get("keywords") if isinstance(rec.get("keywords"), str)
                  else ", ".join(rec.get("keywords") or []),
                  "terms": " ; ".join(terms), "terms_cy": " ; ".join(terms_cy),
                  "organization": (rec.get("organization") or {}).get("name") or ""}
        return _Doc(id=str(rec["id"]), name=fields["name"], fields=fields, themes=themes, towns=towns,
                    area_text=" ".join(area_bits), coords=coords, record=rec)

    def _build(self, records: Sequence[Dict[str, Any]]) -> None:
        docs = [self._doc(r) for r in records]
        self._docs = docs
        self._by_id = {d.id: i for i, d in enumerate(docs)}
        n = len(docs)
        concept_words = {w for phrase in lx.concept_phrases() for w in phrase}

        # Pass 1: tokens per field, and the vocabulary (for Welsh radicals).
        tokenised: List[Dict[str, List[str]]] = []
        base_vocab: Set[str] = set(concept_words)
        en_vocab: Set[str] = set()
        cache: Dict[str, List[str]] = {}
        for d in docs:
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
        self._en_vocab = en_vocab
        self._concept_words = concept_words

        # Pass 2: postings (token -> docs, best field weight), with concepts and Welsh radicals.
        post_docs: Dict[str, array] = {}
        post_w: Dict[str, array] = {}
        self._concept_themes: List[Set[str]] = []
        for i, per in enumerate(tokenised):
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
            for t, w in best.items():
                if t not in post_docs:
                    post_docs[t], post_w[t] = array("i"), array("f")
                post_docs[t].append(i)
                post_w[t].append(w)
            self._concept_themes.append({CONCEPT_THEMES[c] for c in concepts_here if c in CONCEPT_THEMES})

        self._postings: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}
        self._idf: Dict[str, float] = {}
        for t, ds in post_docs.items():
            arr_d = np.frombuffer(ds, dtype=np.int32)
            arr_w = np.frombuffer(post_w[t], dtype=np.float32)
            self._postings[t] = (arr_d, arr_w)
            df = len(arr_d)
            self._idf[t] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        self._max_idf = math.log(1 + (n + 0.5) / 0.5) if n else 1.0
        self._vocab = [t for t in self._postings if not t.startswith(CONCEPT)]
        by_len: Dict[int, List[str]] = {}
        for t in self._vocab:
            by_len.setdefault(len(t), []).append(t)
        self._by_len = by_len
        self._pools: Dict[int, List[str]] = {}

        # Filters.
        self._active = np.array([(d.record.get("status") or "active") == "active" for d in docs], dtype=bool)
        self._welsh = np.array([works_in_welsh(d.record) for d in docs], dtype=bool)
        self._free = np.array([is_free(d.record) for d in docs], dtype=bool)
        self._min_age = np.array([d.record.get("minimum_age") if d.record.get("minimum_age") is not None else -1
                                  for d in docs], dtype=np.float32)
        self._max_age = np.array([d.record.get("maximum_age") if d.record.get("maximum_age") is not None else 999
                                  for d in docs], dtype=np.float32)
        self._checked = [last_checked(d.record) for d in docs]
        self._stale = np.array([is_stale(c, self.today) for c in self._checked], dtype=bool)
        themes: Dict[str, List[int]] = {t: [] for t in THEMES}
        for i, d in enumerate(docs):
            for t in (d.themes or self._concept_themes[i]):
                themes.setdefault(t, []).append(i)
        self._theme_mask = {t: self._mask(ix) for t, ix in themes.items()}

        # Places: towns with located services, plus the gazetteer's.
        town_docs: Dict[str, List[int]] = {}
        town_coords: Dict[str, List[Tuple[float, float]]] = {}
        display: Dict[str, str] = {}
        for i, d in enumerate(docs):
            for t in d.towns:
                key = lx.fold(t)
                display.setdefault(key, t)
                town_docs.setdefault(key, []).append(i)
                if d.coords:
                    town_coords.setdefault(key, []).append(d.coords)
        gazetteer = lx.place_coordinates()
        for place in lx.GAZETTEER.towns:
            display.setdefault(lx.fold(place.name), place.name)
        self._display = display
        self._town_docs = {k: np.array(v, dtype=np.int32) for k, v in town_docs.items()}
        self._centre: Dict[str, Tuple[float, float]] = {}
        for key in display:
            pts = town_coords.get(key)
            if key in gazetteer:
                self._centre[key] = gazetteer[key]
            elif pts:
                self._centre[key] = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        self._aliases = lx.place_aliases(display.values())  # folded alias -> display name
        alts = sorted(self._aliases, key=len, reverse=True)
        self._alias_re = re.compile(r"\b(" + "|".join(re.escape(a) for a in alts) + r")\b") if alts else None
        self._outside = lx.outside_aliases()
        outside = sorted(self._outside, key=len, reverse=True)
        self._outside_re = re.compile(r"\b(" + "|".join(re.escape(a) for a in outside) + r")\b") if outside else None
        county = lx.county_area_names()
        covers: Dict[str, List[int]] = {}
        countywide = []
        for i, d in enumerate(docs):
            area = " ".join(lx.words(d.area_text))
            if not d.towns and not area:
                countywide.append(i)  # no place given: a phone line or online service
                continue
            if any(c in area for c in county):
                countywide.append(i)
            if area and self._alias_re:
                for m in self._alias_re.finditer(area):
                    covers.setdefault(lx.fold(self._aliases[m.group(1)]), []).append(i)
        self._covers = {k: np.unique(np.array(v, dtype=np.int32)) for k, v in covers.items()}
        self._countywide = np.array(countywide, dtype=np.int32)
        self._lock = threading.Lock()

    def _mask(self, idx: Iterable[int]) -> np.ndarray:
        m = np.zeros(len(self._docs), dtype=bool)
        idx = list(idx)
        if idx:
            m[np.array(idx, dtype=np.int64)] = True
        return m

    # ---------------------------------------------------------------- public helpers

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def towns(self) -> Set[str]:
        """Towns the directory has services in, plus the council's other towns (gazetteer)."""
        return set(self._display.values())

    @property
    def ids(self) -> List[str]:
        return [d.id for d in self._docs]

    def record(self, service_id: str) -> Optional[Dict[str, Any]]:
        i = self._by_id.get(service_id)
        return None if i is None else self._docs[i].record

    def card(self, index_or_id, language: str = "en") -> Dict[str, Any]:
        i = index_or_id if isinstance(index_or_id, int) else self._by_id[index_or_id]
        return build_card(self._docs[i].record, language, self.today)

    def resolve_town(self, town: str) -> Optional[str]:
        """A town as typed (English or Welsh, mutated, slightly misspelt) -> its display name."""
        key = " ".join(lx.words(town))
        if key in self._aliases:
            return self._aliases[key]
        best = process.extractOne(key, list(self._aliases), scorer=fuzz.ratio, score_cutoff=80)
        return self._aliases[best[0]] if best else None

    def find_town(self, text: str) -> Tuple[Optional[str], str]:
        """The first known town named in text, and the text without it."""
        folded = " ".join(lx.words(text))
        place, rest = self._named_town(folded)
        return (place, rest) if place else self._misspelt_town(folded)

    def _named_town(self, folded: str) -> Tuple[Optional[str], str]:
        if self._alias_re:
            m = self._alias_re.search(folded)
            if m:
                return self._aliases[m.group(1)], _without(folded, m)
        return None, folded

    def _named_outside(self, folded: str) -> Tuple[Optional[lx.Place], str]:
        if self._outside_re:
            m = self._outside_re.search(folded)
            if m:
                return self._outside[m.group(1)], _without(folded, m)
        return None, folded

    def nearest_town(self, place: lx.Place) -> Optional[str]:
        """The council's town nearest a place outside the area, if one is within nearest_km."""
        best = min(((_km(place.centre, c), key) for key, c in self._centre.items()), default=None)
        if best is None or best[0] > lx.GAZETTEER.nearest_km:
            return None
        return self._display[best[1]]

    def locate(self, query: str, town: Optional[str] = None) -> Located:
        """The town a search is about: `town` if given (English or Welsh, mutated, misspelt), else
        one named in the query. A place beyond the council's area ("in Swansea") stands for the
        council's town nearest it (None if none is near), with `outside` saying so."""
        query = query or ""
        if town:
            key = " ".join(lx.words(town))
            outside = self._outside.get(key) if key not in self._aliases else None
            if outside:  # before resolve_town's typo tolerance reads it as a town of ours
                return Located(self.nearest_town(outside), query, outside)
            place = self.resolve_town(town)
            return Located(place, query) if place else Located(None, query, unknown=True)
        folded = " ".join(lx.words(query))
        place, rest = self._named_town(folded)
        if place:
            return Located(place, rest)
        outside, rest = self._named_outside(folded)
        if outside:
            return Located(self.nearest_town(outside), rest, outside)
        place, rest = self._misspelt_town(folded)
        return Located(place, rest)

    def asks_for_something(self, query: str) -> bool:
        """Whether the words name anything to look for ("show me more", "is there anything" do not)."""
        return bool(self._analyse(query or "")[0])

    def _misspelt_town(self, folded: str) -> Tuple[Optional[str], str]:
        for w in folded.split():  # a misspelt town ("Llandielo"), if the word means nothing else
            if len(w) >= 6 and lx.stem(w) not in self._postings:
                best = process.extractOne(w, [a for a in self._aliases if " " not in a], scorer=fuzz.ratio,
                                          score_cutoff=85)
                if best:
                    return self._aliases[best[0]], _without(folded, re.search(r"\b%s\b" % re.escape(w), folded))
        return None, folded

    # ---------------------------------------------------------------- query analysis

    def _pool(self, length: int) -> List[str]:
        pool = self._pools.get(length)
        if pool is None:
            pool = [t for L in range(max(1, length - 2), length + 3) for t in self._by_len.get(L, ())]
            self._pools[length] = pool
        return pool

    def _fuzzy(self, token: str) -> List[Tuple[str, float]]:
        """Vocabulary words the token may be a typo of: rapidfuzz ratio >= 80 for words of six
        letters or more (>= 75 for words of nine or more that start with the same two letters:
        "counciling" is counselling, "physiotherapy" is not psychotherapy), and one edit (a
        transposition counts as one) for any word of five or more."""
        if len(token) < 5 or token.isdigit():
            return []
        hits = process.extract(token, self._pool(len(token)), scorer=fuzz.ratio, score_cutoff=70, limit=12)
        out = []
        for word, score, _ in hits:
            if (score >= 80 and len(token) >= 6) or (
                    word[0] == token[0] and DamerauLevenshtein.distance(token, word, score_cutoff=1) <= 1):
                out.append((word, max(score, 80.0) / 100.0))
            elif score >= LONG_WORD_RATIO and min(len(token), len(word)) >= LONG_WORD and word[:2] == token[:2]:
                out.append((word, score / 100.0))
        out.sort(key=lambda h: (-h[1], -len(self._postings[h[0]][0])))
        return out[:3]

    def _alternatives(self, word: str, welsh_query: bool = False) -> List[_Alt]:
        """What a query word may match: itself, the radical of a mutated Welsh word (chwnsela ->
        cwnsela, ddall -> dall), or the words it may be a typo of. In a query that does not look
        Welsh, a radical only English text uses is not one ("has" is not a mutated "as")."""
        t = lx.stem(word)
        radicals = [lx.stem(r) for r in lx.demutate(word)]
        if not welsh_query:
            radicals = [r for r in radicals if r not in self._en_vocab]
        if t in self._postings:
            alts = [_Alt(t, 1.0, "exact", word)]
            if t not in self._en_vocab:  # a Welsh word: its radical is the same word
                alts += [_Alt(r, 0.95, "welsh", word) for r in radicals if r in self._postings][:2]
            if len(self._postings[t][0]) <= 2 and len(t) >= 6:  # a rare word may itself be a typo
                df = len(self._postings[t][0])
                alts += [_Alt(c, s, "typo", word) for c, s in self._fuzzy(t)
                         if c != t and s >= 0.85 and len(self._postings[c][0]) >= 10 * df]
            return alts
        alts = [_Alt(r, 0.95, "welsh", word) for r in radicals if r in self._postings]
        if alts:
            return alts[:2]
        known = [r for r in radicals if r in self._concept_words]
        if known:  # a synonym word no service uses itself (ddall -> dall -> sight loss)
            return [_Alt(known[0], 0.95, "welsh", word)]
        return [_Alt(c, s * s, "typo", word) for c, s in self._fuzzy(t)]

    def _analyse(self, query: str) -> Tuple[List[_Group], bool]:
        ws = lx.words(query)
        # Welsh if it has a Welsh word no English text in the directory uses ("caffi", "cof").
        welsh_query = any(w in WELSH_MARKERS or (lx.stem(w) in self._postings and lx.stem(w) not in self._en_vocab)
                          for w in ws if w not in lx.STOPWORDS or w in WELSH_MARKERS)
        alts = [self._alternatives(w, welsh_query) if w not in lx.STOPWORDS else [] for w in ws]
        # Concepts are found in the corrected words (so "respit" -> respite -> short breaks).
        corrected = [a[0].token if a else lx.stem(w) for w, a in zip(ws, alts)]
        radical = [next((x.token for x in a if x.how == "welsh"), c) if a else c for a, c in zip(alts, corrected)]
        alts = [[x for x in a if x.token in self._postings] for a in alts]  # only words some service uses
        corrected_words = [a[0].token if a and a[0].how == "typo" else w for w, a in zip(ws, alts)]
        spans = lx.find_concepts(corrected)
        taken = {i for s, e, _c in spans for i in range(s, e)}
        for s, e, c in lx.find_concepts(radical):  # concepts seen through Welsh mutations
            if not any(i in taken for i in range(s, e)):
                spans.append((s, e, c))
                taken.update(range(s, e))
        groups: List[_Group] = []
        for s, e, c in sorted(spans):
            typed = " ".join(ws[s:e])
            how = "typo" if any(a and a[0].how == "typo" for a in alts[s:e]) else "concept"
            sim = min([a[0].sim for a in alts[s:e] if a] or [1.0])
            read = tuple(corrected_words[s:e])
            if CONCEPT + c in self._postings:
                groups.append(_Group([_Alt(CONCEPT + c, sim, how, typed)], 1.5, typed, concept=c,
                                     members=tuple(range(s, e)), corrected=read))
            else:
                groups.append(_Group([], 1.5, typed, concept=c, members=tuple(range(s, e)), corrected=read))
        for i, (w, a) in enumerate(zip(ws, alts)):
            if w in lx.STOPWORDS:
                continue
            if i in taken:
                if a:
                    groups.append(_Group(a, 0.35, w, members=(i,), in_concept=True))
                continue
            groups.append(_Group(a, 1.0 if a else 0.6, w, members=(i,)))
        return groups, welsh_query

    # ---------------------------------------------------------------- search

    def search(self, query: str = "", town: Optional[str] = None, theme: Optional[str] = None,
               age: Optional[int] = None, welsh: bool = False, free: bool = False, limit: int = 3,
               offset: int = 0) -> List[Match]:
        """Up to `limit` active services for `query`, best first. `town` (English or Welsh; if not
        given, a town named in the query is used) keeps services in, covering or near that town.
        `theme` is a TAXONOMY.md theme code; if no service fits it, the theme is dropped."""
        if theme is not None and theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}: use one of {', '.join(THEMES)}")
        if age is not None and not 0 <= age <= 150:
            raise ValueError("age must be from 0 to 150")
        n = len(self._docs)
        if n == 0 or limit <= 0:
            return []
        located = self.locate(query, town)
        if located.unknown:
            return []  # a place this directory knows nothing about
        place, query = located.town, located.query
        groups, welsh_query = self._analyse(query)
        if not groups and place is None and theme is None and age is None and not welsh and not free:
            return []  # nothing asked for: no service is a better answer than any other

        mask = self._active.copy()
        if welsh:
            mask &= self._welsh
        if free:
            mask &= self._free
        if age is not None:
            mask &= (self._min_age <= age) & (self._max_age >= age)
        if located.outside is not None and place is None:
            mask &= self._mask(self._countywide)  # far away: only what works anywhere in the county

        scored = [g for g in groups]
        key = self._key_group(groups)
        if scored:
            score = np.zeros(n, dtype=np.float32)
            covered = np.zeros(n, dtype=np.float32)
            total = sum(g.weight for g in scored)
            ideal = 0.0
            for g in scored:
                if not g.alts:
                    ideal += g.weight * self._max_idf * 0.5
                    continue
                best = np.zeros(n, dtype=np.float32)
                top_idf = 0.0
                for a in g.alts:
                    docs, w = self._postings[a.token]
                    idf = self._idf[a.token]
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
        else:
            coverage = np.ones(n, dtype=np.float32)
            base = np.full(n, 0.5, dtype=np.float32)

        place_factor, where = self._place_factor(place) if place else (None, None)
        if place_factor is not None:
            mask &= place_factor > 0

        final = base * np.where(self._stale, np.float32(0.9), np.float32(1.0))
        if place_factor is not None:
            final = final * place_factor
        if welsh_query:
            final = final * np.where(self._welsh, np.float32(1.1), np.float32(1.0))

        theme_used = theme
        if theme:
            themed = mask & self._theme_mask.get(theme, np.zeros(n, dtype=bool))
            if themed.any():
                mask = themed
            else:
                theme_used = None  # nothing for this group: show what there is rather than nothing
        candidates = np.flatnonzero(mask)
        if len(candidates) == 0:
            return []
        k = offset + limit
        values = final[candidates]
        if len(candidates) > k:
            part = np.argpartition(-values, k - 1)[:k]
            candidates, values = candidates[part], values[part]
        order = sorted(range(len(candidates)),
                       key=lambda j: (-round(float(values[j]), 6), self._docs[candidates[j]].name.lower()))
        chosen = [int(candidates[j]) for j in order][offset:k]
        matches = [self._match(i, float(final[i]), groups, place, where, welsh, free, theme_used, welsh_query)
                   for i in chosen]
        for m in matches:
            m.outside = located.outside.name if located.outside else None
        return matches

    def _specificity(self, g: _Group) -> float:
        return max((self._idf[a.token] for a in g.alts), default=self._max_idf)

    def _key_group(self, groups: List[_Group]) -> Optional[_Group]:
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
            return max(present or concepts, key=self._specificity)
        return next((g for g in main if not g.alts and len(g.text) >= 4 and g.text.isalpha()), None)

    def _place_factor(self, place: str) -> Tuple[np.ndarray, Dict[int, str]]:
        """Per service: 1 in the town, 0.9 covering it, 0.85 county-wide, 0.8 falling to 0.3 at
        NEAR_KM for services in nearby towns, 0 otherwise; and the words for where it is."""
        n = len(self._docs)
        key = lx.fold(place)
        pf = np.zeros(n, dtype=np.float32)
        where: Dict[int, str] = {}
        centre = self._centre.get(key)
        if centre is not None:
            nearby = []
            for other, docs in self._town_docs.items():
                if other == key or other not in self._centre:
                    continue
                d = _km(centre, self._centre[other])
                if d <= NEAR_KM:
                    nearby.append((d, other, docs))
            for d, other, docs in sorted(nearby, reverse=True):
                pf[docs] = np.maximum(pf[docs], np.float32(0.8 - 0.5 * d / NEAR_KM))
                where[("near", other)] = f"in {self._display[other]}, {max(1, round(d))} km from {place}"
        if len(self._countywide):
            pf[self._countywide] = np.maximum(pf[self._countywide], np.float32(0.85))
        if key in self._covers:
            pf[self._covers[key]] = np.maximum(pf[self._covers[key]], np.float32(0.9))
        if key in self._town_docs:
            pf[self._town_docs[key]] = 1.0
        return pf, where

    # ---------------------------------------------------------------- reasons

    def _field_of(self, i: int, token: str) -> Optional[str]:
        d = self._docs[i]
        for f in ("name", "terms", "keywords", "description", "organization", "name_cy", "terms_cy",
                  "description_cy"):
            text = d.fields.get(f)
            if not text:
                continue
            toks = lx.tokens(text)
            if token.startswith(CONCEPT):
                seqs = [toks]
                if f in WELSH_FIELDS:
                    seqs.append([next((r for r in lx.demutate(t) if r in self._postings), t) for t in toks])
                if any(c == token[1:] for seq in seqs for _s, _e, c in lx.find_concepts(seq)):
                    return f
            elif token in toks or (f in WELSH_FIELDS and any(token in lx.demutate(t) for t in toks)):
                return f
        return None

    def _doc_phrase(self, i: int, concept: str, typed: str = "", welsh: bool = False
                    ) -> Tuple[Optional[str], Optional[str]]:
        """The words the service itself uses for a concept, and the field they are in. The name
        (the Welsh name first for a Welsh query) speaks for the service; elsewhere, the query's own
        words win if the service uses them."""
        d = self._docs[i]
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
                radical = [t if t in self._concept_words else next((r for r in lx.demutate(t) if r in self._postings), t)
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

    def _match(self, i: int, score: float, groups: List[_Group], place: Optional[str],
               where: Optional[Dict], welsh: bool, free: bool, theme: Optional[str], welsh_query: bool) -> Match:
        d = self._docs[i]
        bits: List[str] = []
        fields: List[Optional[str]] = []
        matched_members: Set[int] = set()
        for g in sorted(groups, key=lambda g: -g.weight):
            if g.weight < 1.0 and set(g.members) <= matched_members:
                continue
            hit = None
            for a in g.alts:
                docs, _w = self._postings[a.token]
                j = np.searchsorted(docs, i)
                if j < len(docs) and docs[j] == i:
                    hit = a
                    break
            if hit is None:
                continue
            matched_members.update(g.members)
            f = self._field_of(i, hit.token)
            if g.concept:
                phrase, f = self._doc_phrase(i, g.concept, g.text, welsh_query)
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
        reason = ""
        if bits:
            reason = "matches " + " and ".join(bits)
            if fields and all(f in WELSH_FIELDS for f in fields):
                reason += (" in the Welsh name" if "name_cy" in fields else " in the Welsh description"
                           if "description_cy" in fields else " in its Welsh category") + \
                    ("," if place else "")
        elif theme:
            reason = f"a service for {THEME_LABELS[theme]}"
        else:
            reason = "a service"
        if place:
            key = lx.fold(place)
            in_town = any(lx.fold(t) == key for t in d.towns)
            if in_town:
                reason += f" in {place}"
            elif key in self._covers and _contains(self._covers[key], i):
                reason += f" covering {place}"
            elif _contains(self._countywide, i):
                reason += f" across the county, including {place}"
            else:
                near = [w for (kind, other), w in (where or {}).items()
                        if any(lx.fold(t) == other for t in d.towns)]
                reason += f" {near[0]}" if near else f" near {place}"
        extras = []
        if welsh:
            extras.append("works in Welsh")
        if free:
            extras.append("free")
        if theme and bits:
            extras.append(f"for {THEME_LABELS[theme]}")
        if extras:
            reason += "; " + ", ".join(extras)
        return Match(service_id=d.id, score=round(min(1.0, score), 4), reason=reason, name=d.name,
                     _search=self, _index=i, place=place)

    # ---------------------------------------------------------------- freshness

    def stale_ids(self) -> List[str]:
        return [d.id for d, s in zip(self._docs, self._stale) if s]


# ---------------------------------------------------------------- a cached index per process

_cache: Dict[str, DirectorySearch] = {}
_cache_lock = threading.Lock()


def get_search(session=None) -> DirectorySearch:
    """The search index for this process's database, rebuilt when an import has changed the
    directory (dir_meta.version) or the day has changed (staleness is by date)."""
    from .version import directory_version

    if session is None:
        from iaa.db import read_scope

        with read_scope() as s:
            return get_search(s)
    url = str(session.get_bind().url)
    version = directory_version(session)
    today = dt.date.today()
    with _cache_lock:
        current = _cache.get(url)
        if current is not None and current.version == version and current.today == today:
            return current
    built = DirectorySearch.from_db(session, today=today)
    with _cache_lock:
        _cache[url] = built
    return built


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()

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
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np

from . import lexicon as lx
from . import ranking
from .cards import build_card
from .index import Index
from .places import Located, Places
from .query import Group, analyse, key_group
from .themes import THEMES


@dataclass
class Match:
    service_id: str
    score: float
    reason: str
    name: str
    _search: Optional["DirectorySearch"] = field(repr=False, compare=False, default=None)
    _index: int = field(repr=False, compare=False, default=-1)
    place: Optional[str] = None
    outside: Optional[str] = None  # the place asked about, when it is beyond the council's area

    def card(self, language: str = "en") -> Dict[str, Any]:
        assert self._search is not None, "made by DirectorySearch.search, which sets _search"
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
        self._index = Index(records, self.today)
        self._places = Places(self._index.docs, self._index.postings.__contains__)

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

    # ---------------------------------------------------------------- public helpers

    def __len__(self) -> int:
        return len(self._index)

    @property
    def towns(self) -> Set[str]:
        """Towns the directory has services in, plus the council's other towns (gazetteer)."""
        return set(self._places.display.values())

    @property
    def ids(self) -> List[str]:
        return [d.id for d in self._index.docs]

    def record(self, service_id: str) -> Optional[Dict[str, Any]]:
        i = self._index.by_id.get(service_id)
        return None if i is None else self._index.docs[i].record

    def card(self, index_or_id, language: str = "en") -> Dict[str, Any]:
        i = index_or_id if isinstance(index_or_id, int) else self._index.by_id[index_or_id]
        return build_card(self._index.docs[i].record, language, self.today)

    def resolve_town(self, town: str) -> Optional[str]:
        """A town as typed (English or Welsh, mutated, slightly misspelt) -> its display name."""
        return self._places.resolve_town(town)

    def find_town(self, text: str) -> Tuple[Optional[str], str]:
        """The first known town named in text, and the text without it."""
        return self._places.find_town(text)

    def nearest_town(self, place: lx.Place) -> Optional[str]:
        """The council's town nearest a place outside the area, if one is within nearest_km."""
        return self._places.nearest_town(place)

    def locate(self, query: str, town: Optional[str] = None) -> Located:
        """The town a search is about: `town` if given (English or Welsh, mutated, misspelt), else
        one named in the query. A place beyond the council's area ("in Swansea") stands for the
        council's town nearest it (None if none is near), with `outside` saying so."""
        return self._places.locate(query, town)

    def asks_for_something(self, query: str) -> bool:
        """Whether the words name anything to look for ("show me more", "is there anything" do not)."""
        return bool(analyse(self._index, query or "")[0])

    def stale_ids(self) -> List[str]:
        return [d.id for d, s in zip(self._index.docs, self._index.stale) if s]

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
        index = self._index
        if len(index) == 0 or limit <= 0:
            return []
        located = self.locate(query, town)
        if located.unknown:
            return []  # a place this directory knows nothing about
        place, query = located.town, located.query
        groups, welsh_query = analyse(index, query)
        if not groups and place is None and theme is None and age is None and not welsh and not free:
            return []  # nothing asked for: no service is a better answer than any other

        mask = self._filters(located, age, welsh, free)
        if groups:
            base, mask = ranking.relevance(index, groups, key_group(index, groups), mask)
        else:
            base = np.full(len(index), 0.5, dtype=np.float32)
        place_factor, where = self._places.factor(place) if place else (None, None)
        if place_factor is not None:
            mask &= place_factor > 0
        final = base * np.where(index.stale, np.float32(0.9), np.float32(1.0))
        if place_factor is not None:
            final = final * place_factor
        if welsh_query:
            final = final * np.where(index.welsh, np.float32(1.1), np.float32(1.0))
        mask, theme_used = self._themed(mask, theme)
        chosen = ranking.top(index, final, mask, offset, limit)
        matches = [self._match(i, float(final[i]), groups, place, where, welsh, free, theme_used, welsh_query)
                   for i in chosen]
        for m in matches:
            m.outside = located.outside.name if located.outside else None
        return matches

    def _filters(self, located: Located, age: Optional[int], welsh: bool, free: bool) -> np.ndarray:
        """Active services, narrowed by Welsh, free and age; only county-wide ones for a place far
        outside the council's area."""
        index = self._index
        mask = index.active.copy()
        if welsh:
            mask &= index.welsh
        if free:
            mask &= index.free
        if age is not None:
            mask &= (index.min_age <= age) & (index.max_age >= age)
        if located.outside is not None and located.town is None:
            mask &= index.mask(self._places.countywide)  # far away: only what works anywhere in the county
        return mask

    def _themed(self, mask: np.ndarray, theme: Optional[str]) -> Tuple[np.ndarray, Optional[str]]:
        """The mask kept to the theme's services, unless none fits (then the theme is dropped)."""
        if not theme:
            return mask, theme
        themed = mask & self._index.theme_mask.get(theme, np.zeros(len(self._index), dtype=bool))
        if themed.any():
            return themed, theme
        return mask, None  # nothing for this group: show what there is rather than nothing

    def _match(self, i: int, score: float, groups: List[Group], place: Optional[str],
               where: Optional[Dict], welsh: bool, free: bool, theme: Optional[str], welsh_query: bool) -> Match:
        d = self._index.docs[i]
        reason = ranking.reason(self._index, self._places, i, groups, place, where, welsh, free, theme, welsh_query)
        return Match(service_id=d.id, score=round(min(1.0, score), 4), reason=reason, name=d.name,
                     _search=self, _index=i, place=place)


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

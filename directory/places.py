"""Places in a search: the council's towns (those with services and the gazetteer's), their
centres, aliases (English, Welsh, mutated), places outside the area, which services cover which
town or the whole county; where a search is about (`locate`), and how near each service is."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from rapidfuzz import fuzz, process

from . import lexicon as lx
from .index import Doc

NEAR_KM = 25.0


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
class Located:
    """Where a search is about."""
    town: Optional[str]  # the council's town (display name), if any
    query: str  # what is wanted, without the place
    outside: Optional[lx.Place] = None  # a place beyond the council's area that was asked about
    unknown: bool = False  # a town was given that neither the directory nor the gazetteer knows


class Places:
    """Built from the index's docs; `is_word(w)` says whether a word means something in the
    directory (so a misspelt town is not read into a word that does)."""

    def __init__(self, docs: Sequence[Doc], is_word: Callable[[str], bool]) -> None:
        self.n = len(docs)
        self._is_word = is_word
        self._towns(docs)
        self._aliases = lx.place_aliases(self.display.values())  # folded alias -> display name
        alts = sorted(self._aliases, key=len, reverse=True)
        self._alias_re = re.compile(r"\b(" + "|".join(re.escape(a) for a in alts) + r")\b") if alts else None
        self._outside = lx.outside_aliases()
        outside = sorted(self._outside, key=len, reverse=True)
        self._outside_re = re.compile(r"\b(" + "|".join(re.escape(a) for a in outside) + r")\b") if outside else None
        self._areas(docs)

    def _towns(self, docs: Sequence[Doc]) -> None:
        """Towns with located services, plus the gazetteer's, and each one's centre."""
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
        self.display = display
        self.town_docs = {k: np.array(v, dtype=np.int32) for k, v in town_docs.items()}
        self.centre: Dict[str, Tuple[float, float]] = {}
        for key in display:
            pts = town_coords.get(key)
            if key in gazetteer:
                self.centre[key] = gazetteer[key]
            elif pts:
                self.centre[key] = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))

    def _areas(self, docs: Sequence[Doc]) -> None:
        """Which services cover which town, and which work anywhere in the county."""
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
        self.covers = {k: np.unique(np.array(v, dtype=np.int32)) for k, v in covers.items()}
        self.countywide = np.array(countywide, dtype=np.int32)

    # ---------------------------------------------------------------- naming places

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

    def _misspelt_town(self, folded: str) -> Tuple[Optional[str], str]:
        for w in folded.split():  # a misspelt town ("Llandielo"), if the word means nothing else
            if len(w) >= 6 and not self._is_word(lx.stem(w)):
                best = process.extractOne(w, [a for a in self._aliases if " " not in a], scorer=fuzz.ratio,
                                          score_cutoff=85)
                if best:
                    m = re.search(r"\b%s\b" % re.escape(w), folded)
                    assert m is not None, "w is one of folded's words"
                    return self._aliases[best[0]], _without(folded, m)
        return None, folded

    def nearest_town(self, place: lx.Place) -> Optional[str]:
        """The council's town nearest a place outside the area, if one is within nearest_km."""
        best = min(((_km(place.centre, c), key) for key, c in self.centre.items()), default=None)
        if best is None or best[0] > lx.GAZETTEER.nearest_km:
            return None
        return self.display[best[1]]

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

    # ---------------------------------------------------------------- nearness

    def factor(self, place: str) -> Tuple[np.ndarray, Dict[Tuple[str, str], str]]:
        """Per service: 1 in the town, 0.9 covering it, 0.85 county-wide, 0.8 falling to 0.3 at
        NEAR_KM for services in nearby towns, 0 otherwise; and the words for where it is."""
        key = lx.fold(place)
        pf = np.zeros(self.n, dtype=np.float32)
        where: Dict[Tuple[str, str], str] = {}
        centre = self.centre.get(key)
        if centre is not None:
            nearby = []
            for other, docs in self.town_docs.items():
                if other == key or other not in self.centre:
                    continue
                d = _km(centre, self.centre[other])
                if d <= NEAR_KM:
                    nearby.append((d, other, docs))
            for d, other, docs in sorted(nearby, reverse=True):
                pf[docs] = np.maximum(pf[docs], np.float32(0.8 - 0.5 * d / NEAR_KM))
                where[("near", other)] = f"in {self.display[other]}, {max(1, round(d))} km from {place}"
        if len(self.countywide):
            pf[self.countywide] = np.maximum(pf[self.countywide], np.float32(0.85))
        if key in self.covers:
            pf[self.covers[key]] = np.maximum(pf[self.covers[key]], np.float32(0.9))
        if key in self.town_docs:
            pf[self.town_docs[key]] = 1.0
        return pf, where

    def describe(self, i: int, doc: Doc, place: str, where: Optional[Dict]) -> str:
        """Where service i is, for its reason: " in Llandeilo", " covering ...", " near ..."."""
        key = lx.fold(place)
        if any(lx.fold(t) == key for t in doc.towns):
            return f" in {place}"
        if key in self.covers and _contains(self.covers[key], i):
            return f" covering {place}"
        if _contains(self.countywide, i):
            return f" across the county, including {place}"
        near = [w for (kind, other), w in (where or {}).items() if any(lx.fold(t) == other for t in doc.towns)]
        return f" {near[0]}" if near else f" near {place}"

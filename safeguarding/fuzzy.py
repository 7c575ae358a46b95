"""Spelling tolerance: find the lexicon word a misspelt token was meant to be.

Candidates come from a symmetric-delete index (a token and a lexicon word within edit distance
k share a string made by deleting at most k letters from each), so a look-up costs a few dozen
dictionary probes, not a scan of the vocabulary; rapidfuzz then scores the candidates with the
optimal-string-alignment distance (which counts a swap of two letters, "hsuband", as one edit).
Tokens shorter than 8 letters may be one edit away, longer ones two, but only as dropped or
extra letters ("threatnin" for "threatening", not "cancelled" for "cancered"); words of four
letters or fewer only by a dropped or extra letter ("nevr", not "bent" for "beat"); the first
letter must agree ("chit" is not "hit"). Ties go to the candidate needing the fewest insertions
and deletions (people drop letters more often than they swap them: "nevr" is "never", not
"near"), then to a vowel written for another vowel ("groop" is "group", not "groom"), then to the
lexicon's own words over generated word forms ("homless" is "homeless"), then
to a dropped letter over an extra one ("batterd" is "battered", not "batted"); never alphabetical
order alone. Real words that are one letter from a cue word are protected by the lexicon's
`known_words` list.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Set

from rapidfuzz.distance import OSA, Indel


_VOWELS = frozenset("aeiouyw")


def _vowel_swap(a: str, b: str) -> bool:
    """Same length, and every letter that differs is a vowel in both: the commonest misspelling
    ("groop" is "group", not "groom"; "sucide" keeps its consonants)."""
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    return bool(diff) and all(x in _VOWELS and y in _VOWELS for x, y in diff)


def max_edits(length: int) -> int:
    return 1 if length < 8 else 2


def _deletes1(word: str) -> Set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def deletes(word: str, k: int) -> Set[str]:
    """The word and every string made by deleting up to k letters (never below 2 letters)."""
    out = {word}
    if k >= 1 and len(word) > 2:
        first = _deletes1(word)
        out |= first
        if k >= 2 and len(word) > 3:
            for w in first:
                out |= _deletes1(w)
    return out


class FuzzyIndex:
    LONG = 10  # words this long are also indexed two deletions deep ("threatnin" -> "threatening")

    def __init__(self, words: Iterable[str], min_word_length: int = 3,
                 priority: Optional[Dict[str, int]] = None):
        self.words: Set[str] = {w for w in words if len(w) >= min_word_length and w.isalpha()}
        # lower is better: 0 a word the lexicon lists, 1 a form it lists, 2 a generated form
        self.priority: Dict[str, int] = priority or {}
        acc: Dict[str, Any] = {}
        for w in self.words:
            keys = deletes(w, 2 if len(w) >= self.LONG else 1)
            for d in keys:
                cur = acc.get(d)
                if cur is None:
                    acc[d] = w
                elif isinstance(cur, str):
                    if cur != w:
                        acc[d] = [cur, w]
                else:
                    cur.append(w)
        self._index = acc
        # no word this many letters longer than the longest lexicon word is within two edits of
        # one, so a 2,000-letter "word" costs one comparison, not millions of deletions
        self.longest = max((len(w) for w in self.words), default=0)

    def __len__(self) -> int:
        return len(self.words)

    def lookup(self, token: str) -> Optional[str]:
        """The closest lexicon word within the allowed edits, or None."""
        n = len(token)
        k = max_edits(n)
        if n > self.longest + k:
            return None
        seen: Set[str] = set()
        index = self._index
        for d in deletes(token, k):
            hit = index.get(d)
            if hit:
                if isinstance(hit, str):
                    seen.add(hit)
                else:
                    seen.update(hit)
        best = None
        best_key = None
        for w in seen:
            if w[0] != token[0]:
                continue  # people rarely misspell the first letter; this avoids "chit" -> "hit"
            allowed = min(k, max_edits(len(w)))
            dist = OSA.distance(token, w, score_cutoff=allowed)
            if dist > allowed:
                continue
            indel = Indel.distance(token, w)
            if dist == 2 and indel != abs(len(w) - n):
                continue  # two edits only as dropped or doubled letters ("threatnin")
            if n <= 4 and indel != 1:
                continue  # short words: a dropped or extra letter only ("nevr"), no swaps ("bent")
            # ties: a vowel for a vowel ("groop" -> "group"), the lexicon's own words before
            # generated forms, a dropped letter before an extra one ("batterd" is "battered",
            # not "batted"), the nearer length, and only then the alphabet
            key = (dist, indel, not _vowel_swap(token, w), self.priority.get(w, 2), len(w) < n,
                   abs(len(w) - n), w)
            if best_key is None or key < best_key:
                best, best_key = w, key
        return best

    def lookup_dropped(self, token: str) -> Optional[str]:
        """A word one letter longer that `token` is that word with one letter dropped, if exactly
        one such word keeps the token's first letter ("hom" -> "home", "kds" -> "kids")."""
        if len(token) >= self.longest:
            return None
        hit = self._index.get(token)
        if not hit:
            return None
        if isinstance(hit, str):
            hit = [hit]
        cands = [w for w in hit if len(w) == len(token) + 1 and w[0] == token[0]]
        if len(cands) > 1:  # the lexicon's own words before generated forms
            best = min(self.priority.get(w, 2) for w in cands)
            cands = [w for w in cands if self.priority.get(w, 2) == best]
        return cands[0] if len(cands) == 1 else None

"""Screen a message for a safeguarding disclosure.

    from safeguarding import load_detector
    flag = load_detector().screen("can you tell me about day centres, also my son keeps "
                                  "taking money from my purse")
    # Flag(concern='adult_abuse_neglect', theme='older_people', language='en', cue='...')

One pass per message: fold and split the text once; for each language section of the lexicon,
map the tokens to lexicon words (inflections, Welsh mutations, text-speak, misspellings; any other
word becomes a placeholder), build a spaCy Doc from those words and find the cues. In a message
with no word that only Welsh has, the Welsh section reads only the words it lists itself (so that
"bad", "nan" or "PIP" in an English message are not read as Welsh "pad", "tân" or "pimp").

An idiom from the lexicon's `not` lists cancels a cue only when it is about that cue: it overlaps
the cue's words and the cue does not go on (by more than two words) past the idiom ("pushed my
wheelchair" explains "he pushed my wheelchair", not "he pushed my wheelchair into the road on
purpose"); an idiom under a concern cancels only that concern's cues.

Of the concerns left, the most urgent is the primary one, except that a child concern
(child_homeless, child_abuse_neglect) is not put first when nothing in the message points to a
child (no child or parent word, no age under 18) and another concern matched: "my partner hits me
and I'm scared to go home" is domestic abuse. Every matched concern is on the Flag (`concerns`,
primary first), and the primary one decides the handoff reason and helplines.

Two engines give the same answers:

* "fast" (the default): every pattern is cut at its `...` gaps into literal phrases. One spaCy
  PhraseMatcher per language finds all phrases in a single hash-based pass, and the phrases are
  then chained in order with the gap limits. Cost hardly grows with the size of the lexicon.
* "matcher": the patterns as spaCy Matcher token patterns (IN sets, optional tokens, wildcards).
  This is the plain reading of the pattern language, kept as the reference the tests compare the
  fast engine against. spaCy's Matcher tests every pattern at every token, so with the full
  lexicon (thousands of patterns) it costs milliseconds to tens of milliseconds per message,
  which is why it is not the default.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from bisect import bisect_left
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from ._spacy import Doc, Matcher, PhraseMatcher, new_vocab
from .lexicon import (CONCERNS, DEFAULT_PATH, PLACEHOLDER, Chain, CompiledLexicon, CueInfo,
                      compile_lexicon, matcher_specs)
from .language import WELSH_STRONG
from .everyday import CHECK_IN_PAYLOADS, Everyday, read_everyday
from .learned import LearnedScreen, clear_learned_cache, load_learned
from .normalise import BREAK, raw_tokens

log = logging.getLogger(__name__)

Span = Tuple[int, int]


class Tier(str, Enum):
    """How sure a flag is. URGENT: a cue a safeguarding lead wrote matched, so the conversation
    goes to staff at once. CHECK: only the learned screen thinks so, so the citizen is asked one
    calm question first (are you, or is someone else, in danger?) and staff keep the flag."""
    URGENT = "urgent"
    CHECK = "check"


@dataclass(frozen=True)
class Flag:
    """A safeguarding flag. `cue` is the lexicon cue id (or "learned"), never the person's words.
    `concerns` is every concern that matched, the primary one (`concern`) first. `score` is the
    learned screen's chance of risk, when it flagged. `in_context` says a short reply flagged only
    read together with the citizen's message before it ("my husband" then "hits me")."""
    concern: str
    theme: str
    language: str
    cue: str
    concerns: Tuple[str, ...] = ()
    tier: Tier = Tier.URGENT
    score: Optional[float] = None
    in_context: bool = False

    def __str__(self) -> str:
        return f"{self.concern} (theme {self.theme}, {self.language}, cue {self.cue}, tier {self.tier.value})"

    def verdict(self) -> Dict[str, object]:
        """What travels with the message (to Rasa, to the console): no words of the citizen's."""
        return {"tier": self.tier.value, "concern": self.concern, "theme": self.theme,
                "language": self.language, "cue": self.cue, "concerns": list(self.concerns),
                "score": None if self.score is None else round(self.score, 3), "in_context": self.in_context}


LONGEST_WORD = 30
_LONG_RUN = re.compile(r"\S{%d,}" % (LONGEST_WORD + 1))

# A reply this short is read together with the citizen's message before it.
SHORT_REPLY_WORDS = 4


class _FastLane:
    """PhraseMatcher over every literal phrase of a language section, plus the chains.

    Each chain is checked only if its "anchor" (its least common segment, judged from how many
    everyday words it contains) was found, so common words like "my" or "he" cost nothing."""

    def __init__(self, vocab, chains: Dict[str, List[Chain]], common: FrozenSet[str]):
        self.matcher = PhraseMatcher(vocab, attr="ORTH")  # spaCy's default; its stub makes attr required
        seg_ids: Dict[FrozenSet[Tuple[str, ...]], int] = {}
        phrase_ids: Dict[Tuple[str, ...], int] = {}
        self.seg_phrases: List[FrozenSet[int]] = []
        self.chains: List[Tuple[str, Tuple[int, ...], Tuple[Tuple[int, int], ...]]] = []
        for key, chain_list in chains.items():
            for chain in chain_list:
                ids = []
                for seg in chain.segments:
                    sid = seg_ids.get(seg)
                    if sid is None:
                        sid = seg_ids[seg] = len(seg_ids)
                        self.seg_phrases.append(frozenset(
                            phrase_ids.setdefault(p, len(phrase_ids)) for p in seg))
                    ids.append(sid)
                self.chains.append((key, tuple(ids), chain.gaps))

        def commonness(sid: int, seg: FrozenSet[Tuple[str, ...]]) -> float:
            return sum(100.0 if len(p) == 1 and p[0] in common else 1.0 / len(p) for p in seg)

        seg_cost = {sid: commonness(sid, seg) for seg, sid in seg_ids.items()}
        self.by_anchor: Dict[int, List[int]] = {}
        for ci, (_, chain_ids, _) in enumerate(self.chains):
            anchor = min(chain_ids, key=lambda i: seg_cost[i])
            self.by_anchor.setdefault(anchor, []).append(ci)
        # phrases that belong to exactly the same segments share one PhraseMatcher key ("class")
        segs_of_phrase: Dict[int, List[int]] = {}
        for sid, pids in enumerate(self.seg_phrases):
            for pid in pids:
                segs_of_phrase.setdefault(pid, []).append(sid)
        class_ids: Dict[Tuple[int, ...], int] = {}
        class_of_phrase: Dict[int, int] = {}
        for pid, sids in segs_of_phrase.items():
            class_of_phrase[pid] = class_ids.setdefault(tuple(sids), len(class_ids))
        self.seg_phrases = [frozenset(class_of_phrase[p] for p in pids) for pids in self.seg_phrases]
        self.anchors_of: Dict[int, Tuple[int, ...]] = {}
        for class_sids, cid in class_ids.items():
            anchors = tuple(s for s in class_sids if s in self.by_anchor)
            if anchors:
                self.anchors_of[cid] = anchors
        docs_of_class: Dict[int, List] = {}
        for phrase, pid in phrase_ids.items():
            docs_of_class.setdefault(class_of_phrase[pid], []).append(Doc(vocab, words=list(phrase)))
        self.pid_of_hash: Dict[int, int] = {}
        for cid, docs in docs_of_class.items():
            name = f"c{cid}"
            self.matcher.add(name, docs)
            self.pid_of_hash[vocab.strings[name]] = cid
        self.phrase_count = len(phrase_ids)
        self.segment_count = len(seg_ids)

    def find(self, doc, words: Sequence[str]) -> List[Tuple[str, int, int]]:
        found = self.matcher(doc)
        if not found:
            return []
        occ: Dict[int, List[Span]] = {}
        pid_of = self.pid_of_hash
        for h, start, end in found:
            pid = pid_of[h]
            lst = occ.get(pid)
            if lst is None:
                occ[pid] = [(start, end)]
            else:
                lst.append((start, end))
        anchors: Set[int] = set()
        anchors_of = self.anchors_of
        for pid in occ:
            a = anchors_of.get(pid)
            if a:
                anchors.update(a)
        if not anchors:
            return []
        seg_spans: Dict[int, Tuple[List[int], List[Span]]] = {}
        seg_phrases = self.seg_phrases

        def spans_of(sid: int) -> Tuple[List[int], List[Span]]:
            got = seg_spans.get(sid)
            if got is None:
                phrases = seg_phrases[sid]
                lst: List[Span] = []
                if len(phrases) < len(occ):
                    for pid in phrases:
                        if pid in occ:
                            lst.extend(occ[pid])
                else:
                    for pid, spans in occ.items():
                        if pid in phrases:
                            lst.extend(spans)
                lst.sort()
                got = seg_spans[sid] = ([s for s, _ in lst], lst)
            return got

        breaks = None
        out: List[Tuple[str, int, int]] = []
        chains = self.chains
        for anchor in anchors:
            for ci in self.by_anchor[anchor]:
                key, ids, gaps = chains[ci]
                if len(ids) == 1:
                    out.extend((key, s, e) for s, e in spans_of(ids[0])[1])
                    continue
                if not all(spans_of(i)[1] for i in ids):
                    continue
                if breaks is None:
                    breaks = [0]
                    for w in words:
                        breaks.append(breaks[-1] + (w == BREAK))
                cur = spans_of(ids[0])[1]
                for i, (lo, hi) in zip(ids[1:], gaps):
                    starts, nxt_spans = spans_of(i)
                    nxt = []
                    for cs, ce in cur:
                        j = bisect_left(starts, ce + lo)
                        limit = ce + hi
                        while j < len(starts) and starts[j] <= limit:
                            s, e = nxt_spans[j]
                            if breaks[s] == breaks[ce]:
                                nxt.append((cs, e))
                            j += 1
                    cur = nxt
                    if not cur:
                        break
                out.extend((key, s, e) for s, e in set(cur))
        return out


class _MatcherLane:
    """The reference engine: spaCy Matcher token patterns."""

    def __init__(self, vocab, lexicon: CompiledLexicon, lang: str):
        lane = lexicon.lanes[lang]
        self.matcher = Matcher(vocab)
        self.key_of_hash: Dict[int, str] = {}
        for key, parsed in lane.parsed.items():
            specs = [spec for elements in parsed for spec in matcher_specs(elements, lane)]
            self.matcher.add(key, specs)
            self.key_of_hash[vocab.strings[key]] = key

    def find(self, doc, words: Sequence[str]) -> List[Tuple[str, int, int]]:
        return [(self.key_of_hash[h], s, e) for h, s, e in self.matcher(doc)]


class Detector:
    def __init__(self, lexicon: CompiledLexicon, engine: str = "fast", learned: Optional[LearnedScreen] = None):
        if engine not in ("fast", "matcher"):
            raise ValueError("engine must be 'fast' or 'matcher'")
        self.lexicon = lexicon
        self.engine = engine
        self.learned = learned  # asked only about messages the lexicon passes
        self.everyday: Optional[Everyday] = learned.everyday if learned is not None else None
        self.vocab = new_vocab()
        self._lanes = {lang: (_FastLane(self.vocab, lane.chains, _common_words(lang)) if engine == "fast"
                              else _MatcherLane(self.vocab, lexicon, lang))
                       for lang, lane in lexicon.lanes.items()}
        # every word a message can be read as exists in the vocabulary before the first message,
        # so screening never writes to it (safe to call from several threads)
        for lane in lexicon.lanes.values():
            for words in lane.surface.values():
                for w in words:
                    self.vocab[w]
        for w in (PLACEHOLDER, BREAK):
            self.vocab[w]
        # no lock: a lane's spelling cache is a dict whose single gets and sets are atomic, and
        # the rest is read-only, so one citizen's long message never waits on another's
        self._rank = {c: i for i, c in enumerate(lexicon.urgency)}
        self._always_ask = frozenset(c.id for c in lexicon.cues.values() if c.always_ask)
        # words that point to a child (the lexicon's `child_marker` group in each language)
        self._child_markers: Dict[str, FrozenSet[str]] = {
            lang: frozenset(seq[0] for seq in lane.groups.get("child_marker", []) if len(seq) == 1)
            for lang, lane in lexicon.lanes.items()}

    def check_in_answer(self, text: str) -> Optional[str]:
        """A reply to the check-in question: "yes", "no" or None (neither)."""
        if self.everyday is None:
            return CHECK_IN_PAYLOADS.get(text.strip())
        return self.everyday.check_in_answer(text)

    @property
    def path(self) -> Path:
        return self.lexicon.path

    def stats(self) -> Dict[str, int]:
        out: Dict[str, int] = {"cues": sum(1 for c in self.lexicon.cues.values() if c.kind == "cue"),
               "idioms": sum(1 for c in self.lexicon.cues.values() if c.kind == "not"),
               "patterns": self.lexicon.pattern_count}
        if self.engine == "fast":
            out["phrases"] = sum(lane.phrase_count for lane in self._lanes.values() if isinstance(lane, _FastLane))
        return out

    def _matches(self, lang: str, toks: List[str], exact_only: bool = False, mask_foreign: bool = False
                 ) -> Tuple[List[str], List[Tuple[CueInfo, int, int]]]:
        lane = self.lexicon.lanes[lang]
        words = lane.canon(toks, exact_only=exact_only, mask_foreign=mask_foreign)
        for w in words:
            if w != PLACEHOLDER and w != BREAK:
                break
        else:
            return words, []
        doc = Doc(self.vocab, words=words)
        cues = self.lexicon.cues
        return words, [(cues[key], s, e) for key, s, e in self._lanes[lang].find(doc, words)]

    @staticmethod
    def _cancels(idiom: Tuple[Optional[str], int, int], cue: CueInfo, start: int, end: int) -> bool:
        """An idiom cancels a cue it is about: global or the cue's own concern, overlapping the cue,
        and the cue not going on more than IDIOM_OVERHANG words past the idiom's last word (an
        object or echo pronoun: "mae'r tywydd yn fy lladd i", "fell and hit her head")."""
        concern, i_start, i_end = idiom
        return ((concern is None or concern == cue.concern) and start < i_end and i_start < end
                and end <= i_end + IDIOM_OVERHANG)

    @classmethod
    def _survivors(cls, found: List[Tuple[CueInfo, int, int]]) -> List[Tuple[CueInfo, int, int]]:
        idioms = [(c.concern, s, e) for c, s, e in found if c.kind == "not"]
        return [(c, s, e) for c, s, e in found
                if c.kind != "not" and not any(cls._cancels(i, c, s, e) for i in idioms)]

    @staticmethod
    def _best_per_concern(found: List[Tuple[CueInfo, int, int]]) -> Dict[str, CueInfo]:
        best: Dict[str, CueInfo] = {}
        for cue, _, _ in found:
            cur = best.get(cue.concern)  # type: ignore[arg-type]
            if cur is None or cue.order < cur.order:
                best[cue.concern] = cue  # type: ignore[index]
        return best

    def _child_in(self, toks: List[str], words: Dict[str, List[str]]) -> bool:
        """Something in the message points to a child: a child or parent word, or an age under 18."""
        for lang, ws in words.items():
            markers = self._child_markers.get(lang)
            if markers and not markers.isdisjoint(ws):
                return True
        for i, t in enumerate(toks):
            if t.isdigit() and len(t) <= 2 and 0 < int(t) < 18:
                prev = toks[i - 1] if i else ""
                nxt = toks[i + 1] if i + 1 < len(toks) else ""
                if prev in _AGE_BEFORE or nxt in _AGE_AFTER:
                    return True
        return False

    def screen(self, text: str, previous: Optional[str] = None) -> Optional[Flag]:
        """The most urgent safeguarding concern in `text`, or None. Never raises. `previous` is
        the citizen's message before this one: a short reply ("hits me", "yes he does") is also
        read together with it, and flags if the two together do and `previous` alone did not."""
        try:
            if not isinstance(text, str):
                text = "" if text is None else str(text)
            toks = raw_tokens(text)
            if not toks:
                return None
            flag = self._screen(toks)
            if flag is not None:
                flag = self._weighed(text, toks, flag)
            flag = flag or self._learned_flag(text, toks)
            # A short reply is read with the message before it when alone it is nothing, or only
            # a possible concern: "my carer" then "takes my money" is urgent, not a question.
            # A reply of everyday words only ("forget it", "ok", "no") adds nothing to read.
            if ((flag is None or flag.tier is Tier.CHECK) and previous
                    and _word_count(toks) <= SHORT_REPLY_WORDS
                    and (self.learned is None or self.learned.has_substance(toks))
                    and self.screen(previous) is None):
                joined = self.screen(f"{previous}\n{text}")
                if joined is not None and (flag is None or joined.tier is Tier.URGENT):
                    flag = replace(joined, in_context=True)
            return flag
        except Exception:  # pragma: no cover - a bug here must not break the conversation
            log.exception("safeguarding screen failed")
            return None

    def _screen(self, toks: List[str]) -> Optional[Flag]:
        welsh = _looks_welsh(toks)
        en_words, en_found = self._matches("en", toks, mask_foreign=welsh)
        cy_words, cy_found = self._matches("cy", toks, exact_only=not welsh)
        en_left, cy_left = self._survivors(en_found), self._survivors(cy_found)
        # the urgent cues decide; a message with only check-tier cues gets the check-in
        urgent = [c for c, _, _ in en_left + cy_left if c.tier == "urgent"]
        if urgent:
            en_left = [x for x in en_left if x[0].tier == "urgent"]
            cy_left = [x for x in cy_left if x[0].tier == "urgent"]
        en = self._best_per_concern(en_left)
        cy = self._best_per_concern(cy_left)
        if not en and not cy:
            return None
        rank = self._rank
        concerns = sorted(set(en) | set(cy), key=lambda c: rank[c])
        if concerns[0] in _CHILD_CONCERNS and any(c not in _CHILD_CONCERNS for c in concerns):
            if not self._child_in(toks, {"en": en_words, "cy": cy_words}):
                concerns = ([c for c in concerns if c not in _CHILD_CONCERNS]
                            + [c for c in concerns if c in _CHILD_CONCERNS])
        primary = concerns[0]
        if primary in en and primary in cy:  # same concern in both sections: the message's language
            best = cy[primary] if _welsh_score(toks) > 0 else en[primary]
        else:
            best = en.get(primary) or cy[primary]
        return Flag(concern=primary, theme=self.lexicon.themes[primary], language=best.lang,
                    cue=best.id, concerns=tuple(concerns), tier=Tier.URGENT if urgent else Tier.CHECK)

    def screen_lexicon(self, text: str) -> Optional[Flag]:
        """The lexicon's reading alone (for tuning it and for the benchmark)."""
        toks = raw_tokens(text if isinstance(text, str) else str(text))
        return self._screen(toks) if toks else None

    def _weighed(self, text: str, toks: List[str], flag: Flag) -> Optional[Flag]:
        """A cue's flag weighed by the learned readers.

        Set aside: a cue matched in a message of some length that the context reader
        (disclosures against trigger-word messages) and the screen both find nothing like a
        disclosure; the words are an idiom, a course, a drama or a finished past ("my sister will
        murder me if I lose this reference number"). Short messages are never set aside (there
        the cue is the message), nor a cue marked `always_ask` (a refuge's number).

        Asked first: an urgent cue in words the screen finds nothing like a disclosure (below the
        examples' `confirm_below`) is a possible concern, asked about, not an urgent one."""
        if self.learned is None:
            return flag
        examples = self.learned.examples
        clean = _LONG_RUN.sub(" ", text)
        risk: Optional[float] = None
        if (examples.dismiss_below > 0 and flag.cue not in self._always_ask
                and _word_count(toks) >= examples.dismiss_min_words):
            risk, context = self.learned.readings(clean)
            if context < examples.dismiss_below and risk < max(examples.confirm_below, examples.dismiss_below):
                log.debug("cue %s set aside: a long message both learned readers find ordinary", flag.cue)
                return None
        if flag.tier is Tier.URGENT and examples.confirm_below > 0:
            if risk is None:
                risk = self.learned.risk(clean)
            if risk < examples.confirm_below:
                return replace(flag, tier=Tier.CHECK, score=risk)
        return flag

    def _learned_flag(self, text: str, toks: List[str]) -> Optional[Flag]:
        """The learned screen's guess, for a message with some substance: one made only of
        everyday words, numbers and towns ("hi", "more", "she's 84") never flags by itself."""
        if self.learned is None:
            return None
        # no word is this long: a run of letters is noise, and its character n-grams add up
        if any(len(t) > LONGEST_WORD for t in toks):
            toks = [t for t in toks if len(t) <= LONGEST_WORD]
            text = _LONG_RUN.sub(" ", text)
        if not self.learned.has_substance(toks):
            return None
        score, concern = self.learned.assess(text)
        if score < self.learned.threshold:
            return None
        language = "cy" if _looks_welsh(toks) or _welsh_score(toks) > 0 else "en"
        return Flag(concern=concern, theme=self.lexicon.themes[concern], language=language,
                    cue=LEARNED_CUE, concerns=(concern,), tier=Tier.CHECK, score=score)

    def explain(self, text: str) -> Dict[str, dict]:
        """For people tuning the lexicon: per language section, the words the message was read
        as, and every cue and idiom that matched (with the idioms that cancelled a cue)."""
        out: Dict[str, dict] = {}
        toks = raw_tokens(text if isinstance(text, str) else str(text))
        welsh = _looks_welsh(toks)
        for lang in self.lexicon.lanes:
            words, found = self._matches(lang, toks, exact_only=(lang == "cy" and not welsh),
                                         mask_foreign=(lang == "en" and welsh))
            cues: List[Dict[str, Any]] = []
            idioms: List[Dict[str, Any]] = []
            for c, s, e in sorted(found, key=lambda x: (x[1], x[2])):
                item: Dict[str, Any] = {"id": c.id, "concern": c.concern, "words": " ".join(words[s:e]), "start": s, "end": e}
                (idioms if c.kind == "not" else cues).append(item)
            for item in cues:
                item["cancelled_by"] = sorted({i["id"] for i in idioms
                                               if (i["concern"] is None or i["concern"] == item["concern"])
                                               and item["start"] < i["end"] and i["start"] < item["end"]
                                               and item["end"] <= i["end"] + IDIOM_OVERHANG})
            out[lang] = {"words": " ".join(words), "cues": cues, "idioms": idioms}
        return out


def _common_words(lang: str) -> FrozenSet[str]:
    from .language import ENGLISH_MARKERS, WELSH_MARKERS

    extra = {"en": "be have do get go i me my he she they him her them us we you it the a to and of "
                   "in on at for with not no all can will would say".split(),
             "cy": "yn fy ei eu ein i fi mi e fe fo o hi nhw ni y yr a ac mae dim wedi bod cael "
                   "gyda ar am o".split()}[lang]
    return frozenset(set(ENGLISH_MARKERS if lang == "en" else WELSH_MARKERS) | set(extra))


LEARNED_CUE = "learned"  # Flag.cue when the learned screen, not a lexicon cue, flagged it

# how many words a cue may go on past an idiom that still cancels it
IDIOM_OVERHANG = 2
_CHILD_CONCERNS = frozenset({"child_homeless", "child_abuse_neglect"})
# "I'm 15", "she's 13", "aged 9", "dw i'n 15", "15 year old", "15yo", "15 oed"
_AGE_BEFORE = frozenset("im am 'm 's is aged age turned only just 'n yn".split())
_AGE_AFTER = frozenset("year years yr yrs yo y oed mlwydd mlynedd blwydd".split())


def _word_count(toks: List[str]) -> int:
    return sum(1 for t in toks if t != BREAK and not t.startswith("'"))


def _looks_welsh(toks: List[str]) -> bool:
    """Any word that only Welsh has ("mae", "dwi", "fy", "'n")."""
    for t in toks:
        if t in WELSH_STRONG or t == "'n" or t == "'r":
            return True
    return False


def _welsh_score(toks: List[str]) -> int:
    from .language import ENGLISH_MARKERS, WELSH_MARKERS

    score = 0
    for t in toks:
        t = t.lstrip("'")
        if t in WELSH_MARKERS:
            score += 1
        if t in ENGLISH_MARKERS:
            score -= 1
    return score


_cache: Dict[Tuple[Path, str, bool], Detector] = {}
_cache_lock = threading.Lock()


def load_detector(path: Optional[Path | str] = None, engine: str = "fast", learned: bool = True) -> Detector:
    """The detector for a lexicon file (default data/safeguarding/lexicon.yml) with the learned
    screen taught from data/safeguarding/examples.yml and the everyday corpus (everyday.yml, the
    bot's NLU examples, the towns), built once per path and then cached.
    Raises LexiconError if the lexicon, the examples or the everyday corpus have problems."""
    key = (Path(path).resolve() if path else DEFAULT_PATH, engine, learned)
    with _cache_lock:
        det = _cache.get(key)
        if det is None:
            lexicon = compile_lexicon(key[0])
            det = Detector(lexicon, engine=engine)
            det.everyday = read_everyday()
            if learned:
                # what the lexicon flags is never taught as ordinary, whatever file it came from
                lexicon_digest = hashlib.sha256(key[0].read_bytes()).hexdigest()[:16]
                det.learned = load_learned(everyday=det.everyday,
                                           not_benign=lambda t: det.screen_lexicon(t) is not None,
                                           sources_digest=lexicon_digest)
            _cache[key] = det
        return det


def clear_cache() -> None:
    """Forget cached detectors (after the lexicon or examples file was edited)."""
    with _cache_lock:
        _cache.clear()
    clear_learned_cache()


__all__ = ["CONCERNS", "Detector", "Flag", "Tier", "load_detector", "clear_cache"]

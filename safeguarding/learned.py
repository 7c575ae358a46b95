"""The learned screen: a second reader for what the lexicon does not list.

A lexicon catches the disclosures it was written for, in their variants; people also disclose in
words nobody listed ("the man who brought us here keeps our papers"). This screen is a linear
model over word and character n-grams (character n-grams carry misspellings, text-speak and Welsh
mutations), taught from the labelled examples in data/safeguarding/examples.yml, where each risky
message carries its concern. It only ever adds flags: the detector asks it about messages the
lexicon passed, and flags those it gives at least the file's `learned_threshold` chance of
being risky. It is taught when the detector loads (a second or two, once per process), so an
edit to the examples needs a restart, like an edit to the lexicon."""
from __future__ import annotations

import hashlib
import math
import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from iaa.settings import setting

from .everyday import Everyday
from .lexicon import CONCERNS, LexiconError

DEFAULT_EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "safeguarding" / "examples.yml"
BENIGN = "benign"


@dataclass(frozen=True)
class Examples:
    texts: Tuple[str, ...]
    labels: Tuple[str, ...]  # a concern code, or "benign"
    threshold: float
    path: Path
    # an urgent cue in a message the screen gives less than this chance of risk asks the check-in
    # question first ("she'd kill me if she knew I was asking"); 0 turns this off
    confirm_below: float = 0.0
    # a cue matched in a message of at least `dismiss_min_words` words that both readers (the
    # screen, and the context reader of disclosures against trigger-word messages) find nothing
    # like a disclosure is set aside ("my sister will murder me if I lose this number"); 0 = off
    dismiss_below: float = 0.0
    dismiss_min_words: int = 10
    kinds: Tuple[str, ...] = ()  # each example's kind ("trigger", "blunt", ...) or ""


def read_examples(path: Path | str | None = None) -> Examples:
    """The labelled examples, checked: every message has text and, if risky, a known concern."""
    path = Path(path or DEFAULT_EXAMPLES)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise LexiconError([f"{path}: cannot be read: {e}"]) from None
    problems: List[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("risky"), list) or not isinstance(data.get("benign"), list):
        raise LexiconError([f"{path}: needs 'risky' and 'benign' lists"])
    threshold = data.get("learned_threshold", 0.8)
    if not isinstance(threshold, (int, float)) or not 0.5 <= threshold < 1:
        problems.append(f"{path}: learned_threshold must be a number from 0.5 to below 1, not {threshold!r}")
    confirm_below = data.get("confirm_below", 0.0)
    if not isinstance(confirm_below, (int, float)) or not 0 <= confirm_below < 0.5:
        problems.append(f"{path}: confirm_below must be a number from 0 to below 0.5, not {confirm_below!r}")
    dismiss_below = data.get("dismiss_below", 0.0)
    if not isinstance(dismiss_below, (int, float)) or not 0 <= dismiss_below < 0.5:
        problems.append(f"{path}: dismiss_below must be a number from 0 to below 0.5, not {dismiss_below!r}")
    dismiss_min_words = data.get("dismiss_min_words", 10)
    if not isinstance(dismiss_min_words, int) or isinstance(dismiss_min_words, bool) or dismiss_min_words < 1:
        problems.append(f"{path}: dismiss_min_words must be a whole number of at least 1, not {dismiss_min_words!r}")
    texts: List[str] = []
    labels: List[str] = []
    kinds: List[str] = []
    for kind in ("risky", "benign"):
        for i, item in enumerate(data[kind]):
            where = f"{path}: {kind}[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
                problems.append(f"{where}: needs a text")
                continue
            if kind == "risky" and item.get("concern") not in CONCERNS:
                problems.append(f"{where}: concern {item.get('concern')!r} is not one of {', '.join(CONCERNS)}")
                continue
            texts.append(item["text"])
            labels.append(item["concern"] if kind == "risky" else BENIGN)
            kinds.append(str(item.get("kind") or ""))
    if problems:
        raise LexiconError(problems)
    return Examples(tuple(texts), tuple(labels), float(threshold), path, float(confirm_below),
                    float(dismiss_below), int(dismiss_min_words), tuple(kinds))


def build_model(texts: Sequence[str], risky: Sequence[bool]):
    """Word 1-2-grams and character 2-5-grams within words, and a logistic regression of risky
    against benign. Deterministic: the same examples give the same model."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
    model = make_pipeline(features, LogisticRegression(C=16.0, max_iter=3000, class_weight="balanced"))
    return model.fit(list(texts), [int(r) for r in risky])


class _Sums:
    """A fitted pipeline's score computed directly: tf-idf (sublinear, l2 per block) times the
    regression's weights. scikit-learn's per-call checks cost about 2 ms a message; the same sums
    done with its own analyzers and learned weights cost a tenth of that."""

    def __init__(self, model):
        regression = model.steps[-1][1]
        coef, start = regression.coef_[0], 0
        self.blocks = []
        for _, vectorizer in model.steps[0][1].transformer_list:
            weights = {term: (float(vectorizer.idf_[i]), float(coef[start + i]), start + i)
                       for term, i in vectorizer.vocabulary_.items()}
            self.blocks.append((vectorizer.build_analyzer(), weights))
            start += len(vectorizer.vocabulary_)
        self.intercept = float(regression.intercept_[0])

    def analyse(self, text: str) -> List[List[str]]:
        """The terms of each block (the same for any model built by build_model)."""
        return [analyze(text) for analyze, _ in self.blocks]

    def terms(self, text: str, analysed: Optional[List[List[str]]] = None) -> Tuple[float, List[int], List[float]]:
        """The regression's sum for `text`, and the features it used with their scaled values."""
        score = self.intercept
        rows: List[int] = []
        scaled: List[float] = []
        for (_, weights), block_terms in zip(self.blocks, analysed or self.analyse(text)):
            counts: Dict[str, int] = {}
            for term in block_terms:
                if term in weights:
                    counts[term] = counts.get(term, 0) + 1
            if not counts:
                continue
            values = [((1.0 + math.log(n)) * weights[t][0], weights[t][1], weights[t][2]) for t, n in counts.items()]
            norm = math.sqrt(sum(v * v for v, _, _ in values))
            score += sum(v * w for v, w, _ in values) / norm
            rows += [i for _, _, i in values]
            scaled += [v / norm for v, _, _ in values]
        return score, rows, scaled

    def chance(self, text: str, analysed: Optional[List[List[str]]] = None) -> float:
        return 1.0 / (1.0 + math.exp(-self.terms(text, analysed)[0]))


def context_examples(examples: Examples, flagged: Callable[[str], bool]) -> Tuple[List[str], List[bool]]:
    """What the context reader is taught: every disclosure, against the benign examples that carry
    trigger words (marked `trigger`, or matched by a lexicon cue)."""
    texts: List[str] = []
    risky: List[bool] = []
    for text, label, kind in zip(examples.texts, examples.labels, examples.kinds or [""] * len(examples.texts)):
        if label != BENIGN or kind == "trigger" or flagged(text):
            texts.append(text)
            risky.append(label != BENIGN)
    return texts, risky


class LearnedScreen:
    """`everyday` (the front door's ordinary traffic) is taught as benign beside the examples'
    benign messages, except any text in `not_benign` (what the lexicon flags). A message the
    screen flags gets a check-in, not an urgent handoff: it is a guess, not a cue someone wrote.

    A second, narrower reader (`context_risk`) is taught only disclosures against benign messages
    full of trigger words, so it learns how an idiom, a course, a TV drama or a finished past
    reads beside the same words in a disclosure; the detector asks it about messages a cue matched."""

    def __init__(self, examples: Examples, everyday: Optional[Everyday] = None,
                 not_benign: Callable[[str], bool] = lambda text: False):
        self.examples = examples
        self.threshold = examples.threshold
        self.everyday = everyday
        risky = [label != BENIGN for label in examples.labels]
        seen = set(examples.texts)
        extra = [t for t in (everyday.texts if everyday else ()) if t not in seen and not not_benign(t)]
        self.taught_everyday = len(extra)
        self._model = build_model(list(examples.texts) + extra, risky + [False] * len(extra))
        self._features = self._model.steps[0][1]
        # The concern of a flagged message: a second regression, over the risky examples only, of
        # which concern a safeguarding lead recorded; summed term by term like the risk below.
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        risky_texts = [t for t, r in zip(examples.texts, risky) if r]
        risky_labels = [label for label in examples.labels if label != BENIGN]
        which = LogisticRegression(C=16.0, max_iter=3000).fit(self._features.transform(risky_texts), risky_labels)
        self._concerns = tuple(str(c) for c in which.classes_)
        self._centroids = np.asarray(which.coef_.T, dtype=np.float32)  # features x concerns
        self._concern_bias = np.asarray(which.intercept_, dtype=np.float32)
        self._sums = _Sums(self._model)
        self._context: Optional[_Sums] = None
        if examples.dismiss_below > 0:
            ctx_texts, ctx_risky = context_examples(examples, not_benign)
            self._context = _Sums(build_model(ctx_texts, ctx_risky))
            self.context_taught = len(ctx_texts)

    def has_substance(self, toks: Sequence[str]) -> bool:
        return self.everyday is None or self.everyday.has_substance(toks)

    def assess(self, text: str) -> Tuple[float, str]:
        """The chance the message is risky, 0 to 1 (as the fitted pipeline computes it), and the
        concern it is most like."""
        score, rows, scaled = self._sums.terms(text)
        by_concern = self._concern_bias + (self._centroids[rows].T @ scaled if rows else 0.0)
        concern = self._concerns[int(by_concern.argmax())]
        return 1.0 / (1.0 + math.exp(-score)), concern

    def risk(self, text: str) -> float:
        return self._sums.chance(text)

    def context_risk(self, text: str) -> float:
        """The context reader's chance that a message a cue matched is a disclosure (1.0 when the
        examples turn the reader off)."""
        return self.readings(text)[1]

    def readings(self, text: str) -> Tuple[float, float]:
        """The screen's chance of risk and the context reader's, from one reading of the words."""
        analysed = self._sums.analyse(text)
        risk = self._sums.chance(text, analysed)
        return risk, (1.0 if self._context is None else self._context.chance(text, analysed))


_cache: Dict[Tuple[Path, str], LearnedScreen] = {}
_cache_lock = threading.Lock()


# Teaching takes several seconds; the three processes of a front door each load the detector, so
# the taught screen is kept on disk under its sources' content hash and reused.
STORE = Path(setting("safeguarding_cache") or Path(__file__).resolve().parent.parent / "models")


def _stored(examples_path: Path, sources_digest: str) -> Path:
    import sklearn

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(examples_path.read_bytes() + Path(__file__).read_bytes()
                            + (here / "everyday.py").read_bytes() + sources_digest.encode()
                            + sklearn.__version__.encode()).hexdigest()[:16]
    return STORE / f"safeguarding-learned-{digest}.pickle"


def load_learned(path: Path | str | None = None, everyday: Optional[Everyday] = None,
                 not_benign: Callable[[str], bool] = lambda text: False,
                 sources_digest: str = "") -> LearnedScreen:
    """The screen for an examples file, taught once per process (or read from the store).
    `sources_digest` names whatever else decided the teaching (the everyday corpus, the lexicon
    that chose `not_benign`)."""
    key = (Path(path or DEFAULT_EXAMPLES).resolve(), sources_digest + (everyday.digest if everyday else ""))
    with _cache_lock:
        screen = _cache.get(key)
        if screen is None:
            screen = _cache[key] = _load_or_teach(key[0], everyday, not_benign, key[1])
        return screen


def _read_stored(stored: Path, examples: Examples, everyday: Optional[Everyday]) -> Optional[LearnedScreen]:
    try:
        with stored.open("rb") as f:
            screen = pickle.load(f)
        if isinstance(screen, LearnedScreen) and screen.examples == examples and screen.everyday == everyday:
            return screen
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    return None


def _load_or_teach(path: Path, everyday: Optional[Everyday], not_benign: Callable[[str], bool],
                   digest: str) -> LearnedScreen:
    examples = read_examples(path)  # checked every time, so a broken file is always reported
    stored = _stored(path, digest)
    screen = _read_stored(stored, examples, everyday)
    if screen is not None:
        return screen
    # The front door's three processes start together: one teaches while the others wait for
    # its stored screen, instead of all three teaching at once on the same cores.
    lock = None
    try:
        import fcntl

        STORE.mkdir(parents=True, exist_ok=True)
        lock = (STORE / "safeguarding-learned.lock").open("w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        screen = _read_stored(stored, examples, everyday)
        if screen is not None:
            return screen
    except (OSError, ImportError):
        pass  # no lock (read-only checkout, no fcntl): teach here
    try:
        screen = LearnedScreen(examples, everyday, not_benign)
        _store(screen, stored)
        return screen
    finally:
        if lock is not None:
            lock.close()  # releases the lock


def _store(screen: LearnedScreen, stored: Path) -> None:
    try:
        STORE.mkdir(parents=True, exist_ok=True)
        for old in STORE.glob("safeguarding-learned-*.pickle"):
            old.unlink(missing_ok=True)
        partial = stored.with_suffix(f".{os.getpid()}.tmp")
        try:
            with partial.open("wb") as f:
                pickle.dump(screen, f, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(stored)  # atomic: another process never reads half a file
        finally:
            partial.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        pass  # a read-only checkout still works, teaching at each start


def clear_learned_cache() -> None:
    with _cache_lock:
        _cache.clear()

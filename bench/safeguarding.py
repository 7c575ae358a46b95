"""Safeguarding detector (lexicon, learned screen, check-in tier) side by side with a naive keyword
baseline, in one process:

* the labelled examples (data/safeguarding/examples.yml): the learned screen cross-validated
  (taught on four fifths, asked about the fifth);
* the fresh independent sets in bench/heldout/round*/ (written by people who had not seen the
  labelled examples; the newest round not yet folded in is the honest figure), with short turns
  read in their context;
* a realistic benign corpus: every NLU example of every intent and the everyday short turns
  (data/safeguarding/everyday.yml), as the front door receives them;
* time per message (p50, p95, worst) on all of the above, and the worst case for the shapes the
  channels accept (2,000 characters on the web, 1,600 by SMS), with memory before and after.

    .venv/bin/python -m bench.safeguarding [--repeat 3] [--no-cv] [--rounds bench/heldout/round2 ...]

Targets (the safeguarding issue): recall >= 99% on unseen disclosures; no false flag on ordinary
short turns; <= 3% on benign messages packed with trigger words; p95 < 1 ms; worst case < 20 ms.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "data" / "safeguarding" / "examples.yml"
HELDOUT = ROOT / "bench" / "heldout"

# What a first attempt would do: look for a short list of obvious words anywhere in the message.
BASELINE_WORDS = [
    "abuse", "abusive", "hit me", "hits me", "hurt", "beat", "kill", "suicid", "die", "self harm",
    "rape", "knife", "scared", "afraid", "neglect", "homeless", "kicked out", "drugs", "gang",
    "trafficked", "slave", "passport", "forced", "marry", "threat", "violen", "danger", "groom",
    "cam-drin", "taro", "bwrw", "marw", "lladd", "ofn", "treisio", "hunanladd", "digartref",
    "cyllell", "perygl", "esgeul", "gorfodi", "cyffuriau",
]


def baseline(text: str, previous: Optional[str] = None) -> Optional[str]:
    low = text.lower()
    for word in BASELINE_WORDS:
        if word in low:
            return word
    return None


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def pct(values: Sequence[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def fmt_t(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:,.0f} µs" if us < 10_000 else f"{us / 1000:,.1f} ms"


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rate(hits: int, n: int) -> str:
    return f"{hits / n:.1%} ({hits}/{n})" if n else "-"


class Row:
    def __init__(self):
        self.rows: List[Tuple[str, str, str]] = []

    def add(self, name: str, ours: str, base: str = "-") -> None:
        self.rows.append((name, ours, base))

    def print(self, title: str) -> None:
        width = max(len(r[0]) for r in self.rows) + 2
        print(f"\n{title}")
        print(f"  {'':<{width}}{'detector':>24}{'keyword baseline':>24}")
        for name, a, b in self.rows:
            print(f"  {name:<{width}}{a:>24}{b:>24}")


def screen_fn(detector) -> Callable[[str, Optional[str]], object]:
    return lambda text, previous=None: detector.screen(text, previous=previous)


def heldout_rounds(paths: Sequence[Path]) -> List[Tuple[str, dict, List[dict], List[dict]]]:
    out = []
    for p in paths:
        meta = load(p / "round.yml") if (p / "round.yml").exists() else {}
        risky = load(p / "disclosures.yml").get("risky", []) if (p / "disclosures.yml").exists() else []
        benign = load(p / "benign.yml").get("benign", []) if (p / "benign.yml").exists() else []
        out.append((p.name, meta, risky, benign))
    return out


def report_round(name: str, meta: dict, risky: List[dict], benign: List[dict], detector) -> None:
    ours, base = screen_fn(detector), baseline
    t = Row()
    flags = [ours(x["text"]) for x in risky]
    for lang in ("all", "en", "cy"):
        idx = [i for i, x in enumerate(risky) if lang in ("all", x["lang"])]
        t.add(f"recall ({lang})", rate(sum(1 for i in idx if flags[i]), len(idx)),
              rate(sum(1 for i in idx if base(risky[i]["text"])), len(idx)))
    caught = [f for f in flags if f]
    t.add("  of those caught: check-in tier", rate(sum(1 for f in caught if f.tier.value == "check"), len(caught)))
    t.add("  urgent straight away", rate(sum(1 for f in caught if f.tier.value == "urgent"), len(risky)))
    t.add("  concern as the writer labelled it",
          rate(sum(1 for f, x in zip(flags, risky) if f and f.concern == x["concern"]), len(risky)))
    for kind in ("short", "question", "trigger"):
        items = [x for x in benign if x.get("kind") == kind]
        if not items:
            continue
        hits = [x for x in items if ours(x["text"], x.get("previous") or None)]
        t.add(f"false alarms: {kind}", rate(len(hits), len(items)),
              rate(sum(1 for x in items if base(x["text"])), len(items)))
        t.add("  of which urgent", rate(sum(1 for x in hits if ours(x["text"], x.get("previous") or None).tier.value == "urgent"), len(items)))
    status = "folded into the examples since" if meta.get("folded") else "NOT tuned on: the honest figure"
    t.print(f"fresh independent set {name} ({len(risky)} disclosures, {len(benign)} benign; {status})")
    before = meta.get("measured_before_tuning")
    if before:
        print(f"  measured before tuning on it: {before}")


def everyday_corpus() -> Dict[str, List[str]]:
    from safeguarding.everyday import DEFAULT_NLU, _nlu_examples, read_everyday

    problems: List[str] = []
    nlu = _nlu_examples(DEFAULT_NLU, problems)
    data = load(ROOT / "data" / "safeguarding" / "everyday.yml")
    short = [str(x) for lang in ("en", "cy") for x in data["turns"][lang]]
    read_everyday()  # checked
    return {"NLU examples (every intent but raise_concern)": nlu, "everyday short turns": short}


def shapes() -> Dict[str, str]:
    rnd = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = "my mum lives in Llandeilo and would like a lunch club near her on a Tuesday please".split()
    return {
        "2,000-letter word": "".join(rnd.choice(letters) for _ in range(2000)),
        "2,000 x one letter": "a" * 2000,
        "2,000 x 'ha'": "ha" * 1000,
        "1,000 emoji": "😀🙏" * 500,
        "mixed scripts (2,000)": ("Привет мир 你好世界 مرحبا γειά σου ŵŷâ " * 60)[:2000],
        "500 short words": " ".join(rnd.choice(["a", "i", "no", "hi", "ok", "he", "me", "my"]) for _ in range(500))[:2000],
        "2,000 chars of prose": (" ".join(words) + ". ") * 25,
        "prose + disclosure at the end": ((" ".join(words) + ". ") * 24)[:1950] + " my son keeps taking money from my purse",
        "1,600-char SMS, no spaces": "".join(rnd.choice(letters + "0123456789") for _ in range(1600)),
        "1,600-char SMS of words": " ".join(rnd.choice(words) for _ in range(400))[:1600],
        "digits and symbols (2,000)": "".join(rnd.choice("0123456789!?.,;:-_/") for _ in range(2000)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (after one warm-up)")
    ap.add_argument("--labelled", default=str(LABELLED))
    ap.add_argument("--rounds", nargs="*", default=None, help="held-out round folders (default all)")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validated estimate")
    args = ap.parse_args()

    labelled = load(Path(args.labelled))
    risky, benign = labelled["risky"], labelled["benign"]
    mem0 = rss_mb()
    t0 = time.perf_counter()
    from safeguarding import load_detector

    detector = load_detector()
    t1 = time.perf_counter()
    stats = detector.stats()
    print(f"detector: {stats['cues']} cues, {stats['idioms']} idioms, {stats['patterns']} patterns; learned screen "
          f"taught on {len(risky) + len(benign)} labelled examples and {detector.learned.taught_everyday} everyday "
          f"messages, check-in threshold {detector.learned.threshold}; load {t1 - t0:.1f} s, RSS {mem0:.0f} -> {rss_mb():.0f} MB")

    # ---- labelled, cross-validated
    if not args.no_cv:
        cross_validate(detector, risky, benign)

    # ---- fresh independent sets
    paths = [Path(p) for p in args.rounds] if args.rounds else sorted(p for p in HELDOUT.glob("round*") if p.is_dir())
    rounds = heldout_rounds(paths)
    for name, meta, r, b in rounds:
        report_round(name, meta, r, b, detector)

    corpus = everyday_corpus()
    report_everyday(detector, corpus)
    timed = report_time_per_message(detector, risky + benign, rounds, corpus, args.repeat)
    worst = report_worst_shapes(detector)
    print()
    print("targets: recall >= 99% on unseen disclosures; 0 false flags on short turns; <= 3% on trigger-word "
          f"messages; p95 < 1 ms (now {fmt_t(pct(timed, 95))}); worst < 20 ms (now {fmt_t(worst)})")


def report_everyday(detector, corpus: Dict[str, List[str]]) -> None:
    """False alarms on the realistic benign corpus, first turns and mid-conversation."""
    t = Row()
    for name, texts in corpus.items():
        hits = [x for x in texts if detector.screen(x)]
        t.add(f"false alarms: {name}", rate(len(hits), len(texts)), rate(sum(1 for x in texts if baseline(x)), len(texts)))
    # every short turn in the middle of a conversation, after an ordinary message
    after = ["any lunch clubs near Llandeilo for my dad", "mae mam-gu angen help gartref",
             "how do I get a carer's assessment", "is there a day centre in Llanelli"]
    short = corpus["everyday short turns"]
    hits = sum(1 for p in after for x in short if detector.screen(x, previous=p))
    t.add("false alarms: short turns mid-conversation", rate(hits, len(after) * len(short)),
          rate(sum(1 for x in short if baseline(x)) * len(after), len(after) * len(short)))
    t.print("realistic benign traffic (taught to the learned screen as ordinary, so a floor, not an estimate)")


def report_time_per_message(detector, labelled: List[dict], rounds, corpus: Dict[str, List[str]],
                            repeat: int) -> List[float]:
    """Time to screen every message we have, against the baseline, in the same process."""
    texts = [(x["text"], None) for x in labelled]
    for _, _, r, b in rounds:
        texts += [(x["text"], None) for x in r] + [(x["text"], x.get("previous") or None) for x in b]
    texts += [(x, None) for v in corpus.values() for x in v]
    ours = screen_fn(detector)
    for text, prev in texts:  # warm-up
        ours(text, prev)
    timed: List[float] = []
    based: List[float] = []
    for _ in range(repeat):
        for text, prev in texts:
            s = time.perf_counter()
            ours(text, prev)
            timed.append(time.perf_counter() - s)
            s = time.perf_counter()
            baseline(text)
            based.append(time.perf_counter() - s)
    t = Row()
    t.add("p50 per message", fmt_t(pct(timed, 50)), fmt_t(pct(based, 50)))
    t.add("p95 per message", fmt_t(pct(timed, 95)), fmt_t(pct(based, 95)))
    t.add("worst", fmt_t(max(timed)), fmt_t(max(based)))
    t.print(f"time per message ({len(texts):,} messages x {repeat})")
    print(f"  ratio detector/baseline: p50 {pct(timed, 50) / pct(based, 50):.0f}x, p95 {pct(timed, 95) / pct(based, 95):.0f}x")
    return timed


def report_worst_shapes(detector) -> float:
    """The longest and strangest messages a channel accepts: time and memory. Returns the worst time."""
    gc.collect()
    before = rss_mb()
    t = Row()
    worst = 0.0
    for name, text in shapes().items():
        runs = []
        for _ in range(5):
            s = time.perf_counter()
            flag = detector.screen(text, previous="hello")
            runs.append(time.perf_counter() - s)
        worst = max(worst, max(runs))
        bs = time.perf_counter()
        baseline(text)
        bt = time.perf_counter() - bs
        t.add(f"{name}: {'flag ' + flag.concern if flag else 'no flag'}", f"{fmt_t(min(runs))} / {fmt_t(max(runs))}", fmt_t(bt))
    gc.collect()
    t.print("the shapes a channel accepts (best / worst of 5)")
    print(f"  worst {fmt_t(worst)}; RSS before {before:.0f} MB, after {rss_mb():.0f} MB")
    return worst


def cross_validate(detector, risky: List[dict], benign: List[dict], folds: int = 5) -> None:
    """Messages nobody wrote an example for: the learned screen taught on four fifths of the
    labelled examples (with the everyday corpus) and asked about the fifth it never saw. (The
    lexicon was written with all of them in view, so the 'lexicon or screen' row is optimistic.)"""
    from safeguarding.learned import build_model
    from safeguarding.normalise import raw_tokens

    threshold = detector.learned.threshold
    everyday = [t for t in detector.everyday.texts if detector.screen_lexicon(t) is None]
    items = [(x["text"], True) for x in risky] + [(x["text"], False) for x in benign]
    scores: List[float] = [0.0] * len(items)
    for k in range(folds):
        train = [it for i, it in enumerate(items) if i % folds != k]
        model = build_model([t for t, _ in train] + everyday, [r for _, r in train] + [False] * len(everyday))
        held = [i for i in range(len(items)) if i % folds == k]
        for i, p in zip(held, model.predict_proba([items[i][0] for i in held])[:, 1]):
            scores[i] = p if detector.learned.has_substance(raw_tokens(items[i][0])) else 0.0
    learned_hit = [s >= threshold for s in scores]
    lexicon_hit = [detector.screen_lexicon(t) is not None for t, _ in items]
    base_hit = [baseline(t) is not None for t, _ in items]

    def rates(hits: List[bool]) -> Tuple[str, str]:
        r = [h for h, (_, risky_) in zip(hits, items) if risky_]
        b = [h for h, (_, risky_) in zip(hits, items) if not risky_]
        return rate(sum(r), len(r)), rate(sum(b), len(b))

    t = Row()
    either = [a or b for a, b in zip(lexicon_hit, learned_hit)]
    for name, hits in (("learned screen alone", learned_hit), ("lexicon alone", lexicon_hit),
                       ("lexicon or learned screen", either)):
        rec, fp = rates(hits)
        brec, bfp = rates(base_hit)
        t.add(f"{name}: recall", rec, brec)
        t.add(f"{name}: false alarms", fp, bfp)
    t.print(f"labelled examples, {folds}-fold cross-validated ({len(risky)} risky, {len(benign)} benign)")
    # the check-in threshold's trade-off: recall against false alarms on trigger-word messages
    trigger = [i for i, x in enumerate(benign, start=len(risky)) if x.get("kind") == "trigger"]
    print(f"  learned_threshold trade-off (lexicon or screen; {len(trigger)} benign messages marked trigger):")
    for thr in (0.7, 0.8, 0.85, 0.9, 0.95):
        hits = [lx or s >= thr for lx, s in zip(lexicon_hit, scores)]
        rec, fp = rates(hits)
        fpt = sum(1 for i in trigger if hits[i])
        print(f"    {thr:.2f}{' (now)' if thr == threshold else '      '}  recall {rec:>20}  false alarms {fp:>18}  "
              f"trigger-word {rate(fpt, len(trigger))}")

    report_set_aside(detector, items[:len(risky)], benign, folds)


def report_set_aside(detector, risky_items: List[Tuple[str, bool]], benign: List[dict], folds: int) -> None:
    """The context reader cross-validated: of the labelled messages a cue matches that are long
    enough to be set aside, how many disclosures and how many benign messages each `dismiss_below`
    would set aside (the screen's own `confirm_below` condition applies too, not modelled here, so
    this is the reader's side of the trade-off)."""
    from safeguarding.learned import build_model
    from safeguarding.normalise import raw_tokens
    from safeguarding.detector import _word_count

    examples = detector.learned.examples
    items = [(t, True) for t, _ in risky_items] + [(x["text"], False) for x in benign
                                                   if x.get("kind") == "trigger" or detector.screen_lexicon(x["text"])]
    scores = [1.0] * len(items)
    for k in range(folds):
        train = [it for i, it in enumerate(items) if i % folds != k]
        model = build_model([t for t, _ in train], [r for _, r in train])
        held = [i for i in range(len(items)) if i % folds == k]
        for i, p in zip(held, model.predict_proba([items[i][0] for i in held])[:, 1]):
            scores[i] = p
    long_cued = [i for i, (t, _) in enumerate(items) if detector.screen_lexicon(t) is not None
                 and _word_count(raw_tokens(t)) >= examples.dismiss_min_words]
    n_risky = sum(1 for i in long_cued if items[i][1])
    n_benign = len(long_cued) - n_risky
    print(f"  dismiss_below trade-off (context reader, {folds}-fold; cue matched, >= {examples.dismiss_min_words} words: "
          f"{n_risky} disclosures, {n_benign} benign):")
    for floor in (0.02, 0.05, 0.1, 0.2):
        lost = sum(1 for i in long_cued if items[i][1] and scores[i] < floor)
        gone = sum(1 for i in long_cued if not items[i][1] and scores[i] < floor)
        now = " (now)" if abs(floor - examples.dismiss_below) < 1e-9 else "      "
        print(f"    {floor:.2f}{now}  disclosures set aside {rate(lost, n_risky):>16}  benign set aside {rate(gone, n_benign)}")


if __name__ == "__main__":
    main()

"""Safeguarding detector (lexicon and learned screen) against a naive keyword baseline, on the
labelled examples in data/safeguarding/examples.yml: recall, false-positive rate and detection
time per message, side by side, a synthetic 2,000-character message, and a cross-validated
estimate for unseen wording.

    .venv/bin/python -m bench.safeguarding [--repeat 5] [--labelled PATH] [--lexicon PATH]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "data" / "safeguarding" / "examples.yml"

# What a first attempt would do: look for a short list of obvious words anywhere in the message.
BASELINE_WORDS = [
    "abuse", "abusive", "hit me", "hits me", "hurt", "beat", "kill", "suicid", "die", "self harm",
    "rape", "knife", "scared", "afraid", "neglect", "homeless", "kicked out", "drugs", "gang",
    "trafficked", "slave", "passport", "forced", "marry", "threat", "violen", "danger", "groom",
    "cam-drin", "taro", "bwrw", "marw", "lladd", "ofn", "treisio", "hunanladd", "digartref",
    "cyllell", "perygl", "esgeul", "gorfodi", "cyffuriau",
]


def baseline(text: str) -> Optional[str]:
    low = text.lower()
    for word in BASELINE_WORDS:
        if word in low:
            return word
    return None


def pct(values: List[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def timings(fn: Callable[[str], object], texts: List[str], repeat: int) -> List[float]:
    out = []
    for _ in range(repeat):
        for t in texts:
            start = time.perf_counter()
            fn(t)
            out.append(time.perf_counter() - start)
    return out


def fmt_us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:,.0f} µs" if us < 10_000 else f"{us / 1000:,.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over the set (after one warm-up)")
    ap.add_argument("--labelled", default=str(LABELLED))
    ap.add_argument("--lexicon", default=None)
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validated estimate")
    args = ap.parse_args()

    with open(args.labelled, encoding="utf-8") as f:
        data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    risky, benign = data["risky"], data["benign"]

    t0 = time.perf_counter()
    from safeguarding import load_detector  # noqa: E402  (import cost is part of the load)
    t1 = time.perf_counter()
    detector = load_detector(args.lexicon)
    t2 = time.perf_counter()

    texts = [x["text"] for x in risky + benign]
    cold = timings(detector.screen, texts, 1)  # first sight of every word (spelling cache empty)
    warm = timings(detector.screen, texts, args.repeat)
    base = timings(baseline, texts, args.repeat)

    def scores(fn: Callable[[str], object]) -> Dict[str, float]:
        out: Dict[str, float] = {}
        for lang in ("all", "en", "cy"):
            r = [x for x in risky if lang in ("all", x["lang"])]
            b = [x for x in benign if lang in ("all", x["lang"])]
            out[f"recall_{lang}"] = sum(1 for x in r if fn(x["text"])) / len(r)
            out[f"fpr_{lang}"] = sum(1 for x in b if fn(x["text"])) / len(b)
        return out

    det, bas = scores(detector.screen), scores(baseline)
    agree = sum(1 for x in risky if (fl := detector.screen(x["text"])) and fl.concern == x["concern"]) / len(risky)

    filler = ("Hello, could you tell me about lunch clubs, day centres and the community transport "
              "timetable for my mother, who lives alone in Aberystwyth and would like some company? ")
    long_benign = (filler * 20)[:2000]
    long_risky = long_benign[:1950] + " my son keeps taking money from my purse"
    long_times = {name: timings(fn, [long_benign, long_risky], 20)
                  for name, fn in (("detector", detector.screen), ("baseline", baseline))}

    n_r, n_b = len(risky), len(benign)
    n_rcy = sum(1 for x in risky if x["lang"] == "cy")
    n_bcy = sum(1 for x in benign if x["lang"] == "cy")
    print(f"labelled set: {n_r} risky ({n_rcy} Welsh), {n_b} benign ({n_bcy} Welsh)  [{Path(args.labelled).name}]")
    stats = detector.stats()
    print(f"detector: {stats['cues']} cues, {stats['idioms']} idioms, {stats['patterns']} patterns, "
          f"{stats.get('phrases', 0)} phrases; import {t1 - t0:.2f} s, load_detector() {t2 - t1:.2f} s")
    print()
    rows = [
        ("recall (all)", f"{det['recall_all']:.1%}", f"{bas['recall_all']:.1%}"),
        ("recall (English)", f"{det['recall_en']:.1%}", f"{bas['recall_en']:.1%}"),
        ("recall (Welsh)", f"{det['recall_cy']:.1%}", f"{bas['recall_cy']:.1%}"),
        ("false-positive rate (all)", f"{det['fpr_all']:.1%}", f"{bas['fpr_all']:.1%}"),
        ("false-positive rate (English)", f"{det['fpr_en']:.1%}", f"{bas['fpr_en']:.1%}"),
        ("false-positive rate (Welsh)", f"{det['fpr_cy']:.1%}", f"{bas['fpr_cy']:.1%}"),
        ("expected concern (risky)", f"{agree:.1%}", "-"),
        ("p50 per message", fmt_us(pct(warm, 50)), fmt_us(pct(base, 50))),
        ("p95 per message", fmt_us(pct(warm, 95)), fmt_us(pct(base, 95))),
        ("p95 first pass (cold cache)", fmt_us(pct(cold, 95)), "-"),
        ("max per message", fmt_us(max(warm)), fmt_us(max(base))),
        ("2,000-char message, median", fmt_us(statistics.median(long_times["detector"])),
         fmt_us(statistics.median(long_times["baseline"]))),
    ]
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'':<{width}}{'detector':>14}{'keyword baseline':>20}")
    for name, a, b in rows:
        print(f"{name:<{width}}{a:>14}{b:>20}")
    print()
    missed_ratio = (1 - det["recall_all"]) / (1 - bas["recall_all"]) if bas["recall_all"] < 1 else float("nan")
    fp_ratio = det["fpr_all"] / bas["fpr_all"] if bas["fpr_all"] else float("nan")
    print(f"ratio detector/baseline: recall {det['recall_all'] / bas['recall_all']:.2f}x, "
          f"missed disclosures {missed_ratio:.2f}x, false positives {fp_ratio:.2f}x, "
          f"p95 time {pct(warm, 95) / pct(base, 95):.0f}x")
    print(f"targets: recall 100% -> {'met' if det['recall_all'] == 1 else 'NOT met'}; "
          f"false-positive rate <= 5% -> {'met' if det['fpr_all'] <= 0.05 else 'NOT met'}; "
          f"p95 < 2 ms -> {'met' if pct(warm, 95) < 0.002 else 'NOT met'}")
    flags = [detector.screen(long_benign), detector.screen(long_risky)]
    print(f"2,000-char messages: benign -> {flags[0].concern if flags[0] else 'no flag'}; "
          f"with a disclosure at the end -> {flags[1].concern if flags[1] else 'no flag'}")
    if detector.learned is not None and not args.no_cv:
        cross_validate(detector, risky, benign)


def cross_validate(detector, risky: List[dict], benign: List[dict], folds: int = 5) -> None:
    """An estimate for messages nobody wrote a cue or an example for: the learned screen taught
    on four fifths of the examples and asked about the fifth it never saw. (The lexicon was
    written with all of them in view, so the 'lexicon or screen' row is still optimistic.)"""
    from safeguarding.learned import build_model

    threshold = detector.learned.threshold
    items = [(x["text"], True) for x in risky] + [(x["text"], False) for x in benign]
    learned_hit: List[bool] = [False] * len(items)
    for k in range(folds):
        train = [it for i, it in enumerate(items) if i % folds != k]
        model = build_model([t for t, _ in train], [r for _, r in train])
        held = [i for i in range(len(items)) if i % folds == k]
        for i, p in zip(held, model.predict_proba([items[i][0] for i in held])[:, 1]):
            learned_hit[i] = p >= threshold
    lexicon_hit = [detector.screen_lexicon(t) is not None for t, _ in items]

    def rates(hits: List[bool]) -> str:
        r = [h for h, (_, risky_) in zip(hits, items) if risky_]
        b = [h for h, (_, risky_) in zip(hits, items) if not risky_]
        return f"recall {sum(r) / len(r):.1%}, false positives {sum(b) / len(b):.1%}"

    print()
    print(f"{folds}-fold cross-validation (learned screen, threshold {threshold}, on examples it was not taught):")
    print(f"  learned screen alone        {rates(learned_hit)}")
    print(f"  lexicon alone               {rates(lexicon_hit)}")
    print(f"  lexicon or learned screen   {rates([a or b for a, b in zip(lexicon_hit, learned_hit)])}")


if __name__ == "__main__":
    main()

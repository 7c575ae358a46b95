"""`safeguarding` commands for the project CLI (wired into `iaa` by `register`), also runnable on
their own before that: `python -m safeguarding.cli check`.

    iaa safeguarding check [PATH]     validate the lexicon: every problem with file:line, exit 1;
                                      or a short summary, exit 0
    iaa safeguarding check [PATH]     also checks the labelled examples and the everyday messages
    iaa safeguarding screen TEXT      print the flag (concern, theme, cue, tier) or "no flag"
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional


def cmd_check(args: argparse.Namespace) -> int:
    from .lexicon import DEFAULT_PATH, LexiconError, compile_lexicon

    path = args.path or DEFAULT_PATH
    try:
        lexicon = compile_lexicon(path)
    except LexiconError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        n = len(e.problems)
        print(f"[safeguarding] {path}: {n} problem{'s' if n != 1 else ''}", file=sys.stderr)
        return 1
    cues = {lang: sum(c.get(lang, 0) for c in lexicon.counts.values()) for lang in ("en", "cy")}
    print(f"[safeguarding] {path}: OK: {len(lexicon.counts)} concerns, "
          f"{cues['en']} English and {cues['cy']} Welsh cues, {lexicon.idiom_count} shared idioms, "
          f"{lexicon.pattern_count} patterns")
    from .everyday import DEFAULT_EVERYDAY, read_everyday
    from .learned import DEFAULT_EXAMPLES, read_examples

    examples_path = getattr(args, "examples", None) or DEFAULT_EXAMPLES
    everyday_path = getattr(args, "everyday", None) or DEFAULT_EVERYDAY
    try:
        examples = read_examples(examples_path)
        risky = sum(1 for label in examples.labels if label != "benign")
        print(f"[safeguarding] {examples_path}: OK: {risky} risky and {len(examples.labels) - risky} benign "
              f"examples for the learned screen (threshold {examples.threshold})")
        everyday = read_everyday(everyday_path)
        print(f"[safeguarding] {everyday_path}: OK: {len(everyday.texts)} everyday messages (with the bot's NLU "
              f"examples and the towns), {len(everyday.words)} everyday words, {len(everyday.answers)} check-in answers")
    except LexiconError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        print(f"[safeguarding] {len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    from .detector import load_detector
    from .lexicon import LexiconError

    try:
        detector = load_detector(args.lexicon)
    except LexiconError as e:
        print("\n".join(e.problems), file=sys.stderr)
        return 1
    flag = detector.screen(args.text, previous=args.previous)
    if flag is None:
        print("no flag")
    else:
        print(f"concern: {flag.concern}\ntheme: {flag.theme}\nlanguage: {flag.language}\ncue: {flag.cue}\n"
              f"tier: {flag.tier.value} ({'urgent handoff' if flag.tier.value == 'urgent' else 'check-in question first'})")
        if flag.score is not None:
            print(f"learned score: {flag.score:.3f}")
        if flag.in_context:
            print("flagged read together with the previous message")
        if len(flag.concerns) > 1:
            print(f"also matched: {', '.join(flag.concerns[1:])}")
    if args.explain:
        print(json.dumps(detector.explain(args.text), indent=2, ensure_ascii=False))
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the `safeguarding` command group to an argparse subparsers object."""
    group = subparsers.add_parser("safeguarding", help="safeguarding lexicon jobs")
    sub = group.add_subparsers(dest="safeguarding_command", required=True)

    check = sub.add_parser("check", help="validate the safeguarding lexicon")
    check.add_argument("path", nargs="?", default=None,
                       help="lexicon file (default data/safeguarding/lexicon.yml)")
    check.add_argument("--examples", default=None, help="the labelled examples file (default data/safeguarding/examples.yml)")
    check.add_argument("--everyday", default=None, help="the everyday messages file (default data/safeguarding/everyday.yml)")
    check.set_defaults(func=cmd_check)

    screen = sub.add_parser("screen", help="screen one message and print the flag")
    screen.add_argument("text")
    screen.add_argument("--previous", default=None, help="the citizen's message before this one (a short reply is read with it)")
    screen.add_argument("--lexicon", default=None, help="lexicon file (default data/safeguarding/lexicon.yml)")
    screen.add_argument("--explain", action="store_true",
                        help="also show how the message was read and every cue and idiom that matched")
    screen.set_defaults(func=cmd_screen)
    return group


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="safeguarding")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["safeguarding", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

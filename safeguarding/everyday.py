"""The everyday traffic of the front door, for the learned screen to be taught as ordinary.

Three sources, read together: data/safeguarding/everyday.yml (short replies, button words, small
talk, who an enquiry is for, ages), every example of every intent in the bot's NLU data
(data/nlu/, entity markup removed), and the towns of data/directory/places.yml. The short turns,
people, numbers and towns also give the "everyday words": a message made only of those has none of
the substance of a disclosure ("hi", "more", "she's 84", "mae hi'n 84", "for my mum in Llandeilo"),
and the learned screen does not flag it by itself.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import FrozenSet, Iterable, List, Optional, Sequence, Tuple

import yaml

from .language import fold, welsh_mutations
from .lexicon import LexiconError
from .normalise import BREAK, raw_tokens

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVERYDAY = ROOT / "data" / "safeguarding" / "everyday.yml"
DEFAULT_NLU = ROOT / "data" / "nlu"
DEFAULT_PLACES = ROOT / "data" / "directory" / "places.yml"

# Questions about how to raise a concern are close to a concern itself; a check-in there is
# better than teaching the screen that they are ordinary.
NOT_TAUGHT_INTENTS = frozenset({"info_raise_concern"})

_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


CHECK_IN_PAYLOADS = {"/safeguarding_yes": "yes", "/safeguarding_talk": "yes", "/safeguarding_no": "no"}


@dataclass(frozen=True)
class Everyday:
    texts: Tuple[str, ...]  # ordinary messages to teach as benign
    words: FrozenSet[str]  # folded tokens with no substance of their own
    digest: str  # of every source file, so a taught screen is reused only for the same sources
    answers: Tuple[Tuple[str, str], ...] = ()  # (folded answer, "yes" | "no") to the check-in

    def check_in_answer(self, text: str) -> Optional[str]:
        """"yes", "no", or None when the reply is neither (a question, a new message)."""
        if text.strip() in CHECK_IN_PAYLOADS:
            return CHECK_IN_PAYLOADS[text.strip()]
        said = " ".join(t for t in raw_tokens(text) if t != BREAK)
        return dict(self.answers).get(said)

    def has_substance(self, toks: Sequence[str]) -> bool:
        """Some word other than an everyday word, a number or a town."""
        words = self.words
        for t in toks:
            if t != BREAK and t not in words and not t.isdigit():
                return True
        return False


def _nlu_examples(nlu_dir: Path, problems: List[str]) -> List[str]:
    out: List[str] = []
    for path in sorted(nlu_dir.rglob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            problems.append(f"{path}: cannot be read: {e}")
            continue
        for item in data.get("nlu") or []:
            if not isinstance(item, dict) or "intent" not in item or item["intent"] in NOT_TAUGHT_INTENTS:
                continue
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = _ENTITY.sub(r"\1", line[2:]).strip()
                    if text:
                        out.append(text)
    return out


def _towns(places: Path, problems: List[str]) -> List[str]:
    try:
        data = yaml.safe_load(places.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        problems.append(f"{places}: cannot be read: {e}")
        return []
    names: List[str] = []
    for section in ("towns", "outside"):
        for town in data.get(section) or []:
            if isinstance(town, dict):
                names += [n for n in [town.get("name"), town.get("name_cy"), *(town.get("aliases") or [])]
                          if isinstance(n, str) and n.strip()]
    return names


def _generated(people_en: Iterable[str], people_cy: Iterable[str], numbers: Iterable[int],
               towns: Iterable[str]) -> List[str]:
    """Who an enquiry is for, ages and places, in the ways people put them."""
    out: List[str] = []
    nums = [str(n) for n in numbers]
    for p in people_en:
        out += [f"for my {p}", f"my {p}", f"it's for my {p}", f"asking for my {p}", f"its for my {p}"]
        out += [f"my {p} is {n}" for n in nums[-8:]] + [f"my {p} lives with me", f"my {p} lives alone"]
    for p in people_cy:
        forms = sorted(welsh_mutations(p)) or [p]
        out += [f"i fy {f}" for f in forms] + [f"fy {f}" for f in forms] + [f"ar ran fy {f}" for f in forms]
        out += [f"mae fy {forms[0]} yn {n}" for n in nums[-4:]] + [f"i {p}", f"mae {p} yn 84"]
    for n in nums:
        out += [n, f"she's {n}", f"he's {n}", f"she is {n}", f"he is {n}", f"{n} years old", f"aged {n}",
                f"im {n}", f"mae hi'n {n}", f"mae e'n {n}", f"mae o'n {n}", f"{n} oed", f"mae hi'n {n} oed",
                f"dwi'n {n}"]
    for t in towns:
        out += [t, f"in {t}", f"near {t}", f"around {t}", f"yn {t}", f"ger {t}", f"{t} area"]
    return out


def _is_text(x: object) -> bool:
    return isinstance(x, (str, int)) and not isinstance(x, bool) and bool(str(x).strip())


def read_everyday(path: Path | str | None = None, nlu_dir: Path | str | None = None,
                  places: Path | str | None = None) -> Everyday:
    path = Path(path or DEFAULT_EVERYDAY)
    nlu = Path(nlu_dir or DEFAULT_NLU)
    places_path = Path(places or DEFAULT_PLACES)
    problems: List[str] = []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise LexiconError([f"{path}: cannot be read: {e}"]) from None
    if not isinstance(data, dict):
        raise LexiconError([f"{path}: needs 'turns', 'people' and 'numbers'"])
    turns, people = data.get("turns"), data.get("people")
    numbers = data.get("numbers") or []
    if not isinstance(turns, dict) or not isinstance(people, dict):
        raise LexiconError([f"{path}: 'turns' and 'people' need an 'en' and a 'cy' list"])
    short: List[str] = []
    kin = {}
    for lang in ("en", "cy"):
        for key, section, out in (("turns", turns, short), ("people", people, None)):
            items = section.get(lang)
            if not isinstance(items, list):
                problems.append(f"{path}: {key}.{lang} must be a list")
                continue
            bad = [i for i, x in enumerate(items) if not _is_text(x)]
            if bad:
                problems.append(f"{path}: {key}.{lang} items {bad[:5]} need text (put yes, no, on "
                                "and off in quotes, or YAML reads them as true or false)")
            good = [str(x) for x in items if _is_text(x)]
            if out is not None:
                out += good
            else:
                kin[lang] = good
    if not isinstance(numbers, list) or not all(isinstance(n, int) and 0 <= n < 200 for n in numbers):
        problems.append(f"{path}: numbers must be a list of whole numbers from 0 to 199")
        numbers = []
    answers: List[Tuple[str, str]] = []
    raw_answers = data.get("check_in_answers")
    if not isinstance(raw_answers, dict) or set(raw_answers) != {"yes", "no"}:
        problems.append(f"{path}: check_in_answers needs 'yes' and 'no', each with 'en' and 'cy' lists")
    else:
        for answer in ("yes", "no"):
            for lang in ("en", "cy"):
                items = (raw_answers[answer] or {}).get(lang) if isinstance(raw_answers[answer], dict) else None
                if not isinstance(items, list) or not items:
                    problems.append(f"{path}: check_in_answers.{answer}.{lang} must be a list")
                    continue
                for item in items:
                    if not _is_text(item):
                        problems.append(f"{path}: check_in_answers.{answer}.{lang}: {item!r} needs quotes")
                        continue
                    said = " ".join(t for t in raw_tokens(str(item)) if t != BREAK)
                    if said:
                        answers.append((said, answer))
        clash = {a for a, v in answers if v == "yes"} & {a for a, v in answers if v == "no"}
        if clash:
            problems.append(f"{path}: check_in_answers lists {sorted(clash)} as both yes and no")
    nlu_texts = _nlu_examples(nlu, problems)
    towns = _towns(places_path, problems)
    if problems:
        raise LexiconError(problems)
    generated = _generated(kin.get("en", []), kin.get("cy", []), numbers, towns)
    words = set()
    for text in short + generated + kin.get("en", []) + kin.get("cy", []):
        words.update(raw_tokens(text))
    for town in towns:
        words.update(raw_tokens(town))
    words.discard(BREAK)
    digest = hashlib.sha256()
    for source in [path, places_path, *sorted(nlu.rglob("*.yml"))]:
        if source.exists():
            digest.update(source.read_bytes())
    texts = tuple(dict.fromkeys(fold(t) for t in short + generated + nlu_texts))
    return Everyday(texts=texts, words=frozenset(words), digest=digest.hexdigest()[:16],
                    answers=tuple(answers))

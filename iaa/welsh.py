"""Welsh text helpers kept in one place: initial mutations (treigladau), day and month names, and
the one clock format the product writes times in. Standard library only: the safeguarding
detector (also run inside Rasa) and the directory use it.

    mutations("taro")     -> {"daro", "nharo", "tharo"}
    demutate("nghaerdydd") -> ["caerdydd"]
    clock(9, 30)          -> "9.30am"     clock(14, 0, "cy") -> "2yp"
    day_name(0, "cy")     -> "dydd Llun"  month_name(11, "cy") -> "Tachwedd"
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

# --------------------------------------------------------------------------------------------
# Initial mutations. Keys are radical (dictionary) initials, values the mutated initials.
# Accents are folded before these are used, so "gŵr" is "gwr".

SOFT: Dict[str, str] = {"p": "b", "t": "d", "c": "g", "b": "f", "d": "dd", "g": "", "m": "f", "ll": "l", "rh": "r"}
NASAL: Dict[str, str] = {"p": "mh", "t": "nh", "c": "ngh", "b": "m", "d": "n", "g": "ng"}
ASPIRATE: Dict[str, str] = {"p": "ph", "t": "th", "c": "ch"}
VOWELS = "aeiouwy"


def _initial(word: str) -> Tuple[str, str]:
    for two in ("ll", "rh", "ch", "dd", "ff", "ng", "ph", "th"):
        if word.startswith(two):
            return two, word[2:]
    return word[:1], word[1:]


def mutations(word: str) -> Set[str]:
    """Every mutated form of a Welsh radical: taro -> daro, nharo, tharo; gwr -> wr, ngwr;
    arian -> harian. Works on the first word of the string only."""
    forms: Set[str] = set()
    if not word or not word[0].isalpha():
        return forms
    head, rest = _initial(word)
    for table in (SOFT, NASAL, ASPIRATE):
        if head in table:
            forms.add(table[head] + rest)
    if head and head[0] in VOWELS:
        forms.add("h" + word)
    forms.discard(word)
    forms.discard("")
    return {f for f in forms if len(f) >= 2}


def mutated_forms(word: str) -> List[str]:
    """The soft, nasal and aspirate forms of a word, in that order (no h- before a vowel):
    caerfyrddin -> gaerfyrddin, nghaerfyrddin, chaerfyrddin."""
    head, rest = _initial(word)
    return [table[head] + rest for table in (SOFT, NASAL, ASPIRATE) if head in table]


def after_yn(name: str) -> Optional[str]:
    """"yn" with a name it nasally mutates, capitalised as a place name: yng Nghaerfyrddin,
    ym Mhorth Tywyn, yn Nhalacharn; None if the name does not mutate after "yn"."""
    for radical in ("c", "p", "t", "g", "b", "d"):
        if name.lower().startswith(radical) and name[1:2].lower() != "h":
            mutated = NASAL[radical]
            yn = "yng" if mutated.startswith("ng") else "ym" if mutated.startswith("m") else "yn"
            return f"{yn} {mutated.capitalize()}{name[1:]}"
    return None


def _demutations() -> List[Tuple[str, List[str]]]:
    """The tables read backwards: mutated initial -> the radicals it may stand for, longest
    initial first (so "ngh" is tried before "ng" and "n")."""
    out: Dict[str, List[str]] = {}
    for table in (NASAL, ASPIRATE, SOFT):
        for radical, mutated in table.items():
            if mutated:  # soft g- (dropped) is handled by the vowel rule in demutate
                out.setdefault(mutated, []).append(radical)
    for mutated in out:
        out[mutated].sort(key=lambda r: list(SOFT).index(r) if r in SOFT else 99)
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


DEMUTATIONS: List[Tuple[str, List[str]]] = _demutations()


def demutate(word: str) -> List[str]:
    """Possible unmutated forms of a (folded) Welsh word, most likely first: a word seen after
    "yn", "i", "fy", "ei" ... may be mutated (yng Nghaerfyrddin -> Caerfyrddin)."""
    out: List[str] = []
    for prefix, radicals in DEMUTATIONS:
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            out.extend(r + word[len(prefix):] for r in radicals)
            if len(prefix) >= 2 and prefix not in ("ng",):
                break  # "ngh" is not also a soft-mutated "n"
    if word[:1] in VOWELS:
        out.append("g" + word)  # soft mutation drops g-
    if word.startswith("h") and word[1:2] in tuple(VOWELS):
        out.append(word[1:])  # h- before a vowel after "ei" (her), "ein"
    return [w for w in out if w != word]


def soft(phrase: str) -> str:
    """The soft mutation of a phrase's first word, as after "o", "i", "yn ail": dydd -> ddydd."""
    head, rest = _initial(phrase)
    if head in SOFT:
        return SOFT[head] + rest
    return phrase


# --------------------------------------------------------------------------------------------
# Days and months. Weekday numbers are Python's (Monday 0).

DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYS_CY = ["dydd Llun", "dydd Mawrth", "dydd Mercher", "dydd Iau", "dydd Gwener", "dydd Sadwrn", "dydd Sul"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
MONTHS_CY = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi",
             "Hydref", "Tachwedd", "Rhagfyr"]


def day_name(weekday: int, language: str = "en") -> str:
    return (DAYS_CY if language == "cy" else DAYS_EN)[weekday]


def month_name(month: int, language: str = "en") -> str:
    """Month 1 to 12."""
    return (MONTHS_CY if language == "cy" else MONTHS_EN)[month - 1]


# --------------------------------------------------------------------------------------------
# The clock: "9am", "9.30am", "12pm"; in Welsh "9yb", "9.30yb", "2yp" (y bore, y prynhawn).

def clock(hour: int, minute: int = 0, language: str = "en") -> str:
    if language == "cy":
        suffix = "yb" if hour < 12 else "yp"
    else:
        suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{suffix}" if minute == 0 else f"{h12}.{minute:02d}{suffix}"

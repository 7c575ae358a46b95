"""How many SMS segments a text costs, exactly, and how to keep a reply within a few of them.

GSM 03.38: a text of only GSM-7 characters takes 160 septets in one segment, or 153 a segment
when split (the rest is the concatenation header); a character of the extension table (€ [ ] { }
^ ~ | \\ and form feed) takes two septets, and the pair is never split between segments. One
character outside GSM-7 (a Welsh ŵ, ŷ or â, an emoji) makes the whole text UCS-2: 70 UTF-16 code
units in one segment, 67 a segment when split, and a surrogate pair (most emoji) never split."""
from __future__ import annotations

from typing import List, Optional, Tuple

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7, UCS2 = "GSM-7", "UCS-2"
SINGLE = {GSM7: 160, UCS2: 70}
MULTI = {GSM7: 153, UCS2: 67}

# Typographic characters with a GSM-7 character that means the same: a curly apostrophe costs
# a whole text its GSM-7 (and so most of its length). Letters are never changed: ŵ stays ŵ.
_SAME_MEANING = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200b": "",
}


def gsm_friendly(text: str) -> str:
    """TEXT with punctuation and spaces outside GSM-7 replaced by the GSM-7 ones that mean the same."""
    return "".join(_SAME_MEANING.get(ch, ch) for ch in text)


def encoding(text: str) -> str:
    return GSM7 if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else UCS2


def _units(text: str, enc: str) -> List[int]:
    """Each character's cost: septets (GSM-7) or UTF-16 code units (UCS-2)."""
    if enc == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segments(text: str) -> int:
    """The segments Twilio sends TEXT in (0 for an empty text)."""
    if not text:
        return 0
    enc = encoding(text)
    units = _units(text, enc)
    if sum(units) <= SINGLE[enc]:
        return 1
    count, used = 1, 0
    for u in units:  # an escape pair or a surrogate pair starts the next segment whole
        if used + u > MULTI[enc]:
            count, used = count + 1, 0
        used += u
    return count


def describe(text: str) -> Tuple[str, int]:
    return encoding(text), segments(text)


def fit(text: str, max_segments: int, more_hint: str) -> Tuple[str, Optional[str]]:
    """TEXT (made GSM-friendly) as it fits in MAX_SEGMENTS, and the rest (None when it all fits).
    A cut text ends with MORE_HINT ("Reply MORE for the rest."); it is cut after a paragraph or
    a sentence when that keeps most of what would fit, otherwise between words."""
    text = gsm_friendly(text).strip()
    if segments(text) <= max_segments:
        return text, None
    suffix = "\n\n" + gsm_friendly(more_hint)

    def fits(end: int) -> bool:
        return segments(text[:end].rstrip() + suffix) <= max_segments

    words = [i for i, ch in enumerate(text) if ch in " \n"] or [len(text)]
    best_word = _longest(words, fits)
    if best_word is None:  # one enormous word: cut inside it
        best_word = _longest(list(range(1, len(text))), fits) or 1
    sentences = [i + 1 for i in range(len(text) - 1)
                 if (text[i] in ".!?" and text[i + 1] in " \n") or (text[i] == "\n" and text[i + 1] == "\n")]
    best_sentence = _longest(sentences, fits)
    end = best_sentence if best_sentence is not None and best_sentence >= 0.6 * best_word else best_word
    return text[:end].rstrip() + suffix, text[end:].strip() or None


def _longest(positions: List[int], fits) -> Optional[int]:
    """The largest position that fits (the cost grows with the position: a binary search)."""
    lo, hi, best = 0, len(positions) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(positions[mid]):
            best, lo = positions[mid], mid + 1
        else:
            hi = mid - 1
    return best

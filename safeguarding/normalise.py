"""Raw tokenisation of a message: one pass, language-neutral.

The message is folded (lower case, accents and curly apostrophes unified), stretched letters are
shortened ("pleeease" -> "pleease"), English negative contractions are expanded ("can't" -> "can
not", "dont" is left to the lexicon's text-speak table), and the text is cut into words, clitics
("'s", "'n", "'r") and sentence breaks ("."). Everything else (emoji, symbols, other scripts,
control characters) is dropped. Gaps in lexicon patterns never cross a sentence break.

Only real sentence ends are breaks. People on SMS and web chat break lines, trail off with "..."
and punctuate word by word ("He. Hits. Me."), so:

* a line break or an ellipsis ("..", "...", "…") is a soft break: no break at all;
* a full stop, "!", "?" or ";" next to a fragment of at most two words ("my son. keeps taking
  money", "He. Hits. Me.", "Help! he's here") does not break either: a two-word fragment is
  rarely a sentence of its own.
"""
from __future__ import annotations

import re
from typing import List

from .language import fold

# A message longer than this is screened on its head and tail only, which keeps the worst case
# bounded; a disclosure is most often at the start or the end of a long message.
MAX_CHARS = 20_000
BREAK = "."

_STRETCH = re.compile(r"([a-z])\1{2,}")
_NEGATION = re.compile(r"\b(can|won|shan|ain)'t\b|n't\b")
_NEG_WORDS = {"can": "can not", "won": "will not", "shan": "shall not", "ain": "is not"}
_TOKEN = re.compile(r"'[a-z]{1,3}\b|[a-z0-9@$]+|[.!?;]+|\n")
# a fragment this short next to a sentence mark is joined to its neighbours
SHORT_FRAGMENT = 2


def _negation(m: re.Match) -> str:
    word = m.group(1)
    return " " + (_NEG_WORDS[word] if word else "not")


def raw_tokens(text: str) -> List[str]:
    """Split a message into folded tokens. Never raises on a str."""
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = text[:half] + " . " + text[-half:]
    text = fold(text)
    if "'" in text:
        text = _NEGATION.sub(_negation, text)
    text = _STRETCH.sub(r"\1\1", text)
    out: List[str] = []
    append = out.append
    breaks = 0
    for tok in _TOKEN.findall(text):
        c = tok[0]
        if c in ".!?;":
            if tok.startswith("..") and "!" not in tok and "?" not in tok:
                continue  # an ellipsis: the sentence goes on
            if out and out[-1] != BREAK:
                append(BREAK)
                breaks += 1
        elif c == "\n":
            continue  # a line break is not a sentence break
        else:
            append(tok)
    if breaks:
        out = _join_short_fragments(out)
    return out


def _join_short_fragments(toks: List[str]) -> List[str]:
    """Drop every break that has a fragment of at most SHORT_FRAGMENT words on either side."""
    frags: List[int] = []  # number of words in each fragment, in order
    n = 0
    for t in toks:
        if t == BREAK:
            frags.append(n)
            n = 0
        elif not t.startswith("'"):
            n += 1
    frags.append(n)
    out: List[str] = []
    i = 0
    for t in toks:
        if t == BREAK:
            before, after = frags[i], frags[i + 1]
            i += 1
            # a trailing full stop ends the message: keep it (harmless), a short fragment joins up
            if after and (before <= SHORT_FRAGMENT or after <= SHORT_FRAGMENT):
                continue
        out.append(t)
    return out

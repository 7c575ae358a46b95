"""Raw tokenisation of a message: one pass, language-neutral.

The message is folded (lower case, accents and curly apostrophes unified), stretched letters are
shortened ("pleeease" -> "pleease"), English negative contractions are expanded ("can't" -> "can
not", "dont" is left to the lexicon's text-speak table), and the text is cut into words, clitics
("'s", "'n", "'r") and sentence breaks ("."). Everything else (emoji, symbols, other scripts,
control characters) is dropped. Gaps in lexicon patterns never cross a sentence break.
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


def _negation(m: re.Match) -> str:
    word = m.group(1)
    return " " + (_NEG_WORDS[word] if word else "not")


def raw_tokens(text: str) -> List[str]:
    """Split a message into folded tokens. Never raises on a str."""
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = text[:half] + "\n" + text[-half:]
    text = fold(text)
    if "'" in text:
        text = _NEGATION.sub(_negation, text)
    text = _STRETCH.sub(r"\1\1", text)
    out: List[str] = []
    append = out.append
    for tok in _TOKEN.findall(text):
        c = tok[0]
        if c in ".!?;\n":
            if out and out[-1] != BREAK:
                append(BREAK)
        else:
            append(tok)
    return out

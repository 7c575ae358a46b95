"""Word forms: English inflections and Welsh initial mutations.

The lexicon lists base words ("hit", "taro", "gŵr"); these helpers generate the forms a person
may actually type ("hits", "hitting", "daro", "nharo", "ngŵr") so that the lexicon never has to
list them. Everything here runs once, when the detector is built.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, Set, Tuple

from iaa.welsh import mutations as welsh_mutations  # noqa: F401 (used here and by everyday, lexicon)

# --------------------------------------------------------------------------------------------
# Text folding shared by the lexicon compiler and the screening hot path.

_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\uff07"), "'")
_COMBINING = re.compile(r"[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Lower-case, unify apostrophes and drop accents (gŵr -> gwr, tŷ -> ty, café -> cafe)."""
    text = text.translate(_APOSTROPHES).casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text


# --------------------------------------------------------------------------------------------
# English

# Irregular verbs: base -> other forms. Regular forms (-s, -ed, -ing) are generated.
IRREGULAR_EN: Dict[str, Tuple[str, ...]] = {
    "be": ("am", "is", "are", "was", "were", "been", "being", "'m", "'re", "'s"),
    "have": ("has", "had", "having", "'ve", "'d"),
    "do": ("does", "did", "done", "doing"),
    "go": ("goes", "went", "gone", "going"),
    "get": ("gets", "got", "gotten", "getting"),
    "make": ("made",), "take": ("took", "taken"), "give": ("gave", "given"),
    "keep": ("kept",), "let": ("lets", "letting"), "put": ("puts", "putting"),
    "hit": ("hits", "hitting"), "hurt": ("hurts", "hurting"), "beat": ("beaten",),
    "bite": ("bit", "bitten"), "break": ("broke", "broken"), "bring": ("brought",),
    "burn": ("burnt",), "buy": ("bought",), "catch": ("caught",), "choose": ("chose", "chosen"),
    "come": ("came",), "cut": ("cuts", "cutting"), "deal": ("dealt",), "drink": ("drank", "drunk"),
    "drive": ("drove", "driven"), "eat": ("ate", "eaten"), "fall": ("fell", "fallen"),
    "feed": ("fed",), "feel": ("felt",), "fight": ("fought",), "find": ("found",),
    "forbid": ("forbade", "forbidden"), "forget": ("forgot", "forgotten"), "hang": ("hung",),
    "hide": ("hid", "hidden"), "hold": ("held",), "know": ("knew", "known"), "lead": ("led",),
    "leave": ("left",), "lend": ("lent",), "lie": ("lay", "lain", "lying"), "lose": ("lost",),
    "meet": ("met",), "pay": ("paid",), "run": ("ran",), "say": ("said", "says"), "see": ("saw", "seen"),
    "sell": ("sold",), "send": ("sent",), "set": ("sets", "setting"), "shake": ("shook", "shaken"),
    "shoot": ("shot",), "shut": ("shuts", "shutting"), "sleep": ("slept",), "speak": ("spoke", "spoken"),
    "spend": ("spent",), "spit": ("spat",), "stand": ("stood",), "steal": ("stole", "stolen"),
    "stick": ("stuck",), "strike": ("struck",), "swear": ("swore", "sworn"), "teach": ("taught",),
    "tear": ("tore", "torn"), "tell": ("told",), "think": ("thought",), "throw": ("threw", "thrown"),
    "wake": ("woke", "woken"), "wear": ("wore", "worn"), "win": ("won",), "write": ("wrote", "written"),
    "sit": ("sat",), "begin": ("began", "begun"), "bleed": ("bled",), "blow": ("blew", "blown"),
    "become": ("became",), "understand": ("understood",), "grow": ("grew", "grown"),
    "die": ("dies", "died", "dying"), "stab": ("stabbed", "stabbing", "stabs"),
    "can": ("could",), "will": ("would", "'ll"), "shall": ("should",), "may": ("might",),
    "child": ("children",), "man": ("men",), "woman": ("women",), "person": ("people",),
    "wife": ("wives",), "knife": ("knives",), "life": ("lives",), "foot": ("feet",),
    "myself": ("meself", "myslef"),
}

_VOWELS = set("aeiou")


def _doubles(word: str) -> bool:
    """Short words ending consonant-vowel-consonant double their last letter: hit -> hitting."""
    return (len(word) >= 3 and word[-1] not in _VOWELS | set("wxy") and word[-2] in _VOWELS
            and word[-3] not in _VOWELS and len(word) <= 5)


def english_forms(word: str) -> Set[str]:
    """Inflected forms of an English base word.

    Over-generation is NOT harmless: a generated form is read as this word before the spelling
    corrector is asked, so a junk form hides the word it misspells ("kiked", generated from the app
    name "kik", hid "kicked"). The lexicon compiler therefore gives the words of noun groups only
    their plurals, and the spelling corrector prefers the lexicon's own words to generated forms."""
    forms: Set[str] = set(IRREGULAR_EN.get(word, ()))
    if not word.isalpha() or len(word) < 3:
        return forms
    w = word
    if w.endswith("y") and w[-2] not in _VOWELS:
        forms.update({w[:-1] + "ies", w[:-1] + "ied", w + "ing"})
    else:
        if w.endswith(("s", "x", "z", "ch", "sh", "o")):
            forms.add(w + "es")
        forms.update({w + "s", w + "ed", w + "ing"})
    if w.endswith("e"):
        forms.update({w + "d", w[:-1] + "ing"})
        if w.endswith("ie"):
            forms.add(w[:-2] + "ying")
    if _doubles(w):
        forms.update({w + w[-1] + "ed", w + w[-1] + "ing"})
    elif w.endswith("l") and w[-2] in _VOWELS and w[-3] not in _VOWELS:
        # British spelling doubles a final l: control -> controlling, travel -> travelled
        forms.update({w + "led", w + "ling"})
    forms.update(IRREGULAR_EN.get(w, ()))
    forms.discard(w)
    return forms


# --------------------------------------------------------------------------------------------
# Welsh initial mutations (treigladau): the tables and welsh_mutations live in iaa/welsh.py.

_CY_VERB_ENDINGS = ("io", "u", "o", "i", "dd", "od", "yd", "wng", "ed")
_CY_SUFFIXES = ("odd", "wyd")


def welsh_verb_forms(word: str) -> Set[str]:
    """Regular inflected forms of a Welsh verbnoun: cicio -> ciciodd, ciciwyd; curo -> curodd,
    curwyd; lladd -> lladdodd, lladdwyd. Irregular verbs (taro -> trawodd) are listed in the
    lexicon's `forms`."""
    forms: Set[str] = set()
    if len(word) < 4 or not word.isalpha() or not word.endswith(_CY_VERB_ENDINGS):
        return forms
    if word.endswith("io"):
        stem = word[:-1]
    elif word.endswith(("u", "o", "i")):
        stem = word[:-1]
    else:
        stem = word
    for suf in _CY_SUFFIXES:
        if stem.endswith("i") and suf.startswith("i"):
            forms.add(stem + suf[1:])
        else:
            forms.add(stem + suf)
    forms.discard(word)
    return forms


# --------------------------------------------------------------------------------------------
# Words that tell Welsh from English, used only to break a tie when the same concern matches in
# both lexicon sections (so the reply can be in the person's language).

WELSH_MARKERS = frozenset("""
mae yn yr dw dwi rwy rydw wyf ydw ddim dim does oes fy ein eich eu ei hi nhw fe fo mewn gyda efo
wedi yw ydy dydy dyw ac neu ond iawn am ar gan heb heno nawr rwan plis diolch eisiau ishe isio
moyn gen arna arno arni wnaeth nath sy sydd oedd roedd bydd hefyd fi ti chi ni mam tad plant
""".split())
# Words that only Welsh has (no English homograph): a message with none of them is read by the
# Welsh section word for word only (see Lane.exact).
WELSH_STRONG = frozenset("""
mae yn yr dw dwi rwy rydw wyf ydw ddim oes fy eich eu ei nhw fo mewn gyda efo wedi yw ydy dydy dyw
neu ond iawn heno nawr rwan diolch eisiau ishe isio isho isie moyn gen arna arno arni arnon wnaeth
nath sy sydd oedd roedd bydd hefyd chi plis dwisho dwisio dwishe dwim sai sdim ddoe yma ffrind
gwr ngwr gwraig cariad fi ni ti achos ble sut pryd helo shwmae nos rhaid angen
""".split())
ENGLISH_MARKERS = frozenset("""
the and is are was were my me he she they him her them to of in on at with have has had do does
did not dont can cant will would i im you your it its this that for from but or so if please
""".split())

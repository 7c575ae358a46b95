"""Reads a request for a service ("is there a lunch club near Llandeilo for my dad", "oes clwb
cinio yn Llandeilo") into what is wanted, where, for what age, and whether it must work in Welsh
or be free, in English or Welsh.

    parse_service_request(text, search.towns)
    -> {"what": "lunch club", "town": "Llandeilo", "age": None, "welsh": False, "free": False,
        "theme": "older_people"}

Themes use the cues in data/taxonomy/enquiry_cues.yml (the same cues the enquiry classifier
uses), with an age as a fallback: under 18 is children and young people, 65 and over is older
people.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from rapidfuzz import fuzz, process

from iaa.taxonomy import enquiry_cues

from . import lexicon as lx

# Extra cues for service requests ("help for carers" is about carers even if no one says "I am a carer").
EXTRA_CUES = {"carers": ["carers", "carer", "gofalwyr", "gofalwr", "gofalwyr ifanc"],
              "older_people": ["my father", "my mother", "my grandad", "my grandfather", "my grandmother",
                               "my nana", "grandparent", "older person", "older people", "fy nhaid", "fy nain",
                               "fy nhad-cu", "fy mam-gu", "henoed", "pobl hŷn", "pobl hyn", "oedrannus"],
              "children_young_people": ["young person", "young people", "fy mhlentyn", "fy mhlant", "pobl ifanc"]}

WELSH_CUES = [r"through the medium of welsh", r"in welsh", r"welsh[- ]speaking", r"welsh[- ]medium",
              r"welsh[- ]language", r"speaks? welsh", r"welsh speaker", r"trwy gyfrwng y gymraeg",
              r"cyfrwng cymraeg", r"yn gymraeg", r"sy'?n siarad cymraeg", r"siarad cymraeg", r"cymraeg"]
FREE_CUES = [r"free of charge", r"for free", r"no cost", r"doesn'?t cost anything", r"without charge",
             r"rhad ac am ddim", r"am ddim", r"heb gost", r"free"]
AGE_PATTERNS = [
    (re.compile(r"\b(\d{1,3})\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*old\b"), 1),
    (re.compile(r"\baged?\s+(\d{1,3})\b"), 1),
    (re.compile(r"\b(?:i'm|i am|im|he's|he is|she's|she is|they're|they are|who is|who's|mae hi'n|mae e'n|"
                r"mae o'n|rwy'n|dw i'n)\s+(\d{1,3})\b"), 1),
    (re.compile(r"\b(?:yn\s+)?(\d{1,3})\s*(?:mlwydd\s+)?oed\b"), 1),
    (re.compile(r"\bin\s+(?:his|her|their|my|our)\s+(\d)0s\b"), 10),
    (re.compile(r"\b(?:is|aged|who's|who is)\s+(\d{2,3})\b"), 1),
]
# Words around an age that are not what is wanted: "for my 8 year old son".
AGE_CONTEXT = re.compile(r"(?:\b(?:for|to|with)\s+)?(?:\b(?:my|our|a|an|fy)\s+)?\s*$")
AGE_AFTER = re.compile(r"^\s*(?:son|daughter|boy|girl|child|kid|grandson|granddaughter|mab|merch)?\b")
FAMILY = (r"(?:dad|mum|mam|mother|father|mom|nan|nana|gran|granny|grandma|grandmother|grandad|grandpa|"
          r"grandfather|son|daughter|wife|husband|partner|brother|sister|aunt|uncle|friend|neighbour|"
          r"child|children|kids|baby|boy|girl|parents?|teenager)")
FAMILY_CY = r"(?:nhad|mam|nain|nhaid|mam-gu|nhad-cu|mab|merch|ngŵr|ngwr|ngwraig|mhlentyn|mhlant|ffrind|nghymydog)"
FILLER_START = [
    r"hi", r"hello", r"helo", r"shwmae", r"please", r"plis", r"can you tell me", r"could you tell me",
    r"is there an?", r"is there any", r"are there any", r"are there", r"is there", r"do you know of an?",
    r"do you know of any", r"do you know any", r"do you know of", r"do you have an?", r"do you have any",
    r"have you got an?", r"have you got any", r"can you find me an?", r"can you find an?", r"can you find",
    r"can you recommend an?", r"can i get an?", r"where can i find an?", r"where can i find", r"where can i get an?",
    r"where is the", r"where is", r"where's the", r"where's", r"i'?m looking for an?", r"i'?m looking for",
    r"i am looking for an?", r"i am looking for", r"looking for an?", r"looking for", r"i need an?", r"i need",
    r"we need an?", r"we need", r"i want an?", r"i want", r"we want", r"i'd like an?", r"i would like an?",
    r"find me an?", r"find me", r"find an?", r"find", r"what about", r"help with", r"help finding an?",
    r"information about", r"info on", r"details of", r"what(?:'s| is| are)? (?:there|on|available)(?: for)?",
    r"what (?:services|help|support|groups|clubs)(?: is| are)? there(?: for)?", r"what can (?:i|we) do",
    r"help (?:for|with)", r"support for", r"something(?: for)?", r"anything(?: for)?", r"somewhere(?: for)?",
    r"with", r"for", r"and", r"any", r"some", r"an?", r"the",
    r"oes(?: yna| 'na| na)?(?: unrhyw)?", r"ble mae'?r?", r"help gyda", r"rhywbeth(?: i| ar gyfer)?", r"ble alla i (?:gael|ddod o hyd i)", r"dw i'?n chwilio am",
    r"rwy'?n chwilio am", r"chwilio am", r"dwi angen", r"dw i angen", r"rwy angen", r"mae angen", r"angen",
    r"unrhyw", r"y", r"yr",
]
FILLER_END = [r"anything", r"something", r"or anything", r"or something", r"please", r"plis", r"os gwelwch yn dda", r"diolch", r"thanks", r"thank you", r"anywhere",
              r"around here", r"nearby", r"locally", r"in the area", r"in my area", r"near me", r"near here",
              r"yn yr ardal", r"yn lleol", r"yn agos", r"then", r"at all", r"available", r"ar gael"]
# A verb of wanting, and what follows it: "needs a day centre".
WANTING = re.compile(r"\b(?:needs?|wants?|is looking for|are looking for|would like|could use|"
                     r"mae angen|angen|eisiau|isio)\s+(.+)$")
# The opening of a clause about the person the service is for: "who has", "she's got", "they are".
PERSON_CLAUSE = re.compile(
    r"\b(?:(?:who|that|which|she|he|they|it)(?:'s got|'ve got|'s|'ve|\s+has got|\s+have got|\s+has|\s+have|"
    r"\s+is|\s+are|\s+lives?|\s+with)|(?:sydd|sy'n)\s+(?:â|a|gyda|efo|yn byw)|"
    r"mae\s+(?:ganddi|ganddo|ganddyn nhw|ganddyn|gen i|gan\s+\w+))\b")
PREPOSITIONS = (r"(?:near to|near|nearby|in or near|in|around|round|at|close to|by|within reach of|from|to|"
                r"yng|ym|yn ymyl|yn agos i|yn agos at|agos i|ger|o gwmpas|ar bwys|wrth|yn|i|o)")


@lru_cache(maxsize=1)
def theme_cues() -> List[Tuple[str, List[str]]]:
    """The shared cue file's themes (iaa.taxonomy raises TaxonomyError if it is missing or wrong),
    each with this module's extra cues for service requests."""
    return [(theme, list(c) + EXTRA_CUES.get(theme, [])) for theme, c in enquiry_cues()["themes"]]


theme_cues()  # at import: nothing starts with a missing or wrong cue file


def _has(text: str, phrase: str) -> bool:
    return re.search(r"(?<![\w'])" + re.escape(phrase.lower()) + r"(?![\w'])", text) is not None


def _theme(text: str, age: Optional[int]) -> Optional[str]:
    for theme, cues in theme_cues():
        if any(_has(text, c) for c in cues):
            return theme
    if age is not None:
        if age < 18:
            return "children_young_people"
        if age >= 65:
            return "older_people"
    return None


def _age(text: str) -> Tuple[Optional[int], str]:
    for pattern, scale in AGE_PATTERNS:
        m = pattern.search(text)
        if m:
            value = int(m.group(1)) * scale + (5 if scale == 10 else 0)
            if 0 <= value <= 120:
                before = AGE_CONTEXT.sub("", text[:m.start()])
                after = AGE_AFTER.sub("", text[m.end():])
                return value, before + " " + after
    return None, text


def _town(text: str, known: Iterable[str]) -> Tuple[Optional[str], str]:
    aliases = lx.place_aliases(known)
    if not aliases:
        return None, text
    folded = lx.fold(text)
    names = sorted(aliases, key=len, reverse=True)
    pattern = re.compile(r"(?:\b" + PREPOSITIONS + r"\s+)?\b(" + "|".join(re.escape(a).replace(r"\ ", r"[\s-]+")
                                                                      for a in names) + r")\b")
    m = pattern.search(folded)
    if m:
        return aliases[re.sub(r"[\s-]+", " ", m.group(1))], folded[:m.start()] + " " + folded[m.end():]
    # A misspelt town after a preposition: "near Llandielo".
    singles = [a for a in names if " " not in a]
    for m in re.finditer(r"\b" + PREPOSITIONS + r"\s+([a-z][a-z-]{4,})", folded):
        best = process.extractOne(m.group(1), singles, scorer=fuzz.ratio, score_cutoff=85)
        if best:
            return aliases[best[0]], folded[:m.start()] + " " + folded[m.end():]
    return None, folded


def _drop_person_clause(text: str) -> str:
    """A clause about the person ("who has dementia", "she has dementia", "they've got autism",
    "mae ganddi ddementia"): after what is wanted it goes, with the rest of the sentence ("respite,
    she has dementia" -> "respite"); at the start only its opening words go, so that what follows
    is kept ("she has dementia, any memory cafes?")."""
    m = PERSON_CLAUSE.search(text)
    if m is None or WANTING.search(text, m.end()):
        return text  # "... who has MS and needs a break": what is wanted follows; taken from there
    before = text[:m.start()]
    if lx.find_concepts(lx.tokens(before)) or any(w not in lx.STOPWORDS for w in lx.words(before)):
        return before
    return before + " " + text[m.end():]


def _strip(text: str, patterns: List[str], where: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in patterns:
            rx = (r"^\s*(?:" + p + r")(?:\s+|$)") if where == "start" else (r"(?:^|\s+)(?:" + p + r")\s*$")
            new = re.sub(rx, " " if where == "start" else "", text, count=1)
            if new != text:
                text, changed = new.strip(), True
    return text


def parse_service_request(text: str, known_towns: Iterable[str]) -> Dict[str, object]:
    """What, where, age, Welsh-medium and free, and the theme, from one message."""
    raw = (text or "").replace("\u2019", "'").replace("\u2018", "'").lower()
    raw = re.sub(r"\s+", " ", raw).strip()
    age, rest = _age(raw)
    theme = _theme(raw, age)
    welsh = any(re.search(r"\b" + p + r"\b", rest) for p in WELSH_CUES)
    for p in WELSH_CUES:
        rest = re.sub(r"\b(?:who |that |which |sy'?n )?(?:is |are |works |work )?" + p + r"\b", " ", rest)
    free = any(re.search(r"\b" + p + r"\b", rest) for p in FREE_CUES)
    for p in FREE_CUES:
        rest = re.sub(r"\b(?:that is |which is |that's |sy'?n )?" + p + r"\b", " ", rest)
    town, rest = _town(rest, known_towns)
    # "for my lonely nan" -> "lonely": the person is not what is wanted, a word about them may be.
    rest = re.sub(r"\b(?:(?:for|to|with|and|so|about|that)\s+)?(?:my|our)\s+(?:(\w+)\s+)?" + FAMILY
                  + r"\b(?:'s got|'s|\s+has got|\s+has|\s+have)?(?![\w'])",
                  lambda m: f" {m.group(1) or ''} ", rest)
    rest = re.sub(r"\b(?:i|ar gyfer|gyda|efo|am)\s+fy\s+" + FAMILY_CY + r"\b", " ", rest)
    rest = re.sub(r"\bfy\s+" + FAMILY_CY + r"\b", " ", rest)
    rest = re.sub(r"\b(?:for|to) (?:me|myself|us)\b|\bi mi\b|\bi ni\b", " ", rest)
    rest = _drop_person_clause(rest)
    # "my mum is in her 80s and needs a day centre": what follows the verb of wanting.
    m = WANTING.search(rest)
    if m and m.start() > 0:
        before, rest = rest[:m.start()], m.group(1)
        kept = [" ".join(lx.words(before)[s:e]) for s, e, _c in lx.find_concepts(lx.tokens(before))]
        if kept:  # "I'm lonely and would like someone to talk to": keep "lonely"
            rest = " ".join(kept) + " " + rest
    rest = re.sub(r"[?!.,;:\"()]+", " ", rest)
    rest = re.sub(r"\s+", " ", rest).strip()
    rest = _strip(rest, FILLER_START, "start")
    rest = _strip(rest, FILLER_END, "end")
    rest = re.sub(r"\s+(?:for|in|near|at|on|with|to|yn|i|ar gyfer|ar|gyda|efo|ger|o)$", "", rest).strip()
    what = rest or None
    return {"what": what, "town": town, "age": age, "welsh": welsh, "free": free, "theme": theme}

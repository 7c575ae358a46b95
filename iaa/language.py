"""Which language a citizen wrote in: Welsh, English, or too little to tell.

A short reply ("ok", "na", "more") says nothing about the language, so it keeps the conversation's;
a message with enough of one language's everyday words, and clearly more than of the other's,
switches it, as does naming a language ("Cymraeg", "English please"). The words are the small
function words and social-care words people use in every message, accents optional (people drop
them), mutated forms included."""
from __future__ import annotations

import re
from typing import Optional

_WORD = re.compile(r"[a-zâêîôûŵŷäëïöüẅÿáéíóúẃýàèìòùẁỳ']+")
_ACCENTS = str.maketrans("âêîôûŵŷäëïöüẅÿáéíóúẃýàèìòùẁỳ", "aeiouwyaeiouwyaeiouwyaeiouwy")

# Words that are Welsh and not English (compared without accents).
WELSH = frozenset("""
a'r ac ach achos adref addasiadau am amdan amdano amdani angen ar arall asesiad asesu atoch
beth be bod bore bydd byddai byw cael cartref cefnogaeth chdi chi chwaer cyfeillio cyfer cyngor
cymorth cymraeg cymru cynnig cysylltu da dad dan daliadau dewch diolch dim dipyn do dros dwi dwin
dydw dydy dyma dyn dysgu ddim ddydd ddiwrnod efo ei eich ein eisiau ela eraill eu faint fan fath
fe fi fo fod fy fyddai fynd gael gall gallaf gallu gan ganddo ganddi gaf ga gennych gen gennyf
gofal gofalu gofalwr gofalwyr gweithiwr gwasanaeth gwasanaethau gwneud gyda gynnon gymorth gyngor
hefo hefyd helo hen hi'n hoffwn hwn hwnna hwyl hyn hynny i'r i'n i'w ia iawn ie isio lle llawer
mae maen mam mam-gu mamgu mewn mi mis moyn mwy mynd na'r nac naddo nain nawr neu nghartref nhad
nhw ni nid nhaid nos o'r oed oedd oes oedran ofal ofalwr os pa pam pan pawb plant plentyn plis
pobl pryd pwy rhaid rhagor rhai rhywun rwan rwy rydw rydyn sal sir siarad sut shwmae sy sydd
taid tad tad-cu tadcu taliadau ti tri trwy tu ty unrhyw wedi wnaeth wrth wyf wyt y yma yn yng
ynglyn yno yr ysgol yw ydi ydw ydy ydych ydyn gwybodaeth cwyn eiriolwr eiriolaeth seibiant
""".split())
# Words that are English and not Welsh. ("a", "i", "o", "hi", "na" are both: not counted.)
ENGLISH = frozenset("""
the and is are am was were be been my me you your yours we our they their he him his she her it
its this that these those what how who why when where which can could would should will do does
did don't doesn't i'm i've it's there's to for of with about from at by on in into out up if or
but not no yes yeah please thanks thank hello hey need needs want help any some more there here
get got have has had mum dad mother father son daughter husband wife care carer assessment
support service services money pay live lives living someone somebody anyone home
""".split())
NAMES_WELSH = frozenset({"cymraeg", "gymraeg", "welsh"})
NAMES_ENGLISH = frozenset({"english", "saesneg"})


def words(text: str) -> list[str]:
    return [w.strip("'").translate(_ACCENTS) for w in _WORD.findall(text.lower().replace("’", "'"))]


def detect(text: str) -> Optional[str]:
    """"cy" or "en" when the message says which, else None (keep the conversation's language)."""
    found = [w for w in words(text) if w]
    if not found:
        return None
    named = set(found) & (NAMES_WELSH | NAMES_ENGLISH)
    if named and len(found) <= 4:  # "Cymraeg", "English please", "in Welsh please"
        if named <= NAMES_WELSH:
            return "cy"
        if named <= NAMES_ENGLISH:
            return "en"
    if len(found) < 3:
        return None
    welsh = sum(1 for w in found if w in WELSH)
    english = sum(1 for w in found if w in ENGLISH)
    if welsh >= 2 and welsh > 2 * english:
        return "cy"
    if english >= 2 and english > 2 * welsh:
        return "en"
    return None

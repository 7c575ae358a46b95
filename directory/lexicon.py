"""Words for matching what people ask against how services describe themselves, in English and
Welsh: normalising and tokenising, Welsh initial mutations, the synonyms councils use, stop
words, and the places the example council covers (with their Welsh names).

Everything here is data a council may extend; none of it is specific to one service.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, Iterable, List, Set, Tuple

_TOKEN = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents dropped (ŵ -> w, â -> a), '&' as 'and'."""
    text = text.lower().replace("&", " and ")
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def stem(token: str) -> str:
    """A light plural stripper used the same way on services and queries."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def words(text: str) -> List[str]:
    """Folded words, unstemmed (one-letter fragments such as the s of carer's dropped)."""
    return [t for t in _TOKEN.findall(fold(text)) if len(t) > 1 or t.isdigit()]


def tokens(text: str) -> List[str]:
    return [stem(t) for t in words(text)]


# --------------------------------------------------------------------------------------------
# Welsh initial mutations: a word seen after "yn", "i", "fy", "ei" ... may be mutated
# (Caerfyrddin -> yng Nghaerfyrddin, gofalwyr -> i ofalwyr). These give the possible radicals.

_DEMUTATIONS: List[Tuple[str, List[str]]] = [
    ("ngh", ["c"]), ("mh", ["p"]), ("nh", ["t"]), ("ng", ["g"]),  # nasal
    ("ch", ["c"]), ("ph", ["p"]), ("th", ["t"]),  # aspirate
    ("dd", ["d"]), ("g", ["c"]), ("b", ["p"]), ("d", ["t"]), ("f", ["b", "m"]), ("l", ["ll"]),
    ("r", ["rh"]), ("m", ["b"]), ("n", ["d"]),  # soft (and the nasal m-, n-)
]


def demutate(word: str) -> List[str]:
    """Possible unmutated forms of a (folded) Welsh word, most likely first."""
    out: List[str] = []
    for prefix, radicals in _DEMUTATIONS:
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            out.extend(r + word[len(prefix):] for r in radicals)
            if len(prefix) >= 2 and prefix not in ("ng",):
                break  # "ngh" is not also a soft-mutated "n"
    if word[:1] in "aeiouwy":
        out.append("g" + word)  # soft mutation drops g-
    if word.startswith("h") and word[1:2] in tuple("aeiouwy"):
        out.append(word[1:])  # h- before a vowel after "ei" (her), "ein"
    return [w for w in out if w != word]


# --------------------------------------------------------------------------------------------
# Stop words: never what someone is looking for.

STOPWORDS: Set[str] = set("""
a an the is are there any some for my me i im i'm we our us you your to of and or in on at near
nearby around close by with without about into from please can could would do does know find
finding looking look need needs want wants where whats what which who how get help hi hello
thanks thank tell show give am be been being it its this that these those something anything
someone somebody anywhere somewhere local area go going like just also really very much
dad mum mam mother father mom nan nana gran granny grandma grandmother grandad grandpa grandfather
son daughter wife husband partner brother sister aunt uncle friend neighbour child kid kids baby
he she they him her them his their he's she's they're who's old year years aged age
person people others other someone somebody something somewhere place thing things stuff lot way
oes oe yna na yn yng ym y yr r ar gyfer i fy fyn am ger mae ydy ydi a ac o gyda efo unrhyw rhywle
ble lle dw rwy rwyn dwi chwilio angen eisiau isio plis os gwelwch dda diolch helo shwmae
sut beth pa rhywun rhywbeth mewn wrth ymyl cwmpas ardal
tad nhad dad mam nain taid mamgu tadcu mab merch gwr gwraig ffrind cymydog plentyn
""".split())


# --------------------------------------------------------------------------------------------
# Synonyms: each concept lists phrases that mean the same to someone looking for a service.
# The first phrase is the one named in match reasons. Matching is on folded, stemmed words.

CONCEPTS: Dict[str, List[str]] = {
    "lunch_club": ["luncheon club", "lunch club", "dinner club", "community lunch", "community meal",
                   "friendship lunch", "clwb cinio", "clybiau cinio", "cinio cymunedol"],
    "day_centre": ["day centre", "day center", "day service", "day services", "day opportunities",
                   "day care", "canolfan ddydd", "canolfan dydd", "gwasanaeth dydd", "gofal dydd",
                   "cyfleoedd dydd"],
    "respite": ["respite", "short break", "short breaks", "respite care", "break from caring",
                "carers break", "sitting service", "seibiant", "gofal seibiant", "seibiant byr",
                "seibiannau byr", "seibiannau"],
    "memory_cafe": ["memory cafe", "dementia cafe", "memory club", "caffi cof", "caffi dementia"],
    "dementia": ["dementia", "alzheimer", "alzheimers", "memory loss", "memory problem", "colli cof",
                 "clefyd alzheimer"],
    "befriending": ["befriending", "befriender", "companionship", "friendly call", "telephone friendship",
                    "loneliness", "lonely", "isolation", "isolated", "cyfeillio", "unigrwydd", "unig"],
    "carer": ["carer", "unpaid carer", "family carer", "caring for someone", "gofalwr", "gofalwyr",
              "gofalwyr di dal", "gofalu am"],
    "young_carer": ["young carer", "young carers", "gofalwyr ifanc", "gofalwr ifanc"],
    "advocacy": ["advocacy", "advocate", "independent advocate", "speak up for", "eiriolaeth", "eiriolwr"],
    "domestic_abuse": ["domestic abuse", "domestic violence", "abusive relationship", "coercive control",
                       "cam drin domestig", "trais domestig", "perthynas dreisgar"],
    "sexual_violence": ["sexual violence", "sexual assault", "sexual abuse", "rape", "trais rhywiol",
                        "ymosodiad rhywiol", "cam drin rhywiol"],
    "refuge": ["refuge", "safe house", "safe accommodation", "lloches", "llety diogel"],
    "counselling": ["counselling", "counseling", "counsellor", "talking therapy", "talking therapies",
                    "cwnsela", "cwnsler", "therapi siarad"],
    "mental_health": ["mental health", "emotional wellbeing", "low mood", "anxiety", "depression",
                      "iechyd meddwl", "gorbryder", "iselder", "lles emosiynol"],
    "equipment": ["equipment", "mobility aid", "daily living aid", "equipment loan", "offer",
                  "cyfarpar", "offer symudedd"],
    "adaptations": ["adaptation", "home adaptation", "grab rail", "stair lift", "stairlift", "ramp",
                    "handyperson", "care and repair", "addasiad", "addasiadau", "canllaw"],
    "home_care": ["home care", "homecare", "domiciliary care", "care at home", "help at home",
                  "home help", "gofal cartref", "gofal yn y cartref", "help yn y cartref"],
    "meals": ["meals on wheels", "meal delivery", "hot meals at home", "frozen meals", "prydau ar glud",
              "prydau poeth", "prydau bwyd"],
    "transport": ["community transport", "dial a ride", "door to door transport", "car scheme",
                  "trafnidiaeth gymunedol", "cludiant cymunedol"],
    "exercise": ["exercise class", "keep fit", "chair exercise", "chair based exercise", "gentle exercise",
                 "strength and balance", "ymarfer corff", "cadw n heini", "ymarfer cadair"],
    "falls": ["falls prevention", "falls", "fall", "balance", "atal cwympiadau", "cwympo", "cwympiadau"],
    "walking": ["walking group", "health walk", "walk", "walking", "cerdded", "taith gerdded",
                "grwp cerdded"],
    "telecare": ["telecare", "community alarm", "pendant alarm", "personal alarm", "lifeline",
                 "careline", "larwm cymunedol", "larwm personol", "teleofal"],
    "sight_loss": ["sight loss", "visual impairment", "visually impaired", "blind", "partially sighted",
                   "low vision", "colli golwg", "nam ar y golwg", "dall", "rhannol ddall"],
    "hearing_loss": ["hearing loss", "hard of hearing", "hearing aid", "deaf", "deafened", "colli clyw",
                     "nam ar y clyw", "byddar", "cymorth clyw"],
    "sign_language": ["british sign language", "sign language", "bsl", "iaith arwyddion"],
    "autism": ["autism", "autistic", "asd", "asperger", "aspergers", "awtistiaeth", "awtistig"],
    "learning_disability": ["learning disability", "learning disabilities", "learning difficulty",
                            "anabledd dysgu", "anableddau dysgu"],
    "parenting": ["parenting", "parenting support", "parent support", "family support", "rhianta",
                  "cymorth i deuluoedd", "cefnogi teuluoedd"],
    "toddler": ["parent and toddler", "toddler group", "mums and tots", "baby group", "stay and play",
                "cylch ti a fi", "ti a fi", "grwp babanod"],
    "youth_club": ["youth club", "youth centre", "youth group", "youth project", "clwb ieuenctid",
                   "canolfan ieuenctid", "grwp ieuenctid"],
    "play_scheme": ["play scheme", "playscheme", "holiday club", "holiday scheme", "summer scheme",
                    "cynllun chwarae", "clwb gwyliau"],
    "employment": ["supported employment", "job coach", "work experience", "into work", "job club",
                   "cyflogaeth a gefnogir", "hyfforddwr swyddi", "profiad gwaith"],
    "benefits": ["benefits advice", "welfare rights", "money advice", "debt advice", "benefit check",
                 "cyngor ar fudd daliadau", "budd daliadau", "hawliau lles", "cyngor ariannol"],
    "digital": ["digital inclusion", "computer help", "tablet help", "online skills", "get online",
                "sgiliau digidol", "cynhwysiant digidol", "help gyda chyfrifiaduron"],
    "bereavement": ["bereavement", "grief", "loss of a loved one", "profedigaeth", "galar"],
    "stroke": ["stroke", "after a stroke", "stroke survivor", "strôc", "stroc"],
    "prison": ["prison", "prisoner", "custody", "release from prison", "leaving prison", "resettlement",
               "carchar", "carcharor", "carcharorion", "ailsefydlu"],
    "wheelchair": ["wheelchair", "shopmobility", "scooter hire", "cadair olwyn", "sgwter"],
    "peer_support": ["peer support", "support group", "self help group", "drop in", "cefnogaeth gan gymheiriaid",
                     "grwp cymorth", "galw heibio"],
    "mens_shed": ["mens shed", "men s shed", "sied dynion", "sied"],
    "singing": ["choir", "singing group", "singing", "cor", "canu"],
    "substance": ["substance misuse", "drugs", "alcohol", "drink problem", "camddefnyddio sylweddau",
                  "cyffuriau", "alcohol"],
    "information": ["information and advice", "advice line", "helpline", "information service",
                    "llinell gymorth", "gwybodaeth a chyngor"],
    "housing": ["housing", "homeless", "homelessness", "tai", "digartref", "digartrefedd"],
    "disability": ["physical disability", "disabled", "disability", "mobility problem",
                   "anabledd corfforol", "anabl", "anabledd"],
    "older": ["older people", "older person", "elderly", "pensioner", "over 60", "over 50", "senior",
              "pobl hyn", "henoed", "oedrannus"],
    "children": ["children", "child", "kids", "young people", "young person", "teenager", "plant",
                 "plentyn", "pobl ifanc", "person ifanc", "ieuenctid"],
    "free": ["free", "free of charge", "no charge", "am ddim", "di dal", "heb dal"],
}


@lru_cache(maxsize=1)
def concept_phrases() -> Dict[Tuple[str, ...], str]:
    """Stemmed token tuple -> concept, for every synonym phrase."""
    out: Dict[Tuple[str, ...], str] = {}
    for concept, phrases in CONCEPTS.items():
        for p in phrases:
            key = tuple(tokens(p))
            if key:
                out.setdefault(key, concept)
    return out


@lru_cache(maxsize=1)
def concept_max_len() -> int:
    return max(len(k) for k in concept_phrases())


def find_concepts(toks: List[str]) -> List[Tuple[int, int, str]]:
    """(start, end, concept) for each synonym phrase found in a token list, longest first,
    non-overlapping."""
    phrases = concept_phrases()
    found, i, n = [], 0, len(toks)
    longest = concept_max_len()
    while i < n:
        for length in range(min(longest, n - i), 0, -1):
            c = phrases.get(tuple(toks[i:i + length]))
            if c:
                found.append((i, i + length, c))
                i += length
                break
        else:
            i += 1
    return found


def concept_label(concept: str) -> str:
    return CONCEPTS[concept][0]


# --------------------------------------------------------------------------------------------
# Places. The example council's towns, with Welsh names and approximate centres (WGS84), used to
# read place names in either language and to find services near a town that has none.

PLACES: List[Tuple[str, str, float, float]] = [
    # English name, Welsh name, latitude, longitude
    ("Llandeilo", "Llandeilo", 51.884, -3.991),
    ("Ffairfach", "Ffair-fach", 51.872, -3.993),
    ("Ammanford", "Rhydaman", 51.794, -3.988),
    ("Llanelli", "Llanelli", 51.681, -4.162),
    ("Carmarthen", "Caerfyrddin", 51.857, -4.311),
    ("Newcastle Emlyn", "Castellnewydd Emlyn", 52.038, -4.468),
    ("Cardigan", "Aberteifi", 52.083, -4.661),
    ("Lampeter", "Llanbedr Pont Steffan", 52.113, -4.080),
    ("Llandovery", "Llanymddyfri", 51.995, -3.796),
    ("Kidwelly", "Cydweli", 51.736, -4.305),
    ("Burry Port", "Porth Tywyn", 51.684, -4.247),
    ("Cross Hands", "Cross Hands", 51.800, -4.088),
    ("Whitland", "Hendy-gwyn", 51.818, -4.616),
    ("St Clears", "Sanclêr", 51.820, -4.498),
    ("Llandysul", "Llandysul", 52.041, -4.310),
    ("Tumble", "Y Tymbl", 51.776, -4.113),
    ("Pembrey", "Pen-bre", 51.686, -4.273),
    ("Aberaeron", "Aberaeron", 52.243, -4.259),
    ("New Quay", "Cei Newydd", 52.215, -4.359),
    ("Laugharne", "Talacharn", 51.770, -4.462),
]

COUNTY_NAMES = ["Sir Enghraifft", "the whole county", "whole county", "countywide", "county wide",
                "all of the county", "y sir gyfan", "ledled y sir", "drwy r sir", "across the county", "wales",
                "cymru", "all areas"]


def place_aliases(known: Iterable[str]) -> Dict[str, str]:
    """Folded name (English, Welsh, and Welsh mutated forms) -> the known town's name."""
    known = list(known)
    by_fold = {fold(k).replace("-", " "): k for k in known}
    out: Dict[str, str] = dict(by_fold)
    for en, cy, _lat, _lon in PLACES:
        target = by_fold.get(fold(en))
        if target is None:
            continue
        for name in (en, cy):
            f = " ".join(words(name))
            out.setdefault(f, target)
    for name, target in list(out.items()):
        first, _, rest = name.partition(" ")
        for mutated in mutations(first):
            out.setdefault((mutated + (" " + rest if rest else "")), target)
    return out


def mutations(word: str) -> List[str]:
    """Mutated forms of a Welsh word (for place names after yn, i, o, ger)."""
    out = []
    table = {"c": ["g", "ngh", "ch"], "p": ["b", "mh", "ph"], "t": ["d", "nh", "th"], "g": ["", "ng"],
             "b": ["f", "m"], "d": ["dd", "n"], "m": ["f"]}
    if word.startswith("ll"):
        out.append("l" + word[2:])
    elif word.startswith("rh"):
        out.append("r" + word[2:])
    elif word[:1] in table:
        out.extend(m + word[1:] for m in table[word[:1]])
    return [w for w in out if len(w) > 2]


def place_coordinates() -> Dict[str, Tuple[float, float]]:
    return {fold(en): (lat, lon) for en, _cy, lat, lon in PLACES}


def welsh_place_name(town: str) -> str:
    for en, cy, _lat, _lon in PLACES:
        if fold(en) == fold(town):
            return cy
    return town

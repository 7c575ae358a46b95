"""Words for matching what people ask against how services describe themselves, in English and
Welsh: normalising and tokenising, Welsh initial mutations, the synonyms councils use, stop
words, and the places the council covers (read from data/directory/places.yml).

Everything here is data a council may extend; none of it is specific to one service.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Set, Tuple

from pydantic import BaseModel, ValidationError, confloat, constr, root_validator, validator

from iaa import welsh
from iaa.settings import setting
from iaa.welsh import demutate  # noqa: F401 (lx.demutate, used by search)
from iaa.yamlfile import read_mapping

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
# (Caerfyrddin -> yng Nghaerfyrddin, gofalwyr -> i ofalwyr). iaa.welsh.demutate (imported above)
# gives the possible radicals, from the one copy of the mutation tables.


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
has have had having got gets getting so out up but if was were shall should might must
then than when while because as not dont don doesn didn isn aren wasn cant cannot let lets put
take make made still now maybe ok okay yes currently recently sort kind type himself herself
myself themselves yourself mine hers theirs ours
nhw ni sydd sy wedi ganddi ganddo ganddyn gen hefyd iawn dros
more else next rhagor mwy eraill arall
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
    "mental_health": ["mental health", "emotional wellbeing", "low mood", "feeling low", "feeling down",
                      "feel low", "feel down", "anxiety", "depression",
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


# Concepts that say who a service is for or what it costs, not what it is: "bowls club for older
# people" is about bowls, and a lunch club for older people is no answer to it.
QUALIFIERS: Set[str] = {"older", "children", "free", "disability"}


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
# Places: the council's towns (English and Welsh names, aliases, centres), the names of the whole
# county, and places outside the area people may ask about. Council configuration, so it lives
# in data/directory/places.yml (or Settings.places_path, IAA_PLACES_PATH), checked when this module is first imported.

PLACES_PATH = Path(__file__).resolve().parent.parent / "data" / "directory" / "places.yml"


class PlacesError(ValueError):
    """A places file that cannot be used, with every problem listed."""


# pydantic's constrained types are calls, which mypy cannot read as annotations (and its plugin
# crashes on this pydantic: see pyproject.toml); to mypy they are plain str and float.
if TYPE_CHECKING:
    PlaceName = str
    Latitude = float
    Longitude = float
    NearestKm = float
else:
    PlaceName = constr(min_length=2, max_length=120)
    Latitude = confloat(ge=-90, le=90)
    Longitude = confloat(ge=-180, le=180)
    NearestKm = confloat(gt=0, le=200)


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        allow_mutation = False


class Place(_Strict):
    name: PlaceName
    name_cy: PlaceName
    aliases: List[PlaceName] = []
    latitude: Latitude
    longitude: Longitude

    @property
    def names(self) -> List[str]:
        return [self.name, self.name_cy, *self.aliases]

    @property
    def centre(self) -> Tuple[float, float]:
        return (self.latitude, self.longitude)


class County(_Strict):
    name: PlaceName
    name_cy: PlaceName
    area_names: List[PlaceName]

    @validator("area_names")
    def _some(cls, v: List[str]) -> List[str]:
        if not v:
            raise ValueError("list at least one name for the whole county")
        return v


class Gazetteer(_Strict):
    county: County
    towns: List[Place]
    nearest_km: NearestKm = 40.0
    outside: List[Place] = []

    @validator("towns")
    def _towns(cls, v: List[Place]) -> List[Place]:
        if not v:
            raise ValueError("list at least one town")
        return v

    @root_validator(skip_on_failure=True)
    def _names_are_unambiguous(cls, values):
        # A name that means two places would make "lunch club in X" a guess.
        seen: Dict[str, Tuple[str, Place]] = {}
        for section in ("towns", "outside"):
            for place in values.get(section) or []:
                for name in dict.fromkeys(_place_key(n) for n in place.names):
                    if name in seen and seen[name][1] is not place:
                        other_section, other = seen[name]
                        raise ValueError(f"the name {name!r} is used by both {other.name} ({other_section}) "
                                         f"and {place.name} ({section})")
                    seen[name] = (section, place)
        return values

    def town(self, name: str) -> Optional[Place]:
        key = fold(name)
        return next((t for t in self.towns if fold(t.name) == key), None)


def _place_key(name: str) -> str:
    return " ".join(words(name))


def load_places(path: Path | str) -> Gazetteer:
    """Reads and checks a places file; raises PlacesError naming the file and every problem."""
    path = Path(path)
    raw = read_mapping(path, PlacesError, "the council's towns for the service directory",
                       "a mapping with 'county' and 'towns'")
    try:
        return Gazetteer.parse_obj(raw)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = list(err["loc"])
            where = ".".join(str(p) for p in loc if p != "__root__")
            # name the entry, not just its position: "towns[3] (Carmarthen).latitude"
            if len(loc) >= 2 and loc[0] in ("towns", "outside") and isinstance(loc[1], int):
                entries = raw.get(loc[0]) or []
                entry = entries[loc[1]] if loc[1] < len(entries) else None
                label = f" ({entry.get('name')})" if isinstance(entry, dict) and entry.get("name") else ""
                where = f"{loc[0]}[{loc[1]}]{label}" + "".join(f".{p}" for p in loc[2:])
            problems.append(f"  {where or '(file)'}: {err['msg']}")
        raise PlacesError(f"{path}: {len(problems)} problem(s)\n" + "\n".join(problems))


GAZETTEER: Gazetteer = load_places(setting("places_path") or PLACES_PATH)


def _aliases_of(places: Iterable[Place], target_of) -> Dict[str, str]:
    """Folded names (English, Welsh, aliases and their Welsh mutated forms) -> target."""
    out: Dict[str, str] = {}
    for place in places:
        target = target_of(place)
        if target is None:
            continue
        for name in place.names:
            out.setdefault(_place_key(name), target)
    for name, target in list(out.items()):
        first, _, rest = name.partition(" ")
        for mutated in mutations(first):
            out.setdefault((mutated + (" " + rest if rest else "")), target)
    return out


def place_aliases(known: Iterable[str], gazetteer: Optional[Gazetteer] = None) -> Dict[str, str]:
    """Folded name (English, Welsh, aliases, and Welsh mutated forms) -> the known town's name."""
    gazetteer = gazetteer or GAZETTEER
    known = list(known)
    by_fold = {fold(k).replace("-", " "): k for k in known}
    out: Dict[str, str] = dict(by_fold)
    for name, target in _aliases_of(gazetteer.towns, lambda p: by_fold.get(fold(p.name))).items():
        out.setdefault(name, target)
    for name, target in list(out.items()):
        if name in by_fold:  # towns only the directory knows (no gazetteer entry) mutate too
            first, _, rest = name.partition(" ")
            for mutated in mutations(first):
                out.setdefault((mutated + (" " + rest if rest else "")), target)
    return out


def outside_aliases(gazetteer: Optional[Gazetteer] = None) -> Dict[str, Place]:
    """Folded name -> a place outside the council's area."""
    gazetteer = gazetteer or GAZETTEER
    places = {p.name: p for p in gazetteer.outside}
    return {k: places[v] for k, v in _aliases_of(gazetteer.outside, lambda p: p.name).items()}


def mutations(word: str) -> List[str]:
    """Mutated forms of a Welsh word (for place names after yn, i, o, ger)."""
    return [w for w in welsh.mutated_forms(word) if len(w) > 2]


def place_coordinates(gazetteer: Optional[Gazetteer] = None) -> Dict[str, Tuple[float, float]]:
    return {fold(t.name): t.centre for t in (gazetteer or GAZETTEER).towns}


def county_area_names(gazetteer: Optional[Gazetteer] = None) -> List[str]:
    """Folded phrases that, in a service's area, mean it covers the whole county."""
    return [" ".join(words(n)) for n in (gazetteer or GAZETTEER).county.area_names]


def county_name(language: str = "en", gazetteer: Optional[Gazetteer] = None) -> str:
    county = (gazetteer or GAZETTEER).county
    return county.name_cy if language == "cy" else county.name


def welsh_place_name(town: str, gazetteer: Optional[Gazetteer] = None) -> str:
    place = (gazetteer or GAZETTEER).town(town)
    return place.name_cy if place else town


def in_town(town: str, language: str = "en", gazetteer: Optional[Gazetteer] = None) -> str:
    """"in Carmarthen", or in Welsh "yng Nghaerfyrddin". A name that is the same in both languages
    (Llandeilo, Cross Hands) is left unmutated, as people write it."""
    if language != "cy":
        return f"in {town}"
    place = (gazetteer or GAZETTEER).town(town)
    if place is None or fold(place.name_cy) == fold(place.name):
        return f"yn {town}"
    name = place.name_cy
    if name.lower().startswith("y "):
        return f"yn y {name[2:]}"
    return welsh.after_yn(name) or f"yn {name}"  # "yn" takes the nasal mutation

"""Builds directory/sample/services.json: the example council's fictional directory.

    .venv/bin/python -m directory.sample.build

Deterministic (the same file every run). Over 150 services across every theme in TAXONOMY.md and
the three kinds of preventative service in Code of Practice para 173, in twelve towns, with
schedules, age ranges, free and charged services, Welsh names and descriptions for every service
that works in Welsh, a few services that are closed, and some deliberately stale entries (last
checked more than a year before the sample's date).
"""
from __future__ import annotations

import datetime as _dt
import json
import random
import re
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

from .catalogue import (COUNTY, KINDS_BY_CODE, ORGANISATIONS, PREVENTION_TERMS, THEME_TERMS, TOWNS_BY_NAME,
                        VENUE_CY, Kind, pick)

OUT = Path(__file__).resolve().parent / "services.json"
NS = uuid.UUID("6f1d2c3e-5a4b-4c8d-9e0f-1a2b3c4d5e6f")
COUNTYWIDE = None

PLAN: List[Tuple[str, List[Optional[str]]]] = [
    ("lunch_club", ["Llandeilo", "Ammanford", "Llanelli", "Carmarthen", "Newcastle Emlyn", "Cardigan", "Lampeter",
                    "Kidwelly", "Cross Hands", "Whitland"]),
    ("day_centre", ["Llandeilo", "Ammanford", "Llanelli", "Carmarthen", "Cardigan", "Llandovery"]),
    ("respite", [COUNTYWIDE, "Llanelli", "Ammanford", "Cardigan"]),
    ("memory_cafe", ["Llanelli", "Carmarthen", "Ammanford", "Cardigan", "Newcastle Emlyn", "Lampeter", "Llandovery"]),
    ("dementia_support", [COUNTYWIDE, "Llanelli"]),
    ("befriending", [COUNTYWIDE, "Llandeilo", "Carmarthen", "Cardigan", "Llanelli"]),
    ("carers_group", ["Ammanford", "Llanelli", "Carmarthen", "Cardigan", "Lampeter", "Llandeilo", "Whitland"]),
    ("carers_centre", ["Carmarthen", "Llanelli"]),
    ("young_carers", ["Carmarthen", "Llanelli", "Ammanford"]),
    ("advocacy", [COUNTYWIDE, "Llanelli"]),
    ("home_care", [COUNTYWIDE, COUNTYWIDE]),
    ("equipment", ["Carmarthen", "Llanelli"]),
    ("care_repair", [COUNTYWIDE]),
    ("falls", ["Llandeilo", "Carmarthen", "Llanelli", "Ammanford", "Cardigan", "Newcastle Emlyn"]),
    ("chair_exercise", ["Llandeilo", "Kidwelly", "Burry Port", "Cross Hands", "Lampeter", "Whitland", "Llandovery"]),
    ("walking", ["Llandeilo", "Carmarthen", "Llanelli", "Cardigan", "Newcastle Emlyn", "Llandovery"]),
    ("transport", [COUNTYWIDE, "Cardigan"]),
    ("meals", [COUNTYWIDE]),
    ("telecare", [COUNTYWIDE]),
    ("sight_loss", ["Carmarthen", "Llanelli", "Cardigan", "Ammanford"]),
    ("hearing_loss", ["Carmarthen", "Llanelli", "Lampeter", "Llandeilo"]),
    ("deaf_club", ["Llanelli", "Carmarthen"]),
    ("autism_group", ["Carmarthen", "Llanelli", "Ammanford", "Cardigan"]),
    ("ld_day", ["Carmarthen", "Llanelli", "Ammanford", "Newcastle Emlyn"]),
    ("employment", [COUNTYWIDE]),
    ("mh_drop_in", ["Carmarthen", "Llanelli", "Ammanford", "Cardigan", "Lampeter", "Llandeilo"]),
    ("counselling", ["Carmarthen", "Llanelli", "Cardigan"]),
    ("bereavement", ["Carmarthen", "Llanelli", "Llandeilo", "Newcastle Emlyn"]),
    ("stroke", ["Carmarthen", "Llanelli", "Ammanford"]),
    ("shopmobility", ["Carmarthen", "Llanelli"]),
    ("toddler", ["Llandeilo", "Ammanford", "Llanelli", "Carmarthen", "Newcastle Emlyn", "Cardigan", "Kidwelly",
                 "Burry Port", "Cross Hands", "Whitland"]),
    ("youth_club", ["Llandeilo", "Ammanford", "Llanelli", "Carmarthen", "Cardigan", "Lampeter", "Kidwelly", "Burry Port"]),
    ("parenting", [COUNTYWIDE, "Llanelli"]),
    ("play_scheme", ["Carmarthen", "Llanelli", "Ammanford"]),
    ("domestic_abuse", [COUNTYWIDE, "Llanelli", "Cardigan"]),
    ("refuge", [COUNTYWIDE]),
    ("sexual_violence", [COUNTYWIDE]),
    ("prison_care", [COUNTYWIDE]),
    ("resettlement", [COUNTYWIDE]),
    ("youth_justice", [COUNTYWIDE]),
    ("benefits", [COUNTYWIDE, "Llanelli", "Carmarthen", "Ammanford", "Cardigan", "Lampeter"]),
    ("digital", ["Llandeilo", "Llanelli", "Carmarthen", "Cardigan", "Newcastle Emlyn", "Llandovery"]),
    ("mens_shed", ["Llandeilo", "Ammanford", "Burry Port", "Cardigan", "Whitland"]),
    ("memory_choir", ["Llandeilo", "Llanelli", "Carmarthen", "Lampeter"]),
    ("substance", [COUNTYWIDE, "Llanelli"]),
]
# Not running: shown nowhere by the bot, still exported to the standard.
CLOSED: Dict[Tuple[str, Optional[str]], str] = {
    ("lunch_club", "Kidwelly"): "temporarily closed", ("youth_club", "Burry Port"): "inactive",
    ("mens_shed", "Burry Port"): "defunct", ("toddler", "Cross Hands"): "inactive",
    ("chair_exercise", "Whitland"): "inactive"}
# Deliberately stale: last checked more than twelve months before 23 November 2026.
STALE: Dict[Tuple[str, Optional[str]], str] = {
    ("walking", "Llandeilo"): "2024-11-01", ("day_centre", "Ammanford"): "2025-02-01",
    ("memory_cafe", "Llandovery"): "2025-06-12", ("carers_group", "Whitland"): "2025-03-20",
    ("youth_club", "Lampeter"): "2024-09-30", ("falls", "Newcastle Emlyn"): "2025-08-04",
    ("befriending", "Cardigan"): "2025-10-01", ("digital", "Llandovery"): "2024-06-18",
    ("mens_shed", "Whitland"): "2025-05-05", ("counselling", "Cardigan"): "2025-01-15",
    ("toddler", "Whitland"): "2025-09-09", ("bereavement", "Newcastle Emlyn"): "2024-12-02",
    ("benefits", "Lampeter"): "2025-07-21", ("hearing_loss", "Lampeter"): "2025-04-30"}
ALWAYS_WELSH = {"council", "health", "menter"}
STREETS = ["Example Street", "Example Road", "Heol Enghraifft", "Stryd Enghraifft", "Example Square", "Ffordd Enghraifft"]


def uid(*parts: Any) -> str:
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _taxonomies() -> Dict[str, Dict[str, Any]]:
    taxes = {
        "theme": {"id": uid("taxonomy", "theme"), "name": "IAA themes (Sir Enghraifft)",
                  "description": "Population groups from the Code of Practice (Part 2) para 123, as used for enquiry records.",
                  "uri": "https://www.example.org/taxonomies/iaa-themes", "version": "1"},
        "type": {"id": uid("taxonomy", "type"), "name": "Service types (Sir Enghraifft)",
                 "description": "Kinds of local service, in English and Welsh.",
                 "uri": "https://www.example.org/taxonomies/service-types", "version": "1"},
        "prevention": {"id": uid("taxonomy", "prevention"), "name": "Preventative services (Code of Practice para 173)",
                       "description": "Universal, targeted, or reducing an existing need.",
                       "uri": "https://www.example.org/taxonomies/prevention", "version": "1"},
    }
    return taxes


def _term(tax: Dict[str, Any], code: str, name: str, name_cy: str, description: str) -> Dict[str, Any]:
    return {"id": uid("term", tax["id"], code), "name": name, "name_cy": name_cy, "description": description,
            "taxonomy": tax["name"], "taxonomy_id": tax["id"], "term": code,
            "term_uri": f"{tax['uri']}#{code}", "taxonomy_detail": tax}


# A town from catalogue.TOWNS: (English, Welsh, outward postcode, latitude, longitude, Welsh share).
Town = Tuple[str, str, str, float, float, float]


def _names(kind: Kind, n: int, town: Optional[str], town_cy: str, names_used: Set[str]) -> Tuple[str, str]:
    """The service's English and Welsh names: the first of the kind's templates not yet used, or
    the town in brackets after it when every template is taken. Adds the English name to names_used."""
    suffix = ("", "")
    for v in range(len(kind.names_en)):
        template = pick(kind.names_en, n + v)
        name = template.format(town=town or COUNTY[0], town_cy=town_cy)
        suffix = ("", "")
        if "{town}" not in template and town and kind.area_based and f"({town})" not in name:
            suffix = (f" ({town})", f" ({town_cy})")
        if name + suffix[0] not in names_used:
            break
    if name + suffix[0] in names_used:
        suffix = (f" ({town or COUNTY[0]})", f" ({town_cy})")
    name_cy = pick(kind.names_cy, n + v).format(town=town or COUNTY[0], town_cy=town_cy)
    if "{town_cy}" not in pick(kind.names_cy, n + v) and f"({town_cy})" not in name_cy:
        name_cy += suffix[1]
    name += suffix[0]
    names_used.add(name)
    return name, name_cy


def _assured(kind: Kind, town: Optional[str], rng: random.Random, today: str) -> str:
    """The date the entry was last checked: the STALE date, or a random day in the year before today."""
    assured = STALE.get((kind.code, town))
    if assured is None:
        offset = rng.randint(5, 340)
        y, m, d = (int(x) for x in today.split("-"))
        assured = (_dt.date(y, m, d) - _dt.timedelta(days=offset)).isoformat()
    return assured


def _places(svc: Dict[str, Any], kind: Kind, n: int, town: Optional[str], t: Optional[Town], town_cy: str) -> List[str]:
    """Sets the service's location (at a venue in the town) and area; returns the service-at-location ids."""
    sid = svc["id"]
    sal_ids = []
    if town and not kind.area_based:
        assert t is not None, f"{town!r} is not in catalogue.TOWNS"
        venue = pick(kind.venues, n)
        loc_id = uid("location", town, venue)
        jitter = (int(uuid.UUID(loc_id)) % 1000) / 1000.0 - 0.5
        street = pick(STREETS, int(uuid.UUID(loc_id)) % 97)
        sal_id = uid("sal", sid, loc_id)
        sal_ids.append(sal_id)
        svc["service_at_locations"] = [{
            "id": sal_id, "service_id": sid, "location_id": loc_id,
            "location": {
                "id": loc_id, "location_type": "physical", "name": f"{town} {venue}",
                "description": f"{VENUE_CY.get(venue, venue)} {town_cy}",
                "latitude": round(t[3] + jitter * 0.01, 5), "longitude": round(t[4] - jitter * 0.01, 5),
                "addresses": [{
                    "id": uid("address", loc_id), "location_id": loc_id,
                    "address_1": f"{1 + int(uuid.UUID(loc_id)) % 60} {street}", "city": town,
                    "state_province": COUNTY[0], "postal_code": f"{t[2]} 9ZZ", "country": "GB",
                    "address_type": "physical"}],
            }}]
        svc["service_areas"] = [{"id": uid("area", sid), "service_id": sid,
                                 "name": f"{town} and nearby villages",
                                 "description": f"People living in and around {town}."}]
    elif town:
        svc["service_areas"] = [{"id": uid("area", sid), "service_id": sid, "name": f"{town} and surrounding area",
                                 "description": f"People living in {town} and the surrounding area, at home or by phone."}]
    else:
        svc["service_areas"] = [{"id": uid("area", sid), "service_id": sid, "name": COUNTY[0],
                                 "description": "The whole county, at home, by phone or online."}]
    return sal_ids


def _cost_options(kind: Kind, n: int, sid: str) -> List[Dict[str, Any]]:
    options = []
    for i, (option, amount, per) in enumerate(pick(kind.costs, n)):
        c: Dict[str, Any] = {"id": uid("cost", sid, i), "service_id": sid, "option": option, "currency": "GBP"}
        if amount is not None:
            c["amount"] = amount
        if per:
            c["amount_description"] = per
        options.append(c)
    return options


def _details(svc: Dict[str, Any], kind: Kind, n: int, welsh: bool, sal_ids: List[str], org_key: str,
             phone_n: int) -> None:
    """Sets the service's schedules, languages, organisation, costs, phone and contact."""
    sid = svc["id"]
    sched = pick(kind.schedules, n)
    svc["schedules"] = [{"id": uid("schedule", sid, i), "service_id": sid, **s,
                         **({"service_at_location_id": sal_ids[0]} if sal_ids else {})}
                        for i, s in enumerate(sched)]
    svc["languages"] = [{"id": uid("language", sid, "en"), "service_id": sid, "name": "English", "code": "en"}]
    if welsh:
        svc["languages"].append({"id": uid("language", sid, "cy"), "service_id": sid, "name": "Welsh",
                                 "code": "cy", "note": "Welsh-speaking staff or volunteers: ask for Welsh."})
    org_en, org_cy, org_mail = ORGANISATIONS[org_key]
    svc["organization"] = {"id": uid("org", org_key), "name": org_en,
                           "description": f"{org_cy}: a fictional organisation in the example directory.",
                           "email": f"{org_mail}@example.org", "website": f"https://www.example.org/{org_mail}",
                           "x_translations": {"cy": {
                               "name": org_cy,
                               "description": f"{org_cy}: sefydliad ffuglennol yn y cyfeiriadur enghreifftiol."}}}
    svc["cost_options"] = _cost_options(kind, n, sid)
    number = f"029 2018 0{phone_n:03d}" if phone_n < 1000 else f"01632 960{phone_n - 1000:03d}"
    svc["phones"] = [{"id": uid("phone", sid), "service_id": sid, "number": number, "type": "voice"}]
    if n % 2 == 0:
        svc["contacts"] = [{"id": uid("contact", sid), "service_id": sid, "name": "Service coordinator",
                            "title": "Coordinator", "email": f"coordinator.{slug(svc['name'])[:30]}@example.org"}]


def _service(kind: Kind, n: int, town: Optional[str], rng: random.Random, today: str, names_used: Set[str],
             phone_n: int, attrs: List[Tuple[str, Dict[str, Any]]]) -> Dict[str, Any]:
    """One service of the kind in the town (None: countywide); attrs are its (link type, term) pairs."""
    t = TOWNS_BY_NAME.get(town) if town else None
    town_cy = t[1] if t else COUNTY[1]
    org_key = pick(kind.orgs, n)
    welsh = org_key in ALWAYS_WELSH or rng.random() < (t[5] if t else 0.5)
    name, name_cy = _names(kind, n, town, town_cy, names_used)
    sid = uid("service", kind.code, town or "county", n)
    svc: Dict[str, Any] = {
        "id": sid, "name": name,
        "description": pick(kind.desc_en, n),
        "url": f"https://www.example.org/directory/{slug(name)}",
        "email": f"{slug(name)[:40]}@example.org",
        "status": CLOSED.get((kind.code, town), "active"),
    }
    if welsh:  # the x_translations extension (directory/validation.py)
        svc["x_translations"] = {"cy": {"name": name_cy, "description": pick(kind.desc_cy, n)}}
    lo, hi = pick(kind.ages, n)
    if lo is not None:
        svc["minimum_age"] = lo
    if hi is not None:
        svc["maximum_age"] = hi
    assured = _assured(kind, town, rng, today)
    svc["assured_date"] = assured
    svc["assurer_email"] = "directory@example.org"
    svc["last_modified"] = f"{assured}T09:00:00Z"
    svc["keywords"] = ", ".join(kind.keywords)
    if svc["status"] == "temporarily closed":
        svc["alert"] = "Closed while the hall is repaired; it will reopen in the spring."
    sal_ids = _places(svc, kind, n, town, t, town_cy)
    _details(svc, kind, n, welsh, sal_ids, org_key, phone_n)
    svc["attributes"] = [{"id": uid("attribute", sid, term["id"]), "link_id": sid, "link_type": link,
                          "link_entity": "service", "taxonomy_term_id": term["id"], "taxonomy_term": term}
                         for link, term in attrs]
    return svc


def build(today: str = "2026-11-23") -> List[Dict[str, Any]]:
    rng = random.Random(2026)
    taxes = _taxonomies()
    theme_terms = {c: _term(taxes["theme"], c, en, cy, d) for c, en, cy, d in THEME_TERMS}
    prevention_terms = {c: _term(taxes["prevention"], c, en, cy, d) for c, en, cy, d in PREVENTION_TERMS}
    services: List[Dict[str, Any]] = []
    names_used: Set[str] = set()
    phone_n = 200
    for kind_code, towns in PLAN:
        kind: Kind = KINDS_BY_CODE[kind_code]
        type_term = _term(taxes["type"], kind.code, kind.term[0], kind.term[1], f"{kind.term[0]} services.")
        attrs = [("theme", theme_terms[th]) for th in kind.themes] + [("type", type_term),
                                                                      ("prevention", prevention_terms[kind.prevention])]
        for n, town in enumerate(towns):
            phone_n += 1
            services.append(_service(kind, n, town, rng, today, names_used, phone_n, attrs))
    return services


def main() -> None:
    services = build()
    OUT.write_text(json.dumps(services, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    welsh = sum(1 for s in services if s.get("x_translations"))
    print(f"wrote {len(services)} services ({welsh} in Welsh) to {OUT}")


if __name__ == "__main__":
    main()

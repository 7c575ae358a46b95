"""What the bot says about one service, in English or Welsh: a card built from an ORUK 3.0
service object, with the schedule, cost and last-checked date in plain words.

Freshness (Code of Practice para 378, "correct at point of access"): a service whose details were
last checked more than STALE_MONTHS ago, or never, is stale; its card says so, with the date, in
both the description and the schedule, so it is never presented as current.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional

from iaa import welsh

from .lexicon import welsh_place_name

STALE_MONTHS = 12

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_EN = dict(zip(DAYS, welsh.DAYS_EN))
DAY_CY = dict(zip(DAYS, welsh.DAYS_CY))
MONTHS_EN = welsh.MONTHS_EN
MONTHS_CY = welsh.MONTHS_CY
ORDINAL_EN = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", -1: "Last"}
ORDINAL_CY = {1: "cyntaf", 2: "ail", 3: "trydydd", 4: "pedwerydd", 5: "pumed", -1: "olaf"}
PER_CY = {"per meal": "y pryd", "per session": "y sesiwn", "per hour": "yr awr", "per week": "yr wythnos",
          "per night": "y noson", "per journey": "y daith", "per class": "y dosbarth", "per visit": "yr ymweliad",
          "per month": "y mis", "per year": "y flwyddyn", "per day": "y dydd", "per person": "y person",
          "per trip": "y daith", "per item": "yr eitem", "a week": "yr wythnos"}


def months_ago(today: dt.date, months: int) -> dt.date:
    y, m = divmod(today.year * 12 + (today.month - 1) - months, 12)
    day = min(today.day, [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31,
                          30, 31, 30, 31][m])
    return dt.date(y, m + 1, day)


def last_checked(record: Dict[str, Any]) -> Optional[dt.date]:
    """When the service's details were last checked: assured_date (ORUK: "the date that the
    information about the service was last checked"), else the date it was last modified."""
    for key in ("assured_date", "last_modified"):
        value = record.get(key)
        if value:
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def is_stale(checked: Optional[dt.date], today: Optional[dt.date] = None, months: int = STALE_MONTHS) -> bool:
    today = today or dt.date.today()
    return checked is None or checked < months_ago(today, months)


def date_text(day: Optional[dt.date], language: str = "en") -> Optional[str]:
    if day is None:
        return None
    months = MONTHS_CY if language == "cy" else MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _time(value: Optional[str], language: str) -> Optional[str]:
    if not value:
        return None
    m = re.match(r"(\d{1,2}):(\d{2})", value)
    if not m:
        return None
    return welsh.clock(int(m.group(1)), int(m.group(2)), language)


def _join(items: List[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _weekly_days(days: List[str], interval: int, language: str) -> str:
    days = sorted(set(days), key=DAYS.index)
    idx = [DAYS.index(d) for d in days]
    if len(days) == 7:
        return "Bob dydd" if language == "cy" else "Every day"
    run = len(idx) >= 3 and idx == list(range(idx[0], idx[0] + len(idx)))
    if language == "cy":
        if run:  # "o" and "i" cause soft mutation: dydd -> ddydd
            return f"O {welsh.soft(DAY_CY[days[0]])} i {welsh.soft(DAY_CY[days[-1]])}"
        text = _join([DAY_CY[d] for d in days], "a")
        if interval == 2:
            return "Bob yn ail " + welsh.soft(text)
        return "Bob " + text
    if run:
        return f"{DAY_EN[days[0]]} to {DAY_EN[days[-1]]}"
    text = _join([DAY_EN[d] + ("" if interval == 2 else "s") for d in days], "and")
    return f"Every other {text}" if interval == 2 else text


def _one_schedule(s: Dict[str, Any], language: str) -> Optional[str]:
    freq = (s.get("freq") or "").upper()
    byday = [d.strip() for d in (s.get("byday") or "").upper().split(",") if d.strip()]
    interval = s.get("interval") or 1
    when = None
    if freq == "WEEKLY" and byday:
        when = _weekly_days([d[-2:] for d in byday], interval, language)
    elif freq == "MONTHLY" and byday:
        parts = []
        for d in byday:
            m = re.match(r"([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$", d)
            if not m:
                continue
            n = int(m.group(1) or 1)
            if language == "cy":
                day = DAY_CY[m.group(2)]
                parts.append(f"{day[0].upper()}{day[1:]} {ORDINAL_CY.get(n, str(n))} y mis")
            else:
                parts.append(f"{ORDINAL_EN.get(n, str(n))} {DAY_EN[m.group(2)]} of the month")
        when = _join(parts, "a" if language == "cy" else "and") or None
    elif freq == "MONTHLY" and s.get("bymonthday"):
        days = [d.strip() for d in str(s["bymonthday"]).split(",") if d.strip()]
        if language == "cy":
            when = "Ar y " + _join(days, "a") + " o bob mis"
        else:
            when = "On the " + _join([_ordinal(int(d)) for d in days], "and") + " of each month"
    opens, closes = _time(s.get("opens_at"), language), _time(s.get("closes_at"), language)
    if opens and closes:
        hours = f"{opens} tan {closes}" if language == "cy" else f"{opens} to {closes}"
    elif opens:
        hours = f"o {opens}" if language == "cy" else f"from {opens}"
    else:
        hours = None
    desc = (s.get("description_cy") if language == "cy" else None) or s.get("description")
    if when and hours:
        return f"{when}, {hours}"
    if when:
        return when
    if desc:
        return desc.strip().rstrip(".")
    if hours:
        return hours[0].upper() + hours[1:]
    return None


def _ordinal(n: int) -> str:
    if n < 0:
        return "last day" if n == -1 else f"{-n}th from last day"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def schedule_text(schedules: List[Dict[str, Any]], language: str = "en") -> Optional[str]:
    """Plain words for a service's schedules: "Tuesdays and Thursdays, 12pm to 2pm"."""
    parts = [p for p in (_one_schedule(s, language) for s in schedules or []) if p]
    seen, out = set(), []
    for p in parts:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return "; ".join(out) or None


def _money(amount: float) -> str:
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def is_free(record: Dict[str, Any]) -> bool:
    costs = record.get("cost_options") or []
    if costs:
        amounts = [c.get("amount") for c in costs]
        if any(isinstance(a, (int, float)) and a > 0 for a in amounts):
            return False
        return all((isinstance(c.get("amount"), (int, float)) and c["amount"] == 0)
                   or "free" in (c.get("option") or "").lower() for c in costs)
    fees = (record.get("fees") or "").strip().lower()
    return fees in ("free", "free of charge", "none", "no charge") or fees.startswith("free")


def cost_text(record: Dict[str, Any], language: str = "en") -> str:
    """"Free", "£3.50 per meal", or a pointer to ask the service."""
    cy = language == "cy"
    if is_free(record):
        return "Am ddim" if cy else "Free"
    parts = []
    for c in record.get("cost_options") or []:
        amount, desc, option = c.get("amount"), (c.get("amount_description") or "").strip(), (c.get("option") or "").strip()
        if isinstance(amount, (int, float)) and amount == 0:
            label = "Am ddim" if cy else "Free"
            parts.append(f"{label} ({option})" if option and "free" not in option.lower()
                         and (len(option.split()) > 1 or any(ch.isdigit() for ch in option)) else label)
        elif isinstance(amount, (int, float)):
            if cy:
                desc = PER_CY.get(desc.lower(), desc)
            text = f"{_money(amount)} {desc}".strip()
            if option and (len(option.split()) > 1 or any(ch.isdigit() for ch in option)):
                text += f" ({option})"  # "Over 70s", "Low income"; not a bare unit such as "Meal"
            parts.append(text)
        elif option or desc:
            parts.append(option or desc)
    if parts:
        return "; ".join(parts)
    if record.get("fees"):
        return record["fees"]
    return "Gofynnwch i'r gwasanaeth am unrhyw gost" if cy else "Ask the service about any cost"


def ages_text(record: Dict[str, Any], language: str = "en") -> Optional[str]:
    lo, hi = record.get("minimum_age"), record.get("maximum_age")
    cy = language == "cy"
    if lo is not None and hi is not None:
        return f"Oed {lo} i {hi}" if cy else f"Ages {lo} to {hi}"
    if lo is not None and lo > 0:
        return f"Oed {lo} a throsodd" if cy else f"Ages {lo} and over"
    if hi is not None:
        return f"Hyd at {hi} oed" if cy else f"Up to age {hi}"
    return None


def _first_location(record: Dict[str, Any]):
    for sal in record.get("service_at_locations") or []:
        loc = sal.get("location") or {}
        for a in loc.get("addresses") or []:
            if (a.get("address_type") or "physical") != "postal":
                return loc, a
        if loc:
            return loc, {}
    return None, {}


def address_text(record: Dict[str, Any]) -> Optional[str]:
    loc, a = _first_location(record)
    if loc is None:
        return None
    parts = [loc.get("name"), a.get("address_1"), a.get("address_2")]
    town = " ".join(p for p in (a.get("city"), a.get("postal_code")) if p)
    parts.append(town)
    seen, out = set(), []
    for p in parts:
        if p and p not in seen:
            seen.add(p)
            out.append(p)
    return ", ".join(out) or None


def town_of(record: Dict[str, Any], language: str = "en") -> Optional[str]:
    _loc, a = _first_location(record)
    if a.get("city"):
        return welsh_place_name(a["city"]) if language == "cy" else a["city"]
    for area in record.get("service_areas") or []:
        if area.get("name"):
            return area["name"]
    return None


def works_in_welsh(record: Dict[str, Any]) -> bool:
    return any((lang.get("code") or "").lower() in ("cy", "cym", "wel", "cy-gb")
               or (lang.get("name") or "").lower() in ("welsh", "cymraeg")
               for lang in record.get("languages") or [])


def welsh_spoken(record: Dict[str, Any]) -> Optional[bool]:
    """True: the service's ORUK `languages` include Welsh; False: they are given and do not;
    None: no languages are recorded, so nobody knows. (ORUK 3.0 puts languages on the service
    and its phones; its locations and service-at-locations carry none.)"""
    if works_in_welsh(record):
        return True
    return False if record.get("languages") else None


WELSH_LABELS = {  # the card's line saying whether the service works in Welsh
    True: {"en": "Welsh spoken", "cy": "Gwasanaeth Cymraeg ar gael"},
    False: {"en": "Not available in Welsh", "cy": "Dim gwasanaeth Cymraeg"},
    None: {"en": "Ask the service whether Welsh is spoken", "cy": "Gofynnwch a oes gwasanaeth Cymraeg"},
}


def welsh_text(record: Dict[str, Any], field: str) -> Optional[str]:
    """A service's (or organisation's) Welsh `name` or `description`: the `x_translations`
    extension (directory/validation.py), else the older flat `name_cy` / `description_cy`."""
    tr = record.get("x_translations")
    cy = tr.get("cy") if isinstance(tr, dict) else None
    value = (cy.get(field) if isinstance(cy, dict) else None) or record.get(f"{field}_cy")
    return value.strip() or None if isinstance(value, str) else None


def first_phone(record: Dict[str, Any]) -> Optional[str]:
    for p in record.get("phones") or []:
        if p.get("number"):
            return p["number"]
    for c in record.get("contacts") or []:
        for p in c.get("phones") or []:
            if p.get("number"):
                return p["number"]
    return None


def first_email(record: Dict[str, Any]) -> Optional[str]:
    if record.get("email"):
        return record["email"]
    for c in record.get("contacts") or []:
        if c.get("email"):
            return c["email"]
    return (record.get("organization") or {}).get("email")


def build_card(record: Dict[str, Any], language: str = "en", today: Optional[dt.date] = None,
               months: int = STALE_MONTHS) -> Dict[str, Any]:
    cy = language == "cy"
    checked = last_checked(record)
    stale = is_stale(checked, today, months)
    name_cy, description_cy = welsh_text(record, "name"), welsh_text(record, "description")
    name = (name_cy if cy else None) or record.get("name")
    description = ((description_cy if cy else None) or record.get("description") or "").strip()
    # In Welsh, a card whose name or details have no Welsh is shown in English and says so
    # (actions/directory_actions.py adds the sentence, bot/domain/directory_welsh.yml).
    english_only = cy and (not name_cy or (not description_cy and bool((record.get("description") or "").strip())))
    spoken = welsh_spoken(record)
    schedule = schedule_text(record.get("schedules") or [], language)
    checked_text = date_text(checked, language)
    if stale:
        if checked_text:
            note = (f"Gwiriwyd y manylion hyn ddiwethaf ar {checked_text}, felly gallant fod wedi newid: "
                    "cysylltwch â'r gwasanaeth cyn mynd." if cy else
                    f"These details were last checked on {checked_text}, so they may have changed: "
                    "contact the service before you go.")
            when_note = (f"(amseroedd wedi'u gwirio ddiwethaf ar {checked_text})" if cy
                         else f"(times last checked on {checked_text})")
        else:
            note = ("Does dim cofnod o bryd y gwiriwyd y manylion hyn: cysylltwch â'r gwasanaeth cyn mynd."
                    if cy else "We have no record of when these details were last checked: contact the "
                    "service before you go.")
            when_note = "(heb eu gwirio)" if cy else "(not checked)"
        description = f"{description} {note}".strip()
        schedule = (f"{schedule} {when_note}" if schedule
                    else ("Gofynnwch i'r gwasanaeth am yr amseroedd " if cy else "Ask the service for times ") + when_note)
    return {
        "id": record.get("id"),
        "name": name,
        "description": description,
        "address": address_text(record),
        "town": town_of(record, language),
        "phone": first_phone(record),
        "email": first_email(record),
        "url": record.get("url"),
        "schedule": schedule,
        "cost": cost_text(record, language),
        "ages": ages_text(record, language),
        "welsh": spoken,
        "welsh_label": WELSH_LABELS[spoken]["cy" if cy else "en"],
        "english_only": english_only,
        "last_checked": checked_text,
        "stale": stale,
        "status": record.get("status", "active"),
        "language": "cy" if cy else "en",
        # what kind of help this is (the directory's taxonomy term codes): counted, never shown
        "terms": sorted({t["term"] for a in record.get("attributes") or []
                         if isinstance(t := a.get("taxonomy_term"), dict) and t.get("term")}),
    }


def card_text(card: Dict[str, Any]) -> str:
    """The card as a few short lines of plain text (for SMS and the chat's text fallback)."""
    cy = card.get("language") == "cy"
    lines = [card["name"]]
    if card.get("description"):
        lines.append(card["description"])
    where = card.get("address") or card.get("town")
    if where:
        lines.append(("Ble: " if cy else "Where: ") + where)
    if card.get("schedule"):
        lines.append(("Pryd: " if cy else "When: ") + card["schedule"])
    contact = " / ".join(x for x in (card.get("phone"), card.get("email")) if x)
    if contact:
        lines.append(("Cysylltu: " if cy else "Contact: ") + contact)
    lines.append(("Cost: " if cy else "Cost: ") + card["cost"])
    if card.get("welsh_label"):
        lines.append(card["welsh_label"])
    elif card.get("welsh"):
        lines.append("Gwasanaeth ar gael yn Gymraeg" if cy else "Works in Welsh")
    if card.get("language_note"):
        lines.append(card["language_note"])
    if card.get("last_checked") and not card.get("stale"):
        lines.append(("Gwiriwyd ddiwethaf: " if cy else "Last checked: ") + card["last_checked"])
    return "\n".join(lines)

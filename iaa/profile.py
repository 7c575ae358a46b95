"""The council profile: one validated YAML file holding everything that differs per council."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Literal, Optional

from pydantic import BaseModel, Field, HttpUrl, ValidationError, root_validator, validator

from .concerns import CONCERNS
from .welsh import clock, day_name, soft
from .yamlfile import read_mapping

try:  # Python 3.9+
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # pragma: no cover
    raise

Day = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAYS: tuple[Day, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UK_PHONE = re.compile(r"^(\+44 ?)?[0-9][0-9 ]{1,16}[0-9]$")
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


def _phone(value: str) -> str:
    if not UK_PHONE.match(value):
        raise ValueError(f"{value!r} is not a UK phone number (digits and spaces, e.g. '029 2018 0123')")
    return value


class Council(Strict):
    name: str = Field(..., min_length=2, max_length=120)
    name_cy: str = Field(..., min_length=2, max_length=120)
    short_name: str = Field(..., min_length=2, max_length=60)


class IAAContact(Strict):
    phone: str
    email: str = Field(..., regex=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    website: HttpUrl
    textphone: Optional[str] = None
    # A British Sign Language video relay or video call service, if the council has one.
    bsl_video_url: Optional[HttpUrl] = None
    # How soon, while the office is open, a member of staff usually joins a handed-off chat.
    typical_reply_minutes: int = Field(..., ge=1, le=480)

    _phones = validator("phone", "textphone", allow_reuse=True)(lambda v: v and _phone(v))


class EmergencyDutyTeam(Strict):
    phone: str
    description: str = ""
    _phone = validator("phone", allow_reuse=True)(_phone)


class Session(Strict):
    open: str
    close: str

    @validator("open", "close")
    def _hhmm(cls, v: str) -> str:
        if not HHMM.match(v):
            raise ValueError(f"{v!r} is not a time like 09:00")
        return v

    @root_validator(skip_on_failure=True)
    def _order(cls, values):
        if values["open"] >= values["close"]:
            raise ValueError(f"opens at {values['open']} but closes at {values['close']}")
        return values

    def times(self) -> tuple[dt.time, dt.time]:
        return dt.time.fromisoformat(self.open), dt.time.fromisoformat(self.close)


class OpeningHours(Strict):
    timezone: str = "Europe/London"
    weekly: Dict[Day, Session]
    bank_holidays: List[dt.date] = []

    @validator("timezone")
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}")
        return v

    @validator("weekly")
    def _days(cls, v: Dict[Day, Session]) -> Dict[Day, Session]:
        if not v:
            raise ValueError("the service must open on at least one day")
        return v


class Helpline(Strict):
    id: str = Field(..., regex=r"^[a-z][a-z0-9_]*$")
    name: str
    name_cy: str
    phone: str
    hours: str = ""
    # The same hours in Welsh ("24 awr, am ddim"): required whenever hours is given.
    hours_cy: str = ""
    concerns: List[str] = []
    _phone = validator("phone", allow_reuse=True)(_phone)

    @root_validator(skip_on_failure=True)
    def _hours_in_welsh(cls, values):
        if values.get("hours") and not values.get("hours_cy"):
            raise ValueError(f"helpline {values.get('id')!r} gives hours but no hours_cy (the hours in Welsh)")
        return values

    def hours_in(self, language: str = "en") -> str:
        return self.hours_cy if language == "cy" else self.hours

    @validator("concerns", each_item=True)
    def _known_concern(cls, v: str) -> str:
        if v not in CONCERNS:
            raise ValueError(f"unknown concern {v!r}; use one of {', '.join(CONCERNS)}")
        return v


class Charges(Strict):
    year: str = Field(..., regex=r"^\d{4}-\d{2}$")
    max_weekly_charge_gbp: float = Field(..., ge=0, le=10000)
    residential_capital_limit_gbp: float = Field(..., ge=0)
    assistance_flat_rate_gbp: float = Field(0, ge=0, le=1000)

    @validator("year")
    def _consecutive(cls, v: str) -> str:
        first, second = int(v[:4]), int(v[5:])
        if (first + 1) % 100 != second:
            raise ValueError(f"{v!r} is not a financial year like 2026-27")
        return v

    def year_ends(self) -> dt.date:
        """The last day of the financial year the figures are for (31 March of its second year)."""
        return dt.date(int(self.year[:4]) + 1, 3, 31)

    def out_of_date(self, today: Optional[dt.date] = None) -> bool:
        return (today or dt.date.today()) > self.year_ends()


class Contact(Strict):
    """A service the bot points people to: the council's own, or a national body."""
    name: str = Field(..., min_length=2, max_length=120)
    name_cy: str = Field(..., min_length=2, max_length=120)
    phone: str
    website: HttpUrl
    _phone = validator("phone", allow_reuse=True)(_phone)


class Contacts(Strict):
    """Other services the bot's information answers name (Code of Practice paras 375-376: link
    to other information and advice services, such as the family information service)."""
    family_information_service: Contact
    welfare_rights: Contact
    independent_advice: Contact
    equipment_adaptations: Contact
    housing_options: Contact
    childrens_commissioner: Contact
    ombudsman: Contact
    care_inspectorate: Contact
    public_guardian: Contact
    dewis_website: HttpUrl
    # Where to find the council for another address (GOV.UK's postcode search).
    find_council_website: HttpUrl


class Retention(Strict):
    bot_only_conversation_days: int = Field(..., ge=1, le=3650)
    handed_off_conversation_days: int = Field(..., ge=1, le=3650)
    sms_number_days: int = Field(..., ge=1, le=365)
    enquiry_statistics_years: int = Field(..., ge=1, le=50)


class CouncilProfile(Strict):
    council: Council
    iaa: IAAContact
    emergency_duty_team: EmergencyDutyTeam
    opening_hours: OpeningHours
    helplines: List[Helpline]
    charges: Charges
    contacts: Contacts
    retention: Retention

    @validator("helplines")
    def _unique_ids(cls, v: List[Helpline]) -> List[Helpline]:
        ids = [h.id for h in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate helpline id(s): {dupes}")
        return v

    # -- questions the product asks of the profile -------------------------------------------

    def is_open(self, when: Optional[dt.datetime] = None) -> bool:
        tz = ZoneInfo(self.opening_hours.timezone)
        now = (when or dt.datetime.now(tz)).astimezone(tz)
        if now.date() in self.opening_hours.bank_holidays:
            return False
        session = self.opening_hours.weekly.get(DAYS[now.weekday()])
        if not session:
            return False
        opens, closes = session.times()
        return opens <= now.time() < closes

    def next_opening(self, when: Optional[dt.datetime] = None) -> dt.datetime:
        """The next moment the IAA service opens (now, if it is open)."""
        tz = ZoneInfo(self.opening_hours.timezone)
        now = (when or dt.datetime.now(tz)).astimezone(tz)
        for offset in range(0, 30):
            day = now.date() + dt.timedelta(days=offset)
            session = self.opening_hours.weekly.get(DAYS[day.weekday()])
            if not session or day in self.opening_hours.bank_holidays:
                continue
            opens, closes = session.times()
            start = dt.datetime.combine(day, opens, tzinfo=tz)
            end = dt.datetime.combine(day, closes, tzinfo=tz)
            if now < end:
                return max(start, now)
        raise ValueError("no opening time in the next 30 days")  # pragma: no cover

    def working_days_later(self, start: dt.datetime, days: int) -> dt.datetime:
        """The same time of day `days` working days after `start` (weekends, closed days and bank
        holidays skipped): the deadline for the three-working-day response standard."""
        tz = ZoneInfo(self.opening_hours.timezone)
        moment = start.astimezone(tz)
        added = 0
        while added < days:
            moment += dt.timedelta(days=1)
            if (DAYS[moment.weekday()] in self.opening_hours.weekly
                    and moment.date() not in self.opening_hours.bank_holidays):
                added += 1
        return moment

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working days from `start` to `end` (0 the same day; weekends, closed days and bank
        holidays not counted), in the council's time zone."""
        tz = ZoneInfo(self.opening_hours.timezone)
        day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
        n = 0
        while day < last:
            day += dt.timedelta(days=1)
            if DAYS[day.weekday()] in self.opening_hours.weekly and day not in self.opening_hours.bank_holidays:
                n += 1
        return n

    def hours_text(self, language: str = "en") -> str:
        """Opening hours in plain words, days with the same hours grouped: 'Monday to Thursday 9am
        to 5pm'; in Welsh 'dydd Llun i ddydd Iau 9yb i 5yp'."""
        groups: list[tuple[list[str], Session]] = []
        for day in DAYS:
            s = self.opening_hours.weekly.get(day)
            if s and groups and groups[-1][1] == s and DAYS.index(groups[-1][0][-1]) == DAYS.index(day) - 1:
                groups[-1][0].append(day)
            elif s:
                groups.append(([day], s))
        welsh = language == "cy"
        parts = []
        for days, s in groups:
            first, last = (day_name(DAYS.index(d), language) for d in (days[0], days[-1]))
            if len(days) == 1:
                label = first
            else:
                label = f"{first} i {soft(last)}" if welsh else f"{first} to {last}"
            opens, closes = _clock(s.open, language), _clock(s.close, language)
            parts.append(f"{label} {opens} i {closes}" if welsh else f"{label} {opens} to {closes}")
        if welsh:
            return ", ".join(parts) + " (ar gau ar wyliau banc)"
        return ", ".join(parts) + " (closed on bank holidays)"

    def helplines_for(self, concern: str) -> List[Helpline]:
        return [h for h in self.helplines if concern in h.concerns]

    def assistance_charge_sentence(self, language: str = "en") -> str:
        """A sentence on the flat-rate charge for assistance, or "" when the council sets none.
        It starts with a space, so a response can put it straight after another sentence."""
        rate = self.charges.assistance_flat_rate_gbp
        if rate <= 0:
            return ""
        amount = _money(rate)
        if language == "cy":
            return (f" Gall y cyngor godi tâl cyfradd unffurf isel o {amount} ar oedolion am gymorth"
                    " (help i drefnu gofal a chymorth). Nid yw plant byth yn talu.")
        return (f" The council may charge adults a low flat rate of {amount} for assistance (help to"
                " arrange care and support). Children are never charged.")

    def typical_reply(self, language: str = "en") -> str:
        """How soon staff usually reply in hours, in words: '20 minutes', '1 hour', '2 awr'."""
        minutes = self.iaa.typical_reply_minutes
        if minutes < 60 or minutes % 60:
            return f"{minutes} munud" if language == "cy" else f"{minutes} minutes"
        hours = minutes // 60
        if language == "cy":
            return f"{hours} awr"
        return "1 hour" if hours == 1 else f"{hours} hours"

    def template_values(self) -> Dict[str, str]:
        """Values the bot's responses may use, e.g. {iaa_phone}. Every value is a string (an
        optional one is "" when the profile leaves it out)."""
        values = {
            "council_name": self.council.name,
            "council_name_cy": self.council.name_cy,
            "iaa_phone": self.iaa.phone,
            "iaa_email": self.iaa.email,
            "iaa_website": str(self.iaa.website),
            "textphone_sentence": f" Textphone: {self.iaa.textphone}." if self.iaa.textphone else "",
            "bsl_sentence": (f" British Sign Language users can contact us by video: {self.iaa.bsl_video_url}."
                             if self.iaa.bsl_video_url else ""),
            "textphone_sentence_cy": f" Ffôn testun: {self.iaa.textphone}." if self.iaa.textphone else "",
            "bsl_sentence_cy": (f" Gall defnyddwyr Iaith Arwyddion Prydain gysylltu â ni drwy fideo: "
                                f"{self.iaa.bsl_video_url}." if self.iaa.bsl_video_url else ""),
            "typical_reply": self.typical_reply("en"),
            "typical_reply_cy": self.typical_reply("cy"),
            "edt_phone": self.emergency_duty_team.phone,
            "opening_hours": self.hours_text(),
            "opening_hours_cy": self.hours_text("cy"),
            "max_weekly_charge": _money(self.charges.max_weekly_charge_gbp),
            "capital_limit": _money(self.charges.residential_capital_limit_gbp),
            "charges_year": self.charges.year,
            "assistance_charge_sentence": self.assistance_charge_sentence("en"),
            "assistance_charge_sentence_cy": self.assistance_charge_sentence("cy"),
            "dewis_website": str(self.contacts.dewis_website),
            "find_council_website": str(self.contacts.find_council_website),
        }
        for key in CONTACT_KEYS:
            contact: Contact = getattr(self.contacts, key)
            values[f"{key}_name"] = contact.name
            values[f"{key}_name_cy"] = contact.name_cy
            values[f"{key}_phone"] = contact.phone
            values[f"{key}_website"] = str(contact.website)
        return values

    def warnings(self, today: Optional[dt.date] = None) -> List[str]:
        """Things a valid profile should still have put right soon (`iaa profile check`)."""
        found = []
        today = today or dt.date.today()
        if self.charges.out_of_date(today):
            found.append(f"the charge figures are for {self.charges.year}, which ended on "
                         f"{self.charges.year_ends().isoformat()}; put this year's figures in charges:, "
                         "or the bot will give out-of-date charges")
        return found


CONTACT_KEYS: tuple[str, ...] = tuple(k for k, f in Contacts.__fields__.items() if f.type_ is Contact)


def _money(amount: float) -> str:
    """£100, £50,000, or £2.50 when there are pence."""
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def _clock(hhmm: str, language: str = "en") -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    return clock(h, m, language)


class ProfileError(ValueError):
    """A council profile that cannot be used, with every problem listed."""


def load_profile(path: str | Path) -> CouncilProfile:
    path = Path(path)
    raw = read_mapping(path, ProfileError, "the council profile", "a mapping")
    try:
        return CouncilProfile.parse_obj(raw)
    except ValidationError as e:
        problems = "\n".join(
            f"  {'.'.join('(day name)' if p == '__key__' else str(p) for p in err['loc'])}: {err['msg']}"
            for err in e.errors()
        )
        raise ProfileError(f"{path}: {len(e.errors())} problem(s)\n{problems}")


@lru_cache(maxsize=8)
def cached_profile(path: str) -> CouncilProfile:
    return load_profile(path)

"""Replies the product gives in the same words whether Rasa or the front door gives them."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from .profile import CouncilProfile
from .texts import say
from .welsh import clock, day_name, month_name


def when_text(moment: dt.datetime, language: str = "en") -> str:
    """'9am on Monday 24 November' / '9yb dydd Llun 24 Tachwedd'."""
    when = clock(moment.hour, moment.minute, language)
    day, month = day_name(moment.weekday(), language), month_name(moment.month, language)
    if language == "cy":
        return f"{when} {day} {moment.day} {month}"
    return f"{when} on {day} {moment.day} {month}"


def safeguarding_reply(profile: CouncilProfile, concern: str, language: str,
                       now: Optional[dt.datetime] = None) -> List[str]:
    """Short and calm: thanks, what happens next, 999; out of hours the emergency duty team;
    the national helplines the council lists for this kind of concern."""
    if profile.is_open(now):
        parts = [say("safeguarding_in_hours", language, profile)]
    else:
        parts = [say("safeguarding_out_of_hours", language, profile,
                     back_at=when_text(profile.next_opening(now), language))]
    helplines = [h for h in profile.helplines_for(concern) if h.phone != "999"]
    if helplines:
        listed = ", ".join(f"{h.name_cy if language == 'cy' else h.name} {h.phone}"
                           + (f" ({h.hours_in(language)})" if h.hours_in(language) else "") for h in helplines)
        parts.append(say("safeguarding_helplines", language, profile, helplines=listed))
    return parts

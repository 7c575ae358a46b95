"""The demo page: a council-style page with the widget on it, filled from the council profile."""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Dict

from iaa.profile import CouncilProfile
from iaa.settings import get_settings

TEMPLATE = Path(__file__).resolve().parent / "templates" / "demo.html"


def _tel(number: str) -> str:
    return re.sub(r"[^\d+]", "", number)


def render_demo_page(profile: CouncilProfile, max_chars: int | None = None) -> str:
    """max_chars: the longest message the widget lets a citizen send (Settings.max_message_chars)."""
    p = profile
    given: Dict[str, object] = {
        "council_name": p.council.name, "council_name_cy": p.council.name_cy,
        "iaa_phone": p.iaa.phone, "iaa_phone_tel": _tel(p.iaa.phone),
        "edt_phone": p.emergency_duty_team.phone, "edt_phone_tel": _tel(p.emergency_duty_team.phone),
        "iaa_email": p.iaa.email, "opening_hours": p.hours_text(),
        "max_chars": max_chars or get_settings().max_message_chars,
    }
    values = {k: html.escape(str(v)) for k, v in given.items()}
    values["textphone_item"] = (
        f'<li>textphone <a href="tel:{_tel(p.iaa.textphone)}">{html.escape(p.iaa.textphone)}</a> '
        "if you are deaf or hard of hearing</li>" if p.iaa.textphone else "")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], TEMPLATE.read_text(encoding="utf-8"))

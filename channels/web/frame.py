"""GET /widget: the chat on a page of the front door's own, for a council's iframe (embed.js).

The conversation lives in this page, on the front door's origin, talking to the API
same-origin; scripts on the council's page cannot read it (the browser's same-origin policy),
and the API needs no cross-origin access. No inline script or event handler and no style
attribute: the page is fit for a Content-Security-Policy of script-src 'self' and style-src
'self'. Which council sites may frame it is the `widget_origins` setting (frame-ancestors).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from iaa.settings import get_settings

TEMPLATE = Path(__file__).resolve().parent / "templates" / "widget.html"

STRINGS = {
    "en": {"title": "Chat with us",
           "noscript": "This chat needs JavaScript, which is turned off. You can call us on"},
    "cy": {"title": "Sgwrsio \u00e2 ni",
           "noscript": "Mae angen JavaScript ar y sgwrs hon, ac mae wedi'i ddiffodd. Gallwch ein ffonio ar"},
}

router = APIRouter()


def _tel(number: str) -> str:
    return re.sub(r"[^\d+]", "", number)


def frame_lang(value: str | None) -> str:
    """en or cy from ?lang= (cy, cy-GB, CY...); anything else is English."""
    return "cy" if str(value or "").strip().lower().startswith("cy") else "en"


def render_widget_page(profile, lang: str, max_chars: int | None = None) -> str:
    lang = frame_lang(lang)
    p = profile
    values = {
        "lang": lang,
        "title": STRINGS[lang]["title"],
        "noscript": STRINGS[lang]["noscript"],
        "council_name": (p.council.name_cy or p.council.name) if lang == "cy" else p.council.name,
        "iaa_phone": p.iaa.phone,
        "iaa_phone_tel": _tel(p.iaa.phone),
        "max_chars": max_chars or get_settings().max_message_chars,
    }
    values = {k: html.escape(str(v)) for k, v in values.items()}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], TEMPLATE.read_text(encoding="utf-8"))


@router.get("/widget", include_in_schema=False)
def widget_page(request: Request, lang: str = "en") -> HTMLResponse:
    return HTMLResponse(render_widget_page(request.app.state.profile(), lang,
                                           request.app.state.settings.max_message_chars))

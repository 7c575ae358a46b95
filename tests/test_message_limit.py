"""One limit for a message's length (Settings.max_message_chars): the chat API refuses longer
text, and the demo page and the /widget page give the same number to the widget."""
import re
from pathlib import Path

from channels.web import api
from channels.web.demo import render_demo_page
from channels.web.frame import render_widget_page
from iaa.profile import load_profile
from iaa.settings import DEFAULT_PROFILE, Settings, get_settings

WIDGET_JS = Path(__file__).resolve().parent.parent / "channels" / "web" / "static" / "widget.js"


def _max_chars(page: str) -> int:
    tag = re.search(r'<script src="/static/widget.js"[^>]*>', page).group(0)
    return int(re.search(r'data-max-chars="(\d+)"', tag).group(1))


def test_the_api_uses_the_setting():
    assert api.MAX_TEXT == get_settings().max_message_chars == Settings.__fields__["max_message_chars"].default
    schema = api.ChatIn.schema()["properties"]["text"]
    assert schema["maxLength"] == get_settings().max_message_chars


def test_both_pages_give_the_widget_the_setting():
    profile = load_profile(DEFAULT_PROFILE)
    assert _max_chars(render_demo_page(profile)) == get_settings().max_message_chars
    assert _max_chars(render_demo_page(profile, 500)) == 500
    for lang in ("en", "cy"):
        assert _max_chars(render_widget_page(profile, lang)) == get_settings().max_message_chars
        assert _max_chars(render_widget_page(profile, lang, 750)) == 750


def test_the_widget_reads_the_attribute_and_falls_back_to_2000():
    js = WIDGET_JS.read_text(encoding="utf-8")
    assert 'getAttribute("data-max-chars")' in js
    assert "MAX_CHARS = 2000" in js  # only the fallback, for a page that gives no number
    assert len(re.findall(r"(?<![/\w])2000\b", js)) == 1  # not counting the SVG namespace's /2000/

"""The console's English and Welsh (console/static/console-strings.json): every key in both
languages, the same placeholders in both, and every key the pages and scripts use is there."""
import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "console" / "static"
STRINGS = json.loads((STATIC / "console-strings.json").read_text(encoding="utf-8"))
SCRIPTS = ("common.js", "login.js", "console.js", "console-live.js", "console-queue.js",
           "console-conversation.js", "console-actions.js")
PAGES = ("console.html", "login.html")


def test_every_key_has_english_and_welsh():
    assert set(STRINGS) == {"en", "cy"}
    assert set(STRINGS["en"]) == set(STRINGS["cy"])
    for key in STRINGS["en"]:
        for lang in ("en", "cy"):
            value = STRINGS[lang][key]
            assert isinstance(value, str) and value.strip(), (lang, key)


def test_placeholders_are_the_same_in_both_languages():
    for key, english in STRINGS["en"].items():
        assert set(re.findall(r"\{(\w+)\}", english)) == set(re.findall(r"\{(\w+)\}", STRINGS["cy"][key])), key


def test_the_welsh_is_not_the_english_copied():
    same = [k for k, v in STRINGS["en"].items() if STRINGS["cy"][k] == v]
    # Names and words that are the same in both (Staff, System, Problem, placeholders only).
    assert len(same) <= 12, same


def test_every_key_the_pages_and_scripts_use_is_there():
    used = set()
    for page in PAGES:
        html = (STATIC / page).read_text(encoding="utf-8")
        used |= set(re.findall(r'data-i18n="([^"]+)"', html))
        for pairs in re.findall(r'data-i18n-attr="([^"]+)"', html):
            used |= {p.split(":")[1] for p in pairs.split(";")}
    for script in SCRIPTS:
        js = (STATIC / script).read_text(encoding="utf-8")
        used |= {k for k in re.findall(r'\bt\("([\w.]+)"', js) if not k.endswith(".")}
    # Keys made from a code: "sender." + the message's sender.
    used |= {f"sender.{s}" for s in ("citizen", "bot", "staff", "system")}
    assert len(used) > 100
    missing = sorted(k for k in used if k not in STRINGS["en"])
    assert not missing, missing


def test_the_language_names_say_welsh_in_words():
    assert STRINGS["en"]["label.language.cy"] == "Cymraeg / Welsh" == STRINGS["cy"]["label.language.cy"]
    assert STRINGS["en"]["badge.welsh"] == "Welsh speaker wanted"


def test_the_pages_load_no_inline_script():
    for page in PAGES:
        html = (STATIC / page).read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", html), page  # no inline handlers either

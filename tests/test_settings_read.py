"""Every setting is read through iaa.settings.Settings: no module reads the environment itself."""
import re
from pathlib import Path

from iaa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("iaa", "frontdoor", "channels", "console", "directory", "safeguarding", "actions")
READ = re.compile(r"os\.environ\.get\(|os\.getenv\(|os\.environ\[[^\]]+\](?!\s*=)")


def test_no_module_reads_the_environment_itself():
    readers = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "settings.py" and path.parent.name == "iaa":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if READ.search(line):
                    readers.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert readers == []


def test_the_settings_that_moved(monkeypatch, tmp_path):
    monkeypatch.setenv("IAA_PLACES_PATH", str(tmp_path / "places.yml"))
    monkeypatch.setenv("IAA_SAFEGUARDING_CACHE", str(tmp_path))
    monkeypatch.setenv("IAA_SAFEGUARDING_SPACY_SHIELD", "0")
    s = Settings(rasa_token="t")
    assert s.places_path == str(tmp_path / "places.yml") and s.safeguarding_cache == str(tmp_path)
    assert s.safeguarding_spacy_shield is False
    monkeypatch.delenv("IAA_SAFEGUARDING_SPACY_SHIELD")
    assert Settings(rasa_token="t").safeguarding_spacy_shield is True


def test_one_setting_is_read_without_checking_the_others(monkeypatch):
    import pytest
    from pydantic import ValidationError

    from iaa.settings import setting

    monkeypatch.setenv("IAA_MODE", "production")  # no IAA_RASA_TOKEN: Settings() would refuse
    monkeypatch.delenv("IAA_RASA_TOKEN", raising=False)
    monkeypatch.delenv("IAA_MAX_MESSAGE_CHARS", raising=False)
    assert setting("max_message_chars") == 2000
    monkeypatch.setenv("IAA_MAX_MESSAGE_CHARS", "500")
    assert setting("max_message_chars") == 500
    monkeypatch.setenv("IAA_MAX_MESSAGE_CHARS", "none")
    with pytest.raises(ValidationError):
        setting("max_message_chars")

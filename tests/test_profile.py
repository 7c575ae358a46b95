import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import yaml

from frontdoor.cli import main
from iaa.profile import ProfileError, load_profile
from iaa.settings import ROOT
from tests.conftest import rasa_down_settings

EXAMPLE = ROOT / "data" / "council" / "example.yml"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def profile():
    return load_profile(EXAMPLE)


def write(tmp_path, data) -> str:
    path = tmp_path / "profile.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_example_profile_is_valid_and_fictional(profile):
    assert profile.council.name == "Sir Enghraifft County Council"
    # Ofcom's drama range for Cardiff numbers: 029 2018 0000 to 0999.
    for number in (profile.iaa.phone, profile.emergency_duty_team.phone):
        digits = number.replace(" ", "")
        assert digits.startswith("0292018") and 0 <= int(digits[7:]) <= 999
    assert profile.iaa.email.endswith("@example.org")
    assert {"samaritans", "childline", "live_fear_free"} <= {h.id for h in profile.helplines}


def test_every_problem_is_listed(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["iaa"]["phone"] = "call us!"
    data["opening_hours"]["weekly"]["funday"] = {"open": "09:00", "close": "17:00"}
    data["opening_hours"]["weekly"]["monday"] = {"open": "17:00", "close": "09:00"}
    del data["retention"]
    with pytest.raises(ProfileError) as e:
        load_profile(write(tmp_path, data))
    message = str(e.value)
    assert "iaa.phone" in message and "not a UK phone number" in message
    assert "opening_hours.weekly.(day name): unexpected value; permitted: 'monday'" in message
    assert "opens at 17:00 but closes at 09:00" in message
    assert "retention" in message and "required" in message


def test_unknown_keys_are_refused(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["council"]["phone"] = "029 2018 0100"  # belongs under iaa:
    with pytest.raises(ProfileError, match="council.phone"):
        load_profile(write(tmp_path, data))


def test_unreadable_files_are_explained(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_bytes(b"council: \xff\xfe")
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(bad)
    bad.write_text("council: [unclosed")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(tmp_path / "missing.yml")


@pytest.mark.parametrize("moment, is_open", [
    (dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), True),    # Monday morning
    (dt.datetime(2026, 11, 23, 17, 0, tzinfo=LONDON), False),   # closing time
    (dt.datetime(2026, 11, 27, 16, 45, tzinfo=LONDON), False),  # Friday closes at 16:30
    (dt.datetime(2026, 11, 28, 11, 0, tzinfo=LONDON), False),   # Saturday
    (dt.datetime(2026, 12, 25, 11, 0, tzinfo=LONDON), False),   # bank holiday
])
def test_opening_hours(profile, moment, is_open):
    assert profile.is_open(moment) is is_open


def test_next_opening_skips_weekend_and_bank_holidays(profile):
    christmas_eve_evening = dt.datetime(2026, 12, 24, 18, 0, tzinfo=LONDON)
    # 25th and 28th are bank holidays, 26th and 27th the weekend.
    assert profile.next_opening(christmas_eve_evening) == dt.datetime(2026, 12, 29, 9, 0, tzinfo=LONDON)


def test_hours_text(profile):
    assert profile.hours_text() == "Monday to Thursday 9am to 5pm, Friday 9am to 4.30pm (closed on bank holidays)"


def test_cli_profile_check(tmp_path, capsys):
    assert main(["profile", "check", str(EXAMPLE)]) == 0
    assert "valid profile" in capsys.readouterr().out
    data = yaml.safe_load(EXAMPLE.read_text())
    data["charges"]["max_weekly_charge_gbp"] = -5
    assert main(["profile", "check", write(tmp_path, data)]) == 1
    assert "max_weekly_charge_gbp" in capsys.readouterr().err


def test_helpline_concerns_must_be_known(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["helplines"][1]["concerns"] = ["domestic_abuse", "grumpiness"]
    with pytest.raises(ProfileError, match="unknown concern 'grumpiness'"):
        load_profile(write(tmp_path, data))


def test_another_council_gets_its_own_values_everywhere_the_front_door_speaks(unit_database, tmp_path):
    import yaml
    from fastapi.testclient import TestClient

    from frontdoor.app import create_app

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["council"].update(name="Ail Sir Council", name_cy="Cyngor Ail Sir")
    data["iaa"].update(phone="029 2018 0555", email="help@other.example.org", textphone=None)
    data["emergency_duty_team"]["phone"] = "029 2018 0666"
    other = tmp_path / "other.yml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings = rasa_down_settings(database_url=unit_database, profile_path=other)
    with TestClient(create_app(settings)) as client:
        page = client.get("/").text
        answer = client.post("/api/chat", json={"text": "hello"}).json()["messages"][0]["text"]
    for said in (page, answer):
        assert "029 2018 0555" in said and "0123" not in said and "Enghraifft" not in said
    assert "Ail Sir Council" in page and "029 2018 0666" in page and "help@other.example.org" in page
    assert 'data-phone="029 2018 0555"' in page and "textphone" not in page


def test_cli_profile_check_warns_when_bank_holidays_run_out(tmp_path, capsys):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["opening_hours"]["bank_holidays"] = [dt.date.today() - dt.timedelta(days=30)]
    assert main(["profile", "check", write(tmp_path, data)]) == 0  # still valid, but said
    assert "bank holidays are listed only up to" in capsys.readouterr().err
    data["opening_hours"]["bank_holidays"] = [dt.date.today() + dt.timedelta(days=400)]
    start = dt.date.today().year - (dt.date.today().month < 4)  # this financial year's figures
    data["charges"]["year"] = f"{start}-{(start + 1) % 100:02d}"
    assert main(["profile", "check", write(tmp_path, data)]) == 0
    assert "warning" not in capsys.readouterr().err

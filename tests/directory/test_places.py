"""The council's places (data/directory/places.yml): the shipped file is valid and used; a broken
one is refused at start with the file, the entry and the field named."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from directory import lexicon as lx
from directory.lexicon import PLACES_PATH, PlacesError, load_places
from directory.request import parse_service_request
from directory.search import DirectorySearch
from iaa.settings import ROOT

from .conftest import SAMPLE_DAY


def test_the_shipped_file_holds_the_towns_and_county_the_search_uses(sample_records):
    places = load_places(PLACES_PATH)
    assert lx.GAZETTEER == places
    lampeter = places.town("Lampeter")
    assert lampeter.name_cy == "Llanbedr Pont Steffan" and "Llanbedr" in lampeter.aliases
    assert places.county.name == "Sir Enghraifft" and "y sir gyfan" in places.county.area_names
    search = DirectorySearch.from_records(sample_records, today=SAMPLE_DAY)
    assert {t.name for t in places.towns} <= search.towns  # towns with no service yet are known too
    assert search.resolve_town("Llanbedr") == "Lampeter"  # an alias from the file
    assert parse_service_request("clwb cinio yn Llanbedr", search.towns)["town"] == "Lampeter"
    assert lx.welsh_place_name("Carmarthen") == "Caerfyrddin"


def _write(tmp_path, data) -> str:
    path = tmp_path / "places.yml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _good():
    return yaml.safe_load(PLACES_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("change,message", [
    (lambda d: d["towns"][4].pop("latitude"), "towns[4] (Carmarthen).latitude: field required"),
    (lambda d: d["towns"][4].update(latitude=151.9), "towns[4] (Carmarthen).latitude: ensure this value is less than or equal to 90"),
    (lambda d: d["towns"][0].update(postcode="SA19"), "towns[0] (Llandeilo).postcode: extra fields not permitted"),
    (lambda d: d["towns"].append({"name": "Llandeilo Fawr", "name_cy": "Llandeilo", "latitude": 51.9, "longitude": -4.0}),
     "the name 'llandeilo' is used by both Llandeilo (towns) and Llandeilo Fawr (towns)"),
    (lambda d: d["outside"].append({"name": "Carmarthen", "name_cy": "Caerfyrddin", "latitude": 51.9, "longitude": -4.3}),
     "the name 'carmarthen' is used by both Carmarthen (towns) and Carmarthen (outside)"),
    (lambda d: d.update(towns=[]), "towns: list at least one town"),
    (lambda d: d["county"].update(area_names=[]), "county.area_names: list at least one name for the whole county"),
    (lambda d: d.pop("county"), "county: field required"),
])
def test_a_broken_file_is_refused_naming_the_entry_and_field(tmp_path, change, message):
    data = _good()
    change(data)
    with pytest.raises(PlacesError) as e:
        load_places(_write(tmp_path, data))
    assert str(e.value).startswith(str(tmp_path / "places.yml") + ": ") and message in str(e.value), str(e.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(PlacesError, match="no such file"):
        load_places(tmp_path / "missing.yml")
    with pytest.raises(PlacesError, match="not valid YAML"):
        load_places(_write(tmp_path, "towns: [unclosed"))
    with pytest.raises(PlacesError, match="expected a mapping"):
        load_places(_write(tmp_path, "- a list\n"))
    (tmp_path / "latin1.yml").write_bytes("county: Sir Gâr\n".encode("latin-1"))
    with pytest.raises(PlacesError, match="not UTF-8"):
        load_places(tmp_path / "latin1.yml")


def test_another_councils_file_is_used_and_a_broken_one_stops_the_start(tmp_path):
    data = _good()
    data["towns"] = [{"name": "Tregaron", "name_cy": "Tregaron", "aliases": ["Tregaron town"],
                      "latitude": 52.220, "longitude": -3.932}]
    data["outside"] = []
    other = _write(tmp_path, data)
    code = ("from directory import lexicon as lx; from directory.search import DirectorySearch; "
            "s = DirectorySearch.from_records([]); print(sorted(s.towns), s.resolve_town('Tregaron town'))")
    env = {**os.environ, "IAA_PLACES_PATH": other}
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "['Tregaron'] Tregaron"
    data["towns"][0].pop("longitude")
    env["IAA_PLACES_PATH"] = _write(tmp_path, data)
    ran = subprocess.run([sys.executable, "-c", "import directory.search"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode != 0
    assert "PlacesError" in ran.stderr and "towns[0] (Tregaron).longitude: field required" in ran.stderr

"""The taxonomy's codes are kept once (data/taxonomy/codes.yml) and match the public contract."""
import re
from pathlib import Path

import pytest

from iaa import taxonomy
from iaa.taxonomy import TaxonomyError

CONTRACT = Path(__file__).resolve().parent.parent.parent / "shared" / "design" / "TAXONOMY.md"


def _contract_codes(text: str) -> dict:
    """Codes per dimension from TAXONOMY.md: the first column of the theme, topic and outcome
    tables, and the codes column of the "other dimensions" table."""
    out, section = {}, None
    for line in text.splitlines():
        heading = re.match(r"^## (\w+)", line)
        if heading:
            section = heading.group(1)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if not cells or set(cells[0]) <= set("- "):
            continue
        if section in ("theme", "topic", "outcome"):
            code = re.fullmatch(r"`(\w+)`", cells[0])
            if code:
                out.setdefault(section, []).append(code.group(1))
        elif section == "other" and len(cells) > 1:
            names = re.findall(r"`(\w+)`", cells[0])
            found = re.findall(r"`(\w+)`", cells[1])
            for name in names:
                if found:
                    out[name] = found
    return out


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/design/TAXONOMY.md is not beside this checkout")
def test_codes_match_the_public_contract():
    contract = _contract_codes(CONTRACT.read_text(encoding="utf-8"))
    assert contract["theme"] and contract["topic"] and contract["outcome"]
    for dim in ("theme", "topic", "outcome", "enquirer", "channel"):
        assert list(taxonomy.codes(dim)) == contract[dim], dim
    assert list(taxonomy.codes("language")) == contract["language_requested"] == contract["language_delivered"]


def test_defaults_and_stated_codes():
    assert taxonomy.default("theme") == "not_stated" and taxonomy.default("topic") == "other"
    assert taxonomy.default("enquirer") == "not_stated" and taxonomy.default("outcome") == "unresolved"
    assert "not_stated" not in taxonomy.stated("theme") and len(taxonomy.stated("theme")) == 9


def test_every_list_of_codes_in_code_is_the_file():
    from actions import classify
    from directory import search
    from safeguarding import THEMES

    assert THEMES == taxonomy.codes("theme")
    assert search.THEMES == taxonomy.stated("theme")
    assert classify.THEMES == set(taxonomy.stated("theme"))
    assert classify.TOPICS == set(taxonomy.stated("topic"))
    assert classify.ENQUIRERS == set(taxonomy.stated("enquirer"))


def test_the_cue_file_loads_in_file_order():
    cues = taxonomy.enquiry_cues()
    assert [c for c, _ in cues["themes"]][:2] == ["vawdasv", "secure_estate"]
    assert all(words for _, words in cues["themes"] + cues["enquirers"] + cues["topics"])


def test_a_missing_or_wrong_cue_file_is_a_clear_error(tmp_path):
    with pytest.raises(TaxonomyError, match="no such file"):
        taxonomy._load_cues(tmp_path / "missing.yml")
    bad = tmp_path / "cues.yml"
    bad.write_text("themes: {elderly: [old]}\nenquirers: {self: [i]}\ntopics: {advocacy: [advocate]}\n")
    with pytest.raises(TaxonomyError, match="unknown theme code 'elderly'"):
        taxonomy._load_cues(bad)
    bad.write_text("themes: {carers: []}\nenquirers: {self: [i]}\ntopics: {advocacy: [advocate]}\n")
    with pytest.raises(TaxonomyError, match="carers: expected a non-empty list"):
        taxonomy._load_cues(bad)
    bad.write_text("themes: {carers: [carer]}\ntopics: {advocacy: [advocate]}\n")
    with pytest.raises(TaxonomyError, match="enquirers: expected a mapping"):
        taxonomy._load_cues(bad)


def test_a_wrong_codes_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "codes.yml"
    bad.write_text("theme: {codes: [a, a]}\n")
    with pytest.raises(TaxonomyError, match="theme: codes must be distinct"):
        taxonomy._load_codes(bad)

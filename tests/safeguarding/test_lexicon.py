"""The safeguarding lexicon: the shipped file is valid, the checker reports every problem of a
broken file with its line, and the CLI commands behave."""
from __future__ import annotations

import argparse
import re

import pytest

from safeguarding import CONCERNS, DEFAULT_PATH, LexiconError, compile_lexicon, load_detector
from safeguarding.cli import register

BROKEN = """\
urgency: [immediate_danger, not_a_concern]
settings: {gap: 50}
groups:
  en:
    partner: [he, she]
concerns:
  immediate_danger:
    theme: not_a_theme
    en:
      - {id: dup.id, match: "{partner} ... {nosuchgroup}"}
      - {id: dup.id, match: "... knife"}
    cy: []
  suicide_self_harm:
    theme: mental_health
    en:
      - {id: s.1, match: ""}
      - {id: s.2}
      - {id: "bad id!", match: "a||b"}
      - {id: s.3, match: "{partner"}
    cy:
      - {id: s.cy, match: "eisiau marw"}
  made_up_concern:
    theme: not_stated
    en: [{id: m.1, match: "x"}]
    cy: [{id: m.2, match: "y"}]
"""


def problems_of(tmp_path, text: str):
    path = tmp_path / "lexicon.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        compile_lexicon(path)
    return path, err.value.problems


def test_shipped_lexicon_is_valid_and_covers_every_concern_in_both_languages():
    lexicon = compile_lexicon()
    assert list(lexicon.urgency) == list(CONCERNS)
    for concern in CONCERNS:
        assert lexicon.counts[concern]["en"] > 0 and lexicon.counts[concern]["cy"] > 0, concern
    assert set(lexicon.themes) == set(CONCERNS)


def test_broken_lexicon_reports_each_problem_with_its_line(tmp_path):
    path, problems = problems_of(tmp_path, BROKEN)
    text = "\n".join(problems)
    expected = {
        1: "unknown concern code 'not_a_concern'",
        2: "'gap' must be a whole number",
        8: "theme 'not_a_theme' is not a taxonomy theme code",
        10: "unknown word group {nosuchgroup}",
        11: "duplicate cue id",
        12: "no Welsh cues",
        16: "empty cue",
        17: "empty cue: 'match' needs a phrase or pattern",
        18: "empty alternative",
        19: "a word group is written {name}",
        22: "unknown concern code",
    }
    for line, message in expected.items():
        assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), \
            f"line {line}: {message!r} not in\n{text}"
    assert "an id may use letters, digits" in text
    assert "a pattern cannot begin or end with '...'" in text
    assert "concern 'child_homeless' is missing" in text
    assert "'adult_abuse_neglect' is missing from the urgency order" in text
    assert all(re.match(rf"{re.escape(str(path))}:\d+: \S", p) for p in problems)


def test_invalid_yaml_is_one_problem_with_a_line(tmp_path):
    path, problems = problems_of(tmp_path, "concerns:\n  immediate_danger: [unclosed\n")
    assert len(problems) == 1 and problems[0].startswith(f"{path}:") and "not valid YAML" in problems[0]


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(LexiconError) as err:
        compile_lexicon(tmp_path / "nope.yml")
    assert "cannot be read" in err.value.problems[0]


def test_load_detector_refuses_a_broken_lexicon(tmp_path):
    path = tmp_path / "lexicon.yml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(LexiconError):
        load_detector(path)


def cli(argv):
    parser = argparse.ArgumentParser(prog="iaa")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_check_passes_on_the_shipped_lexicon(capsys):
    assert cli(["safeguarding", "check"]) == 0
    out = capsys.readouterr().out
    assert str(DEFAULT_PATH) in out and "OK" in out and "Welsh cues" in out


def test_cli_check_lists_problems_and_exits_1(tmp_path, capsys):
    path = tmp_path / "lexicon.yml"
    path.write_text(BROKEN, encoding="utf-8")
    assert cli(["safeguarding", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:10:" in err and "unknown word group" in err
    assert re.search(r"\d+ problems", err)


def test_cli_screen_prints_flag_or_no_flag(capsys):
    assert cli(["safeguarding", "screen", "my son keeps taking money from my purse"]) == 0
    out = capsys.readouterr().out
    assert "concern: adult_abuse_neglect" in out and "theme: older_people" in out and "cue: " in out
    assert cli(["safeguarding", "screen", "what time does the day centre open"]) == 0
    assert capsys.readouterr().out.strip() == "no flag"


def test_cli_screen_explain_shows_the_reading(capsys):
    assert cli(["safeguarding", "screen", "--explain", "he hitz me"]) == 0
    out = capsys.readouterr().out
    assert '"words": "he hit me"' in out


def test_register_adds_a_command_group_with_int_returning_funcs():
    parser = argparse.ArgumentParser(prog="iaa")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(["safeguarding", "check", "some.yml"])
    assert args.path == "some.yml" and callable(args.func)
    args = parser.parse_args(["safeguarding", "screen", "hello"])
    assert args.text == "hello" and callable(args.func)
    with pytest.raises(SystemExit):
        parser.parse_args(["safeguarding"])


def test_always_ask_is_a_yes_or_no_on_a_cue(tmp_path):
    text = BROKEN.replace('{id: s.cy, match: "eisiau marw"}', '{id: s.cy, match: "eisiau marw", always_ask: maybe}')
    path, problems = problems_of(tmp_path, text)
    assert any(p.startswith(f"{path}:21:") and "always_ask must be true or false" in p for p in problems), problems


def test_the_shipped_refuge_cues_are_never_set_aside():
    lexicon = compile_lexicon()
    asked = {c.id for c in lexicon.cues.values() if c.always_ask}
    assert {"da.en.services-named", "da.cy.services-named"} <= asked
    # a refuge named in a long, ordinary-sounding question still gets the check-in
    flag = load_detector().screen("how do I get a carer's assessment for my dad, also what's the number for women's aid")
    assert flag is not None and flag.cue == "da.en.services-named"

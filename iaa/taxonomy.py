"""The enquiry taxonomy's codes (data/taxonomy/codes.yml, the public contract in TAXONOMY.md) and
the cue words that classify an enquiry (data/taxonomy/enquiry_cues.yml), each read and checked
in one place. Imports only the standard library and PyYAML: Rasa's components and the action
server use it too.

    theme_codes()              -> ("children_young_people", ..., "not_stated")
    codes("topic")             -> ("how_care_works", ..., "other")
    default("theme")           -> "not_stated"
    enquiry_cues()["themes"]   -> [("vawdasv", ["domestic abuse", ...]), ...]  (file order)
    enquiry_cues()["enquiry_themes"]     the themes without service_request_themes (the classifier's)
    enquiry_cues()["carer_own_needs"]    -> [("carers", [...])]   (optional sections, same shape)

A file that is missing or wrong raises TaxonomyError naming the file and what is wrong; nothing
falls back to a built-in copy.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

from .yamlfile import read_mapping

DATA = Path(__file__).resolve().parent.parent / "data" / "taxonomy"
CODES_FILE = DATA / "codes.yml"
CUES_FILE = DATA / "enquiry_cues.yml"
DIMENSIONS = ("theme", "topic", "outcome", "enquirer", "channel", "language")
# The cue file's sections and the dimension each one's keys are codes of.
CUE_SECTIONS = {"themes": "theme", "enquirers": "enquirer", "topics": "topic"}
# Optional sections, same shape: cues a service request also reads as a theme (merged into
# "themes", which the directory reads; the classifier reads "enquiry_themes" without them), a
# carer's words about their own needs, and words that say the writer is asking for themselves
# even though a relative is named, and the jobs that make the writer a professional when they say
# they do it ("I'm a nurse", "as her social worker", "rwy'n nyrs").
OPTIONAL_CUE_SECTIONS = {"service_request_themes": "theme", "carer_own_needs": "theme",
                         "self_over_relative": "enquirer", "professional_roles": "enquirer"}

Cues = List[Tuple[str, List[str]]]


class TaxonomyError(ValueError):
    """A taxonomy or cue file that cannot be used."""


@lru_cache(maxsize=None)
def _load_codes(path: Path = CODES_FILE) -> Dict[str, Tuple[Tuple[str, ...], str | None]]:
    raw = read_mapping(path, TaxonomyError, "the enquiry taxonomy's codes", "a mapping of dimensions")
    out: Dict[str, Tuple[Tuple[str, ...], str | None]] = {}
    for dim in DIMENSIONS:
        section = raw.get(dim)
        if not isinstance(section, dict) or not isinstance(section.get("codes"), list) or not section["codes"]:
            raise TaxonomyError(f"{path}: {dim}: expected a mapping with a non-empty list `codes`")
        found = section["codes"]
        if not all(isinstance(c, str) and c for c in found) or len(set(found)) != len(found):
            raise TaxonomyError(f"{path}: {dim}: codes must be distinct non-empty strings")
        fallback = section.get("default")
        if fallback is not None and fallback not in found:
            raise TaxonomyError(f"{path}: {dim}: default {fallback!r} is not one of its codes")
        out[dim] = (tuple(found), fallback)
    unknown = set(raw) - set(DIMENSIONS)
    if unknown:
        raise TaxonomyError(f"{path}: unknown dimension(s) {', '.join(sorted(map(str, unknown)))}")
    return out


def codes(dimension: str) -> Tuple[str, ...]:
    """Every code of a dimension, in the file's order (the default included)."""
    return _load_codes()[dimension][0]


def default(dimension: str) -> str | None:
    """The code recorded when nothing can be told ("not_stated", "other"), if the dimension has one."""
    return _load_codes()[dimension][1]


def theme_codes(include_default: bool = True) -> Tuple[str, ...]:
    return codes("theme") if include_default else tuple(c for c in codes("theme") if c != default("theme"))


def stated(dimension: str) -> Tuple[str, ...]:
    """The codes a cue or a service can carry: all but the default."""
    return tuple(c for c in codes(dimension) if c != default(dimension))


def _cue_section(path: Path, raw: Dict[str, Any], section: str, dim: str) -> Cues:
    entries = raw.get(section)
    if not isinstance(entries, dict) or not entries:
        raise TaxonomyError(f"{path}: {section}: expected a mapping of {dim} codes to lists of cues")
    known = stated(dim)
    cues: Cues = []
    for code, words in entries.items():
        if code not in known:
            raise TaxonomyError(f"{path}: {section}: unknown {dim} code {code!r}")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise TaxonomyError(f"{path}: {section}: {code}: expected a non-empty list of cue words")
        cues.append((code, [str(w) for w in words]))
    return cues


@lru_cache(maxsize=None)
def _load_cues(path: Path = CUES_FILE) -> Dict[str, Cues]:
    raw = read_mapping(path, TaxonomyError, "the enquiry classifier's cues", "a mapping")
    unknown = set(raw) - set(CUE_SECTIONS) - set(OPTIONAL_CUE_SECTIONS)
    if unknown:
        raise TaxonomyError(f"{path}: unknown section(s) {', '.join(sorted(map(str, unknown)))}")
    out: Dict[str, Cues] = {section: _cue_section(path, raw, section, dim) for section, dim in CUE_SECTIONS.items()}
    for section, dim in OPTIONAL_CUE_SECTIONS.items():
        out[section] = _cue_section(path, raw, section, dim) if section in raw else []
    out["enquiry_themes"] = out["themes"]
    extra = dict(out["service_request_themes"])
    # The merged themes keep the themes' order; a code only in service_request_themes goes last.
    merged = [(code, words + extra.pop(code, [])) for code, words in out["themes"]]
    out["themes"] = merged + list(extra.items())
    return out


def enquiry_cues() -> Dict[str, Cues]:
    """The cue words of each section ("themes", "enquirers", "topics", and the optional ones), in
    file order (the first whose cue appears wins). "themes" includes service_request_themes (what
    the directory reads); "enquiry_themes" does not (what the enquiry classifier reads). Raises
    TaxonomyError if the file is missing or wrong."""
    return _load_cues()


def check() -> None:
    """Load both files now, so a wrong one stops a process at start with a clear message."""
    _load_codes()
    _load_cues()

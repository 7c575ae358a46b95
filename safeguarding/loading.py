"""Reading the safeguarding lexicon's YAML with a line number for every key and item, and the
list of problems (file:line: where: what) that compiling collects before giving up."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

TOP_KEYS = {"version", "urgency", "extra_themes", "settings", "groups", "textspeak", "forms",
            "known_words", "not", "concerns"}
CONCERN_KEYS = {"theme", "description", "en", "cy", "not"}
CUE_KEYS = {"id", "match", "note", "tier", "always_ask"}
CUE_TIERS = ("urgent", "check")
SETTING_KEYS = {"gap", "fuzzy_min_length", "max_combinations", "noun_groups"}


class LexiconError(Exception):
    def __init__(self, problems: List[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --------------------------------------------------------------------------------------------
# YAML with line numbers

class _Map(dict):
    line = 0

    def __init__(self):
        super().__init__()
        self.lines: Dict[Any, int] = {}
        self.duplicates: List[Tuple[Any, int]] = []


class _Seq(list):
    line = 0

    def __init__(self):
        super().__init__()
        self.lines: List[int] = []


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in out:
            out.duplicates.append((key, key_node.start_mark.line + 1))
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq()
    out.line = node.start_mark.line + 1
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.lines.append(item.start_mark.line + 1)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def _line(container: Any, key: Any) -> int:
    if isinstance(container, _Map):
        return container.lines.get(key, container.line)
    if isinstance(container, _Seq) and isinstance(key, int) and key < len(container.lines):
        return container.lines[key]
    return getattr(container, "line", 0)


class _Problems(list):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def add(self, line: int, where: str, message: str) -> None:
        self.append(f"{self.path}:{line}: {where}: {message}")


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass

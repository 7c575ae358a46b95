"""What an import reads and reports: records as read (with where they came from), the problems
found, and the summary. Shared by the readers (`sources`, `csv_import`), `validation` and
`importer`; imports nothing else of the directory's."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

# Text that cannot be stored: lone surrogates (bytes that were not UTF-8, see decode_utf8) and NUL.
BAD_TEXT = re.compile("[\ud800-\udfff\x00]")


class RecordError(ValueError):
    """One problem with one record. `field` is a path inside the record ("phones[0].number");
    `file` and `record_id` are set when the problem lives in another file (a CSV row)."""

    def __init__(self, field: str, reason: str, file: Optional[str] = None,
                 record_id: Optional[str] = None) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.file, self.record_id = field, reason, file, record_id


@dataclass
class Problem:
    file: str
    record_id: str
    field: str
    reason: str

    def __str__(self) -> str:
        leaf, context = self.field, ""
        if "." in self.field and not self.field.startswith("("):
            context, leaf = self.field.rsplit(".", 1)
        where = f" (in {context})" if context else ""
        return f"{self.file}: record {self.record_id}: {leaf}: {self.reason}{where}"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: List[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def __str__(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.problems)} skipped")

    def as_dict(self) -> Dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "dry_run": self.dry_run,
                "problems": [p.__dict__ for p in self.problems]}


@dataclass
class Origin:
    """Where an object read from another file (a CSV row) came from, and what was wrong with it."""
    file: str
    row: str  # "row 5"
    errors: List[Problem] = field(default_factory=list)  # found while reading, first one reported
    duplicate: bool = False  # an earlier row had its id
    # Parent objects carried with an organisation or term: in the package, though no service uses them.
    parents: List[Dict[str, Any]] = field(default_factory=list)


class Sourced(dict):
    """An ORUK object (a plain dict of its fields) built from a row of another file, with its
    `origin` beside it rather than inside it."""

    def __init__(self, values: Dict[str, Any], origin: Origin) -> None:
        super().__init__(values)
        self.origin = origin


def origin_of(obj: Any) -> Optional[Origin]:
    return obj.origin if isinstance(obj, Sourced) else None


class Records(list):
    """A list of service records, plus the problems found while reading them."""

    def __init__(self, items: Iterable[Any] = (), problems: Optional[List[Problem]] = None) -> None:
        super().__init__(items)
        self.problems: List[Problem] = list(problems or [])


def decode_utf8(data: bytes) -> Tuple[str, Optional[int]]:
    """Decodes UTF-8 (a BOM is dropped); bytes that are not UTF-8 become lone surrogates so that
    the record holding them can be reported and skipped. Returns the text and the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        return data.decode("utf-8", errors="surrogateescape"), e.start


def shown(text: str) -> str:
    """Text safe to print: bytes that were not UTF-8 as \\xNN, other lone surrogates as \\uNNNN."""
    out = []
    for c in text:
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif "\ud800" <= c <= "\udfff" or c == "\x00":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)

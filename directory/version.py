"""The directory's version (`dir_meta.version`): goes up whenever an import changes something, so
a search index knows when to rebuild. Kept apart so the search reads it without the importer."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .models import DirectoryMeta


def directory_version(db: Session) -> int:
    row = db.get(DirectoryMeta, "version")
    return int(row.value) if row else 0


def bump_version(db: Session) -> None:
    row = db.get(DirectoryMeta, "version")
    if row is None:
        db.add(DirectoryMeta(key="version", value="1"))
    else:
        row.value = str(int(row.value) + 1)

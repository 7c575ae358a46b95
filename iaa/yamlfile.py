"""Reading the YAML files councils edit, with errors that name the file and what is wrong."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Type

import yaml


def read_mapping(path: Path | str, error: Type[Exception], what: str, expected: str) -> Dict[str, Any]:
    """The file's top-level mapping; otherwise `error` saying why, in words for its editor."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: no such file ({what})") from None
    except UnicodeDecodeError as e:
        raise error(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except yaml.YAMLError as e:
        raise error(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise error(f"{path}: expected {expected} at the top level")
    return raw

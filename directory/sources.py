"""Reading what an import is given: ORUK 3.0 JSON (a list of full service objects, one paged API
response, a list of paged responses), a folder of JSON pages, or an HSDS CSV datapackage (see
`csv_import`). Returns `Records`; raises ValueError when a file cannot be read."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

from .csv_import import read_datapackage
from .records import Records, decode_utf8


def _json_file(path: Path) -> Any:
    text, bad = decode_utf8(path.read_bytes())
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        if bad is not None:
            raise ValueError(f"{path}: not UTF-8 (byte {bad})")
        raise ValueError(f"{path}: not valid JSON: {e}")


def _records_from_json(data: Any, path: Path) -> List[Any]:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):  # a paged API response
        return data["contents"]
    if isinstance(data, list):
        if data and all(isinstance(d, dict) and isinstance(d.get("contents"), list) for d in data):
            return [r for page in data for r in page["contents"]]  # several pages in one file
        return data
    if isinstance(data, dict) and "id" in data and "name" in data:  # one full service object
        return [data]
    raise ValueError(f"{path}: expected a list of services or a paged response with 'contents'")


def read_services(path: Path) -> Records:
    """Reads services from ORUK 3.0 JSON, a folder of JSON pages, or an HSDS CSV datapackage
    (a datapackage.json, or a folder holding one). Raises ValueError if the file cannot be read."""
    path = Path(path)
    if path.is_dir():
        if (path / "datapackage.json").exists():
            return read_datapackage(path / "datapackage.json")
        pages = sorted(path.glob("*.json"))
        if not pages:
            raise ValueError(f"{path}: no datapackage.json and no .json files in this folder")
        out = Records()
        for page in pages:
            out.extend(_records_from_json(_json_file(page), page))
        return out
    if path.name.endswith("datapackage.json"):
        return read_datapackage(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    return Records(_records_from_json(_json_file(path), path))

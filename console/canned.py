"""Canned replies staff insert and edit: data/canned_replies.yml, checked at start-up."""
from __future__ import annotations

import string
from pathlib import Path
from typing import Dict, List

import yaml

from iaa.settings import ROOT

CANNED = ROOT / "data" / "canned_replies.yml"
PLACEHOLDERS = {"council_name", "iaa_phone", "iaa_email", "iaa_website", "edt_phone", "opening_hours",
                "max_weekly_charge", "capital_limit", "charges_year"}


def load_canned_replies(path: Path = CANNED) -> List[Dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of replies")
    seen = set()
    for i, item in enumerate(data):
        where = f"{path}: reply {i + 1}"
        if not isinstance(item, dict) or set(item) != {"id", "title", "text"}:
            raise ValueError(f"{where}: needs exactly id, title and text")
        if item["id"] in seen:
            raise ValueError(f"{where}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        unknown = {f for _, f, _, _ in string.Formatter().parse(item["text"]) if f} - PLACEHOLDERS
        if unknown:
            raise ValueError(f"{where}: unknown placeholder(s) {sorted(unknown)}")
    return data

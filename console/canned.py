"""Canned replies staff insert and edit: data/canned_replies.yml, checked at start-up. Each has
its English text and its Welsh text_cy (both required), for conversations in either language."""
from __future__ import annotations

import string
from pathlib import Path
from typing import Dict, List

import yaml

from iaa.settings import ROOT

CANNED = ROOT / "data" / "canned_replies.yml"
PLACEHOLDERS = {"council_name", "council_name_cy", "iaa_phone", "iaa_email", "iaa_website", "edt_phone",
                "opening_hours", "opening_hours_cy", "max_weekly_charge", "capital_limit", "charges_year"}
FIELDS = {"id", "title", "text", "text_cy"}


def load_canned_replies(path: Path = CANNED) -> List[Dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of replies")
    seen = set()
    for i, item in enumerate(data):
        where = f"{path}: reply {i + 1}"
        if not isinstance(item, dict) or set(item) != FIELDS:
            raise ValueError(f"{where}: needs exactly id, title, text and text_cy (the text in Welsh)")
        if item["id"] in seen:
            raise ValueError(f"{where}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        for key in ("text", "text_cy"):
            if not isinstance(item[key], str) or not item[key].strip():
                raise ValueError(f"{where}: {key} is empty")
            unknown = {f for _, f, _, _ in string.Formatter().parse(item[key]) if f} - PLACEHOLDERS
            if unknown:
                raise ValueError(f"{where}: unknown placeholder(s) in {key} {sorted(unknown)}")
    return data


def text_in(reply: Dict[str, str], language: str) -> str:
    """The reply's text in LANGUAGE (en or cy), not yet filled."""
    return reply["text_cy"] if language == "cy" else reply["text"]

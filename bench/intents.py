"""What the front door understands, measured end to end on held-out sets written by people who had
not seen data/nlu/: each message is the first of a new conversation sent to the real front door
(trained model, action server, the sample directory), and we read back what it did.

* intent: what Rasa made of the message (its tracker), or `safeguarding_disclosure` when the front
  door's own screen handed it off or asked its check-in question before Rasa saw it;
* the enquiry record planners get (theme, topic, enquirer), read from the database, for the
  messages that are enquiries;
* the language of the reply (a Welsh message should be answered in Welsh).

Each set is a folder under bench/heldout/ (intents-en, intents-cy, ...) with a messages.yml of
`{text, intent, kind, enquiry: {theme, topic, enquirer} | null}`; a Welsh set's `en` field is the
English counterpart of each message, measured beside it as "<set>:en".

    .venv/bin/python -m bench.intents [--sets bench/heldout/intents-en ...] [--limit N] [--confusions 20]
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import httpx
import yaml

from frontdoor.migrate import upgrade
from frontdoor.supervisor import FrontDoorProcesses, Ports
from frontdoor.training import ensure_model
from iaa.settings import ROOT, Settings

HELDOUT = ROOT / "bench" / "heldout"
SAMPLE = ROOT / "directory" / "sample" / "services.json"
# Letters and words only Welsh has: enough to tell which language a reply is in.
WELSH = re.compile(r"[ŵŷâêîôû]|\b(yn|ac|ydy|mae|eich|chi|gallwn|gyda|neu|am|i'r|y|yr|ar|beth)\b", re.I)
ENGLISH = re.compile(r"\b(the|and|you|your|we|can|with|or|for|to|is|are|what)\b", re.I)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reply_language(texts: List[str]) -> str:
    joined = " ".join(texts)
    cy, en = len(WELSH.findall(joined)), len(ENGLISH.findall(joined))
    return "none" if not joined.strip() else ("cy" if cy > en else "en")


def load_sets(paths: List[Path]) -> List[Tuple[str, List[dict]]]:
    sets = []
    for path in paths:
        messages = yaml.safe_load((path / "messages.yml").read_text(encoding="utf-8"))["messages"]
        sets.append((path.name, [{**m, "lang": "cy" if "en" in m else "en"} for m in messages]))
        if messages and "en" in messages[0]:  # the English counterpart, side by side
            sets.append((f"{path.name}:en", [{**m, "text": m["en"], "lang": "en"} for m in messages]))
    return sets


class FrontDoor:
    """The three processes on loopback, on a database of their own with the sample directory."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="iaa-bench-intents-"))
        self.db_path = self.tmp / "bench.db"
        url = f"sqlite:///{self.db_path}"
        upgrade(url)
        os.environ.update({name: "off" for name in (
            "IAA_RATE_CHAT_PER_ADDRESS", "IAA_RATE_CHAT_PER_CONVERSATION", "IAA_RATE_NEW_CONVERSATION_PER_ADDRESS")})
        import subprocess
        import sys

        subprocess.run([sys.executable, "-m", "frontdoor.cli", "directory", "import", str(SAMPLE), "--quiet"],
                       cwd=ROOT, env={**os.environ, "IAA_DATABASE_URL": url}, check=True)
        self.settings = Settings(database_url=url, mode="test", rasa_token="bench-intents")
        self.ports = Ports(frontdoor=free_port(), rasa=free_port(), actions=free_port())
        self.group = FrontDoorProcesses(self.settings, ensure_model(quiet=True), self.ports, log_dir=self.tmp / "logs")
        self.client = httpx.Client(timeout=60)

    def __enter__(self) -> "FrontDoor":
        self.group.start(announce=lambda m: None)
        return self

    def __exit__(self, *exc) -> None:
        self.group.stop()

    def ask(self, text: str, lang: Optional[str]) -> dict:
        r = self.client.post(f"http://127.0.0.1:{self.ports.frontdoor}/api/chat",
                             json={"text": text, **({"lang": lang} if lang else {})})
        r.raise_for_status()
        body = r.json()
        cid = body["conversation_id"]
        intent, guess = self.intent(cid, body)
        return {"intent": intent, "guess": guess, "record": self.record(cid),
                "language": reply_language([m.get("text") or "" for m in body["messages"]])}

    def intent(self, cid: str, body: dict) -> Tuple[str, str]:
        """What the bot acted on, and its best guess below the fallback threshold (a diagnosis:
        how many fallbacks hide a right guess)."""
        with sqlite3.connect(self.db_path) as con:
            flagged = con.execute("SELECT count(*) FROM safeguarding_flag WHERE conversation_id = ?", (cid,)).fetchone()[0]
        if flagged:
            return "safeguarding_disclosure", "safeguarding_disclosure"
        r = self.client.get(f"http://127.0.0.1:{self.ports.rasa}/conversations/{cid}/tracker",
                            params={"token": self.settings.rasa_token})
        if r.status_code != 200:
            return "(no reply from Rasa)", "(no reply from Rasa)"
        users = [e for e in r.json().get("events", []) if e.get("event") == "user"]
        if not users:
            return "(none)", "(none)"
        parse = users[-1].get("parse_data", {})
        acted = (parse.get("intent") or {}).get("name") or "(none)"
        ranked = [i.get("name") for i in parse.get("intent_ranking") or [] if i.get("name") != "nlu_fallback"]
        return acted, (ranked[0] if ranked else acted)

    def record(self, cid: str) -> Dict[str, str]:
        with sqlite3.connect(self.db_path) as con:
            row = con.execute("SELECT e.theme, e.topic, e.enquirer FROM conversation c JOIN enquiry e "
                              "ON e.id = c.enquiry_id WHERE c.id = ?", (cid,)).fetchone()
        return dict(zip(("theme", "topic", "enquirer"), row)) if row else {}


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}% ({n}/{d})" if d else "   -"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="*", default=None, help="held-out folders (default bench/heldout/intents-*)")
    ap.add_argument("--limit", type=int, default=0, help="at most N messages a set (0: all)")
    ap.add_argument("--confusions", type=int, default=25, help="how many confused pairs to list")
    ap.add_argument("--send-language", action="store_true",
                    help="send each message with its language, as the widget does after a language button")
    args = ap.parse_args()
    paths = [Path(p) for p in args.sets] if args.sets else sorted(p for p in HELDOUT.glob("intents-*") if p.is_dir())
    sets = load_sets(paths)
    results: Dict[str, List[Tuple[dict, dict]]] = {}
    started = time.perf_counter()
    with FrontDoor() as door:
        for name, messages in sets:
            chosen = messages[: args.limit] if args.limit else messages
            results[name] = [(m, door.ask(m["text"], m["lang"] if args.send_language else None)) for m in chosen]
    print(f"{sum(len(v) for v in results.values())} messages through the front door in "
          f"{time.perf_counter() - started:.0f} s (each the first of a new conversation)\n")
    report(results, args.confusions)


def report(results: Dict[str, List[Tuple[dict, dict]]], confusions: int) -> None:
    names = list(results)
    print(f"{'':<26}" + "".join(f"{n:>24}" for n in names))
    rows = [("intent", lambda m, g: g["intent"] == m["intent"], lambda m: True),
            ("intent, best guess", lambda m, g: g["guess"] == m["intent"], lambda m: True)]
    for dim in ("theme", "topic", "enquirer"):
        rows.append((f"record: {dim}", lambda m, g, d=dim: g["record"].get(d) == m["enquiry"][d],
                     lambda m: bool(m.get("enquiry"))))
    rows.append(("record: all three", lambda m, g: all(g["record"].get(d) == m["enquiry"][d]
                                                       for d in ("theme", "topic", "enquirer")),
                 lambda m: bool(m.get("enquiry"))))
    rows.append(("reply in its language", lambda m, g: g["language"] == m["lang"], lambda m: True))
    for label, right, counts in rows:
        cells = []
        for n in names:
            pairs = [(m, g) for m, g in results[n] if counts(m)]
            cells.append(pct(sum(1 for m, g in pairs if right(m, g)), len(pairs)))
        print(f"{label:<26}" + "".join(f"{c:>24}" for c in cells))
    kinds = sorted({m.get("kind", "") for n in names for m, _ in results[n]})
    for kind in kinds:
        cells = []
        for n in names:
            pairs = [(m, g) for m, g in results[n] if m.get("kind") == kind]
            cells.append(pct(sum(1 for m, g in pairs if g["intent"] == m["intent"]), len(pairs)))
        print(f"{'intent, ' + kind:<26}" + "".join(f"{c:>24}" for c in cells))
    for n in names:
        confused = collections.Counter((m["intent"], g["intent"]) for m, g in results[n] if g["intent"] != m["intent"])
        print(f"\n{n}: most confused (expected -> got)")
        for (want, got), count in confused.most_common(confusions):
            print(f"  {count:3}  {want:<26} -> {got}")
        for dim in ("theme", "topic"):
            wrong = collections.Counter((m["enquiry"][dim], g["record"].get(dim)) for m, g in results[n]
                                        if m.get("enquiry") and g["record"].get(dim) != m["enquiry"][dim])
            print(f"  {dim} wrong: " + ", ".join(f"{w}->{g} {c}" for (w, g), c in wrong.most_common(8)))


if __name__ == "__main__":
    main()

"""Front door overhead: p50/p95 latency of POST /api/chat for one user over N messages, side by
side with the same messages sent straight to Rasa's channel, in the same run.

    .venv/bin/python -m bench.chat_latency [--messages 100]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from frontdoor.migrate import upgrade
from iaa.settings import Settings
from frontdoor.supervisor import FrontDoorProcesses, Ports
from frontdoor.training import ensure_model

# A realistic mix of what citizens ask; none hands off, so every message reaches Rasa.
QUESTIONS = [
    "hello", "how does care and support work", "how do I get an assessment for my dad",
    "what are direct payments", "how much does care at home cost", "what help is there for carers",
    "can I get an advocate", "how do I complain", "can I have a carer's assessment",
    "what kind of support is available", "thanks",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="iaa-bench-"))
    db_url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(db_url)
    settings = Settings(database_url=db_url, mode="test", rasa_token="bench-token")
    ports = Ports(frontdoor=free_port(), rasa=free_port(), actions=free_port())
    group = FrontDoorProcesses(settings, ensure_model(quiet=True), ports, log_dir=tmp / "logs")
    group.start(announce=lambda m: None)
    try:
        client = httpx.Client(timeout=60)
        texts = [QUESTIONS[i % len(QUESTIONS)] for i in range(args.messages)]
        front, direct = [], []
        cid = None
        sender = uuid.uuid4().hex
        for i in range(3):  # warm both paths
            client.post(f"http://127.0.0.1:{ports.frontdoor}/api/chat", json={"text": "hello"})
        for text in texts:  # interleaved so both paths see the same machine load
            body = {"text": text, **({"conversation_id": cid} if cid else {})}
            t = time.perf_counter()
            r = client.post(f"http://127.0.0.1:{ports.frontdoor}/api/chat", json=body)
            front.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
            cid = r.json()["conversation_id"]
            assert r.json()["status"] == "bot", "a benchmark message handed off; change the mix"

            t = time.perf_counter()
            r = client.post(f"http://127.0.0.1:{ports.rasa}/webhooks/frontdoor/webhook",
                            json={"sender": sender, "message": text, "metadata": {"language": "en"}},
                            headers={"Authorization": f"Bearer {settings.rasa_token}"})
            direct.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
    finally:
        group.stop()

    print(f"{args.messages} messages, one user, {len(set(texts))} distinct questions")
    print(f"{'path':<28}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, vals in (("front door POST /api/chat", front), ("Rasa channel directly", direct)):
        print(f"{name:<28}{pct(vals, 50):>10.1f}{pct(vals, 95):>10.1f}{statistics.mean(vals):>10.1f}")
    print(f"{'ratio (front door / Rasa)':<28}{pct(front, 50) / pct(direct, 50):>10.2f}"
          f"{pct(front, 95) / pct(direct, 95):>10.2f}{statistics.mean(front) / statistics.mean(direct):>10.2f}")


if __name__ == "__main__":
    main()

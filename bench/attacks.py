"""The front door under attack and under faults, with the council's default limits: what was
sent, what came back, /healthz p95 during each (side by side with idle, in the same run), and
messages lost (accepted but not stored, or refused without an answer). Loopback only, bounded.

    .venv/bin/python -m bench.attacks [--quick]
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures as cf
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List

import httpx
import websockets
from sqlalchemy import create_engine, text

from bench.chat_latency import free_port, pct
from frontdoor.migrate import upgrade
from iaa.settings import ROOT, Settings
from frontdoor.supervisor import FrontDoorProcesses, Ports
from frontdoor.training import ensure_model


class HealthProbe:
    """Asks /healthz every 50 ms in the background, as a liveness probe would."""

    def __init__(self, url: str) -> None:
        self.url, self.times, self.failures = url, [], 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                t = time.perf_counter()
                try:
                    ok = client.get(self.url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.times.append(time.perf_counter() - t)
                self.failures += not ok
                self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def p95_ms(self) -> float:
        return pct(self.times, 95) * 1000 if self.times else float("nan")


class Bench:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        tmp = Path(tempfile.mkdtemp(prefix="iaa-bench-attacks-"))
        self.db_url = f"sqlite:///{tmp / 'bench.db'}"
        upgrade(self.db_url)
        subprocess.run([sys.executable, "-m", "frontdoor.cli", "directory", "import",
                        str(ROOT / "directory/sample/services.json"), "--quiet"],
                       cwd=ROOT, env={**os.environ, "IAA_DATABASE_URL": self.db_url}, check=True)
        for name in [k for k in os.environ if k.startswith("IAA_RATE_")]:
            del os.environ[name]  # the defaults a council starts with
        settings = Settings(database_url=self.db_url, mode="test", rasa_token="bench-token")
        self.ports = Ports(frontdoor=free_port(), rasa=free_port(), actions=free_port())
        self.group = FrontDoorProcesses(settings, ensure_model(quiet=True), self.ports, log_dir=tmp / "logs")
        self.group.start(announce=lambda m: None)
        self.url = f"http://127.0.0.1:{self.ports.frontdoor}"
        self.accepted: List[str] = []  # (conversation id) of each citizen message answered 200
        self.rows: List[Dict] = []
        self._ip = 0
        self.username, self.password = "bench-staff", "a long enough password"
        subprocess.run([sys.executable, "-m", "frontdoor.cli", "user", "add", self.username, "--first-name", "Bench",
                        "--role", "staff", "--password-stdin"], input=self.password + "\n", text=True,
                       cwd=ROOT, env={**os.environ, "IAA_DATABASE_URL": self.db_url}, check=True,
                       capture_output=True)
        watch = getattr(self.group, "watch", None)  # the self-healing loop, when the supervisor has one
        self.watching = None
        if watch is not None:
            self.watching = threading.Thread(target=watch, daemon=True)
            self.watching.start()

    def address(self) -> str:
        self._ip += 1
        return f"10.{self._ip // 65536 % 256}.{self._ip // 256 % 256}.{self._ip % 256}"

    def chat(self, client: httpx.Client, said: str, cid=None, ip=None) -> httpx.Response:
        r = client.post(f"{self.url}/api/chat", json={"text": said, **({"conversation_id": cid} if cid else {})},
                        headers={"x-forwarded-for": ip or self.address()})
        if r.status_code == 200:
            self.accepted.append(r.json()["conversation_id"])
        return r

    def scenario(self, name: str, sent: str, run: Callable[[], str]) -> None:
        with HealthProbe(f"{self.url}/healthz") as probe:
            t = time.perf_counter()
            came_back = run()
            took = time.perf_counter() - t
        self.rows.append({"scenario": name, "sent": sent, "came back": came_back, "seconds": f"{took:.1f}",
                          "healthz p95 ms": probe.p95_ms(), "healthz failed": probe.failures})
        print(f"  done: {name}", flush=True)

    # -- scenarios ------------------------------------------------------------------------

    def idle(self) -> str:
        time.sleep(3)
        return "-"

    def concurrent_chats(self, n: int) -> str:
        def one(_):
            with httpx.Client(timeout=60) as c:
                t = time.perf_counter()
                r = self.chat(c, "how do I get a care assessment for my dad")
                kind = r.json()["messages"][0]["sender"] if r.status_code == 200 else str(r.status_code)
                return kind, time.perf_counter() - t

        with cf.ThreadPoolExecutor(n) as pool:
            results = list(pool.map(one, range(n)))
        kinds = Counter(k for k, _ in results)
        return f"{dict(kinds)}; reply p95 {pct([t for _, t in results], 95):.1f} s"

    def burst_one_address(self, n: int) -> str:
        ip = self.address()
        before = self.count("SELECT count(*) FROM enquiry")
        with httpx.Client(timeout=60) as c:
            codes = Counter(self.chat(c, "hello", ip=ip).status_code for _ in range(n))
        made = self.count("SELECT count(*) FROM enquiry") - before
        return f"HTTP {dict(codes)}; enquiry records created {made}"

    def big_body(self, size: int) -> str:
        body = b'{"text": "' + b"a" * size + b'"}'
        with httpx.Client(timeout=120) as c:
            t = time.perf_counter()
            r = c.post(f"{self.url}/api/chat", content=body, headers={"content-type": "application/json"})
        return f"HTTP {r.status_code} in {(time.perf_counter() - t) * 1000:.0f} ms"

    def big_frame(self, size: int) -> str:
        async def run():
            url = self.url.replace("http://", "ws://") + "/api/chat/ws"
            async with websockets.connect(url, max_size=None) as ws:
                await ws.send('{"type":"hello"}')
                await ws.recv()
                await ws.send('{"type":"message","text":"' + "a" * size + '"}')
                try:
                    await asyncio.wait_for(ws.recv(), 10)
                    return "answered"
                except websockets.ConnectionClosed as e:
                    return f"closed with {e.code}"

        return asyncio.run(run())

    def sign_in_flood(self, per_second: float, seconds: float) -> str:
        codes: Counter = Counter()
        citizen: List[float] = []
        kinds: Counter = Counter()
        stop = time.monotonic() + seconds

        def attempt(i):
            with httpx.Client(timeout=60) as c:
                r = c.post(f"{self.url}/console/api/login", json={"username": self.username, "password": f"guess {i}"},
                           headers={"x-forwarded-for": self.address()})
                codes[r.status_code] += 1

        def citizen_chats():
            with httpx.Client(timeout=60) as c:
                cid = None
                while time.monotonic() < stop:
                    t = time.perf_counter()
                    r = self.chat(c, "what are direct payments" if cid else "hello", cid)
                    citizen.append(time.perf_counter() - t)
                    kinds[r.json()["messages"][0]["sender"] if r.status_code == 200 else str(r.status_code)] += 1
                    cid = r.json().get("conversation_id") if r.status_code == 200 else cid
                    time.sleep(0.5)

        talker = threading.Thread(target=citizen_chats)
        talker.start()
        with cf.ThreadPoolExecutor(32) as pool:
            i = 0
            while time.monotonic() < stop:
                pool.submit(attempt, i)
                i += 1
                time.sleep(1 / per_second)
        talker.join()
        return (f"sign-in HTTP {dict(codes)}; citizen replies {dict(kinds)}, "
                f"p95 {pct(citizen, 95):.1f} s, worst {max(citizen):.1f} s")

    def kill(self, name: str) -> str:
        child = next(c for c in self.group.children if c.name == name)
        with httpx.Client(timeout=60) as c:
            cid = self.chat(c, "hello").json()["conversation_id"]
            os.killpg(child.proc.pid, signal.SIGKILL)
            t = time.perf_counter()
            kinds: Counter = Counter()
            back = None
            while time.perf_counter() - t < 120:
                r = self.chat(c, "what are direct payments", cid)
                sender = r.json()["messages"][0]["sender"] if r.status_code == 200 and r.json()["messages"] else str(r.status_code)
                kinds[sender] += 1
                if sender == "bot":
                    back = time.perf_counter() - t
                    break
                time.sleep(3)  # a patient citizen, under the per-conversation limit
        restarted = f"bot answering again after {back:.0f} s" if back is not None else "not back within 120 s"
        return f"{restarted}; replies meanwhile {dict(kinds)}"

    # -- bookkeeping ----------------------------------------------------------------------

    def count(self, sql: str) -> int:
        engine = create_engine(self.db_url, future=True)
        with engine.connect() as c:
            n = c.execute(text(sql)).scalar()
        engine.dispose()
        return n

    def lost(self) -> int:
        """Citizen messages answered 200 whose words are not in the database."""
        stored = Counter()
        engine = create_engine(self.db_url, future=True)
        with engine.connect() as c:
            for cid, n in c.execute(text("SELECT conversation_id, count(*) FROM message "
                                         "WHERE sender = 'citizen' GROUP BY conversation_id")):
                stored[cid] = n
        engine.dispose()
        accepted = Counter(self.accepted)
        return sum(max(0, n - stored[cid]) for cid, n in accepted.items())

    def report(self) -> None:
        idle = self.rows[0]["healthz p95 ms"]
        print()
        print("| scenario | sent | came back | s | /healthz p95 ms | vs idle | probe failures |")
        print("|---|---|---|---|---|---|---|")
        for r in self.rows:
            print(f"| {r['scenario']} | {r['sent']} | {r['came back']} | {r['seconds']} | "
                  f"{r['healthz p95 ms']:.1f} | {r['healthz p95 ms'] / idle:.1f}x | {r['healthz failed']} |")
        print(f"\nmessages accepted: {len(self.accepted)}; lost (accepted but not stored): {self.lost()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller bursts (a smoke run)")
    args = ap.parse_args()
    b = Bench(args.quick)
    n = 10 if args.quick else 50
    try:
        b.scenario("idle", "nothing", b.idle)
        b.scenario("concurrent chats", f"{n} at once, one per address", lambda: b.concurrent_chats(n))
        b.scenario("burst from one address", f"{n * 6} new conversations", lambda: b.burst_one_address(n * 6))
        b.scenario("20 MB body", "POST /api/chat, 20,000,000 bytes", lambda: b.big_body(20_000_000))
        b.scenario("1 MB websocket frame", "one frame of 1,000,000 bytes", lambda: b.big_frame(1_000_000))
        b.scenario("sign-in flood", "8 attempts/s for 15 s, new address each, while a citizen chats",
                   lambda: b.sign_in_flood(8, 15))
        b.scenario("sign-in flood", "30 attempts/s for 15 s, new address each, while a citizen chats",
                   lambda: b.sign_in_flood(30, 15))
        if b.watching is not None:
            b.scenario("action server killed", "SIGKILL, then a message every 3 s", lambda: b.kill("action server"))
            b.scenario("Rasa killed", "SIGKILL, then a message every 3 s", lambda: b.kill("rasa server"))
        b.report()
    finally:
        stop = getattr(b.group, "shutdown", None) or b.group.stop
        stop()


if __name__ == "__main__":
    main()

"""Starts the action server, the Rasa server and the front door as child processes, waits until
each answers, and stops them all cleanly. Used by `iaa serve` and by the end-to-end tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from .settings import RASA_ENV, ROOT, VAR, Settings


@dataclass
class Ports:
    frontdoor: int = 8000
    rasa: int = 5005
    actions: int = 5055


@dataclass
class Child:
    name: str
    argv: List[str]
    ready_url: str
    env: Dict[str, str]
    log: Optional[Path] = None
    proc: Optional[subprocess.Popen] = None


def tracker_env(settings: Settings) -> Dict[str, str]:
    """Rasa's SQL tracker store: SQLite beside the app's database, or the same PostgreSQL server."""
    url = settings.database_url
    if url.startswith("sqlite:///"):
        return {"IAA_TRACKER_DIALECT": "sqlite", "IAA_TRACKER_URL": "",
                "IAA_TRACKER_DB": str(Path(url[len("sqlite:///"):]).with_name("rasa-tracker.db"))}
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    return {"IAA_TRACKER_DIALECT": dialect, "IAA_TRACKER_URL": url, "IAA_TRACKER_DB": ""}


def tracker_url(settings: Settings) -> str:
    """The SQLAlchemy URL of Rasa's tracker store, for the retention purge."""
    env = tracker_env(settings)
    return env["IAA_TRACKER_URL"] or f"sqlite:///{env['IAA_TRACKER_DB']}"


@dataclass
class FrontDoorProcesses:
    settings: Settings
    model: Path
    ports: Ports = field(default_factory=Ports)
    log_dir: Optional[Path] = None  # None: children write to this terminal
    children: List[Child] = field(default_factory=list)

    def plan(self) -> List[Child]:
        s, p = self.settings, self.ports
        base = {**os.environ, **RASA_ENV, "PYTHONPATH": str(ROOT), "IAA_RASA_TOKEN": s.rasa_token,
                "IAA_DATABASE_URL": s.database_url, "IAA_PROFILE_PATH": str(s.profile_path),
                "IAA_MODE": s.mode}
        host = "127.0.0.1"
        return [
            Child("action server", [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                                    "--port", str(p.actions)],
                  f"http://{host}:{p.actions}/health", {**base, "SANIC_HOST": host}),
            Child("rasa server", [sys.executable, "-m", "rasa", "run", "--enable-api",
                                  "--auth-token", s.rasa_token, "--interface", host, "--port", str(p.rasa),
                                  "--model", str(self.model),
                                  "--endpoints", str(ROOT / "bot" / "endpoints.yml"),
                                  "--credentials", str(ROOT / "bot" / "credentials.yml")],
                  f"http://{host}:{p.rasa}/status?token={s.rasa_token}",
                  {**base, **tracker_env(s), "IAA_ACTION_WEBHOOK": f"http://{host}:{p.actions}/webhook"}),
            Child("front door", [sys.executable, "-m", "uvicorn", "iaa.app:create_app", "--factory",
                                 "--host", s.host, "--port", str(p.frontdoor), "--no-access-log"],
                  f"http://{host}:{p.frontdoor}/healthz",
                  {**base, "IAA_RASA_URL": f"http://{host}:{p.rasa}",
                   "IAA_ACTION_URL": f"http://{host}:{p.actions}", "IAA_HOST": s.host,
                   "IAA_PORT": str(p.frontdoor)}),
        ]

    def start(self, timeout: float = 240.0, announce=print) -> None:
        VAR.mkdir(exist_ok=True)
        self.children = self.plan()
        for child in self.children:
            out = None
            if self.log_dir:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                child.log = self.log_dir / f"{child.name.replace(' ', '-')}.log"
                out = open(child.log, "ab")
            announce(f"[serve] starting {child.name}: {child.ready_url.split('?')[0]}")
            child.proc = subprocess.Popen(child.argv, cwd=ROOT, env=child.env, stdout=out,
                                          stderr=subprocess.STDOUT if out else None,
                                          start_new_session=True)
        deadline = time.monotonic() + timeout
        for child in self.children:
            self._wait_ready(child, deadline)
            announce(f"[serve] {child.name} is ready")

    def _wait_ready(self, child: Child, deadline: float) -> None:
        while time.monotonic() < deadline:
            if child.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"{child.name} exited with code {child.proc.returncode}"
                                   + (f"; see {child.log}" if child.log else ""))
            try:
                r = httpx.get(child.ready_url, timeout=2)
                if r.status_code == 200 and (child.name != "rasa server" or r.json().get("model_file")):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"{child.name} was not ready in time")

    def stop_one(self, name: str) -> None:
        for child in self.children:
            if child.name == name:
                _terminate(child)

    def stop(self) -> None:
        for child in reversed(self.children):
            _terminate(child)

    def wait(self) -> int:
        """Block until any child exits (then stop the rest); returns its exit code."""
        while True:
            for child in self.children:
                code = child.proc.poll() if child.proc else None
                if code is not None:
                    print(f"[serve] {child.name} stopped (exit {code}); stopping the others", flush=True)
                    self.stop()
                    return code
            time.sleep(0.5)


def _terminate(child: Child) -> None:
    proc = child.proc
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass

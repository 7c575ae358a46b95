"""Starts the action server, the Rasa server and the front door as child processes, waits until
each answers, keeps them running, and stops them all cleanly. Used by `iaa serve` and by the
end-to-end tests.

Keeping them running: a child that exits is started again after a pause that doubles from 1 s
to 60 s while it keeps failing (back to 1 s once it has stayed up a minute), and each restart is
announced. Meanwhile the front door answers on its own (the "call us" message, and its
safeguarding handoff, which needs neither Rasa nor the action server); a front door that dies is
restarted the same way. A child stopped on purpose (`stop_one`) stays stopped.

A supervisor killed outright cannot stop its children: on Linux each child asks the kernel for
SIGTERM when the supervisor goes (PR_SET_DEATHSIG), and the supervisor writes the children's
process groups to a pid file, so the next supervisor on the same ports stops any that survived.

With a log directory each child's output goes, line by line and scrubbed once more
(iaa.logs.scrub_line), to `<name>.log`, rolled over daily and by size (iaa.logs.DailyFile)."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import httpx

from iaa.logs import DailyFile, scrub_line
from iaa.settings import RASA_ENV, ROOT, VAR, Settings

Announce = Callable[[str], None]
LOGGING_CONFIG = ROOT / "frontdoor" / "logging"


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
    held: bool = False  # stopped on purpose: not restarted
    failures: int = 0  # exits since it last stayed up `stable_seconds`: the backoff's exponent
    restarts: int = 0
    started_at: float = 0.0
    restart_at: Optional[float] = None
    ready: bool = False
    next_probe: float = 0.0
    handler: Optional[logging.Handler] = None
    pump: Optional[threading.Thread] = None


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


def pid_file_for(ports: Ports) -> Path:
    """Where `iaa serve` records its children: one file per front door port."""
    return VAR / f"serve-{ports.frontdoor}.pid"


@dataclass
class FrontDoorProcesses:
    settings: Settings
    model: Path
    ports: Ports = field(default_factory=Ports)
    log_dir: Optional[Path] = None  # None: children write to this terminal
    children: List[Child] = field(default_factory=list)
    pid_file: Optional[Path] = None  # None: no record of the children (tests' own groups)
    actions_package: str = "actions"
    die_with_supervisor: bool = True  # Linux: children get SIGTERM if this process dies
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    stable_seconds: float = 60.0

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._lock = threading.RLock()
        self._supervisor_log: Optional[logging.Handler] = None
        self._stop_reason = ""

    # -- the plan -------------------------------------------------------------------------------
    def plan(self) -> List[Child]:
        s, p = self.settings, self.ports
        base = {**os.environ, **RASA_ENV, "PYTHONPATH": str(ROOT), "IAA_RASA_TOKEN": s.rasa_token,
                "IAA_DATABASE_URL": s.database_url, "IAA_PROFILE_PATH": str(s.profile_path),
                "IAA_MODE": s.mode}
        if self.log_dir:  # a pipe, not a terminal: print() must not wait in a buffer
            base["PYTHONUNBUFFERED"] = "1"
        host = "127.0.0.1"
        return [
            Child("action server", [sys.executable, "-m", "rasa_sdk", "--actions", self.actions_package,
                                    "--port", str(p.actions)],
                  f"http://{host}:{p.actions}/health", {**base, "SANIC_HOST": host}),
            Child("rasa server", [sys.executable, "-m", "rasa", "run", "--enable-api",
                                  "--auth-token", s.rasa_token, "--interface", host, "--port", str(p.rasa),
                                  "--model", str(self.model),
                                  "--endpoints", str(ROOT / "bot" / "endpoints.yml"),
                                  "--credentials", str(ROOT / "bot" / "credentials.yml"),
                                  "--logging-config-file", str(LOGGING_CONFIG / "rasa.yml")],
                  f"http://{host}:{p.rasa}/status?token={s.rasa_token}",
                  {**base, **tracker_env(s), "IAA_ACTION_WEBHOOK": f"http://{host}:{p.actions}/webhook",
                   # Rasa's structured events as JSON even on a terminal, so iaa.logs can scrub them.
                   "FORCE_JSON_LOGGING": "1"}),
            Child("front door", [sys.executable, "-m", "uvicorn", "frontdoor.app:create_app", "--factory",
                                 "--host", s.host, "--port", str(p.frontdoor), "--no-access-log",
                                 "--ws-max-size", str(s.ws_max_bytes),
                                 "--proxy-headers", "--forwarded-allow-ips", s.forwarded_allow_ips,
                                 "--log-config", str(LOGGING_CONFIG / "frontdoor.yml")],
                  f"http://{host}:{p.frontdoor}/healthz",
                  {**base, "IAA_RASA_URL": f"http://{host}:{p.rasa}",
                   "IAA_ACTION_URL": f"http://{host}:{p.actions}", "IAA_HOST": s.host,
                   "IAA_PORT": str(p.frontdoor)}),
        ]

    # -- starting -------------------------------------------------------------------------------
    def start(self, timeout: float = 240.0, announce: Announce = print) -> None:
        """Start all three and wait until each answers. A child that exits while starting stops
        them all (RuntimeError): a broken start is reported, not retried."""
        VAR.mkdir(exist_ok=True)
        announce = self._announcer(announce)
        if self.pid_file:
            clean_up_predecessor(self.pid_file, announce)
        self.children = self.plan()
        for child in self.children:
            if self.log_dir:
                child.log = Path(self.log_dir) / f"{child.name.replace(' ', '-')}.log"
                child.handler = DailyFile(child.log)
            announce(f"[serve] starting {child.name}: {child.ready_url.split('?')[0]}")
            self._spawn(child)
        self._write_pid_file()
        deadline = time.monotonic() + timeout
        for child in self.children:
            if not self._wait_ready(child, deadline):
                return  # asked to stop meanwhile
            announce(f"[serve] {child.name} is ready")

    def _announcer(self, announce: Announce) -> Announce:
        if not self.log_dir:
            return announce
        if self._supervisor_log is None:
            self._supervisor_log = DailyFile(Path(self.log_dir) / "supervisor.log")
            self._supervisor_log.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log = self._supervisor_log

        def both(message: str) -> None:
            announce(message)
            log.handle(logging.LogRecord("supervisor", logging.INFO, "", 0, message, (), None))

        return both

    def _spawn(self, child: Child) -> None:
        piped = child.handler is not None
        child.proc = subprocess.Popen(
            child.argv, cwd=ROOT, env=child.env,
            stdout=subprocess.PIPE if piped else None, stderr=subprocess.STDOUT if piped else None,
            start_new_session=True, preexec_fn=_death_signal(os.getpid()) if self.die_with_supervisor else None)
        child.started_at = time.monotonic()
        child.ready = False
        child.next_probe = 0.0
        if piped:
            child.pump = threading.Thread(target=_pump, args=(child.proc.stdout, child.handler, child.name),
                                          name=f"log {child.name}", daemon=True)
            child.pump.start()

    def _wait_ready(self, child: Child, deadline: float) -> bool:
        while time.monotonic() < deadline:
            if self._stopping.is_set():
                return False
            proc = child.proc
            assert proc is not None, f"{child.name} was not spawned"  # _spawn runs first
            if proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"{child.name} exited with code {proc.returncode}"
                                   + (f"; see {child.log}" if child.log else ""))
            if _answers(child):
                child.ready = True
                return True
            self._stopping.wait(0.5)
        self.stop()
        raise TimeoutError(f"{child.name} was not ready in time")

    # -- keeping them running -------------------------------------------------------------------
    def watch(self, announce: Announce = print, poll: float = 0.5) -> int:
        """Keep every child running until `stop()` or `request_stop()` (from a signal handler or
        another thread); then stop them all and return 0. Usable in a background thread; the
        kernel ties PR_SET_DEATHSIG to the thread that started a child, so children it restarts
        are also stopped if that thread ends."""
        announce = self._announcer(announce)
        while not self._stopping.wait(poll):
            for child in list(self.children):
                with self._lock:
                    if not self._stopping.is_set():
                        self._tend(child, time.monotonic(), announce)
        if self._stop_reason:
            announce(f"[serve] {self._stop_reason}: stopping")
        self.stop()
        return 0

    wait = watch  # the old name

    def _tend(self, child: Child, now: float, announce: Announce) -> None:
        if child.held or child.proc is None:
            return
        code = child.proc.poll()
        if code is None:
            if not child.ready and now >= child.next_probe:
                child.next_probe = now + 1.0
                if _answers(child):
                    child.ready = True
                    if child.restarts:
                        announce(f"[serve] {child.name} is ready again")
            if child.failures and now - child.started_at >= self.stable_seconds:
                child.failures = 0
            return
        if child.restart_at is None:
            delay = min(self.backoff_max, self.backoff_initial * 2 ** child.failures)
            child.failures += 1
            child.restart_at = now + delay
            meanwhile = ("" if child.name == "front door" else
                         "; meanwhile the front door answers with its own messages")
            announce(f"[serve] {child.name} exited ({_describe(code)}); restarting it in {delay:g} s{meanwhile}")
        elif now >= child.restart_at:
            child.restart_at = None
            child.restarts += 1
            self._spawn(child)
            self._write_pid_file()
            announce(f"[serve] {child.name} restarted (restart {child.restarts}, process group {child.proc.pid})")

    # -- stopping -------------------------------------------------------------------------------
    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def request_stop(self, reason: str = "") -> None:
        """Ask `start()`/`watch()` to stop everything (safe in a signal handler: it only sets a
        flag; `watch()` announces the reason, then stops the children)."""
        self._stop_reason = self._stop_reason or reason
        self._stopping.set()

    def stop_one(self, name: str) -> None:
        """Stop one child and leave it stopped (the failsafe tests)."""
        with self._lock:
            for child in self.children:
                if child.name == name:
                    child.held = True
                    _terminate(child)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            for child in reversed(self.children):
                child.held = True
                _terminate(child)
            for child in self.children:
                if child.pump is not None:
                    child.pump.join(timeout=5)
                if child.handler is not None:
                    child.handler.close()
            if self.pid_file and self.pid_file.exists() and _read_pid_file(self.pid_file).get("supervisor") == os.getpid():
                self.pid_file.unlink()
            if self._supervisor_log is not None:
                self._supervisor_log.close()

    # -- the pid file ---------------------------------------------------------------------------
    def _write_pid_file(self) -> None:
        if not self.pid_file:
            return
        record = {
            "supervisor": os.getpid(),
            "supervisor_command": _fingerprint(_cmdline(os.getpid()) or []),
            # Each child leads its own process group (start_new_session), so pgid == pid.
            # Commands are kept as fingerprints: Rasa's has the API token in it.
            "children": [{"name": c.name, "pgid": c.proc.pid, "command": _fingerprint(c.argv)}
                         for c in self.children if c.proc is not None],
        }
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.pid_file.with_name(self.pid_file.name + ".tmp")
        tmp.write_text(json.dumps(record, indent=1))
        tmp.chmod(0o600)
        tmp.replace(self.pid_file)


def clean_up_predecessor(pid_file: Path, announce: Announce = print, grace: float = 10.0) -> int:
    """If a supervisor that was killed left children running (their process groups still run the
    commands it recorded), stop them: SIGTERM, then SIGKILL after `grace` seconds. A supervisor
    still alive is left alone. Returns how many process groups were stopped."""
    record = _read_pid_file(pid_file)
    if not record:
        return 0
    supervisor = record.get("supervisor")
    if isinstance(supervisor, int) and supervisor != os.getpid() and _alive(supervisor) \
            and _fingerprint(_cmdline(supervisor) or []) == record.get("supervisor_command"):
        announce(f"[serve] another supervisor (pid {supervisor}) is running with {pid_file.name}; "
                 "leaving it alone")
        return 0
    stopped = 0
    for child in record.get("children", []):
        pgid, name = child.get("pgid"), child.get("name", "a child")
        if not isinstance(pgid, int) or pgid <= 1 or not _alive(pgid):
            continue
        if _fingerprint(_cmdline(pgid) or []) != child.get("command"):
            continue  # that number belongs to some other program now
        announce(f"[serve] stopping the {name} left running by a supervisor that was killed "
                 f"(process group {pgid})")
        _stop_group(pgid, grace)
        stopped += 1
    try:
        pid_file.unlink()
    except FileNotFoundError:
        pass
    return stopped


def _read_pid_file(path: Path) -> dict:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _fingerprint(argv: List[str]) -> str:
    return hashlib.sha256("\0".join(argv).encode()).hexdigest()


def _cmdline(pid: int) -> Optional[List[str]]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0")[:-1]]


def _alive(pid: int) -> bool:
    """Running (a zombie, which holds no port, is not: PID 1 here may never reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _alive(pgid) or any(_alive(int(p.name)) for p in Path("/proc").iterdir()
                               if p.name.isdigit() and _pgid(int(p.name)) == pgid)


def _pgid(pid: int) -> Optional[int]:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _stop_group(pgid: int, grace: float) -> None:
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _group_alive(pgid):
                return
            time.sleep(0.2)


def _death_signal(parent: int):
    """A preexec_fn asking the kernel to send the child SIGTERM when its parent dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    term = int(signal.SIGTERM)

    def preexec() -> None:
        prctl(pr_set_pdeathsig, term, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above: no signal will come
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def _pump(stream, handler: logging.Handler, name: str) -> None:
    """Copy a child's output to its rotated log file, a line at a time, scrubbed."""
    with stream:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            handler.handle(logging.LogRecord(name, logging.INFO, "", 0, scrub_line(line), (), None))


def _answers(child: Child) -> bool:
    try:
        r = httpx.get(child.ready_url, timeout=2)
        return r.status_code == 200 and (child.name != "rasa server" or bool(r.json().get("model_file")))
    except (httpx.HTTPError, ValueError):
        return False


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


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

"""The supervisor keeps the three processes running: a killed action server, Rasa server or
front door is started again (with backoff) while the front door keeps answering, and nothing the citizen wrote
is lost; children die with a supervisor killed outright, and a new supervisor on the same ports
stops any that a killed one left behind (its pid file)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from iaa.settings import ROOT, Settings
from frontdoor.supervisor import (Child, FrontDoorProcesses, Ports, _fingerprint, clean_up_predecessor,
                            pid_file_for)
from tests.conftest import _TMP, free_port

PHONE = "029 2018 0123"


# -- without Rasa: the plan, the restart loop, the pid file ---------------------------------------

def test_front_door_command_has_the_websocket_limit_and_proxy_settings(tmp_path):
    settings = Settings(mode="test", rasa_token="t", ws_max_bytes=20_000, forwarded_allow_ips="10.0.0.5")
    plan = {c.name: c.argv for c in FrontDoorProcesses(settings, tmp_path / "m.tar.gz").plan()}
    door = plan["front door"]
    assert door[door.index("--ws-max-size") + 1] == "20000"
    assert "--proxy-headers" in door and door[door.index("--forwarded-allow-ips") + 1] == "10.0.0.5"
    assert door[door.index("--log-config") + 1].endswith("frontdoor/logging/frontdoor.yml")
    rasa = plan["rasa server"]
    assert rasa[rasa.index("--logging-config-file") + 1].endswith("frontdoor/logging/rasa.yml")
    assert str(ROOT / "bot") not in rasa[rasa.index("--logging-config-file") + 1]  # never retrains
    assert Settings(mode="test", rasa_token="t").forwarded_allow_ips == "127.0.0.1"  # uvicorn's default


def _flaky_group(tmp_path, code: str, **kwargs) -> FrontDoorProcesses:
    group = FrontDoorProcesses(Settings(mode="test", rasa_token="t"), tmp_path / "m.tar.gz", **kwargs)
    group.children = [Child("flaky", [sys.executable, "-c", code], "http://127.0.0.1:9/", dict(os.environ))]
    group._spawn(group.children[0])
    return group


def test_a_child_that_keeps_dying_is_restarted_with_doubling_pauses_and_stop_ends_it(tmp_path):
    group = _flaky_group(tmp_path, "import sys; sys.exit(3)", backoff_initial=0.1, backoff_max=0.4)
    said = []
    watcher = threading.Thread(target=group.watch, kwargs={"announce": said.append, "poll": 0.02})
    watcher.start()
    deadline = time.monotonic() + 20
    while sum("restarting it in" in m for m in said) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    group.stop()
    watcher.join(timeout=20)
    assert not watcher.is_alive()
    pauses = [m.split("restarting it in ")[1].split(" s")[0] for m in said if "restarting it in" in m]
    assert pauses[:4] == ["0.1", "0.2", "0.4", "0.4"], said
    assert "[serve] flaky exited (exit code 3); restarting it in 0.1 s; meanwhile the front door answers" \
        " with its own messages" == said[0]
    assert any(m.startswith("[serve] flaky restarted (restart 1, process group ") for m in said)
    assert group.children[0].proc.poll() is not None


def test_the_backoff_starts_again_once_a_child_has_stayed_up(tmp_path):
    group = _flaky_group(tmp_path, "import time; time.sleep(0.6)", backoff_initial=0.1, stable_seconds=0.3)
    said = []
    watcher = threading.Thread(target=group.watch, kwargs={"announce": said.append, "poll": 0.02})
    watcher.start()
    deadline = time.monotonic() + 20
    while sum("restarting it in" in m for m in said) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    group.stop()
    watcher.join(timeout=20)
    assert [m for m in said if "restarting it in" in m][:3] == [
        "[serve] flaky exited (exit code 0); restarting it in 0.1 s; meanwhile the front door answers "
        "with its own messages"] * 3


def test_a_child_stopped_on_purpose_stays_stopped(tmp_path):
    group = _flaky_group(tmp_path, "import time; time.sleep(60)", backoff_initial=0.05)
    said = []
    watcher = threading.Thread(target=group.watch, kwargs={"announce": said.append, "poll": 0.02})
    watcher.start()
    group.stop_one("flaky")
    time.sleep(0.5)
    group.stop()
    watcher.join(timeout=20)
    assert not any("restart" in m for m in said)


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)


def _gone_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_new_supervisor_stops_only_the_groups_a_dead_one_left_running(tmp_path):
    orphan, stranger = _sleeper(), _sleeper()
    try:
        argv = [sys.executable, "-c", "import time; time.sleep(120)"]
        pid_file = tmp_path / "serve.pid"
        pid_file.write_text(json.dumps({"supervisor": _gone_pid(), "supervisor_command": "x", "children": [
            {"name": "rasa server", "pgid": orphan.pid, "command": _fingerprint(argv)},
            # Its number, but not a command of ours (a pid reused since): left alone.
            {"name": "front door", "pgid": stranger.pid, "command": _fingerprint(["something", "else"])},
            {"name": "action server", "pgid": _gone_pid(), "command": _fingerprint(argv)},
        ]}))
        said = []
        assert clean_up_predecessor(pid_file, said.append, grace=5) == 1
        assert orphan.wait(timeout=10) == -signal.SIGTERM
        assert stranger.poll() is None
        assert said == [f"[serve] stopping the rasa server left running by a supervisor that was killed "
                        f"(process group {orphan.pid})"]
        assert not pid_file.exists()
    finally:
        for p in (orphan, stranger):
            p.kill()
            p.wait()


def test_a_supervisor_still_running_is_left_alone(tmp_path):
    stand_in, child = _sleeper(), _sleeper()  # a live process recorded as the supervisor
    try:
        argv = [p.decode() for p in Path(f"/proc/{stand_in.pid}/cmdline").read_bytes().split(b"\0")[:-1]]
        pid_file = tmp_path / "serve.pid"
        pid_file.write_text(json.dumps({"supervisor": stand_in.pid, "supervisor_command": _fingerprint(argv),
                                        "children": [{"name": "rasa server", "pgid": child.pid,
                                                      "command": _fingerprint(argv)}]}))
        said = []
        assert clean_up_predecessor(pid_file, said.append) == 0
        assert child.poll() is None and pid_file.exists() and "leaving it alone" in said[0]
    finally:
        for p in (stand_in, child):
            p.kill()
            p.wait()


def test_children_are_asked_to_die_with_the_supervisor():
    """PR_SET_DEATHSIG: a grandchild started by the supervisor code gets SIGTERM when its
    parent is killed outright."""
    code = ("import sys, time, subprocess; from frontdoor.supervisor import _death_signal; import os;"
            "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True,"
            " preexec_fn=_death_signal(os.getpid())); print(p.pid, flush=True); time.sleep(120)")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    grandchild = int(parent.stdout.readline())
    try:
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while _running(grandchild) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(grandchild)
    finally:
        if _running(grandchild):
            os.kill(grandchild, signal.SIGKILL)
        parent.stdout.close()


def _running(pid: int) -> bool:
    from frontdoor.supervisor import _alive

    return _alive(pid)


# -- for real: iaa serve, with Rasa ---------------------------------------------------------------

class Serve:
    """`python -m frontdoor.cli serve` (or a supervisor of the test's own) on fresh loopback ports."""

    def __init__(self, name: str, ports: Ports | None = None) -> None:
        self.dir = _TMP / name
        self.dir.mkdir(exist_ok=True)
        self.ports = ports or Ports(free_port(), free_port(), free_port())
        self.url = f"http://127.0.0.1:{self.ports.frontdoor}"
        self.db = f"sqlite:///{self.dir / 'iaa.db'}"
        self.env = {**os.environ, "IAA_DATABASE_URL": self.db, "IAA_MODE": "test",
                    "IAA_PORT": str(self.ports.frontdoor), "IAA_RASA_URL": f"http://127.0.0.1:{self.ports.rasa}",
                    "IAA_ACTION_URL": f"http://127.0.0.1:{self.ports.actions}",
                    "IAA_RASA_TOKEN": f"supervisor-test-{name}", "IAA_LOG_DIR": str(self.dir / "logs"),
                    # The test writes faster than a citizen would.
                    "IAA_RATE_CHAT_PER_CONVERSATION": "1000/60", "IAA_RATE_CHAT_PER_ADDRESS": "1000/60",
                    "IAA_RATE_NEW_CONVERSATION_PER_ADDRESS": "1000/60"}
        self.proc: subprocess.Popen | None = None
        self.out_path: Path | None = None

    def start(self, argv=None, label="serve") -> "Serve":
        self.out_path = self.dir / f"{label}.out"
        out = open(self.out_path, "wb")
        self.proc = subprocess.Popen(argv or [sys.executable, "-m", "frontdoor.cli", "serve"], cwd=ROOT, env=self.env,
                                     stdout=out, stderr=subprocess.STDOUT)
        out.close()
        return self

    def output(self) -> str:
        return self.out_path.read_text(errors="replace")

    def wait_for(self, line: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while line not in self.output():
            assert self.proc.poll() is None, self.output()[-4000:]
            assert time.monotonic() < deadline, f"no {line!r} in {timeout} s:\n{self.output()[-4000:]}"
            time.sleep(0.5)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=3).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.proc is None or self.proc.poll() is None, self.output()[-4000:]
            assert time.monotonic() < deadline, f"not ready in {timeout} s:\n{self.output()[-4000:]}"
            time.sleep(1)

    def chat(self, words: str, cid: str | None = None) -> dict:
        body = {"text": words, **({"conversation_id": cid} if cid else {})}
        r = httpx.post(f"{self.url}/api/chat", json=body, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    def sent(self, cid: str) -> list:
        r = httpx.get(f"{self.url}/api/chat/{cid}/messages", params={"after": 0}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["messages"]

    def stored(self, cid: str) -> list:
        engine = create_engine(self.db, future=True)
        with engine.connect() as c:
            rows = c.execute(text("SELECT sender, text FROM message WHERE conversation_id = :id ORDER BY id"),
                             {"id": cid}).all()
        engine.dispose()
        return [tuple(r) for r in rows]

    def children(self) -> dict:
        record = json.loads(pid_file_for(self.ports).read_text())
        return {c["name"]: c["pgid"] for c in record["children"]}

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=90)

    def kill_everything(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            groups = self.children().values()
        except (OSError, ValueError):
            groups = []
        for pgid in groups:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        pid_file_for(self.ports).unlink(missing_ok=True)  # a killed supervisor's record, in var/


def _group_gone(pgid: int, timeout: float) -> bool:
    from frontdoor.supervisor import _group_alive

    deadline = time.monotonic() + timeout
    while _group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _port_free(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
    except httpx.HTTPError:
        return True
    return False


@pytest.mark.model
@pytest.mark.servers
@pytest.mark.timeout(1200)
def test_serve_restarts_a_killed_action_server_and_rasa_and_its_children_die_with_it(trained_model):
    serve = Serve("supervisor-restarts").start()
    try:
        serve.wait_for("[serve] ready: open http://localhost:")
        serve.wait_ready()
        first = serve.chat("what are direct payments")
        cid = first["conversation_id"]
        assert first["messages"][0]["sender"] == "bot"
        groups = serve.children()
        assert set(groups) == {"action server", "rasa server", "front door"}

        # The action server dies mid-conversation.
        os.killpg(groups["action server"], signal.SIGKILL)
        meanwhile = serve.chat("how much does care cost", cid)  # the front door answers, whatever happens
        assert meanwhile["messages"][0]["sender"] in ("system", "bot")
        serve.wait_for("[serve] action server exited (killed by SIGKILL); restarting it in 1 s", 30)
        serve.wait_for("[serve] action server restarted (restart 1, process group ", 30)
        serve.wait_ready(60)
        after = serve.chat("how do I complain", cid)
        assert after["messages"][0]["sender"] == "bot" and "complain" in after["messages"][0]["text"].lower()
        assert serve.children()["action server"] != groups["action server"]  # the pid file follows

        # Rasa dies: the front door says how else to get help until Rasa is back.
        os.killpg(groups["rasa server"], signal.SIGKILL)
        serve.wait_for("[serve] rasa server exited (killed by SIGKILL); restarting it in 1 s", 30)
        during = serve.chat("what is a carer's assessment", cid)
        assert during["messages"][0]["sender"] == "system" and PHONE in during["messages"][0]["text"]
        serve.wait_for("[serve] rasa server is ready again", 240)
        serve.wait_ready(60)
        back = serve.chat("what is advocacy", cid)
        assert back["messages"][0]["sender"] == "bot", back

        # The front door itself dies: restarted too, and the conversation goes on.
        os.killpg(serve.children()["front door"], signal.SIGKILL)
        serve.wait_for("[serve] front door exited (killed by SIGKILL); restarting it in 1 s", 30)
        serve.wait_for("[serve] front door is ready again", 120)
        serve.wait_ready(60)
        last = serve.chat("how do I get an assessment", cid)
        assert last["messages"][0]["sender"] == "bot", last

        # Nothing lost: every citizen message is stored, and the citizen can catch up on each reply.
        citizen = [t for s, t in serve.stored(cid) if s == "citizen"]
        assert citizen == ["what are direct payments", "how much does care cost", "how do I complain",
                           "what is a carer's assessment", "what is advocacy", "how do I get an assessment"]
        sent = serve.sent(cid)
        ids = [m["id"] for m in sent]
        assert ids == sorted(ids) and {m["id"] for m in after["messages"] + during["messages"]
                                       + back["messages"]} <= set(ids)
        assert any(m["sender"] == "system" and PHONE in m["text"] for m in sent)

        # The supervisor is killed outright: its children go with it (PR_SET_DEATHSIG).
        groups = serve.children()
        serve.proc.kill()
        serve.proc.wait()
        for name, pgid in groups.items():
            assert _group_gone(pgid, 30), f"{name} outlived the supervisor"
        for port in (serve.ports.frontdoor, serve.ports.rasa, serve.ports.actions):
            assert _port_free(port)
        log = (serve.dir / "logs" / "supervisor.log").read_text()
        assert all(f"{name} restarted" in log for name in ("action server", "rasa server", "front door"))
    finally:
        serve.kill_everything()


# A supervisor of the test's own whose children do not die with it, as on a system without
# PR_SET_DEATHSIG: what `iaa serve` must clean up after.
NO_DEATHSIG = """
import sys
from iaa.settings import get_settings
from frontdoor.supervisor import FrontDoorProcesses, Ports, pid_file_for
from frontdoor.training import model_path
from urllib.parse import urlsplit
s = get_settings()
ports = Ports(s.port, urlsplit(s.rasa_url).port, urlsplit(s.action_url).port)
group = FrontDoorProcesses(s, model_path(), ports, pid_file=pid_file_for(ports), die_with_supervisor=False)
group.start(timeout=300)
print("[test supervisor] ready", flush=True)
group.watch()
"""


@pytest.mark.model
@pytest.mark.servers
@pytest.mark.timeout(1200)
def test_a_new_serve_stops_what_a_killed_supervisor_left_and_starts_on_the_same_ports(trained_model):
    from frontdoor.migrate import upgrade

    old = Serve("supervisor-orphans")
    upgrade(old.db)  # `iaa serve` migrates; the test's own supervisor does not
    old.start([sys.executable, "-c", NO_DEATHSIG], label="old")
    new = Serve("supervisor-orphans", old.ports)
    try:
        old.wait_for("[test supervisor] ready")
        old.wait_ready()
        cid = old.chat("what are direct payments")["conversation_id"]
        orphans = old.children()
        old.proc.kill()
        old.proc.wait()
        time.sleep(1)
        # The children outlived it and still hold the ports.
        assert httpx.get(f"{old.url}/healthz", timeout=5).status_code == 200

        new.start(label="new")
        new.wait_for("[serve] ready: open http://localhost:", 300)
        said = new.output()
        for name, pgid in orphans.items():
            assert (f"[serve] stopping the {name} left running by a supervisor that was killed "
                    f"(process group {pgid})") in said, said[-4000:]
            assert _group_gone(pgid, 5)
        assert "already in use" not in said
        new.wait_ready()
        again = new.chat("how do I complain", cid)  # the same conversation goes on
        assert again["messages"][0]["sender"] == "bot"
        assert set(new.children().values()).isdisjoint(orphans.values())
        assert new.interrupt() == 0
        assert not pid_file_for(new.ports).exists()  # a clean stop leaves no record behind
        for port in (new.ports.frontdoor, new.ports.rasa, new.ports.actions):
            assert _port_free(port)
    finally:
        old.kill_everything()
        new.kill_everything()

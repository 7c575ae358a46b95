"""No citizen text, tracker or token reaches a log: not when a message is handled normally, not
when an action raises (rasa_sdk and Rasa would log the exception, the tracker and the action
server's answer, which quotes the whole request), not when the action server or Rasa is down.
Log files roll over and `iaa purge` deletes old rolled ones."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from iaa.logs import WITHHELD, DailyFile, purge_logs, scrub_line, scrub_record
from iaa.settings import ROOT, Settings
from tests.conftest import _TMP, free_port

SECRET = "Zebrafinch"  # a name no log line of ours or Rasa's would ever hold


def record(msg, *args, name="rasa.core.processor", level=logging.ERROR, exc=None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord(name, level, __file__, 1, msg, args, exc_info)


def formatted(rec: logging.LogRecord) -> str:
    return logging.Formatter("%(levelname)s %(name)s %(message)s").format(scrub_record(rec))


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as e:
        return e


# -- the scrubbing, record by record ---------------------------------------------------------------

def test_an_exception_keeps_its_type_chain_and_frames_but_not_its_message():
    try:
        try:
            raise ValueError(f"could not answer 'my carer {SECRET} shouts at me'")
        except ValueError as inner:
            raise RuntimeError(f"wrapped {SECRET}") from inner
    except RuntimeError as e:
        out = formatted(record("Encountered an exception while running action 'action_x'", exc=e))
    assert SECRET not in out
    assert "Encountered an exception while running action 'action_x'" in out
    assert "ValueError: [withheld]" in out and "RuntimeError: [withheld]" in out
    assert "direct cause" in out and "test_logs.py" in out  # where it happened is kept


def test_system_errors_keep_their_message_and_http_errors_their_status():
    out = formatted(record("cannot connect", exc=raised(ConnectionRefusedError(111, "Connection refused"))))
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in out

    class ClientResponseError(Exception):
        def __init__(self, status, body):
            super().__init__(f"{status}, Internal Server Error, body='{body}'")
            self.status = status

    out = formatted(record("failed", exc=raised(ClientResponseError(500, f'{{"tracker": "{SECRET}"}}'))))
    assert SECRET not in out and "HTTP status 500 (message withheld)" in out


def test_rasa_structured_events_keep_only_safe_keys_and_lose_frame_locals():
    event = {"event": "rest.message.received.failure", "text": f"help {SECRET}", "level": "error",
             "response": SECRET, "exception": [{"exc_type": "KeyError", "exc_value": SECRET, "frames": [
                 {"filename": "x.py", "lineno": 3, "name": "f", "locals": {"text": SECRET}}]}]}
    out = formatted(record(json.dumps(event), name="rasa.core.channels.rest"))
    assert SECRET not in out
    body = json.loads(out.split(" ", 2)[2])
    assert body["event"] == "rest.message.received.failure" and body["text"] == WITHHELD
    assert body["exception"][0]["exc_type"] == "KeyError"
    assert body["exception"][0]["frames"] == [{"filename": "x.py", "lineno": 3, "name": "f"}]
    assert scrub_line(out) == out  # the supervisor's second pass leaves a scrubbed event readable
    assert scrub_line('2026-01-01 ERROR x - {"tracker": {"events": [{"text": "%s"}]}}' % SECRET) == \
        "2026-01-01 ERROR x - [withheld]"


def test_bodies_trackers_tokens_debug_and_database_statements_are_withheld():
    out = formatted(record("500, Internal Server Error, body='b'{\"request_body\": {\"text\": \"%s\"}}'" % SECRET))
    assert SECRET not in out and "body=[withheld]" in out
    assert SECRET not in formatted(record("tracker %s", {"events": [{"text": SECRET}]}))
    out = formatted(record(f"An unexpected error occurred. Error: 'could not parse {SECRET}'", name="rasa.server"))
    assert out == "ERROR rasa.server An unexpected error occurred. Error: [withheld]"
    out = formatted(record("GET http://127.0.0.1:5005/status?token=s3cret&x=1 Authorization: Bearer abc.def"))
    assert "s3cret" not in out and "abc.def" not in out and "token=[withheld]&x=1" in out
    assert SECRET not in formatted(record(f"Received user message '{SECRET}'", level=logging.DEBUG))
    assert SECRET not in formatted(record("[generated] %r", (SECRET,), name="sqlalchemy.engine.Engine",
                                          level=logging.INFO))
    # What the front door itself logs stays readable.
    assert formatted(record("bot unavailable for a conversation: %s", "Rasa returned no messages",
                            name="channels.conversations", level=logging.WARNING)) == \
        "WARNING channels.conversations bot unavailable for a conversation: Rasa returned no messages"


LEAKY = f"""
import logging
log = logging.getLogger("%s")
try:
    raise RuntimeError("INSERT failed: parameters ('my dad hits me {SECRET}',)")
except RuntimeError:
    log.exception("Exception in ASGI application")
logging.getLogger("sqlalchemy.engine.Engine").info("[generated] ('{SECRET}',)")
logging.getLogger("channels.conversations").warning("bot unavailable for a conversation: %%s", "Rasa returned no messages")
"""


def test_the_front_door_logging_config_scrubs_every_record():
    setup = ("import logging.config, yaml; "
             "logging.config.dictConfig(yaml.safe_load(open('frontdoor/logging/frontdoor.yml')))\n")
    result = subprocess.run([sys.executable, "-c", setup + LEAKY % "uvicorn.error"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert "Exception in ASGI application" in result.stderr and "RuntimeError: [withheld]" in result.stderr
    assert "bot unavailable for a conversation: Rasa returned no messages" in result.stderr


def test_the_rasa_logging_config_still_scrubs_after_rasa_installs_its_own_handler():
    # Rasa applies the file, then coloredlogs replaces the console handler: the record factory stays.
    setup = ("import rasa.utils.common, rasa.utils.io\n"
             "rasa.utils.common.configure_logging_and_warnings(None, 'frontdoor/logging/rasa.yml')\n"
             "rasa.utils.io.configure_colored_logging('INFO')\n")
    result = subprocess.run([sys.executable, "-c", setup + LEAKY % "rasa.core.processor"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert "Exception in ASGI application" in result.stderr and "RuntimeError: [withheld]" in result.stderr


def test_actions_install_the_scrubbing_only_in_the_action_server():
    code = "import logging, actions; print(getattr(logging.getLogRecordFactory(), '_iaa_scrubbing', False))"
    plain = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert plain.stdout.strip() == "False", plain.stderr
    as_server = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.argv[0] = {str(Path(sys.prefix) / 'rasa_sdk' / '__main__.py')!r}\n"
         + code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert as_server.stdout.strip() == "True", as_server.stderr


# -- rolling over and purging ------------------------------------------------------------------------

def _write(handler: logging.Handler, line: str) -> None:
    handler.handle(logging.LogRecord("x", logging.INFO, "", 0, line, (), None))


def test_log_files_roll_over_each_day_and_when_too_big(tmp_path):
    handler = DailyFile(tmp_path / "rasa-server.log", max_bytes=100)
    _write(handler, "first day")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    handler.day = yesterday  # as if midnight had passed since
    _write(handler, "second day")
    assert (tmp_path / f"rasa-server.log.{yesterday.isoformat()}").read_text() == "first day\n"
    for n in range(12):
        _write(handler, f"line {n:02d} of a busy day")
    handler.close()
    today = dt.date.today().isoformat()
    assert (tmp_path / f"rasa-server.log.{today}").exists() and (tmp_path / f"rasa-server.log.{today}.1").exists()
    assert all(p.stat().st_size <= 100 for p in tmp_path.iterdir())
    # A file left from an earlier day is rolled over on the first line after a restart.
    stale = tmp_path / "front-door.log"
    stale.write_text("old\n")
    old = (dt.datetime.now() - dt.timedelta(days=3)).timestamp()
    os.utime(stale, (old, old))
    again = DailyFile(stale)
    _write(again, "new")
    again.close()
    assert (tmp_path / f"front-door.log.{dt.date.fromtimestamp(old).isoformat()}").read_text() == "old\n"
    assert stale.read_text() == "new\n"


def _aged(path: Path, days: float) -> Path:
    path.write_text("a line\n")
    when = (dt.datetime.now() - dt.timedelta(days=days)).timestamp()
    os.utime(path, (when, when))
    return path


def test_iaa_purge_deletes_rolled_logs_older_than_the_transcript_retention(tmp_path):
    # The example council keeps bot-only transcripts 30 days: logs go with them.
    logs = tmp_path / "logs"
    logs.mkdir()
    old = _aged(logs / "rasa-server.log.2020-01-01", 31)
    old_extra = _aged(logs / "action-server.log.2020-01-01.1", 45)
    fresh = _aged(logs / "rasa-server.log.2020-02-01", 29)
    live = _aged(logs / "front-door.log", 40)  # still being written: never deleted
    other = _aged(logs / "notes.txt", 400)  # not a rolled log: not ours to delete
    env = {**os.environ, "IAA_LOG_DIR": str(logs)}
    result = subprocess.run([sys.executable, "-m", "frontdoor.cli", "purge"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "2 old log files" in result.stdout
    assert not old.exists() and not old_extra.exists()
    assert fresh.exists() and live.exists() and other.exists()


def test_purge_logs_without_a_log_directory_does_nothing(tmp_path):
    assert purge_logs(None, 30) == 0
    assert purge_logs(tmp_path / "missing", 30) == 0


# -- for real: the three processes, an action that fails, servers that stop ------------------------

@pytest.mark.model
@pytest.mark.servers
@pytest.mark.timeout(900)
def test_no_citizen_text_in_any_log_when_actions_fail_and_servers_stop(trained_model):
    from frontdoor.migrate import upgrade
    from frontdoor.supervisor import FrontDoorProcesses, Ports

    marks = {}

    def words(label: str, sentence: str) -> str:
        mark = f"{SECRET}{secrets.token_hex(3)}"
        marks[label] = mark
        return sentence.format(mark)

    name = "logs-scrubbed"
    (_TMP / name).mkdir(exist_ok=True)
    db = f"sqlite:///{_TMP / name / 'frontdoor.db'}"
    upgrade(db)
    log_dir = _TMP / name / "logs"
    said = []
    group = FrontDoorProcesses(Settings(database_url=db, mode="test", rasa_token="logs-token"), trained_model,
                               Ports(free_port(), free_port(), free_port()), log_dir=log_dir,
                               actions_package="tests.fault_actions")
    url = f"http://127.0.0.1:{group.ports.frontdoor}"
    actions = f"http://127.0.0.1:{group.ports.actions}"

    def chat(sentence: str, cid=None) -> dict:
        r = httpx.post(f"{url}/api/chat", json={"text": sentence, **({"conversation_id": cid} if cid else {})},
                       timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    try:
        group.start(timeout=300, announce=said.append)
        # (1) Handled normally.
        first = chat(words("normal", "hello, I'm {} from Marmalade Row"))
        cid = first["conversation_id"]
        assert first["messages"][0]["sender"] == "bot"
        # (2) An action raises, with the citizen's words in its message; Rasa gets rasa_sdk's 500,
        # whose body holds the whole tracker.
        failed = chat(words("action fails", "what are direct payments, asks {}"), cid)
        assert failed["messages"][0]["sender"] == "system"
        # The action server called directly: a broken tracker, and an action it does not know.
        tracker = {"sender_id": cid, "slots": {}, "latest_message": {"text": words("direct", "I am {}")},
                   "events": [{"event": "user", "text": marks["direct"]}], "paused": False,
                   "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}
        r = httpx.post(f"{actions}/webhook", json={"next_action": "action_give_information", "tracker": tracker,
                                                  "domain": {}}, timeout=30)
        assert r.status_code == 500 and marks["direct"] in r.text  # rasa_sdk echoes it: only Rasa sees that
        r = httpx.post(f"{actions}/webhook", json={"next_action": "action_give_information",
                                                  "tracker": {"events": words("broken", "{}")}}, timeout=30)
        assert r.status_code == 500
        r = httpx.post(f"{actions}/webhook", json={"next_action": "action_nope", "tracker": tracker}, timeout=30)
        assert r.status_code == 404
        # (3) The action server is down.
        group.stop_one("action server")
        # (a question only an action answers: a greeting or small talk needs no action server)
        down = chat(words("actions down", "how do I get a carers assessment? {} asking"), cid)
        assert down["messages"][0]["sender"] == "system"
        # And Rasa too: the front door hands a disclosure off on its own.
        group.stop_one("rasa server")
        urgent = chat(words("all down", "my neighbour {} hits me"))
        assert urgent["handoff"] == {"reason": "safeguarding", "priority": "urgent"}
    finally:
        group.stop()

    files = sorted(p for p in log_dir.iterdir() if p.is_file())
    assert {p.name for p in files} >= {"action-server.log", "rasa-server.log", "front-door.log", "supervisor.log"}
    for path in files:
        content = path.read_text(errors="replace")
        for label, mark in marks.items():
            assert mark not in content, f"{label!r} text in {path.name}"
        assert SECRET not in content and "Marmalade" not in content, path.name
        assert "logs-token" not in content, f"the Rasa token in {path.name}"
    assert not any(SECRET in line for line in said)
    # The failures really happened, and the logs still say what went wrong, and where.
    action_log = (log_dir / "action-server.log").read_text()
    assert "Exception occurred during execution of request <Request: POST /webhook> " \
           "(action 'action_give_information')" in action_log
    assert "ValueError: [withheld]" in action_log and "fault_actions.py" in action_log
    assert "No registered action found for name 'action_nope'" in action_log
    rasa_log = (log_dir / "rasa-server.log").read_text()
    assert "Encountered an exception while running action 'action_give_information'" in rasa_log
    assert "ClientResponseError: HTTP status 500 (message withheld)" in rasa_log
    assert "Couldn't connect to the server" in rasa_log
    assert "bot unavailable" in (log_dir / "front-door.log").read_text()

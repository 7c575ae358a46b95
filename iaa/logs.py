"""Keeps what citizens write out of every log, and rotates the log files.

Rasa 3.6 and rasa_sdk put conversation text in their logs when something fails (see
deploy/README.md, "Logs", for exactly what): an action that raises makes rasa_sdk log the
exception (whose message may quote the citizen) and answer Rasa with the whole tracker, which
Rasa then logs as the body of a ClientResponseError; Rasa's structured log events carry `text`,
`response` and the local variables of each frame; SQLAlchemy's engine log carries statement
parameters. So each of our processes installs `install()`:

- exceptions keep their types, the chain (cause/context) and the frames (file, line, function)
  but not their messages, except for OSError and its kin (connection refused, file not found),
  whose messages are the machine's, not the citizen's;
- Rasa's structured (JSON) events keep only the keys known to be safe (event, event_info,
  level...); every other value is withheld, and a traceback in them loses its values and locals;
- a response body or tracker quoted in a message (`body='...'`, `"tracker": {...}`) is withheld,
  and API tokens in URLs or headers are masked;
- DEBUG records (Rasa's name every message, intent and slot) and the database engine's statement
  log are withheld whole.

It works as a log record factory, so every logger and handler in the process is covered,
including the ones Rasa and rasa_sdk set up after us (coloredlogs replaces handlers, which would
shed an ordinary handler filter). The Rasa server gets it from `frontdoor/logging/rasa.yml` (passed with
`--logging-config-file`), the front door from `frontdoor/logging/frontdoor.yml` (uvicorn's
`--log-config`), the action server from `actions/__init__.py`. The supervisor also passes each
child's output through `scrub_line` on its way to the rotated files, as a last line of defence
for anything printed rather than logged. Standard library only: it is imported before Rasa.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import re
import traceback
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

WITHHELD = "[withheld]"
# Keys of Rasa's structured events (structlog's JSON) that never carry conversation content.
SAFE_EVENT_KEYS = {"event", "event_info", "event_key", "level", "timestamp", "logger", "logger_name",
                   "action_name", "action", "policy", "status", "exc_type", "sender_id", "model"}
# Messages of these exception types are the system's own words (errno strings, addresses).
_SAFE_MESSAGE_TYPES = (OSError,)
_TOKEN = re.compile(r"((?:token|auth_token|password|secret)=)[^&\s'\"<>]+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+")
_BODY = re.compile(r"body=(['\"]?).*", re.DOTALL)
# A quoted tracker or message: one of these keys with a value not already withheld.
_TRACKERISH = re.compile(r'["\'](?:tracker|request_body|latest_message|events|slots|text)["\']\s*:'
                         r'(?!\s*"\[withheld\]")')
_QUIET_LOGGERS = ("sqlalchemy.engine",)
# Rasa messages that end with an exception's message, e.g. rasa.server's ErrorResponse
# ("An unexpected error occurred. Error: {e}") and the bundled channels' failures.
_EXCEPTION_TAILS = re.compile(r"(An unexpected error occurred\. Error: |Exception when trying to handle message\.)"
                              r"(?!\[withheld\]).*", re.DOTALL)


def _message_of(exc: BaseException) -> str:
    if isinstance(exc, _SAFE_MESSAGE_TYPES):
        return scrub_text(str(exc))
    status = getattr(exc, "status", None)  # an HTTP error: its status, not its body
    if isinstance(status, int) and not isinstance(status, bool):
        return f"HTTP status {status} (message withheld)"
    return WITHHELD


def safe_traceback(exc_type, exc, tb) -> str:
    """The traceback as Python prints it, with every exception's message withheld (or kept, for
    OSError and its kin) and no local variables."""
    lines: List[str] = []
    seen = set()

    def walk(e: Optional[BaseException], etype, etb) -> None:
        if e is not None:
            seen.add(id(e))
            cause, context = e.__cause__, e.__context__
            if cause is not None and id(cause) not in seen:
                walk(cause, type(cause), cause.__traceback__)
                lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
            elif context is not None and not e.__suppress_context__ and id(context) not in seen:
                walk(context, type(context), context.__traceback__)
                lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
        if etb is not None:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.StackSummary.extract(traceback.walk_tb(etb), capture_locals=False).format())
        name = getattr(etype, "__qualname__", str(etype))
        module = getattr(etype, "__module__", "builtins")
        full = name if module in ("builtins", "__main__") else f"{module}.{name}"
        lines.append(f"{full}: {_message_of(e) if e is not None else WITHHELD}\n")

    walk(exc, exc_type, tb)
    return "".join(lines).rstrip("\n")


def _action_name_in(tb) -> Optional[str]:
    """rasa_sdk logs an action's failure without naming the action; its executor's frame knows."""
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "run" and "rasa_sdk" in frame.f_code.co_filename:
            name = frame.f_locals.get("action_name")
            if isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_]{1,100}", name):
                return name
        tb = tb.tb_next
    return None


def scrub_text(text: str) -> str:
    """A message with tokens masked and any quoted body or tracker withheld."""
    text = _TOKEN.sub(r"\1" + WITHHELD, text)
    text = _BEARER.sub(r"\1" + WITHHELD, text)
    text = _BODY.sub("body=" + WITHHELD, text)
    text = _EXCEPTION_TAILS.sub(r"\1" + WITHHELD, text)
    if _TRACKERISH.search(text):
        head = _TRACKERISH.split(text, 1)[0]
        text = head.rsplit("{", 1)[0] + WITHHELD
    return text


def scrub_event(event: Dict[str, Any]) -> Dict[str, Any]:
    """One of Rasa's structured events, keeping only what cannot be conversation content."""
    out: Dict[str, Any] = {}
    for key, value in event.items():
        if key == "exception" and isinstance(value, list):
            out[key] = [{"exc_type": e.get("exc_type"), "exc_value": WITHHELD, "is_cause": e.get("is_cause"),
                         "frames": [{k: f.get(k) for k in ("filename", "lineno", "name")}
                                    for f in e.get("frames", []) if isinstance(f, dict)]}
                        for e in value if isinstance(e, dict)]
        elif key in SAFE_EVENT_KEYS and isinstance(value, (str, int, float, bool, type(None))):
            out[key] = scrub_text(value) if isinstance(value, str) else value
        else:
            out[key] = WITHHELD
    return out


def scrub_message(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            event = json.loads(stripped)
        except ValueError:
            event = None
        if isinstance(event, dict):
            return json.dumps(scrub_event(event), ensure_ascii=False)
    return scrub_text(text)


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrites a record in place so that formatting it can show no conversation content."""
    if getattr(record, "_iaa_scrubbed", False):
        return record
    record._iaa_scrubbed = True
    if record.levelno < logging.INFO:
        record.msg, record.args = "[debug detail withheld: it may carry conversation content]", ()
        record.exc_info = record.exc_text = record.stack_info = None
        return record
    if record.name.startswith(_QUIET_LOGGERS):
        record.msg, record.args = "[database statement withheld]", ()
        return record
    try:
        text = record.getMessage()
    except Exception:  # a bad format string: keep only the template
        text = str(record.msg)
    action = None
    if record.exc_info and record.exc_info[0] is not None:
        action = _action_name_in(record.exc_info[2])
        record.exc_text = safe_traceback(*record.exc_info)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = WITHHELD
    text = scrub_message(text)
    if action:
        text += f" (action '{action}')"
    record.msg, record.args = text, ()
    return record


class ConversationTextFilter(logging.Filter):
    """For logging configuration files: creating it installs the record factory for the whole
    process (see the module's docstring); as a filter it scrubs whatever reaches it."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        install()

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


def install() -> None:
    """Scrub every log record this process makes from now on. Safe to call more than once."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_iaa_scrubbing", False):
        return

    def factory(*args, **kwargs):
        return scrub_record(previous(*args, **kwargs))

    factory._iaa_scrubbing = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    logging.captureWarnings(True)  # warnings become records too (py.warnings), so scrubbed


def scrub_line(line: str) -> str:
    """The supervisor's last line of defence, for output that was printed rather than logged."""
    return scrub_text(line)


# -- rotated files ----------------------------------------------------------------------------

class DailyFile(logging.handlers.BaseRotatingHandler):
    """`name.log`, rolled over at local midnight and when it would pass `max_bytes`: the rolled
    file is `name.log.YYYY-MM-DD` (the day of its lines; `.1`, `.2` for more that day). The
    retention purge deletes rolled files older than the council's transcript retention
    (`purge_logs`), so the live file never holds more than a day."""

    def __init__(self, filename: os.PathLike, max_bytes: int = 20 * 1024 * 1024) -> None:
        Path(filename).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(os.fspath(filename), "a", encoding="utf-8")
        self.max_bytes = max_bytes
        self.setFormatter(logging.Formatter("%(message)s"))
        path = Path(self.baseFilename)
        started = dt.date.fromtimestamp(path.stat().st_mtime) if path.exists() and path.stat().st_size else None
        self.day = started or dt.date.today()

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        if dt.date.today() != self.day:
            return True
        if self.stream is None:
            self.stream = self._open()
        size = self.stream.tell()
        return bool(self.max_bytes and size and size + len(self.format(record).encode()) + 1 > self.max_bytes)

    def doRollover(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None
        base = f"{self.baseFilename}.{self.day.isoformat()}"
        target, n = base, 0
        while os.path.exists(target):
            n += 1
            target = f"{base}.{n}"
        if os.path.exists(self.baseFilename):
            os.rename(self.baseFilename, target)
        self.day = dt.date.today()
        self.stream = self._open()


ROLLED = re.compile(r"\.log\.\d{4}-\d{2}-\d{2}(\.\d+)?$")


def rolled_files(log_dir: Path) -> Iterable[Path]:
    return (p for p in Path(log_dir).iterdir() if p.is_file() and ROLLED.search(p.name))


def purge_logs(log_dir: Optional[Path], keep_days: int, now: Optional[dt.datetime] = None) -> int:
    """Deletes rolled log files last written more than `keep_days` ago; returns how many."""
    if not log_dir or not Path(log_dir).is_dir():
        return 0
    cutoff = (now or dt.datetime.now(dt.timezone.utc)).timestamp() - keep_days * 86_400
    deleted = 0
    for path in rolled_files(Path(log_dir)):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            pass
    return deleted

"""Shared test set-up: a temporary database, the Rasa model trained once per run, the three
processes started on free loopback ports, and headless Debian Chromium."""
from __future__ import annotations

import itertools
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="iaa-tests-"))
# Set before any iaa module reads its settings.
os.environ["IAA_MODE"] = "test"
os.environ["IAA_DATABASE_URL"] = f"sqlite:///{_TMP / 'unit.db'}"
# The suite sends hundreds of conversations from one loopback address: rate limits are off here,
# and tests/test_attacks.py starts its own servers with them on.
RATE_SETTINGS = ("IAA_RATE_CHAT_PER_ADDRESS", "IAA_RATE_CHAT_PER_CONVERSATION", "IAA_RATE_SIGN_IN_TOTAL",
                 "IAA_RATE_NEW_CONVERSATION_PER_ADDRESS", "IAA_RATE_SIGN_IN_PER_ADDRESS", "IAA_RATE_SMS_PER_NUMBER")
for _name in RATE_SETTINGS:
    os.environ[_name] = "off"

import httpx  # noqa: E402
import pytest  # noqa: E402

from frontdoor.migrate import upgrade  # noqa: E402
from iaa import db  # noqa: E402
from iaa.settings import ROOT, Settings, get_settings  # noqa: E402

SAMPLE_DIRECTORY = ROOT / "directory" / "sample" / "services.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every test has a database of its own. A migrated template is made once per run (and one with
# the sample directory loaded, for the modules that use it); each module gets a copy, where its
# module-scoped fixtures (apps, staff accounts) write; each test then gets a copy of that, bound
# as the process's database (`iaa.db.bind`), so nothing one test writes is seen by another.
_TEST_NUMBERS = itertools.count()


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy, WAL included (SQLite's backup API, not a file copy)."""
    _remove_database(target)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _use_database(path: Path) -> str:
    url = _sqlite_url(path)
    os.environ["IAA_DATABASE_URL"] = url  # for the `iaa` command run by a test, and get_settings()
    get_settings.cache_clear()
    db.bind(url)
    return url


@pytest.fixture(scope="session")
def database_templates():
    empty = _TMP / "template-empty.db"
    upgrade(_sqlite_url(empty))
    made = {"empty": empty}

    def template(with_directory: bool) -> Path:
        if with_directory and "directory" not in made:
            loaded = _TMP / "template-directory.db"
            _copy_database(empty, loaded)
            _use_database(loaded)
            from directory.importer import load_path

            with db.session_scope() as session:
                summary = load_path(session, SAMPLE_DIRECTORY)
            assert summary.problems == []
            made["directory"] = loaded
        return made["directory" if with_directory else "empty"]
    return template


def _module_uses_directory(request) -> bool:
    return any({"directory_db", "sample_loaded"} & set(getattr(item, "fixturenames", ()))
               for item in request.session.items if getattr(item, "module", None) is request.module)


@pytest.fixture(scope="module", autouse=True)
def module_database(request, database_templates):
    """This module's database: where its module-scoped fixtures write."""
    path = _TMP / "modules" / f"{request.module.__name__}.db"
    path.parent.mkdir(exist_ok=True)
    _copy_database(database_templates(_module_uses_directory(request)), path)
    url = _use_database(path)
    yield url
    _remove_database(path)


@pytest.fixture(autouse=True)
def unit_database(request, module_database):
    """This test's own database: a copy of its module's, bound for the test's length."""
    module_path = Path(module_database[len("sqlite:///"):])
    path = _TMP / "tests" / f"{next(_TEST_NUMBERS)}.db"
    path.parent.mkdir(exist_ok=True)
    _copy_database(module_path, path)
    url = _use_database(path)
    yield url
    _use_database(module_path)
    _remove_database(path)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    from frontdoor.training import ensure_model

    return ensure_model(quiet=True)


def rasa_down_settings(**overrides) -> Settings:
    """Settings for an app whose Rasa and action server are "down": nothing listens on their
    port, so the front door answers with its own messages (the database bound now: the test's,
    or the module's when a module-scoped fixture asks)."""
    dead = free_port()
    values = dict(database_url=db.current().url, mode="test", rasa_token="t",
                  rasa_url=f"http://127.0.0.1:{dead}", action_url=f"http://127.0.0.1:{dead}", rasa_timeout=2)
    return Settings(**{**values, **overrides})


class Running:
    def __init__(self, group, ports):
        self.group = group
        self.ports = ports
        self.url = f"http://127.0.0.1:{ports.frontdoor}"
        self.rasa_url = f"http://127.0.0.1:{ports.rasa}"
        self.token = group.settings.rasa_token

    def chat(self, text: str, conversation_id: str | None = None, **extra) -> dict:
        body = {"text": text, **extra}
        if conversation_id:
            body["conversation_id"] = conversation_id
        r = httpx.post(f"{self.url}/api/chat", json=body, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()


def start_processes(model: Path, name: str) -> Running:
    from frontdoor.supervisor import FrontDoorProcesses, Ports

    db_url = f"sqlite:///{_TMP / name / 'frontdoor.db'}"
    (_TMP / name).mkdir(exist_ok=True)
    upgrade(db_url)
    load_sample = subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", "directory", "import", str(ROOT / "directory/sample/services.json"),
         "--quiet"], cwd=ROOT, env={**os.environ, "IAA_DATABASE_URL": db_url}, capture_output=True, text=True)
    assert load_sample.returncode == 0, load_sample.stderr
    settings = Settings(database_url=db_url, mode="test", rasa_token=f"test-token-{name}")
    ports = Ports(frontdoor=free_port(), rasa=free_port(), actions=free_port())
    group = FrontDoorProcesses(settings, model, ports, log_dir=_TMP / name / "logs")
    group.start(timeout=300, announce=lambda _m: None)
    return Running(group, ports)


@pytest.fixture(scope="session")
def servers(trained_model):
    running = start_processes(trained_model, "shared")
    yield running
    running.group.stop()


@pytest.fixture(scope="session")
def frontdoor_url(servers) -> str:
    return servers.url


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser):
    context = _browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def add_staff_account(running: "Running", username: str, first_name: str, password: str,
                      role: str = "staff") -> None:
    """An account in the running servers' database, made with the real CLI."""
    env = {**os.environ, "IAA_DATABASE_URL": running.group.settings.database_url}
    result = subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", "user", "add", username, "--first-name", first_name,
         "--role", role, "--password-stdin"],
        input=password + "\n", text=True, capture_output=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def staff_login(servers):
    """Creates an account in the running servers' database with the real CLI; returns
    (username, password, first name)."""
    import itertools

    counter = itertools.count(1)

    def make(role: str = "staff"):
        n = next(counter)
        username, first_name, password = f"{role}{n}", f"{role.title()}{n}", f"long enough password {n}"
        add_staff_account(servers, username, first_name, password, role)
        return username, password, first_name

    return make


def pytest_collection_modifyitems(items):
    """Mark by what a test really uses, so `make test-fast` (-m "not model and not servers and
    not browser") never starts Rasa or Chromium, whatever a module remembered to mark."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "trained_model" in used:
            item.add_marker(pytest.mark.model)
        if used & {"servers", "frontdoor_url", "staff_login"}:
            item.add_marker(pytest.mark.servers)
        if "_browser" in used or "browser_page" in used:
            item.add_marker(pytest.mark.browser)

"""Sign-in: one refusal for every reason, back-off per client address (never a locked account),
argon2 never inside a database transaction, every failure audited, and `iaa user disable / enable
/ reset-password / revoke-sessions` end to end. Real SQLite and real argon2; only the clock is fake."""
import getpass
import os
import sqlite3
import subprocess
import sys

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from console import auth
from console.auth import SignInBackoff, create_user
from iaa.models import AuditEntry, StaffSession, StaffUser
from frontdoor.app import create_app
from iaa.db import session_scope
from iaa import db
from iaa.models import utcnow
from iaa.settings import ROOT
from tests.conftest import rasa_down_settings

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def app(module_database):
    return create_app(rasa_down_settings(database_url=module_database))


@pytest.fixture()
def clock(app):
    """A fresh back-off for each test, on a clock the test moves."""
    c = Clock()
    app.state.sign_in_backoff = SignInBackoff(failures=5, first=30, maximum=900, window=900, clock=c)
    return c


class ProbingHasher:
    """The real hasher, counting its calls and checking at each one that nobody holds SQLite's
    write lock (a transaction of ours would: BEGIN IMMEDIATE)."""

    def __init__(self, real: PasswordHasher, during=None) -> None:
        self.real, self.calls, self.locked, self.during = real, 0, [], during

    def _probe(self) -> None:
        self.calls += 1
        con = sqlite3.connect(db.current().url[len("sqlite:///"):], timeout=0, isolation_level=None)  # the test's
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        except sqlite3.OperationalError as e:
            self.locked.append(str(e))
        finally:
            con.close()
        if self.during:
            self.during()

    def verify(self, password_hash, password):
        self._probe()
        return self.real.verify(password_hash, password)

    def hash(self, password):
        self._probe()
        return self.real.hash(password)

    def check_needs_rehash(self, password_hash):
        return self.real.check_needs_rehash(password_hash)


@pytest.fixture()
def hasher(monkeypatch):
    probe = ProbingHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", probe)
    return probe


def client_at(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    return client.post("/console/api/login", json={"username": username, "password": password})


def refusal(r):
    headers = {k: v for k, v in r.headers.items() if k.lower() != "date"}
    return r.status_code, r.content, headers


def failures_since(last_id: int):
    with session_scope() as db:
        return [(e.username, e.detail) for e in db.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id, AuditEntry.action == "login_failed")
            .order_by(AuditEntry.id))]


def last_audit_id() -> int:
    with session_scope() as db:
        return db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


# -- the back-off on its own ----------------------------------------------------------------------

def test_backoff_doubles_up_to_the_maximum_and_is_forgotten_after_a_quiet_window():
    clock = Clock()
    b = SignInBackoff(failures=3, first=30, maximum=200, window=600, clock=clock)
    assert [b.attempt("a") for _ in range(3)] == [True, True, True]  # the third is still checked
    assert not b.attempt("a") and b.attempt("b")  # only that address backs off
    waits = []
    for _ in range(5):
        start = clock.now
        while not b.attempt("a"):
            clock.now += 1
        waits.append(clock.now - start)
    assert waits == [30, 60, 120, 200, 200]
    clock.now += 200 + 600  # the last back-off ends, then a quiet window
    assert [b.attempt("a") for _ in range(3)] == [True, True, True] and not b.attempt("a")


def test_a_correct_password_forgets_the_address_and_memory_is_bounded():
    clock = Clock()
    b = SignInBackoff(failures=2, first=30, maximum=900, window=600, clock=clock, max_addresses=50)
    assert b.attempt("a") and b.attempt("a") and not b.attempt("a")
    b.succeeded("a")
    assert b.attempt("a") and not b.backing_off("a")
    for n in range(500):
        b.attempt(f"10.0.{n // 250}.{n % 250}")
    assert len(b._seen) <= 50


# -- through the API ------------------------------------------------------------------------------

def test_every_refusal_is_the_same_whatever_the_reason(app, clock, hasher):
    create_user("si-dee", "Dee", "staff", PASSWORD)
    create_user("si-off", "Off", "staff", PASSWORD)
    auth.disable_user("si-off", "pytest")
    before = last_audit_id()
    unknown = sign_in(client_at(app, "192.0.2.1"), "si-nobody")
    wrong = sign_in(client_at(app, "192.0.2.2"), "si-dee", "not the password")
    disabled = sign_in(client_at(app, "192.0.2.3"), "si-off")  # the right password
    attacker = client_at(app, "192.0.2.4")
    for _ in range(5):
        sign_in(attacker, "si-dee", "guess guess guess")
    backing_off = sign_in(attacker, "si-dee")  # the right password, from an address backing off
    assert unknown.status_code == 401 and unknown.json() == {"detail": "Wrong username or password"}
    assert refusal(unknown) == refusal(wrong) == refusal(disabled) == refusal(backing_off)
    # Each audited in its own transaction, never what was typed as a username that is no account,
    # and nothing about the address.
    failed = failures_since(before)
    assert failed[0] == ("(no such account)", "")
    assert ("si-dee", "wrong password") in failed and ("si-off", "account disabled") in failed
    assert failed[-1] == ("si-dee", "too many failures from one address: password not checked")
    assert len(failed) == 9 and not [f for f in failed if "si-nobody" in f[0] + f[1] or "192.0.2" in f[1]]
    assert not hasher.locked  # argon2 never ran inside one of our transactions


def test_the_victim_still_signs_in_from_another_address_while_the_attacker_backs_off(app, clock, hasher):
    create_user("si-vic", "Vic", "staff", PASSWORD)
    attacker = client_at(app, "203.0.113.66")
    for _ in range(5):
        assert sign_in(attacker, "si-vic", "guess guess guess").status_code == 401
    checked = hasher.calls
    for _ in range(2):  # refused without running argon2 (few: sign-in is also rate-limited per address)
        assert sign_in(attacker, "si-vic", "guess guess guess").status_code == 401
    assert sign_in(attacker, "si-vic").status_code == 401
    assert hasher.calls == checked
    r = sign_in(client_at(app, "203.0.113.7"), "si-vic")
    assert r.status_code == 200 and r.json()["user"]["username"] == "si-vic"
    clock.now += 30  # the back-off ends: the attacker's next guess is checked again
    assert sign_in(attacker, "si-vic", "guess guess guess").status_code == 401
    assert hasher.calls == checked + 2 and not hasher.locked


def test_an_old_hash_is_upgraded_outside_any_transaction(app, clock, hasher):
    create_user("si-old", "Olw", "staff", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with session_scope() as db:
        db.scalar(select(StaffUser).where(StaffUser.username == "si-old")).password_hash = weak
    hasher.calls = 0
    assert sign_in(client_at(app, "192.0.2.40"), "si-old").status_code == 200
    with session_scope() as db:
        upgraded = db.scalar(select(StaffUser.password_hash).where(StaffUser.username == "si-old"))
    assert upgraded != weak and not auth._hasher.check_needs_rehash(upgraded)
    assert hasher.calls == 2 and not hasher.locked  # verify, then hash


def test_an_account_disabled_while_its_password_is_checked_is_refused(app, clock, monkeypatch):
    create_user("si-race", "Rhys", "staff", PASSWORD)
    probe = ProbingHasher(auth._hasher, during=lambda: auth.disable_user("si-race", "pytest"))
    monkeypatch.setattr(auth, "_hasher", probe)
    before = last_audit_id()
    r = sign_in(client_at(app, "192.0.2.50"), "si-race")
    assert r.status_code == 401 and r.json() == {"detail": "Wrong username or password"}
    assert failures_since(before) == [("si-race", "account changed during sign-in")]
    with session_scope() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == "si-race"))
        assert not db.scalars(select(StaffSession).where(StaffSession.user_id == user.id)).all()


def test_a_disabled_account_loses_its_sessions_at_once(app, clock):
    create_user("si-now", "Nia", "staff", PASSWORD)
    client = client_at(app, "192.0.2.60")
    assert sign_in(client, "si-now").status_code == 200
    assert client.get("/console/api/me").status_code == 200
    with session_scope() as db:  # disabled_at alone (sessions left in place) is enough
        db.scalar(select(StaffUser).where(StaffUser.username == "si-now")).disabled_at = utcnow()
    assert client.get("/console/api/me").status_code == 401


# -- `iaa user ...` in a process of its own -------------------------------------------------------

def iaa_user(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "frontdoor.cli", "user", *args], cwd=ROOT, env=dict(os.environ),
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_the_command_line_disables_enables_resets_and_revokes_and_is_audited(app, clock):
    create_user("si-cli", "Cai", "staff", PASSWORD)
    web = client_at(app, "192.0.2.70")
    me = lambda: web.get("/console/api/me").status_code  # noqa: E731
    before = last_audit_id()

    assert sign_in(web, "si-cli").status_code == 200 and me() == 200
    done = iaa_user("revoke-sessions", "si-cli")
    assert done.returncode == 0 and "1 session(s) ended" in done.stdout, done.stderr
    assert me() == 401

    assert sign_in(web, "si-cli").status_code == 200 and me() == 200
    assert iaa_user("disable", "si-cli").returncode == 0
    assert me() == 401
    refused = sign_in(web, "si-cli")
    assert refused.status_code == 401 and refused.json() == {"detail": "Wrong username or password"}
    assert iaa_user("enable", "si-cli").returncode == 0
    assert sign_in(web, "si-cli").status_code == 200 and me() == 200

    short = iaa_user("reset-password", "si-cli", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    assert me() == 200  # nothing changed
    reset = iaa_user("reset-password", "si-cli", "--password-stdin", stdin="a brand new passphrase\n")
    assert reset.returncode == 0, reset.stderr
    assert me() == 401
    assert sign_in(client_at(app, "192.0.2.71"), "si-cli").status_code == 401  # the old password
    assert sign_in(client_at(app, "192.0.2.72"), "si-cli", "a brand new passphrase").status_code == 200

    unknown = iaa_user("disable", "si-nobody-here")
    assert unknown.returncode == 2 and "no user 'si-nobody-here'" in unknown.stderr

    with session_scope() as db:
        entries = [(e.action, e.username, e.user_id, e.detail) for e in db.scalars(
            select(AuditEntry).where(AuditEntry.id > before, AuditEntry.username == "(command line)")
            .order_by(AuditEntry.id))]
    assert [e[0] for e in entries] == ["sessions_revoked", "user_disabled", "user_enabled", "password_reset"]
    operator = getpass.getuser()
    assert all(e[2] is None and e[3].startswith("si-cli: ") and e[3].endswith(f"by OS user {operator}")
               for e in entries)
    assert "si-cli: disabled, 1 session(s) ended" in entries[1][3]
    assert "si-cli: password reset, 1 session(s) ended" in entries[3][3]


def test_reset_password_and_create_hash_outside_any_transaction(hasher):
    create_user("si-hash", "Huw", "staff", PASSWORD)
    assert auth.reset_password("si-hash", "another long passphrase", "pytest") == 0
    assert hasher.calls == 2 and not hasher.locked  # create, reset
    with pytest.raises(ValueError, match="at least 12"):
        auth.reset_password("si-hash", "short", "pytest")
    with pytest.raises(ValueError, match="no user"):
        auth.revoke_sessions("si-nobody", "pytest")

"""Staff sign-in: argon2 password hashes, server-side sessions in an HttpOnly cookie, CSRF tokens,
back-off per client address after repeated failures, disabled accounts, and role checks for every
console route.

Every refusal is the same 401 "Wrong username or password", whatever the reason (no such account,
wrong password, disabled account, an address backing off), so sign-in never tells anyone which
usernames exist. Passwords are hashed and checked outside any database transaction: argon2 takes
about 128 ms and 64 MiB, and on SQLite a write transaction holds the lock citizens' messages need."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Optional, Protocol, Tuple, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import delete, select

from iaa.db import read_scope, session_scope
from iaa.models import utcnow

from iaa.models import ROLES, AuditEntry, StaffSession, StaffUser

COOKIE = "iaa_session"
SESSION_HOURS = 10  # one working day
MIN_PASSWORD = 12
REFUSAL = "Wrong username or password"
NO_SUCH_ACCOUNT = "(no such account)"  # never what was typed: people type passwords there
COMMAND_LINE = "(command line)"  # the audit's user for `iaa user ...`; the OS user is in detail
_hasher = PasswordHasher()
# A real hash to compare against when the username is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    first_name: str
    role: str
    csrf_token: str
    speaks_welsh: bool = False

    def public(self) -> dict:
        return {"username": self.username, "name": self.first_name, "role": self.role,
                "speaks_welsh": self.speaks_welsh}


class LoginRefused(Exception):
    """Always 401 with REFUSAL: the reason is only in the audit log."""

    def __init__(self) -> None:
        super().__init__(REFUSAL)
        self.status, self.detail = 401, REFUSAL


class _Address:
    __slots__ = ("failures", "backoffs", "until", "last")

    def __init__(self) -> None:
        self.failures = 0
        self.backoffs = 0
        self.until = 0.0
        self.last = 0.0


class SignInBackoff:
    """Failed sign-ins counted per client address, in this process.

    After `failures` failed attempts (with no quiet `window` between them) the address backs off:
    it is refused without its password being checked for `first` seconds, then after each further
    failure for twice as long as the time before, up to `maximum`. An address that has been quiet
    for `window` seconds since its last failure and back-off is forgotten; a correct password
    forgets it at once. The account is never locked, so nobody can keep someone else out.

    `attempt()` counts an attempt as failed before its password is checked, so a burst of attempts
    at once cannot all reach argon2; `succeeded()` takes it back. Staff behind one address (an
    office network, or a proxy uvicorn does not trust for X-Forwarded-For) share one count."""

    def __init__(self, failures: int = 5, first: float = 30, maximum: float = 900, window: float = 900,
                 clock: Callable[[], float] = time.monotonic, max_addresses: int = 10_000) -> None:
        self.failures, self.first, self.maximum, self.window = failures, first, maximum, window
        self.clock, self.max_addresses = clock, max_addresses
        self._seen: "OrderedDict[str, _Address]" = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> "SignInBackoff":
        return cls(settings.sign_in_failures_before_backoff, settings.sign_in_backoff_seconds,
                   settings.sign_in_backoff_max_seconds, settings.sign_in_failure_window_seconds)

    def _quiet(self, rec: _Address, now: float) -> bool:
        return now >= max(rec.last, rec.until) + self.window

    def attempt(self, address: str) -> bool:
        """False while the address backs off: refuse without checking the password."""
        now = self.clock()
        with self._lock:
            rec = self._seen.get(address)
            if rec is not None and self._quiet(rec, now):
                rec = None
            if rec is None:
                self._trim(now)
                rec = self._seen[address] = _Address()
            self._seen.move_to_end(address)
            if now < rec.until:
                return False
            rec.failures += 1
            rec.last = now
            if rec.failures >= self.failures:
                rec.backoffs += 1
                rec.until = now + min(self.maximum, self.first * 2 ** min(rec.backoffs - 1, 32))
            return True

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._seen.pop(address, None)

    def backing_off(self, address: str) -> bool:
        with self._lock:
            rec = self._seen.get(address)
            return rec is not None and self.clock() < rec.until

    def _trim(self, now: float) -> None:
        # Bounded memory, before a new address is added: forget quiet addresses first, then the
        # least recently seen.
        if len(self._seen) < self.max_addresses:
            return
        for address in [a for a, rec in self._seen.items() if self._quiet(rec, now)]:
            del self._seen[address]
        while len(self._seen) >= self.max_addresses:
            self._seen.popitem(last=False)


def audit(db, user: Optional[Staff], action: str, conversation_id: Optional[str] = None,
          detail: str = "", username: Optional[str] = None) -> None:
    db.add(AuditEntry(user_id=user.id if user else None, username=user.username if user else username,
                      action=action, conversation_id=conversation_id, detail=detail[:255]))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password must be at least {MIN_PASSWORD} characters")


def create_user(username: str, first_name: str, role: str, password: str, speaks_welsh: bool = False) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError("username: letters, digits, dots, hyphens and underscores only")
    if not first_name.strip():
        raise ValueError("first name is required (citizens see it)")
    _check_password(password)
    with read_scope() as db:
        exists = db.scalar(select(StaffUser.id).where(StaffUser.username == username))
    if exists:
        raise ValueError(f"user {username!r} already exists")
    password_hash = _hasher.hash(password)  # outside the transaction
    with session_scope() as db:
        if db.scalar(select(StaffUser.id).where(StaffUser.username == username)):
            raise ValueError(f"user {username!r} already exists")
        db.add(StaffUser(username=username, first_name=first_name.strip(), role=role,
                         password_hash=password_hash, speaks_welsh=bool(speaks_welsh)))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class _Account:
    id: int
    username: str
    first_name: str
    role: str
    password_hash: str
    disabled: bool
    speaks_welsh: bool


_CHECKING = threading.Lock()


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse(account: Optional[_Account], detail: str) -> LoginRefused:
    """Audits the failed attempt in a transaction of its own, and gives the one refusal."""
    with session_scope() as db:
        audit(db, None, "login_failed", username=account.username if account else NO_SUCH_ACCOUNT,
              detail=detail)
    return LoginRefused()


_default_backoff: Optional[SignInBackoff] = None


def default_backoff() -> SignInBackoff:
    global _default_backoff
    if _default_backoff is None:
        from iaa.settings import get_settings

        _default_backoff = SignInBackoff.from_settings(get_settings())
    return _default_backoff


def login(username: str, password: str, address: str = "",
          backoff: Optional[SignInBackoff] = None) -> tuple[str, Staff]:
    """Returns (cookie value, staff) or raises LoginRefused. `address` is the client's; the audit
    keeps nothing about it. Three short transactions at most, none of them around argon2."""
    backoff = backoff or default_backoff()
    allowed = backoff.attempt(address)
    with read_scope() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == username))
        account = None if user is None else _Account(user.id, user.username, user.first_name, user.role,
                                                     user.password_hash, user.disabled_at is not None,
                                                     bool(user.speaks_welsh))
    if not allowed:
        raise _refuse(account, "too many failures from one address: password not checked")
    # The dummy hash for unknown users, so the time taken does not tell. One check at a time per
    # process: a burst costs time, not 64 MiB each at once.
    with _CHECKING:
        matches = _password_matches(account.password_hash if account else _DUMMY_HASH, password)
    if account is None:
        raise _refuse(None, "")
    if not matches:
        raise _refuse(account, "wrong password")
    if account.disabled:
        raise _refuse(account, "account disabled")
    new_hash = _hasher.hash(password) if _hasher.check_needs_rehash(account.password_hash) else None
    now = utcnow()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    staff = Staff(account.id, account.username, account.first_name, account.role, csrf, account.speaks_welsh)
    with session_scope() as db:
        user = db.get(StaffUser, account.id)
        # Disabled, reset or deleted while the password was being checked: refuse.
        if user is None or user.disabled_at is not None or user.password_hash != account.password_hash:
            changed = "account changed during sign-in"
        else:
            changed = ""
            if new_hash:
                user.password_hash = new_hash
            db.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            db.add(StaffSession(token_hash=_hash_token(token), user_id=user.id, csrf_token=csrf,
                                expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
            audit(db, staff, "login")
    if changed:
        raise _refuse(account, changed)
    backoff.succeeded(address)
    return token, staff


def logout(token: str) -> None:
    with session_scope() as db:
        db.execute(delete(StaffSession).where(StaffSession.token_hash == _hash_token(token)))


def staff_from_token(token: Optional[str]) -> Optional[Staff]:
    if not token:
        return None
    with read_scope() as db:
        row = db.execute(
            select(StaffSession, StaffUser).join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.token_hash == _hash_token(token))
        ).first()
        if row is None or row[0].expires_at < utcnow() or row[1].disabled_at is not None:
            return None
        sess, user = row
        return Staff(user.id, user.username, user.first_name, user.role, sess.csrf_token, bool(user.speaks_welsh))


# -- account management (`iaa user ...`) ----------------------------------------------------------

def _manage(username: str, operator: str, action: str, change: Callable[[StaffUser], str],
            revoke: bool) -> int:
    """Applies `change` to the account, and with `revoke` ends its sessions, in one short
    transaction with its audit entry. The audit's user is COMMAND_LINE; the detail names the
    account, what happened and the operator (the OS user). Returns the number of sessions ended."""
    with session_scope() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise ValueError(f"no user {username!r}")
        what = change(user)
        ended = 0
        if revoke:
            ended = db.execute(delete(StaffSession).where(StaffSession.user_id == user.id)).rowcount or 0
        audit(db, None, action, username=COMMAND_LINE,
              detail=f"{user.username}: {what}, {ended} session(s) ended, by OS user {operator}")
    return ended


def disable_user(username: str, operator: str) -> int:
    """The account cannot sign in (the usual refusal) and its sessions end at once."""
    def change(user: StaffUser) -> str:
        if user.disabled_at is not None:
            return "already disabled"
        user.disabled_at = utcnow()
        return "disabled"
    return _manage(username, operator, "user_disabled", change, revoke=True)


def enable_user(username: str, operator: str) -> int:
    def change(user: StaffUser) -> str:
        if user.disabled_at is None:
            return "was not disabled"
        user.disabled_at = None
        return "enabled"
    return _manage(username, operator, "user_enabled", change, revoke=False)


def reset_password(username: str, password: str, operator: str) -> int:
    """A new password (hashed before the transaction opens); the account's sessions end."""
    _check_password(password)
    password_hash = _hasher.hash(password)

    def change(user: StaffUser) -> str:
        user.password_hash = password_hash
        return "password reset"
    return _manage(username, operator, "password_reset", change, revoke=True)


def set_welsh(username: str, speaks_welsh: bool, operator: str) -> int:
    """Says whether the account speaks Welsh (its sessions carry on: the next request sees it)."""
    def change(user: StaffUser) -> str:
        was = bool(user.speaks_welsh)
        user.speaks_welsh = bool(speaks_welsh)
        now = "speaks Welsh" if speaks_welsh else "does not speak Welsh"
        return now if was != bool(speaks_welsh) else f"already {now}"
    return _manage(username, operator, "user_welsh", change, revoke=False)


def revoke_sessions(username: str, operator: str) -> int:
    return _manage(username, operator, "sessions_revoked", lambda _user: "sessions revoked", revoke=True)


def current_staff(request: Request) -> Optional[Staff]:
    return staff_from_token(request.cookies.get(COOKIE))


class RoleCheck(Protocol):
    """What require() returns: a FastAPI dependency that also says which roles it lets in."""
    roles: Tuple[str, ...]

    def __call__(self, request: Request) -> Staff: ...


def require(*roles: str) -> RoleCheck:
    """A FastAPI dependency: signed in, with one of these roles, and (for writes) the CSRF token."""

    def dependency(request: Request) -> Staff:
        staff = current_staff(request)
        if staff is None:
            raise HTTPException(401, "Sign in first")
        if staff.role not in roles:
            raise HTTPException(403, "Not allowed for your role")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            sent = request.headers.get("x-csrf-token", "")
            if not hmac.compare_digest(sent.encode(), staff.csrf_token.encode()):
                raise HTTPException(403, "CSRF token missing or wrong")
        return staff

    check = cast(RoleCheck, dependency)
    check.roles = roles  # for the route-coverage test
    return check

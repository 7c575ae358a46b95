"""Staff sign-in: argon2 password hashes, server-side sessions in an HttpOnly cookie, CSRF tokens,
lock-out after repeated failures, and role checks for every console route."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Callable, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import delete, select

from iaa.db import session_scope
from iaa.models import utcnow

from .models import ROLES, AuditEntry, StaffSession, StaffUser

COOKIE = "iaa_session"
SESSION_HOURS = 10  # one working day
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 12
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

    def public(self) -> dict:
        return {"username": self.username, "name": self.first_name, "role": self.role}


class LoginRefused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def audit(db, user: Optional[Staff], action: str, conversation_id: Optional[str] = None,
          detail: str = "", username: Optional[str] = None) -> None:
    db.add(AuditEntry(user_id=user.id if user else None, username=user.username if user else username,
                      action=action, conversation_id=conversation_id, detail=detail[:255]))


def create_user(username: str, first_name: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError("username: letters, digits, dots, hyphens and underscores only")
    if not first_name.strip():
        raise ValueError("first name is required (citizens see it)")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password must be at least {MIN_PASSWORD} characters")
    with session_scope() as db:
        if db.scalar(select(StaffUser).where(StaffUser.username == username)):
            raise ValueError(f"user {username!r} already exists")
        db.add(StaffUser(username=username, first_name=first_name.strip(), role=role,
                         password_hash=_hasher.hash(password)))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(username: str, password: str) -> tuple[str, Staff]:
    """Returns (cookie value, staff) or raises LoginRefused."""
    now = utcnow()
    with session_scope() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            try:
                _hasher.verify(_DUMMY_HASH, password)
            except VerificationError:
                pass
            # Not what was typed: people type passwords into the username box.
            audit(db, None, "login_failed", username="(no such account)")
            raise LoginRefused(401, "Wrong username or password")
        if user.locked_until and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            raise LoginRefused(423, f"Too many failed attempts. Try again in {minutes} minutes.")
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
                audit(db, None, "locked_out", username=user.username)
            audit(db, None, "login_failed", username=user.username)
            # Commit the count even though we refuse.
            db.commit()
            raise LoginRefused(401, "Wrong username or password")
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        db.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        db.add(StaffSession(token_hash=_hash_token(token), user_id=user.id, csrf_token=csrf,
                            expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
        staff = Staff(user.id, user.username, user.first_name, user.role, csrf)
        audit(db, staff, "login")
    return token, staff


def logout(token: str) -> None:
    with session_scope() as db:
        db.execute(delete(StaffSession).where(StaffSession.token_hash == _hash_token(token)))


def staff_from_token(token: Optional[str]) -> Optional[Staff]:
    if not token:
        return None
    with session_scope() as db:
        row = db.execute(
            select(StaffSession, StaffUser).join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.token_hash == _hash_token(token))
        ).first()
        if row is None or row[0].expires_at < utcnow():
            return None
        sess, user = row
        return Staff(user.id, user.username, user.first_name, user.role, sess.csrf_token)


def current_staff(request: Request) -> Optional[Staff]:
    return staff_from_token(request.cookies.get(COOKIE))


def require(*roles: str) -> Callable[[Request], Staff]:
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

    dependency.roles = roles  # for the route-coverage test
    return dependency

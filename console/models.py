"""Staff accounts, sessions, internal notes and the audit log."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from iaa.models import Base, utcnow

ROLES = ("staff", "planner", "admin")


class StaffUser(Base):
    __tablename__ = "staff_user"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    first_name = Column(String(64), nullable=False)  # the only name a citizen sees
    role = Column(String(12), nullable=False)
    password_hash = Column(String(255), nullable=False)
    # failed_logins and locked_until (migration 0010) are no longer used: failed sign-ins back off
    # per client address (console.auth.SignInBackoff), so nobody can lock someone else out.
    disabled_at = Column(DateTime)  # set: cannot sign in, and has no sessions
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffSession(Base):
    __tablename__ = "staff_session"

    token_hash = Column(String(64), primary_key=True)  # sha256 of the cookie value
    user_id = Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class Note(Base):
    __tablename__ = "staff_note"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = Column(Integer, ForeignKey("staff_user.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    user_id = Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"))
    username = Column(String(64))  # kept if the account is later deleted
    action = Column(String(32), nullable=False)
    conversation_id = Column(String(32))
    detail = Column(String(255), nullable=False, default="")

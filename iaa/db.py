"""Database engine and sessions (SQLAlchemy 1.4 in 2.0 style)."""
from __future__ import annotations

from contextlib import contextmanager
import threading
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .settings import get_settings


READ_ONLY = "iaa_read_only"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # WAL lets readers work while a writer commits
            # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN instead.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # IMMEDIATE takes the write lock up front: two writers queue (busy timeout) instead of
            # deadlocking when both read first and then write. Reads (read_scope) take no lock.
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


class Database:
    """One database: its engine and the two session factories (read-only and read-write)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.writer = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)
        self.reader = sessionmaker(bind=self.engine.execution_options(**{READ_ONLY: True}), future=True,
                                   expire_on_commit=False)

    def dispose(self) -> None:
        self.engine.dispose()


_lock = threading.Lock()
_bound: Optional[Database] = None


def bind(url: str) -> Database:
    """Make `url` the database this process's sessions use: `create_app(settings)` binds its
    settings' database, the `iaa` command binds its own. Binding the same URL again keeps the
    engine (and its pool); a different URL replaces it."""
    global _bound
    with _lock:
        if _bound is None or _bound.url != url:
            old, _bound = _bound, Database(url)
            if old is not None:
                old.dispose()
        return _bound


def current() -> Database:
    """The bound database; until something binds one, the one the environment's settings name."""
    return _bound if _bound is not None else bind(get_settings().database_url)


def get_engine() -> Engine:
    return current().engine


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for reading only: on SQLite it never takes the write lock, so reads never queue
    behind writers (WAL gives them a consistent snapshot). Anything written is rolled back."""
    session: Session = current().reader()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def session_scope() -> Iterator[Session]:
    session: Session = current().writer()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

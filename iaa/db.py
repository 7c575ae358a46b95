"""Database engine and sessions (SQLAlchemy 1.4 in 2.0 style)."""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

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


@lru_cache()
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache()
def _factory() -> sessionmaker:
    return sessionmaker(bind=get_engine(), future=True, expire_on_commit=False)


@lru_cache()
def _read_factory() -> sessionmaker:
    return sessionmaker(bind=get_engine().execution_options(**{READ_ONLY: True}), future=True,
                        expire_on_commit=False)


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for reading only: on SQLite it never takes the write lock, so reads never queue
    behind writers (WAL gives them a consistent snapshot). Anything written is rolled back."""
    session: Session = _read_factory()()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def session_scope() -> Iterator[Session]:
    session: Session = _factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

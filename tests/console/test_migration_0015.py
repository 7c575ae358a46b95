"""Migration 0015: staff accounts made before it do not speak Welsh until someone says so, new
ones take the default, and downgrade takes the column away. SQLite here, and PostgreSQL when
IAA_TEST_POSTGRES_URL names an empty database (as tests/directory/test_migrations.py)."""
from __future__ import annotations

import os

from alembic import command
from sqlalchemy import inspect, text

from frontdoor.migrate import alembic_config, upgrade
from iaa.db import make_engine


def _urls(tmp_path):
    urls = [f"sqlite:///{tmp_path / 'm.db'}"]
    if os.environ.get("IAA_TEST_POSTGRES_URL"):
        urls.append(os.environ["IAA_TEST_POSTGRES_URL"])
    return urls


def _downgrade(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    engine.dispose()


def _columns(url: str):
    engine = make_engine(url)
    with engine.connect() as c:
        names = {col["name"] for col in inspect(c).get_columns("staff_user")}
    engine.dispose()
    return names


def test_0015_adds_speaks_welsh_false_for_everyone_and_back(tmp_path):
    for url in _urls(tmp_path):
        upgrade(url, "0014")
        engine = make_engine(url)
        with engine.begin() as c:
            c.execute(text("INSERT INTO staff_user (username, first_name, role, password_hash, failed_logins, created_at) "
                           "VALUES ('old', 'Old', 'staff', 'x', 0, CURRENT_TIMESTAMP)"))
            c.execute(text("INSERT INTO staff_session (token_hash, user_id, csrf_token, created_at, expires_at) "
                           "SELECT 'tok', id, 'c', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM staff_user"))
        engine.dispose()

        upgrade(url)
        engine = make_engine(url)
        with engine.begin() as c:
            assert c.execute(text("SELECT username, speaks_welsh FROM staff_user")).all() == [("old", False)]
            c.execute(text("INSERT INTO staff_user (username, first_name, role, password_hash, failed_logins, created_at) "
                           "VALUES ('new', 'New', 'staff', 'x', 0, CURRENT_TIMESTAMP)"))
            c.execute(text("UPDATE staff_user SET speaks_welsh = :on WHERE username = 'old'"), {"on": True})
            assert dict(c.execute(text("SELECT username, speaks_welsh FROM staff_user")).all()) == \
                {"old": True, "new": False}
            # No table rebuild: the sessions of existing accounts are still there.
            assert c.execute(text("SELECT count(*) FROM staff_session")).scalar() == 1
        engine.dispose()

        _downgrade(url, "0014")
        assert "speaks_welsh" not in _columns(url)
        upgrade(url)
        assert "speaks_welsh" in _columns(url)

"""Migration 0017: the SMS tables and conversation columns arrive on a database with
conversations in it, and downgrade to 0016 takes them away again. SQLite here, and PostgreSQL
when IAA_TEST_POSTGRES_URL names an empty database."""
from __future__ import annotations

import os

from alembic import command
from sqlalchemy import inspect, text

from frontdoor.migrate import alembic_config, upgrade
from iaa.db import make_engine

NEW_TABLES = {"sms_inbound", "sms_opt_out", "sms_outbound"}
NEW_COLUMNS = {"sms_number_hash", "sms_number_sealed", "sms_more", "sms_opted_out_at"}


def _urls(tmp_path):
    urls = [f"sqlite:///{tmp_path / 'm.db'}"]
    if os.environ.get("IAA_TEST_POSTGRES_URL"):
        urls.append(os.environ["IAA_TEST_POSTGRES_URL"])
    return urls


def _schema(url):
    engine = make_engine(url)
    with engine.connect() as c:
        found = inspect(c)
        tables = set(found.get_table_names())
        columns = {col["name"] for col in found.get_columns("conversation")}
    engine.dispose()
    return tables, columns


def test_0017_adds_the_sms_tables_and_columns_and_back(tmp_path):
    for url in _urls(tmp_path):
        upgrade(url, "0016")
        engine = make_engine(url)
        with engine.begin() as c:
            c.execute(text("INSERT INTO conversation (id, channel, status, language, created_at, updated_at, sms_number) "
                           "VALUES ('c1', 'sms', 'waiting', 'cy', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '+447700900123')"))
        engine.dispose()

        upgrade(url)
        tables, columns = _schema(url)
        assert NEW_TABLES <= tables and NEW_COLUMNS <= columns
        engine = make_engine(url)
        with engine.begin() as c:
            # The existing conversation is untouched (its number is sealed by the app, not here).
            assert c.execute(text("SELECT sms_number, sms_number_hash FROM conversation")).all() == \
                [("+447700900123", None)]
            c.execute(text("INSERT INTO sms_inbound (message_sid, conversation_id, received_at, state) "
                           "VALUES ('SM1', 'c1', CURRENT_TIMESTAMP, 'answered')"))
            c.execute(text("INSERT INTO sms_outbound (conversation_id, twilio_sid, kind, status, created_at, updated_at) "
                           "VALUES ('c1', 'SM2', 'staff', 'queued', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        engine.dispose()

        engine = make_engine(url)
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0016")
        engine.dispose()
        tables, columns = _schema(url)
        assert not (NEW_TABLES & tables) and not (NEW_COLUMNS & columns)
        assert "sms_number" in columns
        upgrade(url)
        assert NEW_TABLES <= _schema(url)[0]

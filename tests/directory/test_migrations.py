"""Migration 0003 on a database that already holds 0002-shaped directory data: addresses move to
their own table, keys become (service_id, id), and downgrade puts it back. Runs on SQLite here and on
PostgreSQL when IAA_TEST_POSTGRES_URL names an empty database."""
from __future__ import annotations

import os

from alembic import command
from sqlalchemy import inspect, text

from iaa.db import make_engine
from frontdoor.migrate import alembic_config, upgrade


def _downgrade(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    engine.dispose()


def _urls(tmp_path):
    urls = [f"sqlite:///{tmp_path / 'm.db'}"]
    if os.environ.get("IAA_TEST_POSTGRES_URL"):
        urls.append(os.environ["IAA_TEST_POSTGRES_URL"])
    return urls


def test_0003_moves_addresses_and_rekeys_children_both_ways(tmp_path):
    for url in _urls(tmp_path):
        upgrade(url, "0002")
        engine = make_engine(url)
        with engine.begin() as c:
            c.execute(text("INSERT INTO dir_organization (id, name, description) VALUES ('o1', 'Org', '')"))
            c.execute(text("INSERT INTO dir_service (id, organization_id, name, description, status) "
                           "VALUES ('s1', 'o1', 'Club', '', 'active')"))
            c.execute(text("INSERT INTO dir_location (id, name, address_1, city, postal_code) "
                           "VALUES ('l1', 'Hall', '1 Example Street', 'Llandeilo', 'SA19 9ZZ')"))
            c.execute(text("INSERT INTO dir_service_at_location (id, service_id, location_id) VALUES ('a1', 's1', 'l1')"))
            c.execute(text("INSERT INTO dir_phone (id, service_id, number) VALUES ('p1', 's1', '029 2018 0001')"))
        engine.dispose()

        upgrade(url)
        engine = make_engine(url)
        with engine.connect() as c:
            assert c.execute(text("SELECT location_id, address_1, city, postal_code, country FROM dir_address")).all() \
                == [("l1", "1 Example Street", "Llandeilo", "SA19 9ZZ", "GB")]
            insp = inspect(c)
            assert "city" not in {col["name"] for col in insp.get_columns("dir_location")}
            assert insp.get_pk_constraint("dir_phone")["constrained_columns"] == ["service_id", "id"]
            assert c.execute(text("SELECT service_id, id, number FROM dir_phone")).all() == [("s1", "p1", "029 2018 0001")]
            assert {"dir_schedule", "dir_taxonomy_term", "dir_service_attribute", "dir_meta"} <= set(insp.get_table_names())
        engine.dispose()

        _downgrade(url, "0002")
        engine = make_engine(url)
        with engine.connect() as c:
            assert c.execute(text("SELECT id, address_1, city, postal_code FROM dir_location")).all() == [
                ("l1", "1 Example Street", "Llandeilo", "SA19 9ZZ")]
            assert c.execute(text("SELECT id, service_id, number FROM dir_phone")).all() == [("p1", "s1", "029 2018 0001")]
        engine.dispose()
        upgrade(url)  # and forward again


def test_0016_adds_an_organisations_welsh_text_and_takes_it_away(tmp_path):
    for url in _urls(tmp_path):
        upgrade(url, "0015")
        engine = make_engine(url)
        with engine.begin() as c:
            c.execute(text("INSERT INTO dir_organization (id, name, description) VALUES ('o1', 'Org', '')"))
        engine.dispose()

        upgrade(url, "0016")
        engine = make_engine(url)
        with engine.begin() as c:
            columns = {col["name"] for col in inspect(c).get_columns("dir_organization")}
            assert {"name_cy", "description_cy"} <= columns
            assert c.execute(text("SELECT id, name, name_cy, description_cy FROM dir_organization")).all() == [
                ("o1", "Org", None, None)]
            c.execute(text("UPDATE dir_organization SET name_cy = 'Sefydliad' WHERE id = 'o1'"))
        engine.dispose()

        _downgrade(url, "0015")
        engine = make_engine(url)
        with engine.connect() as c:
            assert not {"name_cy", "description_cy"} & {col["name"] for col in inspect(c).get_columns("dir_organization")}
            assert c.execute(text("SELECT id, name FROM dir_organization")).all() == [("o1", "Org")]
        engine.dispose()
        upgrade(url)  # and forward again

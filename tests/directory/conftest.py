"""The sample directory loaded once into the unit test database (tests/conftest.py), and helpers.

Sample dates are fixed around 23 November 2026, so freshness is judged as of that day."""
from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest

from directory.sources import read_services
from iaa.settings import ROOT

SAMPLE = ROOT / "directory" / "sample" / "services.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def sample_records():
    return read_services(SAMPLE)


@pytest.fixture(scope="module")
def sample_loaded(module_database, sample_records):
    """The sample directory is in this module's database (tests/conftest.py starts a module that
    asks for it from a template with the sample loaded, made once per run)."""
    return sample_records


@pytest.fixture(scope="module")
def directory_db(sample_loaded):
    """The sample, in this module's database (and so in each of its tests')."""
    return sample_loaded


def by_name(records, name):
    return next(r for r in records if r["name"] == name)


def run_cli(*argv: str) -> int:
    from directory.cli import register

    parser = argparse.ArgumentParser(prog="iaa")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(directory_db):
    """The directory's HTTP API (search and ORUK) on its own, over the sample."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from directory.api import router
    from iaa.errors import install

    app = FastAPI()
    install(app)  # the front door's one error shape
    app.include_router(router)
    with TestClient(app) as c:
        yield c

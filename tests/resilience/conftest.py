"""Stand-alone apps for backups and database faults: their own database (a SQLite file, or
``<test database>_source`` / ``<test database>_restore`` beside TRACKER_TEST_DATABASE_URL's),
committed data and their own upload folder, so concurrent writers, backups and killed
connections never touch the shared test database.

Tests here must not use the ``app`` fixture: it swaps ``db.session`` for a rolled-back one.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from tests.apps import BACKENDS, PG_URL, ensure_database, make_app, reset_postgresql
from tests.factories import ACCOUNTS, PASSWORD
from tracker.config import database_url
from tracker.extensions import db
from tracker.services import accounts
from tracker.services.seed import seed

OFFICER = ACCOUNTS["officer"]


@dataclass
class Standalone:
    backend: str
    url: str
    app: Flask
    upload_dir: Path


def pg_database(suffix: str) -> str:
    """An empty PostgreSQL database named after the configured one (``test`` → ``test_restore``).

    Made once, then emptied by replacing its schema: much quicker than CREATE DATABASE.
    """
    url = make_url(database_url(PG_URL))
    target = ensure_database(url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False))
    reset_postgresql(target)
    return target


def standalone(backend: str, name: str, folder: Path) -> Standalone:
    """An app on a new, empty database (no tables) with an empty upload folder."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / (name + '.sqlite3')}" if backend == "sqlite" else pg_database(name)
    app = make_app(url, folder)
    return Standalone(backend, url, app, Path(app.config["UPLOAD_DIR"]))


def discard(target: Standalone) -> None:
    with target.app.app_context():
        db.session.remove()
        db.engine.dispose()
    if target.backend == "postgresql":
        reset_postgresql(target.url)  # the database stays, empty, for the next run
    shutil.rmtree(target.upload_dir, ignore_errors=True)


def pg_tools_or_skip() -> None:
    if shutil.which("pg_dump") or any(Path("/usr/lib/postgresql").glob("*/bin/pg_dump")):
        return
    if os.environ.get("CI"):
        pytest.fail("pg_dump is not installed (postgresql-client); CI must test PostgreSQL backups")
    pytest.skip("pg_dump is not installed (postgresql-client)")


@pytest.fixture(scope="session", params=BACKENDS)
def source(request, tmp_path_factory) -> Standalone:
    """A migrated, seeded database with one officer, shared by this package's tests (they only add to it)."""
    if request.param == "postgresql":
        pg_tools_or_skip()
    target = standalone(request.param, "source", tmp_path_factory.mktemp(f"source-{request.param}"))
    with target.app.app_context():
        upgrade()
        seed()
        accounts.create_user(OFFICER, PASSWORD)
        db.session.commit()
        db.session.remove()
    yield target
    discard(target)


@pytest.fixture
def restore_target(source, tmp_path):
    """A factory of empty targets of the source's backend (``<db>_restore`` on PostgreSQL), emptied afterwards."""
    made: list[Standalone] = []

    def make() -> Standalone:
        if made:  # one at a time: on PostgreSQL they share the database
            discard(made.pop())
        target = standalone(source.backend, "restore", tmp_path / f"restore-{len(list(tmp_path.glob('restore-*')))}")
        made.append(target)
        return target

    yield make
    for target in made:
        discard(target)

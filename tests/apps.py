"""Building test apps: the database backends the suite runs on and the test configuration.

Under pytest-xdist (``make test`` runs two processes) each worker has what a test may empty
or flush to itself: its own PostgreSQL database (``<TRACKER_TEST_DATABASE_URL's>_gw0``, made
on the server when missing; the databases tests make beside it follow its name) and its own
Redis database (TRACKER_TEST_REDIS_URL's number plus the worker's). Outside xdist both are
the configured ones.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.config import database_url

# "gw0", "gw1", ... in an xdist worker; None in a single process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _for_this_worker(url: str | None) -> str | None:
    if not url or not WORKER:
        return url
    parsed = make_url(database_url(url))
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


def _redis_for_this_worker(url: str) -> str:
    """The Redis database numbered the configured one plus the worker's number (gw1: +1)."""
    if not WORKER:
        return url
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) + int(WORKER.removeprefix("gw"))
    if db > 15:
        raise RuntimeError(f"Redis has databases 0-15: set TRACKER_TEST_REDIS_URL to a lower one than {url}")
    return urlunsplit(parts._replace(path=f"/{db}"))


PG_URL = _for_this_worker(os.environ.get("TRACKER_TEST_DATABASE_URL"))
# Tests that flush or empty a queue (tests/test_processes.py, the report jobs' worker, the cache).
REDIS_TEST_URL = _redis_for_this_worker(os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/13"))
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
# Cheap hashes: scrypt costs ~0.1 s a sign-in, minutes over the suite. Production keeps
# scrypt (tests/services/test_password_hashing.py checks it).
TEST_HASH_METHOD = "pbkdf2:sha256:1000"


def ensure_database(url: str) -> str:
    """Create the PostgreSQL database ``url`` names when it does not exist yet (connecting to
    the server's ``postgres`` database with the same credentials); returns ``url``."""
    from sqlalchemy import create_engine

    parsed = make_url(database_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).scalar():
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def reset_postgresql(url: str) -> None:
    """Empty the test database so migrations start from nothing."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str, tmp_path):
    from tests.client import Client

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REPORT_JOB_DIR": str(tmp_path / "report-files"),
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    })
    app.test_client_class = Client
    return app

"""Building test apps: the database backends the suite runs on and the test configuration."""
from __future__ import annotations

import os

from sqlalchemy import text

from tracker import create_app
from tracker.config import database_url

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
# Cheap hashes: scrypt costs ~0.1 s a sign-in, minutes over the suite. Production keeps
# scrypt (tests/services/test_password_hashing.py checks it).
TEST_HASH_METHOD = "pbkdf2:sha256:1000"


def reset_postgresql(url: str) -> None:
    """Empty the test database so migrations start from nothing."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str, tmp_path):
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REPORT_JOB_DIR": str(tmp_path / "report-files"),
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    })

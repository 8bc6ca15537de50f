"""PostgreSQL connections run without JIT compilation (tracker.postgresql says why)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from tracker.extensions import db


def test_jit_is_off_on_every_postgresql_connection(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting")
        with db.engine.connect() as first, db.engine.connect() as second:
            assert first.scalar(text("SHOW jit")) == "off"
            first.rollback()
            assert first.scalar(text("SHOW jit")) == "off"  # a rollback does not undo it
            assert second.scalar(text("SHOW jit")) == "off"

"""Inserts that happen once, even when two processes try at the same moment.

Rows go in with ON CONFLICT DO NOTHING on their unique columns (SQLite and PostgreSQL);
the caller learns which rows it was the one to insert.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from tracker.extensions import db

_CHUNK = 200  # rows per multi-row INSERT (well under SQLite's bound-parameter limit)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def claim_writer() -> None:
    """Start the transaction with a write, so two runs on SQLite queue instead of failing.

    SQLite's BEGIN is deferred: a transaction that read first cannot later write once
    another has committed ("database is locked"). A write as the first statement takes
    the lock up front and waits ``busy_timeout`` for it. PostgreSQL needs nothing: its
    unique indexes make the second insert wait for the first and then do nothing.
    """
    if _dialect() == "sqlite":
        db.session.execute(text("UPDATE outbox_mail SET id = id WHERE 0"))


def insert_new(table, rows: Sequence[dict], conflict: Sequence[str]) -> list[int]:
    """Insert ``rows`` into ``table``, skipping those that break the unique ``conflict`` columns.

    Returns the ids of the rows this call inserted: a row another run inserted first,
    even one not yet committed, is not inserted again (PostgreSQL waits for that run
    to finish, SQLite for its write lock) and is not returned.
    """
    if not rows:
        return []
    dialect = _dialect()
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        stmt = insert(table).on_conflict_do_nothing(index_elements=list(conflict)).returning(table.c.id)
        ids: list[int] = []
        for start in range(0, len(rows), _CHUNK):
            ids += db.session.scalars(stmt.values(list(rows[start:start + _CHUNK]))).all()
        return ids
    ids = []  # other engines: one savepoint per row, a unique violation meaning "already there"
    for row in rows:
        try:
            with db.session.begin_nested():
                ids.append(db.session.execute(table.insert().values(**row).returning(table.c.id)).scalar_one())
        except IntegrityError:
            continue
    return ids

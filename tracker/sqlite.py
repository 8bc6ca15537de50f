"""SQLite connection settings: foreign keys on, WAL for several processes, real transactions.

pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; SQLAlchemy's
documented recipe hands BEGIN to SQLAlchemy instead, and lets us choose its kind.

Write transactions begin ``IMMEDIATE``: they take the write lock up front, so two
writers queue on the busy timeout instead of failing. With a deferred ``BEGIN`` a
transaction that has read and then writes cannot wait: in WAL mode, once another writer
has committed since its first read, SQLite answers ``database is locked`` at once
(forty simultaneous sign-ins under a threaded server: 36 answered 500; issue 11).

Pages (``GET``/``HEAD``) only read, so their transactions stay deferred: readers never
wait in WAL mode, and a slow page or export does not hold up everyone's writes. The
little bookkeeping they do (a session's last-seen time) is best-effort. A connection can
ask for a kind explicitly with the execution option ``sqlite_begin`` (``"DEFERRED"``,
``"IMMEDIATE"`` or ``"EXCLUSIVE"``), as the test suite's one long transaction does.
"""
from __future__ import annotations

import sqlite3

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

# How long a writer waits for another's lock before giving up. A sign-in holds the lock
# for its password check (~0.1-0.3 s of scrypt), so a deadline rush of dozens queues for
# several seconds: better a slow answer than an error.
BUSY_TIMEOUT_MS = 30_000
BEGIN_KINDS = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_installed = False


def _on_connect(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def begin_kind(requested: str | None) -> str:
    """The kind of ``BEGIN`` for a new transaction: as requested, else by what the request does."""
    if requested:
        kind = requested.upper()
        if kind not in BEGIN_KINDS:
            raise ValueError(f"unknown SQLite BEGIN kind {requested!r}")
        return kind
    if has_request_context() and request.method in READ_ONLY_METHODS:
        return "DEFERRED"
    return "IMMEDIATE"


def _on_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"BEGIN {begin_kind(conn.get_execution_options().get('sqlite_begin'))}")


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _on_connect)
        event.listen(Engine, "begin", _on_begin)
        _installed = True

"""PostgreSQL connection settings: no JIT compilation of queries.

The status engine's statements carry the counting rules as large CASE expressions over tens
of thousands of rows; PostgreSQL's cost estimate then crosses ``jit_above_cost`` and it
compiles them with LLVM, optimising and inlining, on every execution: at national scale that
took 10.5 of the headline's 12.6 s (EXPLAIN ANALYZE, "JIT: … Total 10536 ms"), for a plan that
runs in 1.8 s without it. Every statement here is short-lived, so JIT never pays: it is off.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _on_connect(dbapi_connection, connection_record) -> None:
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    # Outside any transaction, so that a rollback of the first one does not undo it.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.autocommit = autocommit


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _on_connect)
        _installed = True

"""PostgreSQL connection handling: no round trip a request does not need.

A signed-in page that is kept finished runs one statement of its own (``auth.load_user``),
yet each request used to cost four round trips: the pool's pre-ping (``;``), ``BEGIN``, the
statement and ``ROLLBACK``. And psycopg forgets its prepared statements on every rollback,
so that statement (1.2 KB of SQL) was parsed and planned afresh on each request: planning it
takes the server ~0.4 ms, running it ~0.05 ms.

**Reads begin no transaction.** On a page (``GET``/``HEAD``/``OPTIONS``) a transaction starts
in autocommit: statements that only read (``SELECT`` without a row lock) run on their own,
which under PostgreSQL's READ COMMITTED sees what a transaction would (each statement takes
its own snapshot either way). The first statement that may write (anything else: ``INSERT``,
``UPDATE``, ``DELETE``, ``SET``, ``WITH``…, ``SELECT … FOR UPDATE``), or a read through a
server-side cursor (``yield_per``: ``DECLARE`` needs a transaction), turns autocommit off
before it runs, so it and everything after it are one transaction that commits or rolls back
as the code says: the session's last-seen time, for one. Nothing to end means no
``ROLLBACK``, and psycopg keeps the statements it has prepared (after five runs on a
connection). Writes (``POST``…), commands, jobs and tests keep an ordinary transaction from
their first statement, as does a connection given an ``isolation_level`` or the execution
option ``pg_transaction=True`` (wanted by a page whose ``SELECT`` has an effect that lasts
until the transaction ends: ``set_config(…, true)``, ``pg_advisory_xact_lock``; none does).

**No pre-ping.** A connection taken from the pool is checked without a round trip: an idle
connection has nothing to read, so a socket that is readable (the server's "terminating
connection" and end of file after a restart or ``pg_terminate_backend``) or a connection
psycopg knows is closed is discarded, and the pool connects afresh
(``DisconnectionError``). A connection that breaks during a request is SQLAlchemy's usual
case: that request fails (503), the pool is invalidated, the next request connects anew.
"""
from __future__ import annotations

import re
import select

from flask import has_request_context, request
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A statement that may write or lock rows needs a transaction (checked on the SQL as sent).
_ROW_LOCK = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)

_installed = False


def _is_psycopg(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("psycopg")


def _server_side(cursor) -> bool:
    """A named cursor (``yield_per``, ``stream_results``): ``DECLARE`` needs a transaction."""
    from psycopg import ServerCursor

    return isinstance(cursor, ServerCursor)


def only_reads(statement: str) -> bool:
    """True for SQL that reads without locking: ``SELECT`` (not ``FOR UPDATE``/``SHARE``)."""
    return statement[:6].upper() == "SELECT" and not _ROW_LOCK.search(statement)


def reads_without_transaction(options: dict) -> bool:
    """Whether a transaction beginning now starts in autocommit (a page's, unless told otherwise)."""
    if options.get("pg_transaction") or "isolation_level" in options:
        return False
    return has_request_context() and request.method in READ_ONLY_METHODS


FLAG = "tracker_reads_in_autocommit"  # on the pool's record: we turned autocommit on, we turn it off


def _on_begin(conn) -> None:
    if conn.dialect.name != "postgresql":
        return
    fairy = conn.connection
    dbapi_connection = fairy.dbapi_connection
    if dbapi_connection is None or dbapi_connection.info.transaction_status != 0:  # 0: idle, no transaction
        return
    if reads_without_transaction(conn.get_execution_options()):
        if not dbapi_connection.autocommit:  # (a connection in autocommit of its own is left so)
            dbapi_connection.autocommit = True
            fairy.info[FLAG] = True
    elif fairy.info.pop(FLAG, False):
        dbapi_connection.autocommit = False


def _before_execute(conn, cursor, statement, parameters, context, executemany) -> None:
    fairy = conn.connection
    if fairy.info.get(FLAG) and (not only_reads(statement) or _server_side(cursor)):
        del fairy.info[FLAG]
        fairy.dbapi_connection.autocommit = False  # psycopg begins the transaction with this statement


def _on_checkout(dbapi_connection, connection_record, connection_proxy) -> None:
    """Discard a pooled connection the server has closed, without a round trip."""
    if not _is_psycopg(dbapi_connection):
        return
    if dbapi_connection.closed or dbapi_connection.broken:
        raise exc.DisconnectionError("connection closed")
    try:
        poller = select.poll()  # (not select.select: a worker's descriptors may pass 1024)
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
        events = poller.poll(0)
    except Exception as error:  # no socket, or a bad descriptor: the connection is gone
        raise exc.DisconnectionError(str(error)) from error
    if events:  # an idle connection has nothing to read (nor a hang-up) unless the server has ended it
        raise exc.DisconnectionError("the server closed the connection")
    if connection_record.info.pop(FLAG, False):  # as it was: commands and writes expect a transaction
        dbapi_connection.autocommit = False


def large_read(session) -> None:
    """Settings for the rest of ``session``'s transaction that reads every row of large statements
    (``SET LOCAL``; nothing on SQLite). Measured on the national-scale data (30,000 commitments):

    * ``jit = off``: the report's two statements of ~10 KB, whose CASE expressions over tens of
      thousands of rows cross ``jit_above_cost``, were compiled with LLVM on each run: 3.0 s of
      each one's 4.0 s (EXPLAIN ANALYZE, "JIT: … Total"); 0.8 s each without.
    * ``cursor_tuple_fraction = 1``: read with ``yield_per`` (a server-side cursor), a statement
      is planned to return its first 10 % of rows fast; every row is read, and the sides'
      statement took 1.6 s of the server's CPU planned so, 0.55 s planned for all rows.

    Scoped to the transaction: JIT for every statement is a separate question (the reverted
    switch and the dashboard trend's statement)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1"))


def _on_connect(dbapi_connection, connection_record) -> None:
    """No parallel workers for this app's statements. Measured on the national-scale data
    (30,000 commitments): the dashboard's over-time statement across all agreements (the live
    path: a past date, a province filter, or while the kept standings are rebuilt) ran 5.1 s
    serially and did not finish in 60 s with 2 workers per gather (a Parallel Append of the
    cut-off days under a nested loop over the spans). The app's statements are a web page's; its
    processes already share the cores, and a worker each would only take them from the others."""
    if not _is_psycopg(dbapi_connection):
        return
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    if not dbapi_connection.autocommit:
        dbapi_connection.commit()


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _on_connect)
        event.listen(Engine, "begin", _on_begin)
        event.listen(Engine, "before_cursor_execute", _before_execute)
        event.listen(Pool, "checkout", _on_checkout)
        _installed = True

"""PostgreSQL connections without the round trips a page does not need (``tracker.postgresql``):
a kept signed-in page costs one round trip, a page's reads begin no transaction while its
writes still commit or roll back together, and connections the server has ended while idle
in the pool (a restart) are replaced without a failed request, with no pre-ping."""
from __future__ import annotations

import tempfile
import time

import pytest
from sqlalchemy import create_engine, event, select, text, update

from tests.client import sign_in
from tests.resilience.conftest import OFFICER
from tracker.extensions import db
from tracker.models import User
from tracker.postgresql import only_reads

IDLE, IN_TRANSACTION = 0, 2  # psycopg's pq.TransactionStatus


def test_only_a_select_without_a_row_lock_counts_as_a_read():
    assert only_reads("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert only_reads("select 1")
    for sql in ("UPDATE users SET name = %(name)s", "INSERT INTO t VALUES (1)", "DELETE FROM t",
                "WITH x AS (DELETE FROM t RETURNING id) SELECT * FROM x", "SAVEPOINT sa_1",
                "SELECT id FROM t WHERE id = 1 FOR UPDATE", "SELECT id FROM t FOR NO KEY UPDATE",
                "SELECT id FROM t FOR SHARE", "SELECT id FROM t\nFOR KEY SHARE SKIP LOCKED"):
        assert not only_reads(sql), sql


@pytest.fixture
def pg(source):
    if source.backend != "postgresql":
        pytest.skip("PostgreSQL's transactions and connections")
    return source


def _status():
    return db.session.connection().connection.dbapi_connection.info.transaction_status


def _officer_name() -> str:
    return db.session.scalar(select(User.name).where(User.email == OFFICER.email))


def test_a_page_reads_outside_a_transaction_and_its_writes_are_one(pg):
    with pg.app.test_request_context("/profile", method="GET"):
        name = _officer_name()
        assert _status() == IDLE  # the read began nothing: nothing to end
        db.session.execute(update(User).where(User.email == OFFICER.email).values(name="Một"))
        assert _status() == IN_TRANSACTION
        db.session.execute(update(User).where(User.email == OFFICER.email).values(name="Hai"))
        assert _officer_name() == "Hai"
        db.session.rollback()  # both writes go, as in any transaction
        assert _officer_name() == name
        db.session.execute(select(User.id).where(User.email == OFFICER.email).with_for_update())
        assert _status() == IN_TRANSACTION  # a row lock is held until the transaction ends
        db.session.rollback()
        assert _officer_name() == name and _status() == IDLE
        assert db.session.execute(select(User.id).execution_options(yield_per=2)).all()  # a server-side cursor
        assert _status() == IN_TRANSACTION
        db.session.rollback()
        db.session.remove()
    with pg.app.test_request_context("/profile", method="GET"):
        db.session.connection(execution_options={"pg_transaction": True})
        _officer_name()
        assert _status() == IN_TRANSACTION  # a page that asks for one
        db.session.remove()
    with pg.app.test_request_context("/profile", method="POST"):
        _officer_name()
        assert _status() == IN_TRANSACTION  # a write request's reads and writes are one transaction
        db.session.remove()
    with pg.app.app_context():  # commands and jobs too
        _officer_name()
        assert _status() == IN_TRANSACTION
        db.session.remove()


def test_a_kept_signed_in_page_costs_one_round_trip(pg):
    client = pg.app.test_client()
    assert sign_in(client, OFFICER.email).status_code == 302
    assert client.get("/profile").status_code == 200
    with pg.app.app_context():
        db.session.remove()
        db.engine.dispose()  # the next connection is traced from its start
        trace = tempfile.TemporaryFile()

        def traced(dbapi_connection, record):
            from psycopg import pq

            dbapi_connection.pgconn.trace(trace.fileno())
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)

        event.listen(db.engine, "connect", traced)
    try:
        for _ in range(2):
            response = client.get("/profile")
            assert response.status_code == 200 and OFFICER.email in response.get_data(as_text=True)
    finally:
        with pg.app.app_context():
            event.remove(db.engine, "connect", traced)
            db.engine.dispose()
    with trace:
        trace.seek(0)
        sent = [line for line in trace.read().decode(errors="replace").splitlines() if line.startswith("F")]
    simple = [line.split("\t")[-1] for line in sent if "\tQuery\t" in line]
    assert simple == []  # no pre-ping (";"), no BEGIN, no ROLLBACK
    assert sum("\tSync" in line for line in sent) == 2  # the signed-in statement, once a request


def test_pages_are_served_after_the_server_ends_the_pooled_connections(pg):
    client = pg.app.test_client()
    assert sign_in(client, OFFICER.email).status_code == 302
    assert client.get("/profile").status_code == 200  # the pool now holds a connection
    admin = create_engine(pg.url, isolation_level="AUTOCOMMIT")
    others = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    try:
        with admin.connect() as connection:  # what a restart does to them
            pids = connection.execute(others).scalars().all()
            assert pids
            for pid in pids:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 10
            while set(connection.execute(others).scalars()) & set(pids) and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        admin.dispose()
    for path in ("/profile", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert OFFICER.email in client.get("/profile").get_data(as_text=True)


def test_a_report_is_read_without_jit_and_planned_for_every_row_in_its_own_transaction(pg):
    from tests.factories import TODAY
    from tracker.queries import reports

    with pg.app.test_request_context("/reports", method="GET"):
        assert db.session.scalar(text("SHOW jit")) == "on"
        reports.build(reports.Scope(agreement=None, see_restricted=True), TODAY)
        assert db.session.scalar(text("SHOW jit")) == "off"  # for the report's statements
        assert float(db.session.scalar(text("SHOW cursor_tuple_fraction"))) == 1  # all their rows are read
        db.session.rollback()
        assert db.session.scalar(text("SHOW jit")) == "on"  # and nothing after them
        assert float(db.session.scalar(text("SHOW cursor_tuple_fraction"))) == 0.1
        db.session.remove()


def test_the_apps_connections_plan_without_parallel_workers(pg):
    """The dashboard's live over-time statement at national scale ran 5 s serially and over a
    minute with parallel workers (tracker.postgresql._on_connect): every connection of the app's
    pool has them off, in a page's reads and in a write's transaction alike."""
    with pg.app.test_request_context("/", method="GET"):
        assert db.session.scalar(text("SHOW max_parallel_workers_per_gather")) == "0"
        db.session.remove()
    with pg.app.app_context():
        with db.engine.connect() as conn:  # a fresh connection of the pool's
            conn.invalidate()
        with db.engine.begin() as conn:
            assert conn.scalar(text("SHOW max_parallel_workers_per_gather")) == "0"

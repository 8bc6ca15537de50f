"""Fixtures: an app per database backend, a rolled-back transaction per test, signed-in clients.

The suite runs on SQLite always and on PostgreSQL too when TRACKER_TEST_DATABASE_URL is
set (CI sets it). Each test runs inside a transaction that is rolled back afterwards, so
tests see the seeded memorandum and never each other's writes.
"""
from __future__ import annotations

import gc
import itertools
import re
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache

import pytest
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.apps import BACKENDS, PG_URL, ensure_database, make_app, reset_postgresql
from tests.client import signed_in_as
from tests.factories import ACCOUNTS, PASSWORD, TODAY
from tracker import clock, layout
from tracker.extensions import db, limiter
from tracker.services import accounts
from tracker.services.seed import seed
from tracker.status import cache as figure_cache

# Helpers live in tests/factories.py (data), tests/client.py (requests) and tests/apps.py
# (apps and backends); this file holds fixtures only.


def pytest_report_header(config):
    if PG_URL:
        each = ", one database per xdist worker (<its name>_gw0, ...)" if config.getoption("numprocesses", None) else ""
        return f"database backends: sqlite, postgresql (TRACKER_TEST_DATABASE_URL{each})"
    return "database backends: sqlite only (set TRACKER_TEST_DATABASE_URL to run the PostgreSQL half)"


# A module marked as a whole, as tests/browser/* and tests/exports/test_pdf.py are.
_MODULE_MARK = re.compile(r"^pytestmark = pytest\.mark\.(\w+)$", re.MULTILINE)


def pytest_ignore_collect(collection_path, config):
    """A module marked as a whole that ``-m`` deselects, whatever else its tests are marked
    with, is not imported: ``make quick`` no longer imports Playwright and WeasyPrint (and
    what they import) in each process only to deselect every test of those modules."""
    expression = config.option.markexpr
    if not expression or collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    match = _MODULE_MARK.search(collection_path.read_text(encoding="utf-8"))
    return True if match and _never_selected(expression, match.group(1)) else None


@lru_cache
def _never_selected(expression: str, mark: str) -> bool:
    """Whether ``-m expression`` is false for every test marked ``mark``: false for each
    combination of the other marks the expression names (a test may carry any of them)."""
    from _pytest.mark.expression import Expression

    if "(" in expression:  # marks with arguments: not worth reasoning about
        return False
    others = sorted(set(re.findall(r"[A-Za-z_]\w*", expression)) - {"and", "or", "not", "True", "False", mark})
    if len(others) > 8:
        return False
    compiled = Expression.compile(expression)
    for present in itertools.product((False, True), repeat=len(others)):
        marks = {mark} | {name for name, on in zip(others, present) if on}
        if compiled.evaluate(lambda name, /, marks=marks, **kwargs: name in marks):
            return False
    return True


_STARTED = time.monotonic()


def pytest_collection_finish(session):
    """Collected: what is alive now (modules, apps' classes, the test items) lives to the end,
    so the cyclic garbage collector need not walk it again (``gc.freeze``), and it runs less
    often: a request makes many short-lived objects, and with the default thresholds ~9 % of
    a test process's CPU went on collections (half of that saved). Tests only, not the app."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """At the end, after pytest's own last collection (the unraisable-exception check, which
    has then reported what the garbage held), the rest of the heap is frozen too: the second
    collection pytest makes in its clean-up and the interpreter's at exit then skip the ~900,000
    objects a worker ends with (its compiled statements, pages kept, apps), instead of walking
    them twice more, ~1.5 s of each worker's exit, with nothing left to find."""
    gc.freeze()


def stamp_on_today() -> datetime:
    """An instant of (the fixed) today in Vietnam, from 09:00 on, still moving forward.

    What the progress service stamps on updates (submitted, approved, returned) decides the
    day an approval counts from; made on the real day, it would fall after the fixed today.
    """
    return clock.start_of_day_utc(clock.today()) + timedelta(hours=9, seconds=time.monotonic() - _STARTED)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Vietnam's "today" is tests.factories.TODAY for every test, whatever day the suite runs,
    and updates are submitted and approved on that day.

    Sign-in, sessions, throttling, the audit log and notifications keep the real wall clock.
    A module that needs another day overrides ``clock.today`` with its own autouse fixture;
    the updates' stamps follow it.
    """
    _fix_today(monkeypatch)
    return TODAY


def _fix_today(monkeypatch):
    from tracker.services import confirmation, progress

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(progress, "utcnow", stamp_on_today)
    monkeypatch.setattr(confirmation, "utcnow", stamp_on_today)


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'tracker.sqlite3'}"
    else:
        url = ensure_database(PG_URL)  # a worker's own (tests/apps.py) is made on its first run
        reset_postgresql(url)
    app = make_app(url, tmp)
    with app.app_context():
        upgrade()
        seed()
        for new in ACCOUNTS.values():
            accounts.create_user(new, PASSWORD)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _keep_standings():
    """The kept standings (``status.standings``) brought to the fixed today, committed: the
    first figures read then find them current instead of rebuilding them all. Only worth it
    where tests read figures and write little: with current standings, each commit that
    touches commitments refreshes their rows (a net loss over the suite's write tests)."""
    from tracker.status import standings_build

    with pytest.MonkeyPatch.context() as monkeypatch:
        _fix_today(monkeypatch)
        standings_build.run()  # does nothing when they are current
    db.session.commit()


class _TestSession(scoped_session):
    """One session for the whole test, shared with its requests.

    A request's teardown would close the session and roll back its savepoint; here it
    only expires what was loaded, so objects a test made stay usable and fresh.
    """

    def remove(self):
        if self.registry.has():
            self.registry().expire_all()

    def close_for_good(self):
        super().remove()


# app -> the connection of a module-wide transaction (``shared_transaction``) that each
# test of the module runs nested in, as a savepoint rolled back after the test.
_SHARED: dict = {}


@contextmanager
def rolled_back(app):
    """One transaction, rolled back at the end, that ``db.session`` works inside.

    The session is bound to that connection and scoped to the thread, so tests read and
    write through ``db.session`` without holding an app context: every request then gets
    its own context (and its own ``g``), as in production. A view's commit releases a
    savepoint; test set-up that a request must see is committed the same way.

    Inside ``shared_transaction`` the transaction is a savepoint of the module's one:
    the test sees what the module set up, and nothing of the module's other tests.
    Yields the connection.
    """
    shared = _SHARED.get(app)
    with app.app_context():
        limiter.reset()  # sign-in throttling starts afresh
        figure_cache.memory.clear()  # each test's rolled-back data may reuse another's counter values
        layout.forget()  # and so may the kept headers
        # Deferred on SQLite: the test's long transaction must not hold the write lock
        # against a test's own second connection (migrations check, concurrent jobs).
        connection = shared or db.engine.connect().execution_options(sqlite_begin="DEFERRED")
    outer = connection.begin_nested() if shared else connection.begin()
    original = db.session
    db.session = _TestSession(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield connection
    finally:
        db.session.close_for_good()
        db.session = original
        outer.rollback()
        if not shared:
            connection.close()


@contextmanager
def shared_transaction(app, set_up, keep_standings: bool = False):
    """A module-wide transaction: ``set_up()`` runs (and commits) once inside it, its result
    is yielded, and every test that runs meanwhile works in a savepoint of it, rolled back
    after the test; the whole is rolled back at the end. For matrix-style modules whose every
    test needs the same costly objects (made once instead of once a test).

    ``keep_standings``: a set-up that changed everything leaves the kept standings to be
    rebuilt by the first figures read; for a module of reads (a GET walk) they are rebuilt
    once here instead of in each test. Not for a module of writes: with current standings
    each commit refreshes the rows of the commitments it touched (as in production)."""
    assert app not in _SHARED, "shared transactions do not nest"
    with rolled_back(app) as connection:
        with pytest.MonkeyPatch.context() as monkeypatch:  # module set-up runs before ``fixed_today``
            _fix_today(monkeypatch)
            made = set_up()
            if keep_standings:
                _keep_standings()
        db.session.close_for_good()
        db.session = _TestSession(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
        _SHARED[app] = connection
        try:
            yield made
        finally:
            del _SHARED[app]


@pytest.fixture(autouse=True)
def _transaction(request):
    """Run each test that uses the app inside ``rolled_back``."""
    if "app" not in request.fixturenames:
        yield
        return
    with rolled_back(request.getfixturevalue("app")):
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(app, client):
    """``login_as("officer")`` signs the test client in with that role's account (after the
    first time in a process, without the form's requests: ``tests.client.signed_in_as``)."""

    def _login(role: str):
        response = signed_in_as(app, client, ACCOUNTS[role].email)
        assert response is None or response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login

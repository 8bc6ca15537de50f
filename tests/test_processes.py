"""Several app processes (gunicorn workers) on one database: writers wait, nothing is lost.

The app is served as in production (``gunicorn -w 2 'tracker:create_app()'``) on a real port.
"""
from __future__ import annotations

import json
import os
import subprocess  # nosec B404 # the worker command, as an operator starts it
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.apps import PG_URL, REDIS_TEST_URL, make_app, reset_postgresql
from tests.factories import PASSWORD
from tracker.config import database_url
from tracker.extensions import db
from tracker.models import Agreement, Commitment, CooperationArea, PeriodClosure, UserSession
from tracker.services import accounts
from tracker.services.seed import seed
from tracker.tools.bench_http import Client, serve

PRODUCT = "tracker:create_app()"
SECRET = {"TRACKER_SECRET_KEY": "several-processes-share-this-secret-0123456789"}


def _users(app, n: int) -> None:
    with app.app_context():
        upgrade()
        for i in range(n):
            accounts.create_user(accounts.NewUser(email=f"nguoi{i}@example.com", role="viewer", name=f"Người {i}"),
                                 PASSWORD)
        db.session.commit()
        db.session.remove()


def test_simultaneous_sign_ins_on_sqlite_under_two_gunicorn_workers(tmp_path):
    """Each sign-in writes (its session, the audit); in two processes at once none may answer
    500 "database is locked": the write lock is taken up front (BEGIN IMMEDIATE) and waited for."""
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    app = make_app(url, tmp_path)
    _users(app, 8)
    clients = 24
    with serve(url, workers=2, app=PRODUCT, extra_env={**SECRET, "TRACKER_UPLOAD_DIR": str(tmp_path / "up")}) as port:
        ready = threading.Barrier(clients)

        def sign_in(n: int) -> int:
            client = Client(port)
            token = client.csrf("/login")
            ready.wait(60)
            status, headers, _ = client.request("POST", "/login", {
                "email": f"nguoi{n % 8}@example.com", "password": PASSWORD, "csrf_token": token})
            return status if "/login" not in (headers.get("Location") or "") else 401

        with ThreadPoolExecutor(clients) as pool:
            statuses = list(pool.map(sign_in, range(clients)))
    assert statuses == [302] * clients
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id))) == clients
        db.session.remove()
        db.engine.dispose()


# --- Two app processes on one PostgreSQL database with Redis --------------------------------


def _redis_or_skip() -> None:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: Redis is not running at {REDIS_TEST_URL}")
        pytest.skip(f"Redis is not running at {REDIS_TEST_URL}")


def _database_beside(url: str, suffix: str) -> str:
    """An empty PostgreSQL database beside the suite's (the suite's own must stay the suite's)."""
    from tracker.tools.bench import database_beside

    target = database_beside(database_url(url), suffix)
    reset_postgresql(target)
    return target


@pytest.fixture
def two_processes(tmp_path):
    """Two gunicorn servers (one worker each) on one PostgreSQL database and one Redis."""
    if not PG_URL:
        pytest.skip("TRACKER_TEST_DATABASE_URL is not set (PostgreSQL)")
    _redis_or_skip()
    from redis import Redis

    Redis.from_url(REDIS_TEST_URL).flushdb()
    url = _database_beside(PG_URL, "processes")
    app = make_app(url, tmp_path)
    with app.app_context():
        upgrade()
        seed()
        accounts.create_user(accounts.NewUser(email="admin@example.com", role="admin", name="Quản trị"), PASSWORD)
        db.session.commit()
        db.session.remove()
    env = {**os.environ, **SECRET, "TRACKER_DATABASE_URL": url, "TRACKER_REDIS_URL": REDIS_TEST_URL,
           "TRACKER_UPLOAD_DIR": str(tmp_path / "uploads"), "TRACKER_REPORT_JOB_DIR": str(tmp_path / "report-files"),
           "TRACKER_LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes"}
    with serve(url, workers=1, app="tests.process_app:create()", extra_env=env) as a, \
            serve(url, workers=1, app="tests.process_app:create()", extra_env=env) as b:
        yield app, a, b, env
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _dashboard(client: Client, agreement_id: int) -> dict:
    status, _h, body = client.request("GET", f"/dashboard.json?agreement={agreement_id}")
    assert status == 200
    return json.loads(body)


def test_two_processes_share_writes_sessions_throttle_and_jobs(two_processes):
    app, a, b, env = two_processes
    with app.app_context():
        agreement = db.session.scalar(select(Agreement))
        commitment = db.session.scalar(select(Commitment).join(CooperationArea).where(
            CooperationArea.agreement_id == agreement.id, CooperationArea.restricted.is_(False)).order_by(Commitment.id))
        agreement_id, commitment_id = agreement.id, commitment.id
        lead = next(a.id for a in commitment.assignments if a.role == "lead" and a.valid_to is None)
        db.session.remove()

    # A session made on one process works on the other.
    on_a = Client(a).sign_in("admin@example.com", PASSWORD)
    on_b = Client(b)
    on_b.cookies = dict(on_a.cookies)
    assert on_b.request("GET", "/profile")[0] == 200

    # A write through one is visible through the other at once, cached figures included.
    before = _dashboard(on_b, agreement_id)
    path = f"/commitments/{commitment_id}/progress/new"
    status, headers, _ = on_a.request("POST", path, {
        "csrf_token": on_a.csrf(path), "state": "done", "percent": "100", "as_of": "2025-01-10",
        "results": "Đã hoàn thành", "form_token": "two-processes-1", "action": "submit", "assignment": str(lead)})
    assert status == 302, status
    update_page = headers["Location"]
    status, _h, _ = on_a.request("POST", f"{update_page}/approve", {"csrf_token": on_a.csrf(update_page)})
    assert status == 302, status
    after = _dashboard(on_b, agreement_id)

    def sides_done(figures: dict) -> int:  # one province's side reported done (the other has not)
        return sum(side["categories"][c] for side in figures["sides"].values() for c in ("done_on_time", "done_late"))

    assert sides_done(after) == sides_done(before) + 1

    # The sign-in throttle counts across both (3 failures per account and address here).
    wrong = {"email": "admin@example.com", "password": "not-the-password"}
    answers = []
    for port in (a, b, a, b):
        client = Client(port)
        answers.append(client.request("POST", "/login", {**wrong, "csrf_token": client.csrf("/login")})[0])
    assert answers[:3] == [200, 200, 200] and answers[3] == 429, answers

    # A job queued by one process is run by the worker.
    with app.app_context():
        closures = db.session.scalar(select(func.count(PeriodClosure.id)))
        db.session.remove()
    queued = Client(a).request("POST", "/__test/enqueue", {"day": "2026-11-26"})
    assert queued[0] == 200
    worker = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "tracker", "worker", "--burst",
                             "--no-schedule"], env=env, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count(PeriodClosure.id))) > closures  # the reminders run closed periods
        db.session.remove()
    from redis import Redis
    from rq import Queue

    assert Queue("tracker", connection=Redis.from_url(REDIS_TEST_URL)).finished_job_registry.count == 1


def test_the_reminders_hour_is_claimed_once_across_workers(app, monkeypatch):
    _redis_or_skip()
    from redis import Redis

    from tracker import schedule

    Redis.from_url(REDIS_TEST_URL).delete("tracker:schedule:reminders:2026-11-26T08")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    with app.app_context():
        assert [schedule.claim("2026-11-26T08") for _ in range(3)] == [True, False, False]

"""Several app processes (gunicorn workers) on one database: writers wait, nothing is lost.

The app is served as in production (``gunicorn -w 2 'tracker:create_app()'``) on a real port.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.apps import make_app
from tests.factories import PASSWORD
from tracker.extensions import db
from tracker.models import UserSession
from tracker.services import accounts
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

"""The embedded SQLite database under a threaded server: concurrent writers wait, they do not fail.

A real server on a real port (Werkzeug, one thread per request, as ``flask run
--with-threads``), a temporary SQLite file, and many people signing in at the same
moment, as at a reporting deadline. Without ``BEGIN IMMEDIATE`` most of them got a 500
``database is locked`` (issue 11, finding 9).
"""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.apps import TEST_HASH_METHOD
from tests.factories import PASSWORD
from tracker import create_app
from tracker.extensions import db
from tracker.models import UserSession
from tracker.services import accounts

ACCOUNTS = 8
SIGN_INS = 40
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(tmp_path):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,  # the writes contend, not the hashing (scrypt: ~2 s CPU here)
    })
    with app.app_context():
        upgrade()
        for i in range(ACCOUNTS):
            accounts.create_user(accounts.NewUser(email=f"nguoi{i}@example.com", role="viewer", name=f"Người {i}"),
                                 PASSWORD)
        db.session.commit()
        db.session.remove()
    http_server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{http_server.server_port}"
    finally:
        http_server.shutdown()
        thread.join(10)
        http_server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _sign_in(base: str, email: str, ready: threading.Barrier) -> int:
    """Fetch the form, wait until everyone has theirs, then all post at the same moment."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with opener.open(f"{base}/login", timeout=60) as page:
        token = CSRF.search(page.read().decode()).group(1)
    ready.wait(60)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    try:
        with opener.open(f"{base}/login", data=body, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:  # 302 (not followed), 429, 500 …
        error.close()
        return error.code


def test_forty_simultaneous_sign_ins_all_succeed(server):
    app, base = server
    emails = [f"nguoi{i % ACCOUNTS}@example.com" for i in range(SIGN_INS)]
    ready = threading.Barrier(SIGN_INS)
    with ThreadPoolExecutor(SIGN_INS) as pool:
        statuses = list(pool.map(lambda email: _sign_in(base, email, ready), emails))
    assert statuses.count(302) == SIGN_INS, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id))) == SIGN_INS
        db.session.remove()


@pytest.mark.parametrize(
    "method, requested, kind",
    [
        ("POST", None, "IMMEDIATE"),  # a form: it will write, so it queues for the lock first
        ("GET", None, "DEFERRED"),  # a page: readers never wait in WAL mode
        ("HEAD", None, "DEFERRED"),
        (None, None, "IMMEDIATE"),  # the CLI and jobs
        ("GET", "immediate", "IMMEDIATE"),  # asked for explicitly
        (None, "DEFERRED", "DEFERRED"),  # the test suite's long transaction
    ],
)
def test_begin_kind(method, requested, kind):
    from flask import Flask

    from tracker.sqlite import begin_kind

    if method is None:
        assert begin_kind(requested) == kind
        return
    with Flask(__name__).test_request_context("/", method=method):
        assert begin_kind(requested) == kind


def test_begin_kind_refuses_anything_else():
    from tracker.sqlite import begin_kind

    with pytest.raises(ValueError):
        begin_kind("IMMEDIATE; DROP TABLE users")

"""Fixtures: an app per database backend, a rolled-back transaction per test, signed-in clients.

The suite runs on SQLite always and on PostgreSQL too when TRACKER_TEST_DATABASE_URL is
set (CI sets it). Each test runs inside a transaction that is rolled back afterwards, so
tests see the seeded memorandum and never each other's writes.
"""
from __future__ import annotations

import os
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.orm import scoped_session, sessionmaker

from tracker import create_app
from tracker.config import database_url
from tracker.extensions import db, limiter
from tracker.services import accounts
from tracker.services.seed import seed

PASSWORD = "Hồ-Gươm-mùa-thu-2026"
# One account per role, scoped to today's provinces and agencies.
ACCOUNTS = {
    "admin": accounts.NewUser(email="admin@example.com", role="admin", name="Quản trị"),
    "coordinator": accounts.NewUser(email="daumoi@example.com", role="coordinator", name="Đầu mối TN", province="TN"),
    "officer": accounts.NewUser(email="canbo@example.com", role="officer", name="Cán bộ STC", agency="TN-STC"),
    "viewer": accounts.NewUser(email="lanhdao@example.com", role="viewer", name="Lãnh đạo"),
    "cleared_viewer": accounts.NewUser(email="lanhdao.mat@example.com", role="viewer", name="Lãnh đạo", cleared=True),
}
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
TEST_HASH_METHOD = "pbkdf2:sha256:1000"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_report_header(config):
    if PG_URL:
        return "database backends: sqlite, postgresql (TRACKER_TEST_DATABASE_URL)"
    return "database backends: sqlite only (set TRACKER_TEST_DATABASE_URL to run the PostgreSQL half)"


def reset_postgresql(url: str) -> None:
    """Empty the test database so migrations start from nothing."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str, tmp_path):
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret",
        # Cheap hashes: scrypt costs ~0.1 s a sign-in, minutes over the suite. Production
        # keeps scrypt (tests/services/test_password_hashing.py checks it).
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    })


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'tracker.sqlite3'}"
    else:
        url = PG_URL
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


@pytest.fixture(autouse=True)
def _transaction(request):
    """Run each test that uses the app inside one transaction, rolled back at the end.

    The session is bound to that connection and scoped to the thread, so tests read and
    write through ``db.session`` without holding an app context: every request then gets
    its own context (and its own ``g``), as in production. A view's commit releases a
    savepoint; test set-up that a request must see is committed the same way.
    """
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        limiter.reset()  # sign-in throttling starts afresh for every test
        # Deferred on SQLite: the test's long transaction must not hold the write lock
        # against a test's own second connection (migrations check, concurrent jobs).
        connection = db.engine.connect().execution_options(sqlite_begin="DEFERRED")
    outer = connection.begin()
    original = db.session
    db.session = _TestSession(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield
    finally:
        db.session.close_for_good()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    response = client.get(path)
    match = CSRF.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra})


@pytest.fixture
def login_as(client):
    """``login_as("officer")`` signs the test client in with that role's account."""

    def _login(role: str):
        response = sign_in(client, ACCOUNTS[role].email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


# --- Progress reporting fixtures -----------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def officer_commitment():
    """A commitment (not restricted, with a due date) that today's Sở Tài chính Thái Nguyên leads or supports."""
    from tracker.models import Agency, Assignment, Commitment, CooperationArea

    agency = db.session.scalar(select(Agency).where(Agency.code == "TN-STC"))
    return db.session.scalar(
        select(Commitment).join(Commitment.area).join(Assignment, Assignment.commitment_id == Commitment.id)
        .where(Assignment.agency_id == agency.id, Assignment.valid_to.is_(None), Assignment.role == "lead",
               CooperationArea.restricted.is_(False), Commitment.due_date.is_not(None))
        .order_by(Commitment.id)
    )


def make_update(app, commitment, *, email="canbo@example.com", submit=True, state="in_progress", percent=40,
                as_of=None, results="Đã họp liên ngành", evidence=False, token=None):
    """An update written through the service, as the officer would, with an optional PDF."""
    import io
    import secrets

    from werkzeug.datastructures import FileStorage

    from tracker.models import EvidenceFile, User
    from tracker.permissions import reportable_assignments
    from tracker.services import evidence as store
    from tracker.services import progress

    author = db.session.scalar(select(User).where(User.email == email))
    from tracker import clock

    today = clock.today()
    assignment = reportable_assignments(author, commitment, today)[0]
    update = progress.create(
        commitment, assignment, author,
        progress.UpdateData(state=state, percent=str(percent), as_of=as_of or today, results=results),
        submit=submit, form_token=token or secrets.token_hex(8), today=today,
    )
    if evidence:
        upload_dir = app.config["UPLOAD_DIR"]
        staged = store.stage(FileStorage(io.BytesIO(PDF_BYTES), filename="Biên bản họp.pdf"), upload_dir, 10_000_000)
        update.evidence.append(EvidenceFile(
            original_name=staged.original_name, stored_name=store.place(staged, upload_dir),
            kind=staged.kind, content_type=staged.content_type, size=staged.size, sha256=staged.sha256,
            uploader_id=author.id,
        ))
    db.session.commit()
    return update

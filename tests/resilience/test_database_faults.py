"""The database goes away in the middle of saving a progress report: PostgreSQL's connection is
terminated (pg_terminate_backend on this test's own database), SQLite stays locked past the busy
timeout. The user gets 503 "try again", nothing is half-written, no file is left, the page says
the text is kept, and sending the same form again works."""
from __future__ import annotations

import io
import re
import sqlite3

from sqlalchemy import create_engine, event, func, select, text

from tests.client import sign_in
from tests.factories import PDF_BYTES
from tests.resilience.conftest import OFFICER
from tests.resilience.test_backup import files_under, officer_target
from tests.views.test_progress import fields
from tracker.extensions import db
from tracker.models import EvidenceFile, ProgressUpdate
from tracker.services import evidence

HIDDEN = re.compile(r'name="(csrf_token|form_token)" type="hidden" value="([^"]+)"')


def progress_form(client, commitment_id: int) -> dict:
    html = client.get(f"/commitments/{commitment_id}/progress/new").get_data(as_text=True)
    data = dict(HIDDEN.findall(html))
    data["assignment"] = re.search(r'name="assignment" value="(\d+)"|<option[^>]*value="(\d+)"', html).group(1)
    return data


class LockedPastTimeout:
    """SQLite: another connection holds the write lock; the app's connections give up after 200 ms."""

    def __init__(self, source):
        with source.app.app_context():
            self.engine = db.engine
        self.path = self.engine.url.database
        self.other = None

    def __enter__(self):
        event.listen(self.engine, "checkout", self._short_timeout)
        return self

    @staticmethod
    def _short_timeout(dbapi_connection, record, proxy):
        dbapi_connection.execute("PRAGMA busy_timeout = 200")

    def strike(self) -> None:
        self.other = sqlite3.connect(self.path, isolation_level=None)
        self.other.execute("BEGIN IMMEDIATE")

    def __exit__(self, *exc):
        if self.other is not None:
            self.other.execute("ROLLBACK")
            self.other.close()
        event.remove(self.engine, "checkout", self._short_timeout)


class ConnectionTerminated:
    """PostgreSQL: the request's own server process is ended from another connection."""

    def __init__(self, source):
        self.admin = create_engine(source.url, isolation_level="AUTOCOMMIT")

    def __enter__(self):
        return self

    def strike(self) -> None:
        pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with self.admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()

    def __exit__(self, *exc):
        self.admin.dispose()


def test_database_lost_while_saving_answers_503_and_nothing_is_half_written(source, monkeypatch):
    client = source.app.test_client()
    assert sign_in(client, OFFICER.email).status_code == 302
    with source.app.app_context():
        commitment_id, _ = officer_target()
    text_typed = "Đã khởi công tuyến đường liên tỉnh ĐT.269, đạt 15 % khối lượng."
    data = {**progress_form(client, commitment_id), **fields(results=text_typed)}
    files_before = files_under(source.upload_dir)
    fault = (LockedPastTimeout if source.backend == "sqlite" else ConnectionTerminated)(source)

    with fault:
        if source.backend == "sqlite":
            # Writes take SQLite's lock when their transaction begins (BEGIN IMMEDIATE), so another
            # writer holding it past the busy timeout makes the request fail before it writes.
            fault.strike()
        else:  # after the update is flushed and its file placed, before the commit
            real_place = evidence.place
            monkeypatch.setattr(evidence, "place", lambda *a, **k: (real_place(*a, **k), fault.strike())[0])
        response = client.post(f"/commitments/{commitment_id}/progress/new",
                               data={**data, "evidence": [(io.BytesIO(PDF_BYTES), "Biên bản hiện trường.pdf")]},
                               content_type="multipart/form-data")
        monkeypatch.undo()

    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Vui lòng thử lại sau ít phút" in html
    assert "Nội dung bạn đã nhập vẫn được giữ trong trình duyệt này" in html
    assert "data-clear-draft" not in html  # the browser keeps its copy of the form
    assert f'href="/commitments/{commitment_id}/progress/new"' in html  # "try again" reopens the form
    with source.app.app_context():
        token = data["form_token"]
        assert db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.form_token == token)) == 0
        db.session.remove()
    assert files_under(source.upload_dir) == files_before  # no placed file, no staging leftover

    again = client.post(f"/commitments/{commitment_id}/progress/new",
                        data={**data, "evidence": [(io.BytesIO(PDF_BYTES), "Biên bản hiện trường.pdf")]},
                        content_type="multipart/form-data")
    assert again.status_code == 302
    with source.app.app_context():
        update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.form_token == data["form_token"]))
        assert update.results == text_typed
        assert db.session.scalar(select(func.count(EvidenceFile.id)).where(EvidenceFile.update_id == update.id)) == 1
        db.session.remove()


def test_a_page_is_served_when_its_session_s_last_seen_time_cannot_be_written(source):
    """The last-seen time is bookkeeping: a write lock held elsewhere skips it, the page is shown."""
    import pytest
    from datetime import timedelta

    from sqlalchemy import update

    from tracker.models import UserSession
    from tracker.models.base import utcnow

    if source.backend != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL's row lock waits instead")
    client = source.app.test_client()
    assert sign_in(client, OFFICER.email).status_code == 302
    with source.app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
        db.session.remove()
    with LockedPastTimeout(source) as fault:
        fault.strike()
        response = client.get("/profile")
    assert response.status_code == 200
    assert OFFICER.email in response.get_data(as_text=True)

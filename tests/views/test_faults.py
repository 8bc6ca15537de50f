"""Faults a user can meet: no database (503, "try again", in their language) and an upload
folder that is full or unwritable (nothing saved, no file left, the text kept, the user told)."""
import errno
import io
import os

import pytest
from sqlalchemy import func, select

from tests.apps import make_app
from tests.client import csrf_token
from tests.factories import PDF_BYTES, officer_commitment
from tests.views.test_progress import fields, new_form
from tracker.extensions import db
from tracker.models import EvidenceFile, ProgressUpdate
from tracker.services import evidence


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable(request, tmp_path):
    """An app whose database is not there: nothing listens on the port, or the folder is missing."""
    if request.param == "postgresql":
        url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=3"
    else:
        url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'tracker.sqlite3'}"
    app = make_app(url, tmp_path)
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_no_database_answers_503_try_again_in_the_users_language(unreachable):
    token = csrf_token(unreachable)  # the sign-in page itself needs no database
    form = {"email": "canbo@example.com", "password": "whatever-it-is", "csrf_token": token}
    response = unreachable.post("/login", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "thử lại" in html
    assert "Hệ thống tạm thời gián đoạn" in html
    assert "Retry-After" in response.headers
    assert 'href="/login"' in html  # "try again" leads back to the form

    english = unreachable.post("/login", data=form, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 503
    assert "try again" in english.get_data(as_text=True)

    as_json = unreachable.post("/login", data=form, headers={"Accept": "application/json"})
    assert as_json.status_code == 503
    assert as_json.get_json() == {"error": "service_unavailable"}


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fail_second_call(real):
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            enospc()
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("where", ["staging", "placing"])
def test_upload_folder_full_saves_nothing_leaves_no_file_and_keeps_the_text(app, login_as, monkeypatch, tmp_path,
                                                                           where):
    """The second of two files fails to be written, while staging or while being moved into place
    (after the update row was flushed): no update, no evidence row, no file, the text still there."""
    uploads = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(uploads))
    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields(action="submit", results="Đã ký hợp đồng thuê kho lạnh.")}
    data["evidence"] = [(io.BytesIO(PDF_BYTES), "Biên bản 1.pdf"), (io.BytesIO(PDF_BYTES), "Biên bản 2.pdf")]
    if where == "staging":
        monkeypatch.setattr(evidence.tempfile, "mkstemp", fail_second_call(evidence.tempfile.mkstemp))
    else:
        monkeypatch.setattr(evidence.os, "replace", fail_second_call(evidence.os.replace))
    updates = db.session.scalar(select(func.count(ProgressUpdate.id)))

    response = client.post(f"/commitments/{commitment.id}/progress/new", data=data,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "thư mục lưu trữ của hệ thống đã đầy hoặc không ghi được" in html
    assert "Báo cáo chưa được lưu" in html
    assert "Đã ký hợp đồng thuê kho lạnh." in html  # the text is in the form again
    assert "Mặt bằng khu công nghiệp chưa giải phóng xong." in html
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == updates
    assert db.session.scalar(select(func.count(EvidenceFile.id)).where(
        EvidenceFile.original_name.like("Biên bản %"))) == 0
    assert files_in(uploads) == []  # neither the staged nor the placed file is left

    monkeypatch.undo()  # space again: the same form goes through
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(uploads))
    data["evidence"] = [(io.BytesIO(PDF_BYTES), "Biên bản 1.pdf"), (io.BytesIO(PDF_BYTES), "Biên bản 2.pdf")]
    again = client.post(f"/commitments/{commitment.id}/progress/new", data=data, content_type="multipart/form-data")
    assert again.status_code == 302
    assert len(files_in(uploads)) == 2


def test_upload_folder_unwritable_when_editing_a_draft(app, login_as, monkeypatch, tmp_path):
    uploads = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(uploads))
    client = login_as("officer")
    commitment = officer_commitment()
    client.post(f"/commitments/{commitment.id}/progress/new", data={**new_form(client, commitment),
                                                                    **fields(action="save")})
    draft = db.session.scalar(select(ProgressUpdate).order_by(ProgressUpdate.id.desc()))
    version = draft.version
    monkeypatch.setattr(evidence.os, "replace", lambda *a: (_ for _ in ()).throw(
        PermissionError(errno.EACCES, os.strerror(errno.EACCES))))
    response = client.post(f"/updates/{draft.id}/edit", data={
        **fields(action="save", results="Bản sửa: đã nghiệm thu giai đoạn 1."),
        "csrf_token": csrf_token(client, f"/updates/{draft.id}/edit"), "version": str(version),
        "evidence": [(io.BytesIO(PDF_BYTES), "Nghiệm thu.pdf")]}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Bản sửa: đã nghiệm thu giai đoạn 1." in html
    assert "không ghi được" in html
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, draft.id).version == version  # the draft is as it was
    assert files_in(uploads) == []


def test_a_missing_table_is_a_bug_not_an_outage(app, login_as, monkeypatch):
    """SQLite reports "no such table" as an OperationalError: that must stay a 500, not "try again"."""
    from sqlalchemy import text

    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setitem(app.view_functions, "commitments.index", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = login_as("viewer").get("/commitments")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Đã có lỗi xảy ra" in html and "Hệ thống tạm thời gián đoạn" not in html


@pytest.mark.parametrize("what", ["document", "meeting", "memorandum"])
def test_an_unwritable_upload_folder_keeps_a_document_a_meeting_and_a_memorandum_out(app, login_as, monkeypatch,
                                                                                     tmp_path, what):
    """The one file of a document, a meeting's minutes or the signed memorandum cannot be moved into
    place: told beside the file, no row changed, no file left; 503 for a document and a meeting (the
    plan's forms answer with their page again)."""
    from tests.views import test_agreement_source as memorandum
    from tests.views import test_documents as documents
    from tests.views import test_meetings as meetings
    from tracker.models import Agreement, ImplementingDocument, Meeting

    uploads = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(uploads))
    client = login_as("admin" if what == "memorandum" else "coordinator")
    monkeypatch.setattr(evidence.os, "replace", enospc)
    pdf = (io.BytesIO(PDF_BYTES), "Tệp.pdf")
    rows = {"document": select(func.count(ImplementingDocument.id)), "meeting": select(func.count(Meeting.id)),
            "memorandum": select(Agreement.source_stored_name).where(Agreement.id == memorandum.agreement().id)}[what]
    before = db.session.scalar(rows)

    if what == "document":
        response = documents.post_new(client, documents.form(), pdf)
    elif what == "meeting":
        response = meetings.post_new(client, meetings.form(), pdf)
    else:
        response = memorandum.post_edit(client, memorandum.agreement_data(), pdf)
    html = response.get_data(as_text=True)
    assert response.status_code == (200 if what == "memorandum" else 503)
    assert "Không lưu được tệp: thư mục lưu trữ đầy hoặc không ghi được." in html
    db.session.expire_all()
    assert db.session.scalar(rows) == before
    assert files_in(uploads) == []

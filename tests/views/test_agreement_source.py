"""The agreement's signed memorandum as a file: attached on the agreement form (admins), stored
like evidence, replaced without leaving the old file behind, downloaded by anyone signed in,
and known to fsck and backups."""
import io
import zipfile
from pathlib import Path

from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import PDF_BYTES, agreement
from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.services import backup, fsck
from tracker.services import evidence as store


def agreement_data(**changes) -> dict:
    """What the edit form holds for the seeded agreement, with ``changes``."""
    a = agreement()
    data = {"code": a.code, "kind": a.kind, "title": a.title, "short_title": a.short_title or "",
            "document_number": a.document_number or "", "signed_date": a.signed_date.isoformat() if a.signed_date else "",
            "signed_place": a.signed_place or "", "period_start": a.period_start.isoformat(),
            "period_end": a.period_end.isoformat() if a.period_end else "", "risk_margin": str(a.risk_margin)}
    if a.open_ended:
        data["open_ended"] = "y"
    for i in range(4):
        party = a.parties[i] if i < len(a.parties) else None
        data[f"parties-{i}-province"] = str(party.province_id) if party else ""
        data[f"parties-{i}-signatory_name"] = (party.signatory_name or "") if party else ""
        data[f"parties-{i}-signatory_title"] = (party.signatory_title or "") if party else ""
    return {**data, **changes}


def post_edit(client, data, file=None):
    path = f"/agreements/{agreement().id}/edit"
    payload = {"csrf_token": csrf_token(client, path), **data}
    if file is not None:
        payload["source_file"] = file
    return client.post(path, data=payload, content_type="multipart/form-data")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def stored_files(app, before=frozenset()) -> list[str]:
    """The files in the upload folder (the app's, shared by the tests) other than ``before``."""
    return sorted(name for p in upload_dir(app).rglob("*") if p.is_file() and ".staging" not in p.parts
                  and (name := p.relative_to(upload_dir(app)).as_posix()) not in before)


def test_an_admin_attaches_the_memorandum_and_everyone_downloads_it(app, login_as):
    before = set(stored_files(app))
    client = login_as("admin")
    response = post_edit(client, agreement_data(), (io.BytesIO(PDF_BYTES), "Biên bản ghi nhớ TN-BG.pdf"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    a = agreement()
    assert a.source_file_name == "Biên bản ghi nhớ TN-BG.pdf" and a.source_kind == "pdf"
    assert a.source_size == len(PDF_BYTES) and a.source_content_type == "application/pdf"
    assert stored_files(app, before) == [a.source_stored_name] and not a.source_stored_name.endswith("TN-BG.pdf")
    page = client.get(f"/agreements/{a.id}").get_data(as_text=True)
    assert f'href="/agreements/{a.id}/source"' in page and "Văn bản gốc (PDF, 1 KB)" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    viewer = login_as("viewer")
    download = viewer.get(f"/agreements/{a.id}/source")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["Content-Type"] == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Bien ban ghi nho TN-BG.pdf"')
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n" in disposition
    download.close()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement_updated")).all()[-1]
    assert event.details["file"] == "Biên bản ghi nhớ TN-BG.pdf"


def test_replacing_the_file_leaves_no_orphan(app, login_as):
    before = set(stored_files(app))
    client = login_as("admin")
    assert post_edit(client, agreement_data(), (io.BytesIO(PDF_BYTES), "ban-dau.pdf")).status_code == 302
    db.session.expire_all()
    first = agreement().source_stored_name
    assert post_edit(client, agreement_data(), (io.BytesIO(docx_bytes()), "Bản ký.docx")).status_code == 302
    db.session.expire_all()
    a = agreement()
    assert a.source_stored_name != first and a.source_kind == "docx" and a.source_file_name == "Bản ký.docx"
    assert stored_files(app, before) == [a.source_stored_name]  # the first file went with the commit
    assert post_edit(client, agreement_data(short_title="Giữ tệp")).status_code == 302  # no file chosen: kept
    db.session.expire_all()
    assert agreement().source_stored_name == a.source_stored_name and agreement().short_title == "Giữ tệp"
    report = fsck.check(upload_dir(app), grace=fsck.timedelta(0))
    assert a.source_stored_name not in report.orphans and report.missing == []
    assert first not in report.orphans  # deleted, not left for fsck to find


def test_a_refused_file_is_told_in_vietnamese_and_the_typed_fields_stay(app, login_as):
    before = set(stored_files(app))
    client = login_as("admin")
    response = post_edit(client, agreement_data(short_title="Tên ngắn mới gõ", signed_place="Thái Nguyên mới"),
                         (io.BytesIO(b"MZ\x90\x00 not a pdf"), "bien-ban.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tệp bien-ban.pdf có nội dung không đúng với loại tệp (phần mở rộng)." in html
    assert 'value="Tên ngắn mới gõ"' in html and 'value="Thái Nguyên mới"' in html
    response = post_edit(client, agreement_data(), (io.BytesIO(b"MZ\x90\x00"), "setup.exe"))
    assert "chỉ nhận PDF, DOCX, XLSX, ODT, JPG, PNG" in response.get_data(as_text=True)
    db.session.expire_all()
    assert agreement().source_stored_name is None and agreement().short_title != "Tên ngắn mới gõ"
    assert stored_files(app, before) == []


def test_no_file_no_download_and_only_admins_attach(app, login_as):
    client = login_as("coordinator")
    assert client.get(f"/agreements/{agreement().id}/source").status_code == 404
    assert post_edit(client, agreement_data(), (io.BytesIO(PDF_BYTES), "x.pdf")).status_code == 403
    db.session.expire_all()
    assert agreement().source_stored_name is None


def test_fsck_and_backup_know_the_memorandum(app, login_as):
    client = login_as("admin")
    assert post_edit(client, agreement_data(), (io.BytesIO(PDF_BYTES), "bien-ban.pdf")).status_code == 302
    db.session.expire_all()
    a = agreement()
    report = fsck.check(upload_dir(app), grace=fsck.timedelta(0))
    assert a.source_stored_name not in report.orphans and report.missing == []  # named by its row: kept
    assert (a.source_stored_name, a.source_sha256) in db.session.execute(
        db.text(backup._stored_files({"agreements"}))).all()
    store.path_for(a.source_stored_name, upload_dir(app)).write_bytes(b"%PDF-1.4 changed")
    [missing] = fsck.check(upload_dir(app)).missing
    assert missing.owner == f"agreement {a.id}" and missing.reason == "sha256_differs"
    store.path_for(a.source_stored_name, upload_dir(app)).unlink()
    [missing] = fsck.check(upload_dir(app)).missing
    assert missing.reason == "not_found"
    assert client.get(f"/agreements/{a.id}/source").status_code == 404

"""Correcting and removing implementing documents: whoever could record one (its province's
coordinator, an admin) may, audited; a removed one leaves the register, the API, the commitment's
page and reports dated from its removal, while earlier reports keep it."""
import io
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.client import csrf_token, sign_in
from tests.factories import ACCOUNTS, PDF_BYTES, TODAY, agreement, officer_commitment
from tracker.extensions import db
from tracker.models import AuditEvent, Commitment, CooperationArea, ImplementingDocument, Province
from tracker.queries import documents as queries
from tracker.queries import reports
from tracker.services import documents as service
from tracker.services import evidence


def province_id(code: str) -> int:
    return db.session.scalar(select(Province.id).where(Province.code == code))


def signed_in(app, role):
    client = app.test_client()
    assert sign_in(client, ACCOUNTS[role].email).status_code == 302
    return client


def record(app, province="TN", number="125/KH-UBND", commitments=None, file=False) -> ImplementingDocument:
    memorandum = agreement()
    uploads = None
    if file:
        uploads = evidence.Uploads.of([FileStorage(io.BytesIO(PDF_BYTES), filename="ke-hoach.pdf")],
                                      app.config["UPLOAD_DIR"], app.config["EVIDENCE_MAX_BYTES"])
    data = service.DocumentData(province_id=province_id(province), doc_type="plan", number_symbol=number,
                                issued_on=date(2024, 3, 5), issuing_body="UBND tỉnh", subject="Triển khai hợp tác",
                                commitment_ids=commitments or (officer_commitment().id,))
    document = service.create(memorandum, data, None, sides=queries.sides(memorandum.id), today=TODAY, uploads=uploads)
    db.session.commit()
    return document


def form(document, **changes) -> dict:
    base = {"province_id": str(document.province_id), "doc_type": document.doc_type,
            "number_symbol": document.number_symbol, "issued_on": document.issued_on.strftime("%d/%m/%Y"),
            "issuing_body": document.issuing_body, "subject": document.subject,
            "commitments": [str(c.id) for c in document.commitments]}
    return {**base, **changes}


def post_edit(client, document, data, file=None):
    path = f"/documents/{document.id}/edit"
    payload = {"csrf_token": csrf_token(client, path), **data}
    if file:
        payload["file"] = file
    return client.post(path, data=payload, content_type="multipart/form-data")


def post_remove(client, document, reason="Ghi nhận nhầm số văn bản"):
    token = csrf_token(client, "/profile")
    return client.post(f"/documents/{document.id}/remove", data={"csrf_token": token, "reason_text": reason})


def last_event(action: str) -> AuditEvent:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())).first()


def test_the_coordinator_corrects_their_province_document_audited(app):
    document = record(app)
    client = signed_in(app, "coordinator")
    assert 'class="edit-document"' in client.get("/documents?q=125/KH").get_data(as_text=True)
    page = client.get(f"/documents/{document.id}/edit").get_data(as_text=True)
    assert "Sửa văn bản triển khai" in page and 'value="125/KH-UBND"' in page
    response = post_edit(client, document, form(document, number_symbol="126/KH-UBND", subject="Triển khai du lịch"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    corrected = db.session.get(ImplementingDocument, document.id)
    assert (corrected.number_symbol, corrected.subject) == ("126/KH-UBND", "Triển khai du lịch")
    event = last_event("document_updated")
    assert event.object_id == document.id and event.actor_id is not None
    assert event.details["before"] == {"number_symbol": "125/KH-UBND", "subject": "Triển khai hợp tác"}
    assert event.details["after"] == {"number_symbol": "126/KH-UBND", "subject": "Triển khai du lịch"}
    register = client.get("/documents?q=126/KH").get_data(as_text=True)
    assert "Kế hoạch số 126/KH-UBND" in register


def test_a_mistake_is_told_beside_its_field_and_nothing_changes(app):
    document = record(app)
    client = signed_in(app, "coordinator")
    response = post_edit(client, document, form(document, number_symbol="125/QĐ-UBND", subject="Sửa mới"))
    assert response.status_code == 400 and "Ký hiệu không khớp loại văn bản" in response.get_data(as_text=True)
    assert "Sửa mới" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ImplementingDocument, document.id).subject == "Triển khai hợp tác"


def test_another_province_and_readers_may_not(app):
    theirs = record(app, province="BN", number="88/KH-UBND")
    coordinator = signed_in(app, "coordinator")  # Thái Nguyên's
    assert coordinator.get(f"/documents/{theirs.id}/edit").status_code == 403
    assert post_remove(coordinator, theirs).status_code == 403
    assert 'class="edit-document"' not in coordinator.get("/documents?q=88/KH").get_data(as_text=True)
    for role in ("officer", "viewer"):
        client = signed_in(app, role)
        assert client.get(f"/documents/{theirs.id}/edit").status_code == 403
        assert post_remove(client, theirs).status_code == 403
    admin = signed_in(app, "admin")
    assert post_edit(admin, theirs, form(theirs, subject="Sửa bởi quản trị")).status_code == 302
    db.session.expire_all()
    assert db.session.get(ImplementingDocument, theirs.id).subject == "Sửa bởi quản trị" and theirs.removed_on is None


def test_hidden_restricted_commitments_stay_when_an_uncleared_coordinator_edits(app):
    restricted = db.session.scalar(select(Commitment).join(CooperationArea).where(
        CooperationArea.agreement_id == agreement().id, CooperationArea.restricted.is_(True)).order_by(Commitment.id))
    document = record(app, commitments=(officer_commitment().id, restricted.id))
    client = signed_in(app, "coordinator")
    assert post_edit(client, document, form(document, commitments=[str(officer_commitment().id)],
                                            subject="Chỉ sửa trích yếu")).status_code == 302
    db.session.expire_all()
    assert {c.id for c in db.session.get(ImplementingDocument, document.id).commitments} == {
        officer_commitment().id, restricted.id}


def test_a_new_file_replaces_the_old_one_without_an_orphan(app):
    document = record(app, file=True)
    old = evidence.path_for(document.stored_name, app.config["UPLOAD_DIR"])
    client = signed_in(app, "coordinator")
    response = post_edit(client, document, form(document), (io.BytesIO(PDF_BYTES), "ke-hoach-ky.pdf"))
    assert response.status_code == 302
    db.session.expire_all()
    replaced = db.session.get(ImplementingDocument, document.id)
    assert replaced.original_name == "ke-hoach-ky.pdf" and not old.exists()
    assert evidence.path_for(replaced.stored_name, app.config["UPLOAD_DIR"]).is_file()


def test_removed_it_leaves_the_register_api_page_and_reports_from_today(app):
    document = record(app, file=True)
    commitment = officer_commitment()
    client = signed_in(app, "coordinator")
    assert post_remove(client, document, reason="").status_code == 302  # no reason: nothing removed
    db.session.expire_all()
    assert db.session.get(ImplementingDocument, document.id).removed_on is None
    assert post_remove(client, document).status_code == 302
    db.session.expire_all()
    assert db.session.get(ImplementingDocument, document.id).removed_on == TODAY
    event = last_event("document_removed")
    assert event.object_id == document.id and event.details["reason"] == "Ghi nhận nhầm số văn bản"
    assert "Đã gỡ văn bản 125/KH-UBND" in client.get("/documents").get_data(as_text=True)  # told once
    assert "125/KH-UBND" not in client.get("/documents").get_data(as_text=True)
    assert "125/KH-UBND" not in client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    api = client.get("/api/v1/documents?per_page=100").get_json()
    assert document.id not in {d["id"] for d in api["items"]}
    assert document.id not in client.get(f"/api/v1/commitments/{commitment.id}").get_json()["document_ids"]
    assert client.get(f"/documents/{document.id}/edit").status_code == 404
    today = reports.build(reports.Scope(agreement=agreement(), as_of=TODAY), TODAY)
    before = reports.build(reports.Scope(agreement=agreement(), as_of=TODAY - timedelta(days=1)), TODAY)
    assert not any("125/KH-UBND" in line for line in today.documents)
    assert any("125/KH-UBND" in line for line in before.documents)
    assert "125/KH-UBND" not in [r.number_symbol for r in today.document_rows]
    # the number is free again for the province's corrected entry
    assert record(app, number="125/KH-UBND").id != document.id

"""Implementing documents in the browser: coordinators record their province's, admins any side's;
everyone signed in reads the register; a commitment's page lists its documents."""
import io
import re
from datetime import date

from sqlalchemy import select

from tests.client import csrf_token, sign_in
from tests.factories import ACCOUNTS, PDF_BYTES, TODAY, agreement, officer_commitment
from tracker.extensions import db
from tracker.models import Commitment, CooperationArea, ImplementingDocument, Province
from tracker.queries import documents as queries
from tracker.services import documents as service


def province_id(code: str) -> int:
    return db.session.scalar(select(Province.id).where(Province.code == code))


def recorded():
    """The document a test recorded (the seed's demonstration ones aside)."""
    return db.session.scalar(select(ImplementingDocument).where(ImplementingDocument.is_demo.is_(False)))


def form(**changes) -> dict:
    base = {"province_id": str(province_id("TN")), "doc_type": "plan", "number_symbol": "125/KH-UBND",
            "issued_on": "05/03/2024", "issuing_body": "UBND tỉnh Thái Nguyên",
            "subject": "Triển khai thực hiện Biên bản ghi nhớ hợp tác", "commitments": str(officer_commitment().id)}
    return {**base, **changes}


def post_new(client, data, file=None):
    path = f"/documents/new?agreement={agreement().id}"
    payload = {"csrf_token": csrf_token(client, path), **data}
    if file:
        payload["file"] = file
    return client.post(path, data=payload, content_type="multipart/form-data")


def test_a_coordinator_records_a_plan_with_its_file(login_as):
    client = login_as("coordinator")
    page = client.get(f"/documents/new?agreement={agreement().id}").get_data(as_text=True)
    offered = re.search(r'<select[^>]*id="province_id".*?</select>', page, re.S).group(0)
    assert f'value="{province_id("TN")}"' in offered and f'value="{province_id("BN")}"' not in offered
    response = post_new(client, form(), (io.BytesIO(PDF_BYTES), "Kế hoạch 125.pdf"))
    assert response.status_code == 302
    document = recorded()
    assert document.number_symbol == "125/KH-UBND" and document.stored_name
    register = client.get("/documents?q=125/kh").get_data(as_text=True)
    assert "Kế hoạch số 125/KH-UBND" in register and "Kế hoạch 125.pdf" in register
    assert "125/KH-UBND" in client.get("/documents?q=trien+khai+bien+ban").get_data(as_text=True)  # accents aside
    assert "125/KH-UBND" not in client.get("/documents?q=126/KH").get_data(as_text=True)
    download = client.get(f"/documents/{document.id}/file")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    detail = client.get(f"/commitments/{officer_commitment().id}").get_data(as_text=True)
    assert "Kế hoạch số 125/KH-UBND" in detail and "05/03/2024" in detail


def test_a_coordinator_cannot_record_for_the_other_province(login_as):
    response = post_new(login_as("coordinator"), form(province_id=str(province_id("BN"))))
    assert response.status_code == 400
    assert recorded() is None


def test_an_admin_records_for_either_side(login_as):
    response = post_new(login_as("admin"), form(province_id=str(province_id("BN")), issuing_body="UBND tỉnh Bắc Ninh"))
    assert response.status_code == 302
    assert recorded().province_id == province_id("BN")


def test_mistakes_are_told_beside_their_fields_and_nothing_is_kept(login_as):
    response = post_new(login_as("admin"), form(number_symbol="125/QĐ-UBND", issued_on="01/12/2026"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ký hiệu không khớp loại văn bản" in page and "Ngày ban hành không thể sau hôm nay" in page
    assert recorded() is None


def test_a_refused_file_keeps_nothing(login_as):
    response = post_new(login_as("admin"), form(), (io.BytesIO(b"MZ\x90\x00"), "ke-hoach.exe"))
    assert response.status_code == 400 and "chỉ nhận PDF" in response.get_data(as_text=True)
    assert recorded() is None


def signed_in(app, role):
    client = app.test_client()
    assert sign_in(client, ACCOUNTS[role].email).status_code == 302
    return client


def test_officers_and_viewers_read_but_do_not_record(app):
    for role in ("officer", "viewer"):
        client = signed_in(app, role)
        assert client.get("/documents").status_code == 200
        assert "Ghi nhận văn bản" not in client.get("/documents").get_data(as_text=True)
        assert client.get(f"/documents/new?agreement={agreement().id}").status_code == 403
        assert post_new(client, form()).status_code == 403
    assert recorded() is None


def test_restricted_fields_documents_are_for_the_cleared(app):
    memorandum = agreement()
    restricted = db.session.scalar(select(Commitment).join(CooperationArea)
                                   .where(CooperationArea.agreement_id == memorandum.id,
                                          CooperationArea.restricted.is_(True)))
    data = service.DocumentData(province_id=province_id("TN"), doc_type="directive", number_symbol="05-CT/TU",
                                issued_on=date(2024, 5, 2), issuing_body="Tỉnh ủy Thái Nguyên",
                                subject="Công tác quốc phòng", commitment_ids=(restricted.id,))
    service.create(memorandum, data, None, sides=queries.sides(memorandum.id), today=TODAY)
    db.session.commit()
    document = recorded()
    viewer, cleared = signed_in(app, "viewer"), signed_in(app, "cleared_viewer")
    assert "05-CT/TU" not in viewer.get("/documents?q=05-CT").get_data(as_text=True)
    assert "05-CT/TU" in cleared.get("/documents?q=05-CT").get_data(as_text=True)
    assert "05-CT/TU" in signed_in(app, "admin").get("/documents").get_data(as_text=True)
    # the commitment itself is hidden from the uncleared, and its documents with it
    assert viewer.get(f"/commitments/{restricted.id}").status_code in (403, 404)
    assert "05-CT/TU" in cleared.get(f"/commitments/{restricted.id}").get_data(as_text=True)
    assert document.stored_name is None

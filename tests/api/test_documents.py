"""Implementing documents through the API: the register's filters and search, the restricted
fields hidden as on /documents, the file's facts, and the ids on a commitment's entry."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.factories import PDF_BYTES, TODAY, agreement, officer_commitment
from tracker.extensions import db
from tracker.models import Commitment, CooperationArea, Province
from tracker.queries import documents as queries
from tracker.services import documents as service
from tracker.services import evidence


def _province(code: str) -> int:
    return db.session.scalar(select(Province.id).where(Province.code == code))


def _restricted() -> Commitment:
    return db.session.scalar(select(Commitment).join(CooperationArea).where(
        CooperationArea.agreement_id == agreement().id, CooperationArea.restricted.is_(True)).order_by(Commitment.id))


def _record(app, number: str, commitments: tuple[int, ...], file: bool = False, **more):
    memorandum = agreement()
    data = service.DocumentData(province_id=_province("TN"), doc_type=more.get("doc_type", "plan"),
                                number_symbol=number, issued_on=date(2024, 3, 5),
                                issuing_body="UBND tỉnh Thái Nguyên", subject=more.get("subject", "Triển khai hợp tác"),
                                commitment_ids=commitments)
    uploads = None
    if file:
        pdf = FileStorage(io.BytesIO(PDF_BYTES), filename="Kế hoạch.pdf")
        uploads = evidence.Uploads.of([pdf], app.config["UPLOAD_DIR"], app.config["EVIDENCE_MAX_BYTES"])
    document = service.create(memorandum, data, None, sides=queries.sides(memorandum.id), today=TODAY,
                              uploads=uploads)
    db.session.commit()
    return document


def test_the_register_filters_by_agreement_commitment_and_text(app, client, auth):
    commitment = officer_commitment()
    plan = _record(app, "125/KH-UBND", (commitment.id,), file=True, subject="Phát triển du lịch liên tỉnh")
    headers = auth("viewer")
    body = client.get("/api/v1/documents", headers=headers).get_json()
    assert body["total"] >= 5 and body["page"] == 1  # the seed's four demonstration documents and this one
    item = next(d for d in body["items"] if d["id"] == plan.id)
    assert item["doc_type"] == "plan" and item["doc_type_label"] == "Kế hoạch" and item["issued_on"] == "2024-03-05"
    assert item["province"]["code"] == "TN" and item["commitment_ids"] == [commitment.id] and not item["is_demo"]
    assert item["file"] == {"name": "Kế hoạch.pdf", "kind": "pdf", "content_type": "application/pdf",
                            "size": len(PDF_BYTES), "url": f"/documents/{plan.id}/file"}
    served = client.get(f"/api/v1/documents?commitment={commitment.id}", headers=headers).get_json()["items"]
    assert plan.id in {d["id"] for d in served} and all(commitment.id in d["commitment_ids"] for d in served)
    assert len(served) < body["total"]  # the others serve other commitments
    found = client.get("/api/v1/documents?q=du+lich", headers=headers).get_json()  # accents aside
    assert [d["id"] for d in found["items"]] == [plan.id]
    assert client.get("/api/v1/documents?q=125/kh", headers=headers).get_json()["total"] == 1
    assert client.get(f"/api/v1/documents?agreement={agreement().id}", headers=headers).get_json()["total"] == body["total"]
    assert client.get("/api/v1/documents?agreement=999999", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/documents?per_page=2", headers=headers).get_json()["pages"] >= 3
    assert client.get("/api/v1/documents?colour=red", headers=headers).status_code == 400
    entry = client.get(f"/api/v1/commitments/{commitment.id}", headers=headers).get_json()
    assert set(entry["document_ids"]) == {d["id"] for d in served}


def test_restricted_fields_are_hidden_as_on_the_register_page(app, client, auth):
    secret, open_one = _restricted(), officer_commitment()
    only_secret = _record(app, "05-CT/TU", (secret.id,), doc_type="directive")
    both = _record(app, "126/KH-UBND", (secret.id, open_one.id))
    viewer, cleared = auth("viewer"), auth("cleared_viewer")
    seen = {d["id"]: d for d in client.get("/api/v1/documents?per_page=100", headers=viewer).get_json()["items"]}
    assert only_secret.id not in seen and seen[both.id]["commitment_ids"] == [open_one.id]
    everything = {d["id"]: d for d in client.get("/api/v1/documents?per_page=100", headers=cleared).get_json()["items"]}
    assert only_secret.id in everything and set(everything[both.id]["commitment_ids"]) == {secret.id, open_one.id}
    assert client.get(f"/api/v1/documents?commitment={secret.id}", headers=viewer).get_json()["items"] == [
        seen[both.id]]
    page = client.get("/api/v1/documents?q=05-CT", headers=viewer).get_json()
    assert page["total"] == 0

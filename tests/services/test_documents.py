"""Recording implementing documents: checked before anything is kept, the file stored like evidence, audited."""
import io
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.factories import PDF_BYTES, TODAY, agreement, officer_commitment, user
from tracker.domain.evidence import EvidenceProblem
from tracker.extensions import db
from tracker.models import AuditEvent, ImplementingDocument, Province
from tracker.queries import documents as queries
from tracker.services import documents as service
from tracker.services import evidence


def province(code: str) -> Province:
    return db.session.scalar(select(Province).where(Province.code == code))


def recorded():
    """The document a test recorded (the seed's demonstration ones aside)."""
    return db.session.scalar(select(ImplementingDocument).where(ImplementingDocument.is_demo.is_(False)))


def data(**changes) -> service.DocumentData:
    base = dict(province_id=province("TN").id, doc_type="plan", number_symbol="Số: 125/KH-UBND",
                issued_on=date(2024, 3, 5), issuing_body="UBND tỉnh Thái Nguyên",
                subject="Triển khai thực hiện Biên bản ghi nhớ hợp tác", commitment_ids=(officer_commitment().id,))
    return service.DocumentData(**{**base, **changes})


def record(app, item=None, uploads=None):
    memorandum = agreement()
    return service.create(memorandum, item or data(), user(), sides=queries.sides(memorandum.id), today=TODAY,
                          uploads=uploads)


def test_recorded_with_its_commitments_and_audited(app):
    document = record(app)
    db.session.commit()
    assert document.number_symbol == "125/KH-UBND"  # stored without "Số:"
    assert [c.id for c in document.commitments] == [officer_commitment().id]
    assert document in queries.for_commitment(officer_commitment().id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document_recorded"))
    assert event.object_id == document.id


def test_the_seed_demonstrates_documents_of_both_sides(app):
    demo = db.session.scalars(select(ImplementingDocument).where(ImplementingDocument.is_demo.is_(True))).all()
    assert {d.province.code for d in demo} == {"TN97", "BG97", "TN", "BN"} and all(d.commitments for d in demo)
    from tracker.services import seed

    assert "documents" not in seed.seed().created  # twice changes nothing


def test_sides_follow_the_mergers(app):
    codes = {db.session.get(Province, i).code for i in queries.sides(agreement().id)}
    assert {"TN", "BN"} <= codes


@pytest.mark.parametrize("changes, field, code", [
    ({"issued_on": date(2026, 12, 1)}, "issued_on", "in_future"),
    ({"number_symbol": "125/QĐ-UBND"}, "number_symbol", "wrong_type"),
    ({"number_symbol": "KH-UBND"}, "number_symbol", "bad_format"),
    ({"commitment_ids": (10**9,)}, "commitments", service.OTHER_AGREEMENT),
])
def test_refused_before_anything_is_kept(app, changes, field, code):
    with pytest.raises(service.DocumentError) as refused:
        record(app, data(**changes))
    assert refused.value.problems[field] == code
    db.session.rollback()
    assert recorded() is None


def test_a_province_outside_the_agreement_is_refused(app):
    other = db.session.scalar(select(Province).where(Province.code.not_in(
        [db.session.get(Province, i).code for i in queries.sides(agreement().id)])))
    with pytest.raises(service.DocumentError) as refused:
        record(app, data(province_id=other.id))
    assert refused.value.problems == {"province_id": service.NOT_A_SIDE}


def test_the_same_number_twice_in_a_year_is_refused(app):
    record(app)
    db.session.commit()
    with pytest.raises(service.DocumentError) as refused:
        record(app, data(number_symbol="125/KH-UBND", issued_on=date(2024, 9, 1)))
    assert refused.value.problems == {"number_symbol": service.DUPLICATE}
    record(app, data(issued_on=date(2025, 1, 6)))  # numbering starts again each year


def test_the_file_is_kept_like_evidence_and_goes_on_rollback(app, tmp_path):
    pdf = FileStorage(io.BytesIO(PDF_BYTES), filename="Kế hoạch 125.pdf")
    document = record(app, uploads=evidence.Uploads.of([pdf], str(tmp_path), 1024 * 1024))
    path = evidence.path_for(document.stored_name, tmp_path)
    assert path.is_file() and document.original_name == "Kế hoạch 125.pdf" and document.content_type == "application/pdf"
    db.session.rollback()
    assert not path.exists()


def test_a_refused_file_keeps_nothing(app, tmp_path):
    exe = FileStorage(io.BytesIO(b"MZ\x90\x00"), filename="ke-hoach.exe")
    with pytest.raises(EvidenceProblem):
        record(app, uploads=evidence.Uploads.of([exe], str(tmp_path), 1024 * 1024))
    db.session.rollback()
    assert recorded() is None
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_the_status_report_lists_them_in_its_first_section(app):
    from tracker.exports import outline
    from tracker.queries import reports

    record(app)
    record(app, data(province_id=province("BN").id, doc_type="decision", number_symbol="2047/QĐ-UBND",
                     issued_on=date(2025, 8, 4), issuing_body="UBND tỉnh Bắc Ninh",
                     subject="Phê duyệt danh mục nhiệm vụ năm 2025"))
    db.session.commit()
    report = reports.build(reports.Scope(agreement=agreement(), as_of=TODAY), TODAY)
    assert tuple(line for line in report.documents if "125/KH" in line or "2047/QĐ" in line) == (
        "UBND tỉnh Thái Nguyên ban hành Kế hoạch số 125/KH-UBND ngày 05/03/2024 về triển khai thực hiện "
        "Biên bản ghi nhớ hợp tác.",
        "UBND tỉnh Bắc Ninh ban hành Quyết định số 2047/QĐ-UBND ngày 04/08/2025 về phê duyệt danh mục nhiệm vụ "
        "năm 2025.",
    )
    earlier = reports.build(reports.Scope(agreement=agreement(), as_of=date(2025, 1, 1)), TODAY)
    assert any("125/KH" in line for line in earlier.documents)
    assert not any("2047/QĐ" in line for line in earlier.documents)  # not yet issued then
    one_side = reports.build(reports.Scope(agreement=agreement(), as_of=TODAY, province=province("BN").id), TODAY)
    assert any("2047/QĐ" in line for line in one_side.documents)
    assert all(line.startswith("UBND tỉnh Bắc") for line in one_side.documents)  # Bắc Ninh and Bắc Giang before it
    texts = [getattr(block, "text", "") for block in outline.build(report).body]
    at = texts.index("Các văn bản triển khai đã ban hành:")
    assert texts[at - 1].startswith("Thực hiện ")
    assert any(t.startswith("- UBND tỉnh Thái Nguyên ban hành Kế hoạch số 125/KH-UBND") for t in texts[at + 1:])


def test_the_workbook_lists_them_field_by_field(app):
    from openpyxl import load_workbook

    from tracker import exports
    from tracker.exports import xlsx
    from tracker.queries import reports

    record(app)
    db.session.commit()
    report = reports.build(reports.Scope(agreement=agreement(), as_of=TODAY), TODAY)
    [row] = [r for r in report.document_rows if r.number_symbol == "125/KH-UBND"]
    assert (row.doc_type, row.issued_on, row.issuing_body) == ("Kế hoạch", date(2024, 3, 5), "UBND tỉnh Thái Nguyên")
    assert row.commitments == (officer_commitment().code,)
    out = io.BytesIO()
    exports.write(report, "xlsx", out)
    sheet = load_workbook(io.BytesIO(out.getvalue()))[xlsx.SHEET_DOCUMENTS]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert ["Kế hoạch", "125/KH-UBND"] in [v[:2] for v in values] and len(values) == len(report.document_rows)


def test_fsck_and_backup_know_document_files(app, tmp_path):
    from tracker.services import backup, fsck

    pdf = FileStorage(io.BytesIO(PDF_BYTES), filename="ke-hoach.pdf")
    document = record(app, uploads=evidence.Uploads.of([pdf], str(tmp_path), 1024 * 1024))
    db.session.commit()
    report = fsck.check(tmp_path, grace=fsck.timedelta(0))
    assert report.orphans == [] and report.missing == []  # named by its row: never quarantined
    assert (document.stored_name, document.sha256) in db.session.execute(
        db.text(backup._stored_files({"evidence_files", "implementing_documents"}))).all()
    evidence.path_for(document.stored_name, tmp_path).unlink()
    [missing] = fsck.check(tmp_path).missing
    assert missing.owner == f"document {document.id}" and missing.reason == "not_found"

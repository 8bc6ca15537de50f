"""The status report's sections read beside its annex: the implementing documents and meetings
of "Tình hình triển khai", and the notes of commitments carried over from a previous phase."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.domain.documents import TYPE_LABELS_VI, report_line
from tracker.domain.meetings import report_line as meeting_report_line
from tracker.domain.report import DocumentRow
from tracker.extensions import db
from tracker.models import Agreement, Commitment, CooperationArea
from tracker.queries import documents as document_queries
from tracker.queries import meetings as meeting_queries


def origins_of(ids: set[int]) -> dict[int, str]:
    """The note of a commitment carried over from the previous phase: "Tiếp nối nhiệm vụ 2.1 giai đoạn 2023-2025"."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Commitment.id, Commitment.code, Agreement.period_start, Agreement.period_end)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(Agreement, Agreement.id == CooperationArea.agreement_id).where(Commitment.id.in_(ids)))
    return {i: f"Tiếp nối nhiệm vụ {code} giai đoạn {start.year}" + (f"-{end.year}" if end else "")
            for i, code, start, end in rows}


def meetings_of(agreement, judged_on: date, scope) -> tuple[str, ...]:
    """The meetings held by the report's date and their conclusions as they stood then."""
    if agreement is None:
        return ()
    return tuple(meeting_report_line(line.meeting.kind, line.meeting.held_on, line.meeting.place, line.total,
                                     line.done)
                 for line in meeting_queries.for_report(agreement.id, judged_on, scope.see_restricted))


def documents_of(agreement, judged_on: date, scope, provinces) -> dict:
    """The implementing documents issued by the report's date, as the report words them
    (``documents``) and field by field for the workbook (``document_rows``)."""
    if agreement is None:
        return {}
    found = document_queries.for_report(agreement.id, judged_on, scope.see_restricted, provinces)
    return {
        "documents": tuple(report_line(d.doc_type, d.number_symbol, d.issued_on, d.issuing_body, d.subject)
                           for d in found),
        "document_rows": tuple(
            DocumentRow(str(TYPE_LABELS_VI.get(d.doc_type, d.doc_type)), d.number_symbol, d.issued_on, d.issuing_body,
                        d.subject, tuple(c.code for c in d.commitments if scope.see_restricted or not c.area.restricted))
            for d in found),
    }

"""Recording implementing documents (văn bản triển khai): checked, flushed and audited, never committed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import extract, select

from tracker.domain import documents as rules
from tracker.domain.problems import Problems
from tracker.extensions import db
from tracker.models import Agreement, Commitment, CooperationArea, ImplementingDocument, User
from tracker.services import audit, evidence

DUPLICATE = "duplicate"
NOT_A_SIDE = "not_a_side"
OTHER_AGREEMENT = "other_agreement"


class DocumentError(Problems):
    """The document was refused: ``problems`` maps a form field to a problem code."""


@dataclass(frozen=True)
class DocumentData:
    province_id: int | None
    doc_type: str
    number_symbol: str
    issued_on: date | None
    issuing_body: str
    subject: str
    commitment_ids: tuple[int, ...] = field(default=())
    is_demo: bool = False


def agreement_from(agreement: Agreement) -> date | None:
    """The first day a document can implement the agreement: its signing, else its period's start."""
    return agreement.signed_date or agreement.period_start


def _check(agreement: Agreement, data: DocumentData, sides: set[int], today: date,
           own_id: int | None = None) -> list[Commitment]:
    facts = rules.DocumentFacts(data.doc_type, data.number_symbol, data.issued_on, data.issuing_body, data.subject)
    found = rules.problems(facts, today=today, agreement_from=agreement_from(agreement))
    if data.province_id not in sides:
        found["province_id"] = NOT_A_SIDE
    commitments = list(db.session.scalars(
        select(Commitment).join(CooperationArea).where(Commitment.id.in_(data.commitment_ids),
                                                       CooperationArea.agreement_id == agreement.id)))
    if len(commitments) != len(set(data.commitment_ids)):
        found["commitments"] = OTHER_AGREEMENT
    number = rules.normalise_number(data.number_symbol)
    if "number_symbol" not in found and data.issued_on is not None and db.session.scalar(
        select(ImplementingDocument.id).where(
            ImplementingDocument.agreement_id == agreement.id, ImplementingDocument.province_id == data.province_id,
            ImplementingDocument.number_symbol == number, ImplementingDocument.removed_on.is_(None),
            ImplementingDocument.id != (own_id or 0),
            extract("year", ImplementingDocument.issued_on) == data.issued_on.year)):
        found["number_symbol"] = DUPLICATE
    if found:
        raise DocumentError(found)
    return commitments


def create(agreement: Agreement, data: DocumentData, author: User | None, *, sides: set[int], today: date,
           uploads: evidence.Uploads | None = None) -> ImplementingDocument:
    """Record a document of one of the agreement's sides (``sides``: the province ids that may issue).

    Everything is checked before anything is kept (``DocumentError``, ``EvidenceProblem``);
    a file placed is removed again if the transaction does not commit.
    """
    commitments = _check(agreement, data, sides, today)
    document = ImplementingDocument(
        agreement_id=agreement.id, province_id=data.province_id, doc_type=data.doc_type,
        number_symbol=rules.normalise_number(data.number_symbol), issued_on=data.issued_on,
        issuing_body=data.issuing_body.strip(), subject=data.subject.strip(), is_demo=data.is_demo,
        created_by_id=author.id if author is not None else None, commitments=commitments,
    )
    with evidence.checked(uploads or evidence.Uploads((), "", 1)) as staged:
        if staged:
            _attach(document, staged[0], uploads.upload_dir)
        db.session.add(document)
        db.session.flush()
    audit.record("document_recorded", actor=author, category=audit.DATA, obj=document,
                 agreement_id=agreement.id, number_symbol=document.number_symbol,
                 commitments=[c.id for c in commitments], file=document.original_name)
    return document


def _attach(document: ImplementingDocument, staged: evidence.Staged, upload_dir: str) -> None:
    """Place the file and name it on the document; a file it replaces is deleted once the transaction commits."""
    document.hold(staged, evidence.place_for_row(db.session(), staged, upload_dir, replaces=document.stored_name))


_EDITED = ("province_id", "doc_type", "number_symbol", "issued_on", "issuing_body", "subject")


def _facts(document: ImplementingDocument) -> dict:
    facts = {k: getattr(document, k) for k in _EDITED}
    facts["issued_on"] = facts["issued_on"].isoformat() if facts["issued_on"] else None
    return {**facts, "commitments": sorted(c.id for c in document.commitments), "file": document.original_name}


def update(document: ImplementingDocument, data: DocumentData, actor: User | None, *, sides: set[int], today: date,
           uploads: evidence.Uploads | None = None) -> dict:
    """Correct a document (``sides``: the provinces the actor may issue for; the document's own
    must be one of them, as must the new one). Checked like ``create``; a new file replaces the
    old one, which goes once the transaction commits. Returns the fields changed, audited."""
    if document.province_id not in sides or document.removed_on is not None:
        raise DocumentError({"province_id": NOT_A_SIDE})
    commitments = _check(document.agreement, data, sides, today, own_id=document.id)
    before = _facts(document)
    document.province_id, document.doc_type = data.province_id, data.doc_type
    document.number_symbol, document.issued_on = rules.normalise_number(data.number_symbol), data.issued_on
    document.issuing_body, document.subject = data.issuing_body.strip(), data.subject.strip()
    document.commitments = commitments
    with evidence.checked(uploads or evidence.Uploads((), "", 1)) as staged:
        if staged:
            _attach(document, staged[0], uploads.upload_dir)
        db.session.flush()
    after = _facts(document)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit.record("document_updated", actor=actor, category=audit.DATA, obj=document,
                     agreement_id=document.agreement_id, before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    return {k: (before[k], after[k]) for k in changed}


def remove(document: ImplementingDocument, actor: User | None, today: date, *, reason: str, sides: set[int]) -> None:
    """Soft delete: the document leaves the register and reports dated ``today`` or later; its file stays
    (fsck and backups still know it) for the reports before."""
    if document.province_id not in sides:
        raise DocumentError({"province_id": NOT_A_SIDE})
    if not (reason or "").strip():
        raise DocumentError({"reason_text": "required"})
    if document.removed_on is not None:
        return
    document.removed_on = today
    db.session.flush()
    audit.record("document_removed", actor=actor, category=audit.DATA, obj=document,
                 agreement_id=document.agreement_id, number_symbol=document.number_symbol, reason=reason.strip(),
                 effective_on=today.isoformat())

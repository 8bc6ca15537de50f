"""Recording, submitting and reviewing progress updates; extending deadlines.

The rules (status, percent, dates) come from ``domain.status``; this module applies
them, keeps submitted updates unchanged, refuses stale saves, and writes an audit
event with before and after for every change. It never commits.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from tracker.domain.codes import Role
from tracker.domain.problems import Problems
from tracker.domain.updates import actual_problem, parse_actual, update_problems
from tracker.extensions import db
from tracker.models import Assignment, Commitment, DeadlineExtension, EvidenceFile, ProgressUpdate, UpdateStatus, User
from tracker.models.base import utcnow
from tracker.services import audit, confirmation, evidence, notify
from tracker.status import periods
from tracker.status import spans as status
from tracker.status.cache import invalidate

CONTENT_FIELDS = ("state", "percent", "as_of", "results", "obstacles", "proposals", "next_steps", "reason", "actual")


@dataclass(frozen=True)
class UpdateData:
    """What an official typed; text fields already stripped (empty → None)."""

    state: str
    percent: int | str | None
    as_of: date | None
    results: str | None = None
    obstacles: str | None = None
    proposals: str | None = None
    next_steps: str | None = None
    reason: str | None = None
    actual: str | float | None = None  # against the commitment's numeric target, when it has one


class ProgressError(Problems):
    """The update breaks a rule: ``problems`` maps field names to problem codes."""


class StaleDraft(ValueError):
    """The draft changed since the form was opened; ``current`` is what is saved now."""

    def __init__(self, current: ProgressUpdate):
        super().__init__("the draft changed since the form was opened")
        self.current = current


class NotEditable(ValueError):
    """The update was submitted (or reviewed) already: it never changes."""


def snapshot(update: ProgressUpdate) -> dict:
    values = {f: getattr(update, f) for f in CONTENT_FIELDS}
    values["as_of"] = values["as_of"].isoformat() if values["as_of"] else None
    values["status"] = update.status
    return values


def _check(data: UpdateData, commitment: Commitment, today: date) -> None:
    problems = update_problems(
        data.state, data.percent, data.as_of, data.reason, today, commitment.area.agreement.period_start
    )
    if (problem := actual_problem(data.actual)) is not None:
        problems["actual"] = problem
    if problems:
        raise ProgressError(problems)


def _apply(update: ProgressUpdate, data: UpdateData) -> None:
    for name, value in asdict(data).items():
        setattr(update, name, value)
    update.percent = int(float(str(data.percent).strip()))  # validated whole by the domain rules
    update.actual = parse_actual(data.actual)
    update.period_key = periods.reporting_period(update.commitment.area.agreement, data.as_of).key


def _submit(update: ProgressUpdate, author: User) -> None:
    update.status = UpdateStatus.SUBMITTED.value
    update.submitted_at = utcnow()
    # Accepted after the period's deadline (or its closing), but marked late.
    update.late = periods.is_late(update.commitment.area.agreement, update.as_of, update.submitted_at)
    # the agencies' "reported this period" and compliance count submissions
    invalidate(commitments=[update.commitment.id])
    audit.record("update_submitted", actor=author, category=audit.DATA, obj=update,
                 commitment_id=update.commitment_id, after=snapshot(update))
    notify.submitted(update)


def create(commitment: Commitment, assignment: Assignment, author: User, data: UpdateData, *, submit: bool,
           form_token: str, today: date, supersedes: ProgressUpdate | None = None) -> ProgressUpdate:
    """A new update (a draft, or submitted at once) for the assignment's agency and side."""
    _check(data, commitment, today)
    update = ProgressUpdate(
        commitment=commitment, party_id=assignment.party_id, agency_id=assignment.agency_id, role=assignment.role,
        author=author, form_token=form_token, supersedes=supersedes, status=UpdateStatus.DRAFT.value, version=1,
    )
    _apply(update, data)
    db.session.add(update)
    db.session.flush()
    audit.record("update_created", actor=author, category=audit.DATA, obj=update, commitment_id=commitment.id,
                 after=snapshot(update), supersedes=supersedes.id if supersedes else None)
    if submit:
        _submit(update, author)
    return update


def report(commitment: Commitment, assignment: Assignment, author: User, data: UpdateData, uploads: evidence.Uploads,
           *, submit: bool, form_token: str, today: date, supersedes: ProgressUpdate | None = None) -> ProgressUpdate:
    """``create`` with the evidence files chosen on the form. Every file is checked before
    anything is saved (``EvidenceProblem``); the files placed go if the transaction rolls back."""
    with evidence.checked(uploads) as staged:
        update = create(commitment, assignment, author, data, submit=submit, form_token=form_token, today=today,
                        supersedes=supersedes)
        _attach(update, staged, uploads.upload_dir, author)
    return update


def revise(update: ProgressUpdate, author: User, data: UpdateData, uploads: evidence.Uploads, *, submit: bool,
           version: int, today: date) -> ProgressUpdate:
    """``save`` with more evidence files, checked and kept as ``report`` does."""
    with evidence.checked(uploads) as staged:
        save(update, author, data, submit=submit, version=version, today=today)
        _attach(update, staged, uploads.upload_dir, author)
    return update


def _attach(update: ProgressUpdate, staged: list, upload_dir: str, uploader: User) -> None:
    """Place each staged file under a generated name and add its row; a placed file is removed
    again if the transaction does not commit (and at once if placing a later one fails)."""
    placed: list = []
    evidence.remove_unless_committed(db.session(), placed)
    for s in staged:
        stored = evidence.place(s, upload_dir)
        placed.append(evidence.path_for(stored, upload_dir))
        row = EvidenceFile(uploader_id=uploader.id)
        row.hold(s, stored)
        update.evidence.append(row)
    db.session.flush()


def save(update: ProgressUpdate, author: User, data: UpdateData, *, submit: bool, version: int,
         today: date) -> ProgressUpdate:
    """Change a draft; refused when it was submitted meanwhile or saved by someone else since."""
    if update.status != UpdateStatus.DRAFT:
        raise NotEditable(update.status)
    before = snapshot(update)
    unchanged = all(before[k] == v for k, v in _comparable(data).items())
    if version != update.version and not unchanged:
        raise StaleDraft(update)
    _check(data, update.commitment, today)
    if not unchanged:
        _apply(update, data)
        update.version += 1
        update.updated_at = utcnow()
        audit.record("update_saved", actor=author, category=audit.DATA, obj=update,
                     commitment_id=update.commitment_id, before=before, after=snapshot(update))
    if submit:
        _submit(update, author)
    return update


def _comparable(data: UpdateData) -> dict:
    values = asdict(data)
    values["as_of"] = data.as_of.isoformat() if data.as_of else None
    try:
        values["percent"] = int(float(str(data.percent).strip()))
        values["actual"] = parse_actual(data.actual)
    except ValueError:
        pass
    return values


def approve(update: ProgressUpdate, reviewer: User) -> None:
    if update.status != UpdateStatus.SUBMITTED:
        raise NotEditable(update.status)
    update.status = UpdateStatus.APPROVED.value
    update.reviewed_at = utcnow()
    update.reviewer = reviewer
    if update.role == Role.LEAD:
        status.refresh_side(update.commitment_id, update.party_id)
    audit.record("update_approved", actor=reviewer, category=audit.DATA, obj=update,
                 commitment_id=update.commitment_id, before={"status": "submitted"}, after={"status": "approved"})
    notify.approved(update)
    confirmation.ask(update, reviewer)  # a shared completion: the partner provinces confirm it


def return_(update: ProgressUpdate, reviewer: User, reason: str) -> None:
    """Send back to the agency with a reason; it revises in a new update that supersedes this one."""
    if update.status != UpdateStatus.SUBMITTED:
        raise NotEditable(update.status)
    if not (reason or "").strip():
        raise ProgressError({"reason": "reason_required"})
    update.status = UpdateStatus.RETURNED.value
    update.reviewed_at = utcnow()
    update.reviewer = reviewer
    update.review_reason = reason.strip()
    invalidate(commitments=[update.commitment.id])
    audit.record("update_returned", actor=reviewer, category=audit.DATA, obj=update,
                 commitment_id=update.commitment_id, before={"status": "submitted"},
                 after={"status": "returned"}, reason=update.review_reason)
    notify.returned(update)


def extend_deadline(commitment: Commitment, actor: User, new_due: date | None, reason: str, *, today: date,
                    effective_on: date | None = None) -> DeadlineExtension:
    """Gia hạn: a new due date with a required reason; the first due date is kept.

    The new date is in force from ``effective_on``: the day it is recorded (``today``),
    or an earlier day (an admin backdating it, with the reason); never a later day, and
    never before the commitment's previous extension took effect.
    """
    problems = {}
    effective_on = effective_on or today
    if new_due is None:
        problems["new_due_date"] = "due_required"
    elif commitment.due_date is not None and new_due <= commitment.due_date:
        problems["new_due_date"] = "due_not_later"
    if not (reason or "").strip():
        problems["reason"] = "reason_required"
    if effective_on > today:
        problems["effective_on"] = "effective_in_future"
    elif any(e.effective_on > effective_on for e in _extensions(commitment)):
        problems["effective_on"] = "effective_before_previous"
    if problems:
        raise ProgressError(problems)
    extension = DeadlineExtension(
        commitment=commitment, old_due_date=commitment.due_date, new_due_date=new_due,
        reason=reason.strip(), actor=actor, effective_on=effective_on,
    )
    if commitment.original_due_date is None:
        commitment.original_due_date = commitment.due_date
    before = commitment.due_date.isoformat() if commitment.due_date else None
    commitment.due_date = new_due
    db.session.add(extension)
    audit.record("deadline_extended", actor=actor, category=audit.DATA, obj=commitment, commitment_id=commitment.id,
                 before={"due_date": before}, after={"due_date": new_due.isoformat()}, reason=extension.reason,
                 effective_on=effective_on.isoformat())
    invalidate(commitments=[commitment.id])
    notify.extended(extension)
    return extension


def _extensions(commitment: Commitment) -> list[DeadlineExtension]:
    return list(db.session.scalars(select(DeadlineExtension).where(DeadlineExtension.commitment_id == commitment.id)))

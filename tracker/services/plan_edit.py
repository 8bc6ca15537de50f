"""Editing the plan and its registers by hand: provinces, agencies, agreements, fields,
commitments and assignments. Flush and audit, never commit.

Deadline and assignment changes are effective-dated (from today; a correction of a
mistyped due date from the start) and carry a reason. Nothing is hard-deleted: a removed
commitment leaves figures from its removal day and can be restored.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.domain.codes import ProposalStatus, SuccessionKind
from tracker.domain.deadlines import FROM_THE_START
from tracker.domain.problems import Problems
from tracker.extensions import db
from tracker.models.base import utcnow
from tracker.models import (Agency, AgencySuccession, Agreement, AgreementParty, Assignment, Commitment,
                            CooperationArea, DeadlineExtension, PlanProposal, Province, ProvinceSuccession, Role, User)
from tracker.services import audit, evidence
from tracker.services.periods import ensure_schedule
from tracker.status.cache import invalidate

CORRECTION = "correction"


class PlanEditError(Problems):
    """``problems``: form field → message code (worded by the view)."""


def reason_of(code: str | None, text: str | None, label: str | None = None) -> str:
    """The stored reason: the chosen reason's words and the free text; refused when both are empty."""
    text = (text or "").strip()
    if not code or (code == "other" and not text):
        raise PlanEditError({"reason": "reason_required"})
    return f"{label or code}: {text}" if text else (label or code)


def code_taken(model, code: str, own_id: int | None = None) -> bool:
    stmt = select(func.count(model.id)).where(func.lower(model.code) == code.lower())
    if own_id is not None:
        stmt = stmt.where(model.id != own_id)
    return bool(db.session.scalar(stmt))


def _validity(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise PlanEditError({"valid_to": "before_start"})


def create_province(data: dict, predecessor: Province | None, actor: User) -> Province:
    if code_taken(Province, data["code"]):
        raise PlanEditError({"code": "code_taken"})
    _validity(data.get("valid_from"), data.get("valid_to"))
    if predecessor is not None and not data.get("valid_from"):
        raise PlanEditError({"valid_from": "date_required"})
    province = Province(**data)
    db.session.add(province)
    db.session.flush()
    if predecessor is not None:
        db.session.add(ProvinceSuccession(predecessor=predecessor, successor=province,
                                          effective_date=data["valid_from"]))
        if predecessor.valid_to is None:
            predecessor.valid_to = data["valid_from"] - timedelta(days=1)
    audit.record("province_created", actor=actor, category=audit.DATA, obj=province, code=province.code,
                 predecessor=predecessor.code if predecessor else None)
    invalidate(commitments=[])  # no standing changes (sides keep their party's province); the lists do
    return province


def create_agency(data: dict, province: Province, predecessor: Agency | None, kind: str, actor: User) -> Agency:
    if code_taken(Agency, data["code"]):
        raise PlanEditError({"code": "code_taken"})
    _validity(data.get("valid_from"), data.get("valid_to"))
    if predecessor is not None and not data.get("valid_from"):
        raise PlanEditError({"valid_from": "date_required"})
    agency = Agency(province=province, is_party_body=data.get("kind") == "party", **data)
    db.session.add(agency)
    db.session.flush()
    if predecessor is not None:
        db.session.add(AgencySuccession(predecessor=predecessor, successor=agency, kind=kind,
                                        effective_date=data["valid_from"]))
        if predecessor.valid_to is None and kind != SuccessionKind.SPLIT:
            predecessor.valid_to = data["valid_from"] - timedelta(days=1)
    audit.record("agency_created", actor=actor, category=audit.DATA, obj=agency, code=agency.code,
                 predecessor=predecessor.code if predecessor else None)
    invalidate(commitments=[])  # no standing changes (leads are assignments, not agencies); the lists do
    return agency


def _put(row, model, data: dict, attach) -> tuple:
    """``row`` with ``data`` written on it, or (when there is none) a new ``model`` made of ``data``
    and handed to ``attach``; and whether it was created."""
    if row is not None:
        for key, value in data.items():
            setattr(row, key, value)
        return row, False
    row = model(**data)
    attach(row)
    return row, True


def save_agreement(agreement: Agreement | None, data: dict, parties: list[tuple[Province, str | None, str | None]],
                   actor: User, uploads: evidence.Uploads | None = None) -> Agreement:
    """Create or edit an agreement and its parties (two or more provinces, each once).

    ``uploads``: the signed memorandum's file, if one was chosen; checked like evidence
    (``EvidenceProblem``) before anything is kept, and a file it replaces is deleted once
    the transaction commits (kept if it rolls back)."""
    ids = [p.id for p, _, _ in parties]
    if len(set(ids)) < 2 or len(set(ids)) != len(ids):
        raise PlanEditError({"parties": "two_parties"})
    if code_taken(Agreement, data["code"], agreement.id if agreement else None):
        raise PlanEditError({"code": "code_taken"})
    if data.get("period_end") and data["period_end"] < data["period_start"]:
        raise PlanEditError({"period_end": "before_start"})
    created = agreement is None
    before = {} if created else {k: _plain(getattr(agreement, k)) for k in data}
    agreement, created = _put(agreement, Agreement, data, db.session.add)
    with evidence.checked(uploads or evidence.Uploads((), "", 1)) as staged:
        if staged:
            _attach_source(agreement, staged[0], uploads.upload_dir)
    current = {p.province_id: p for p in agreement.parties}
    for position, (province, name, title) in enumerate(parties, start=1):
        party = current.get(province.id)
        if party is None:
            party = AgreementParty(province=province)
            agreement.parties.append(party)
        party.position, party.signatory_name, party.signatory_title = position, name, title
    for province_id, party in current.items():
        if province_id not in ids:
            if db.session.scalar(select(func.count(Assignment.id)).where(Assignment.party_id == party.id)):
                raise PlanEditError({"parties": "party_has_assignments"})
            agreement.parties.remove(party)
    db.session.flush()
    if created:
        ensure_schedule(agreement)
    changed = {k: v for k, v in before.items() if v != _plain(getattr(agreement, k))}
    audit.record("agreement_created" if created else "agreement_updated", actor=actor, category=audit.DATA,
                 obj=agreement, code=agreement.code, file=agreement.source_file_name if uploads and uploads.files else None,
                 before=changed or None, after={k: _plain(getattr(agreement, k)) for k in changed} or None)
    _invalidate_agreement(agreement, created, changed)
    return agreement


def commitment_ids(agreement: Agreement) -> list[int]:
    """Every commitment of the agreement (removed ones too): what a change to it as a whole names."""
    return list(db.session.scalars(select(Commitment.id).join(CooperationArea).where(
        CooperationArea.agreement_id == agreement.id)))


def _invalidate_agreement(agreement: Agreement, created: bool, changed: dict) -> None:
    """What an agreement's save makes stale: its dates (or its creation) its reporting periods
    and reports owed, and the half-year cut-offs when the earliest start moves (then every
    standing is rebuilt: ``standings``), its risk margin its own commitments' early warning;
    its names, numbers and parties' signatories no standing (the lists and pages only)."""
    if "risk_margin" in changed:
        invalidate(commitments=commitment_ids(agreement))
    if created or changed.keys() & {"period_start", "period_end", "open_ended"}:
        invalidate(periods=True)
    elif "risk_margin" not in changed:
        invalidate(commitments=[])


def _attach_source(agreement: Agreement, staged: evidence.Staged, upload_dir: str) -> None:
    """Place the memorandum's file and name it on the agreement; the file it replaces goes at commit."""
    stored = evidence.place_for_row(db.session(), staged, upload_dir, replaces=agreement.source_stored_name)
    agreement.source_file_name, agreement.source_stored_name = staged.original_name, stored
    agreement.source_kind, agreement.source_content_type = staged.kind, staged.content_type
    agreement.source_size, agreement.source_sha256 = staged.size, staged.sha256


def save_area(agreement: Agreement, area: CooperationArea | None, data: dict, actor: User) -> CooperationArea:
    if any(a.number == data["number"] and a is not area for a in agreement.areas):
        raise PlanEditError({"number": "number_taken"})
    area, created = _put(area, CooperationArea, data, agreement.areas.append)
    db.session.flush()
    audit.record("area_created" if created else "area_updated", actor=actor, category=audit.DATA, obj=area,
                 number=area.number)
    invalidate(commitments=[c.id for c in area.commitments])  # the restricted flag, the names counted
    return area


def _check_dates(data: dict) -> None:
    if data.get("recurring") and data.get("due_date"):
        raise PlanEditError({"due_date": "recurring_has_no_due"})
    if data.get("start_date") and data.get("due_date") and data["due_date"] < data["start_date"]:
        raise PlanEditError({"due_date": "due_before_start"})


def _agreement_codes(agreement_id: int, own_id: int | None = None) -> set[str]:
    stmt = select(Commitment.code).join(Commitment.area).where(CooperationArea.agreement_id == agreement_id,
                                                               Commitment.removed_on.is_(None))
    if own_id is not None:
        stmt = stmt.where(Commitment.id != own_id)
    return set(db.session.scalars(stmt))


def create_commitment(area: CooperationArea, data: dict, actor: User) -> Commitment:
    _check_dates(data)
    if data["code"] in _agreement_codes(area.agreement_id):
        raise PlanEditError({"code": "code_taken"})
    commitment = Commitment(**data)
    area.commitments.append(commitment)
    db.session.flush()
    audit.record("plan_commitment_created", actor=actor, category=audit.DATA, obj=commitment,
                 commitment_id=commitment.id, code=commitment.code)
    invalidate(commitments=[commitment.id])
    return commitment


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def edit_commitment(commitment: Commitment, data: dict, reason_code: str | None, reason: str | None, actor: User,
                    today: date) -> dict:
    """Change the commitment's texts and dates; a new due date needs a reason and takes effect
    today (a correction: from the start). Returns the changed fields."""
    _check_dates(data)
    if data["code"] in _agreement_codes(commitment.area.agreement_id, commitment.id):
        raise PlanEditError({"code": "code_taken"})
    changes = {k: (getattr(commitment, k), v) for k, v in data.items() if getattr(commitment, k) != v}
    deadline = {k: changes.pop(k) for k in ("due_date", "recurring") if k in changes}
    if deadline:
        if not reason:
            raise PlanEditError({"reason": "reason_required"})
        if commitment.due_date is not None and data["due_date"] is not None and not data["recurring"]:
            db.session.add(DeadlineExtension(
                commitment=commitment, old_due_date=commitment.due_date, new_due_date=data["due_date"], reason=reason,
                actor=actor, effective_on=FROM_THE_START if reason_code == CORRECTION else today))
            if commitment.original_due_date is None:
                commitment.original_due_date = commitment.due_date
        commitment.due_date, commitment.recurring = data["due_date"], data["recurring"]
    for key, (_, new) in changes.items():
        setattr(commitment, key, new)
    changes.update(deadline)
    if changes:
        db.session.flush()
        audit.record("plan_commitment_updated", actor=actor, category=audit.DATA, obj=commitment,
                     commitment_id=commitment.id, reason=reason, effective_on=today.isoformat(),
                     before={k: _plain(v[0]) for k, v in changes.items()},
                     after={k: _plain(v[1]) for k, v in changes.items()})
        invalidate(commitments=[commitment.id])
    return changes


def close_assignment(assignment: Assignment, today: date) -> None:
    """End an assignment the day before ``today``. Nothing is deleted: one that started today
    (or later) ends on its first day, the shortest span there is."""
    assignment.valid_to = max(today - timedelta(days=1), assignment.valid_from)


def assign(commitment: Commitment, party: AgreementParty, role: str, agency: Agency, reason: str, actor: User,
           today: date) -> Assignment:
    """From today ``agency`` leads (replacing the current lead) or co-operates for the party's side."""
    current = [a for a in commitment.assignments if a.valid_to is None and a.party_id == party.id]
    if any(a.agency_id == agency.id and a.role == role for a in current):
        raise PlanEditError({"agency": "already_assigned"})
    previous = None
    for a in current:
        if (a.role == Role.LEAD.value and role == Role.LEAD.value) or a.agency_id == agency.id:
            previous = a
            close_assignment(a, today)
    db.session.flush()
    assignment = Assignment(party=party, agency=agency, role=role, agency_name=agency.name, valid_from=today,
                            predecessor=previous, note=reason)
    commitment.assignments.append(assignment)
    db.session.flush()
    audit.record("assignment_changed", actor=actor, category=audit.DATA, obj=assignment, commitment_id=commitment.id,
                 reason=reason, effective_on=today.isoformat(), role=role, agency=agency.code,
                 before=previous.agency.code if previous else None)
    invalidate(commitments=[commitment.id])
    return assignment


def end_assignment(assignment: Assignment, reason: str, actor: User, today: date) -> None:
    commitment_id, code = assignment.commitment_id, assignment.agency.code
    close_assignment(assignment, today)
    db.session.flush()
    audit.record("assignment_ended", actor=actor, category=audit.DATA, obj=assignment, commitment_id=commitment_id,
                 reason=reason, effective_on=today.isoformat(), agency=code)
    invalidate(commitments=[commitment_id])


def remove_commitment(commitment: Commitment, actor: User | None, today: date, *, reason: str) -> None:
    """Soft delete: the commitment leaves figures, lists and inboxes from ``today``; earlier days keep it."""
    remove_commitments([commitment], actor, today, reason=reason)


def remove_commitments(commitments: list[Commitment], actor: User | None, today: date, *, reason: str) -> None:
    """``remove_commitment`` of each, the figures marked stale once (not once a commitment)."""
    for commitment in commitments:
        commitment.removed_on = today
        for assignment in list(commitment.assignments):
            if assignment.valid_to is None:
                close_assignment(assignment, today)
        audit.record("plan_commitment_removed", actor=actor, category=audit.DATA, obj=commitment,
                     commitment_id=commitment.id, reason=reason, effective_on=today.isoformat())
    if commitments:
        invalidate(commitments=[c.id for c in commitments])


def restore_commitment(commitment: Commitment, actor: User, today: date, *, reason: str) -> None:
    """Back in the plan from today: the assignments the removal closed open again from today."""
    removed_on = commitment.removed_on
    if removed_on is None:
        return
    if commitment.carried_over_to is not None:  # it goes on in the next phase: back here it would count twice
        raise PlanEditError({"restore": "carried_over"})
    ended = [a for a in commitment.assignments if a.valid_to is not None and a.valid_to >= removed_on - timedelta(days=1)]
    last = max((a.valid_to for a in ended), default=None)
    closed = {(a.party_id, a.role, a.agency_id): a for a in ended if a.valid_to == last}  # what the removal ended
    commitment.removed_on = None
    for a in closed.values():
        commitment.assignments.append(Assignment(party=a.party, agency=a.agency, role=a.role, agency_name=a.agency.name,
                                                 valid_from=today, predecessor=a, note=reason))
    db.session.flush()
    audit.record("plan_commitment_restored", actor=actor, category=audit.DATA, obj=commitment,
                 commitment_id=commitment.id, reason=reason, effective_on=today.isoformat())
    invalidate(commitments=[commitment.id])


def demo_commitments(agreement: Agreement) -> list[Commitment]:
    """The agreement's demonstration commitments still in the plan, field by field, with their
    assignments (one statement each, not one a field and one a commitment)."""
    return list(db.session.scalars(
        select(Commitment).join(Commitment.area)
        .where(CooperationArea.agreement_id == agreement.id, Commitment.is_demo.is_(True),
               Commitment.removed_on.is_(None))
        .order_by(CooperationArea.number, Commitment.sort_key)
        .options(selectinload(Commitment.assignments))))


def retire_demo(agreement: Agreement, actor: User | None, today: date, reason: str) -> int:
    """Remove (soft) every demonstration commitment of the agreement in one step, from today."""
    retired = demo_commitments(agreement)
    remove_commitments(retired, actor, today, reason=reason)
    return len(retired)


COMMITMENT_FIELDS = ("code", "title", "description", "deliverable", "start_date", "due_date", "recurring", "source_text")
_DATES = ("start_date", "due_date")


def propose(commitment: Commitment, data: dict, reason_code: str | None, reason: str | None,
            actor: User) -> PlanProposal | None:
    """Record a proposed change of the shared fields (nothing changes until another side confirms)."""
    _check_dates(data)
    changes = {k: _plain(v) for k, v in data.items() if getattr(commitment, k) != v}
    if not changes:
        return None
    if ("due_date" in changes or "recurring" in changes) and not reason:
        raise PlanEditError({"reason": "reason_required"})
    proposal = PlanProposal(commitment=commitment, proposer=actor, changes=changes, reason_code=reason_code,
                            reason=reason)
    db.session.add(proposal)
    db.session.flush()
    audit.record("plan_change_proposed", actor=actor, category=audit.DATA, obj=proposal, commitment_id=commitment.id,
                 after=changes, reason=reason)
    return proposal


def decide(proposal: PlanProposal, actor: User, today: date, *, confirm: bool) -> None:
    """Confirm (the change applies from today, as an admin's edit would) or reject a proposal."""
    commitment = proposal.commitment
    if confirm:
        data = {k: getattr(commitment, k) for k in COMMITMENT_FIELDS}
        for key, value in proposal.changes.items():
            data[key] = date.fromisoformat(value) if key in _DATES and value else value
        edit_commitment(commitment, data, proposal.reason_code, proposal.reason, actor, today)
    proposal.status = (ProposalStatus.CONFIRMED if confirm else ProposalStatus.REJECTED).value
    proposal.decided_by, proposal.decided_at = actor, utcnow()
    db.session.flush()
    audit.record("plan_change_confirmed" if confirm else "plan_change_rejected", actor=actor, category=audit.DATA,
                 obj=proposal, commitment_id=commitment.id)

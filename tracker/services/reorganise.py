"""Recording a reorganisation: agencies (or provinces) merged into, or renamed as, another
from a date. ``plan`` lists what moves (open assignments, users, open updates in review
queues) without writing; ``apply`` writes it in the caller's transaction. Closed
assignments and approved reports are never touched, so reports for earlier dates print
what they printed before.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from tracker.domain.codes import Role, SuccessionKind
from tracker.domain.reorganisation import Move, move_for
from tracker.extensions import db
from tracker.models import (
    Agency,
    AgencySuccession,
    Assignment,
    Commitment,
    ProgressUpdate,
    Province,
    ProvinceSuccession,
    UpdateStatus,
    User,
)
from tracker.services import audit
from tracker.status.cache import invalidate

OPEN_UPDATES = (UpdateStatus.DRAFT.value, UpdateStatus.SUBMITTED.value, UpdateStatus.RETURNED.value)


class ReorganisationError(ValueError):
    """Bad input: unknown or mixed codes, a unit merged into itself, a date after today."""


@dataclass
class Reorganisation:
    kind: str  # "agency" or "province"
    sources: list
    target: object
    on: date
    assignments: list[tuple[Assignment, Move]] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    updates: list[ProgressUpdate] = field(default_factory=list)


def _find(codes: list[str]):
    agencies = list(db.session.scalars(select(Agency).where(Agency.code.in_(codes))))
    provinces = list(db.session.scalars(select(Province).where(Province.code.in_(codes))))
    if agencies and provinces:
        raise ReorganisationError("mix of agency and province codes: " + ", ".join(codes))
    found = agencies or provinces
    missing = sorted(set(codes) - {u.code for u in found})
    if missing:
        raise ReorganisationError("unknown code " + ", ".join(missing))
    return ("agency" if agencies else "province"), sorted(found, key=lambda u: codes.index(u.code))


def plan(from_codes: list[str], to_code: str, on: date, today: date) -> Reorganisation:
    codes = [c.strip() for c in from_codes if c.strip()]
    if not codes or to_code in codes:
        raise ReorganisationError("--from must name other units than --to")
    if on > today:
        raise ReorganisationError(f"--on {on.isoformat()} is after today; record a reorganisation once it takes effect")
    kind, sources = _find(codes)
    target_kind, (target,) = _find([to_code])
    if kind != target_kind:
        raise ReorganisationError("--from and --to must both be agencies or both provinces")
    if target.valid_to is not None and target.valid_to < on:
        raise ReorganisationError(f"{target.code} is no longer valid on {on.isoformat()}")
    for source in sources:
        if source.valid_from is not None and source.valid_from >= on:
            raise ReorganisationError(f"{source.code} starts on {source.valid_from.isoformat()}, not before --on")
    result = Reorganisation(kind, sources, target, on)
    ids = [s.id for s in sources]
    if kind == "agency":
        _plan_assignments(result, ids)
        result.users = list(db.session.scalars(select(User).where(User.agency_id.in_(ids)).order_by(User.email)))
        result.updates = list(db.session.scalars(
            select(ProgressUpdate).where(ProgressUpdate.agency_id.in_(ids), ProgressUpdate.status.in_(OPEN_UPDATES))
            .order_by(ProgressUpdate.id)))
    else:
        result.users = list(db.session.scalars(select(User).where(User.province_id.in_(ids)).order_by(User.email)))
    return result


def _plan_assignments(result: Reorganisation, ids: list[int]) -> None:
    moving = db.session.scalars(
        select(Assignment).join(Commitment)
        .where(Assignment.agency_id.in_(ids), Assignment.valid_to.is_(None), Commitment.removed_on.is_(None))
        .order_by(Assignment.commitment_id, Assignment.party_id, Assignment.id))
    held: dict[tuple[int, int], str] = {}
    for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == result.target.id,
                                                         Assignment.valid_to.is_(None))):
        held[(a.commitment_id, a.party_id)] = a.role
    for assignment in moving:
        side = (assignment.commitment_id, assignment.party_id)
        move = move_for(assignment.role, held.get(side))
        result.assignments.append((assignment, move))
        if move != Move.CLOSE:
            held[side] = "lead" if move == Move.UPGRADE else assignment.role


def _close(assignment: Assignment, on: date) -> None:
    assignment.valid_to = max(on - timedelta(days=1), assignment.valid_from)


def _hand_over(assignment: Assignment, move: Move, target: Agency, on: date) -> None:
    _close(assignment, on)
    if move == Move.UPGRADE:
        for other in assignment.commitment.assignments:
            if (other.agency_id == target.id and other.party_id == assignment.party_id and other.valid_to is None
                    and other.role == Role.SUPPORT):
                _close(other, on)
    db.session.flush()  # the one-current-lead index sees the old lead closed first
    if move != Move.CLOSE:
        db.session.add(Assignment(
            commitment_id=assignment.commitment_id, party_id=assignment.party_id, agency=target,
            role="lead" if move == Move.UPGRADE else assignment.role, agency_name=target.name, valid_from=on,
            predecessor=assignment, note="reorganisation"))


def open_assignments(agency: Agency) -> list[Assignment]:
    """The agency's assignments still open, on commitments still in the plan."""
    return list(db.session.scalars(
        select(Assignment).join(Commitment)
        .where(Assignment.agency_id == agency.id, Assignment.valid_to.is_(None), Commitment.removed_on.is_(None))
        .order_by(Assignment.commitment_id, Assignment.id)))


def split(source: Agency, chosen: dict[int, Agency], on: date, today: date, actor: User | None) -> int:
    """A split (chia tách): each open assignment of ``source`` goes to the successor chosen for
    it (``chosen``: assignment id → agency) from ``on``; the others stay. Returns how many moved."""
    if on > today:
        raise ReorganisationError(f"--on {on.isoformat()} is after today")
    moved, touched = 0, set()
    for assignment in open_assignments(source):
        target = chosen.get(assignment.id)
        if target is None or target.id == source.id:
            continue
        held = {a.role for a in assignment.commitment.assignments
                if a.agency_id == target.id and a.party_id == assignment.party_id and a.valid_to is None}
        _hand_over(assignment, move_for(assignment.role, "lead" if "lead" in held else next(iter(held), None)),
                   target, on)
        moved += 1
        touched.add(assignment.commitment_id)
    for target in {t.id: t for t in chosen.values() if t.id != source.id}.values():
        if db.session.scalar(select(AgencySuccession.id).where(AgencySuccession.predecessor_id == source.id,
                                                               AgencySuccession.successor_id == target.id)) is None:
            db.session.add(AgencySuccession(predecessor=source, successor=target, effective_date=on,
                                            kind=SuccessionKind.SPLIT.value))
    db.session.flush()
    audit.record("agency_split", actor=actor, category=audit.DATA, obj=source, effective_on=on.isoformat(),
                 moved=moved, successors=sorted({t.code for t in chosen.values()}))
    invalidate(commitments=touched)  # the commitments whose leads moved; an agency's own dates count nowhere
    return moved


def apply(result: Reorganisation, actor: User | None) -> None:
    """Write the reorganisation; the caller commits once."""
    target, on = result.target, result.on
    for assignment, move in result.assignments:
        _hand_over(assignment, move, target, on)
    for user in result.users:
        if result.kind == "agency":
            user.agency = target
        else:
            user.province = target
    for update in result.updates:
        update.agency = target
    succession = AgencySuccession if result.kind == "agency" else ProvinceSuccession
    for source in result.sources:
        exists = db.session.scalar(select(succession.id).where(succession.predecessor_id == source.id,
                                                               succession.successor_id == target.id))
        if exists is None:
            kind = SuccessionKind.RENAME if len(result.sources) == 1 else SuccessionKind.MERGE
            extra = {"kind": kind.value} if result.kind == "agency" else {}
            db.session.add(succession(predecessor=source, successor=target, effective_date=on, **extra))
        if source.valid_to is None or source.valid_to >= on:
            source.valid_to = on - timedelta(days=1)
    db.session.flush()
    audit.record("reorganisation_recorded", actor=actor, category=audit.DATA, obj=target,
                 sources=[s.code for s in result.sources], target=target.code, effective_on=on.isoformat(),
                 assignments=len(result.assignments), users=len(result.users), updates=len(result.updates))
    # The commitments whose assignments or reports in review moved; users and the units' own
    # dates count in no standing.
    invalidate(commitments={a.commitment_id for a, _move in result.assignments}
               | {u.commitment_id for u in result.updates})


__all__ = ["Reorganisation", "ReorganisationError", "apply", "open_assignments", "plan", "split"]

"""Renewing an agreement into its next phase (giai đoạn tiếp theo). Flush and audit, never commit.

``preview`` says what a renewal would create without writing; ``apply`` writes it in the
caller's transaction: the new agreement (linked to its predecessor) with today's parties,
the same fields and schedule, and for each chosen open commitment a new one linked to its
original, with the original's current assignments handed to today's agencies. The
original is removed from the plan on the renewal day through the soft-delete every report
already honours (``Commitment.removed_on``): it counts up to the day before and not from
that day, and every report and dashboard of an earlier day reads as it did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tracker.domain import renewal as rules
from tracker.domain.codes import Role
from tracker.domain.problems import Problems
from tracker.domain.succession import AmbiguousSuccession, Step
from tracker.extensions import db
from tracker.models import (Agency, Agreement, Commitment, CommitmentTarget, CooperationArea, Province,
                            ReportingSchedule, User)
from tracker.services import audit
from tracker.services import plan_edit
from tracker.status import sql as status_sql
from tracker.status.cache import invalidate

REASON = "Chuyển sang giai đoạn tiếp theo"  # stored words, as plan_edit.reason_of stores them


class RenewalError(Problems):
    """``problems``: form field → problem code (worded by the view)."""


@dataclass
class Carry:
    """One commitment of the old phase on the renewal day: goes on (``open``) or stays behind."""

    commitment: Commitment
    category: str
    start: date
    due: date | None

    @property
    def open(self) -> bool:
        return rules.carried_by_default(self.category)


@dataclass
class Renewal:
    old: Agreement
    on: date
    data: dict  # the new agreement's fields (code, title, short_title, period_start, period_end …)
    provinces: list[Province]
    lines: list[Carry] = field(default_factory=list)

    @property
    def open(self) -> list[Carry]:
        return [line for line in self.lines if line.open]

    @property
    def finished(self) -> list[Carry]:
        return [line for line in self.lines if not line.open]


def _steps(unit, since: date, on: date, start_id: int) -> int:
    """The unit (Province or Agency) holding on ``on`` what ``start_id`` held on ``since``."""
    def steps_of(key: str) -> list[Step]:
        found = db.session.get(unit, int(key))
        return [Step(str(s.successor_id), s.effective_date) for s in found.successions]
    return int(rules.successor_on(str(start_id), since, on, steps_of))


def successor_provinces(old: Agreement, on: date) -> list[Province]:
    """The old parties as they are on ``on`` (today's provinces after the mergers), in order."""
    found: list[Province] = []
    for party in old.parties:
        try:
            province = db.session.get(Province, _steps(Province, old.period_start, on, party.province_id))
        except AmbiguousSuccession as exc:
            raise RenewalError({"parties": "party_split"}) from exc
        if province not in found:
            found.append(province)
    return found


def defaults(old: Agreement, today: date) -> dict:
    """The renewal form's starting values."""
    on = rules.default_renewal_day(old.period_end, today)
    provinces = successor_provinces(old, on)
    phase = rules.default_phase(old.kind, [p.code for p in provinces], [p.name for p in provinces], on)
    return {"renewed_on": on, "code": phase.code, "title": phase.title, "short_title": phase.short_title,
            "period_start": phase.period_start, "period_end": phase.period_end}


def _categories(old: Agreement, on: date) -> dict[int, str]:
    ids = select(Commitment.id).join(CooperationArea).where(CooperationArea.agreement_id == old.id)
    rows = db.session.execute(status_sql.commitments(on, within=ids)).all()
    return {row.commitment_id: row.category for row in rows}


def preview(old: Agreement, data: dict, today: date) -> Renewal:
    """What renewing ``old`` with the form's ``data`` (``renewed_on``, ``code``, ``title``,
    ``short_title``, ``period_start``, ``period_end``) would create; raises ``RenewalError``."""
    on = data["renewed_on"]
    provinces = successor_provinces(old, on) if on > old.period_start else list(p.province for p in old.parties)
    problems = rules.problems(old_start=old.period_start, renewed=old.successor is not None, on=on, today=today,
                              start=data["period_start"], end=data.get("period_end"),
                              parties=[p.code for p in provinces])
    if plan_edit.code_taken(Agreement, data["code"]):
        problems.setdefault("code", "code_taken")
    if problems:
        raise RenewalError(problems)
    result = Renewal(old, on, data, provinces)
    categories = _categories(old, on)
    for area in old.areas:
        for c in area.commitments:
            if c.id in categories:
                start, due = rules.carried_dates(c.start_date, None if c.recurring else c.due_date, on)
                result.lines.append(Carry(c, categories[c.id], start, due))
    return result


def _agency_on(agency: Agency, since: date, on: date) -> Agency:
    """Today's agency for work given to ``agency``; a split one stays (a person re-assigns it)."""
    try:
        return db.session.get(Agency, _steps(Agency, since, on, agency.id))
    except AmbiguousSuccession:
        return agency


def _new_agreement(renewal: Renewal, actor: User | None) -> Agreement:
    old, data = renewal.old, renewal.data
    fields = {k: data.get(k) for k in ("code", "title", "short_title", "period_start", "period_end")}
    # Not the summary: it tells of the old signing (its provinces, its year).
    fields.update(kind=old.kind, risk_margin=old.risk_margin, open_ended=False)
    new = plan_edit.save_agreement(None, fields, [(p, None, None) for p in renewal.provinces], actor)
    new.predecessor, new.renewed_on = old, renewal.on
    for party in new.parties:
        before = next((p for p in old.parties if p.focal_agency is not None
                       and _steps(Province, old.period_start, renewal.on, p.province_id) == party.province_id), None)
        if before is not None:
            party.focal_agency = _agency_on(before.focal_agency, old.period_start, renewal.on)
    for area in old.areas:
        plan_edit.save_area(new, None, {k: getattr(area, k) for k in (
            "number", "name", "name_en", "description", "provisional", "restricted")}, actor)
    return new


def _carry(line: Carry, new: Agreement, on: date, actor: User | None) -> Commitment:
    original = line.commitment
    area = next(a for a in new.areas if a.number == original.area.number)
    data = {k: getattr(original, k) for k in ("code", "title", "description", "deliverable", "recurring",
                                              "source_text", "is_demo")}
    data.update(start_date=line.start, due_date=line.due, carried_from_id=original.id)
    created = plan_edit.create_commitment(area, data, actor)
    db.session.refresh(created, ["carried_from"])
    db.session.expire(original, ["carried_over_to"])
    party_of = {p.province_id: p for p in new.parties}
    current = sorted(original.current_assignments, key=lambda a: (a.role != Role.LEAD, a.id))
    for old_assignment in current:
        province_id = _steps(Province, new.predecessor.period_start, on, old_assignment.party.province_id)
        agency = _agency_on(old_assignment.agency, old_assignment.valid_from, on)
        if province_id in party_of and not any(a.agency_id == agency.id and a.party_id == party_of[province_id].id
                                               for a in created.current_assignments):
            plan_edit.assign(created, party_of[province_id], old_assignment.role, agency, REASON, actor, on)
    _carry_targets(original, created, party_of, on)
    plan_edit.remove_commitment(original, actor, on, reason=REASON)
    audit.record("commitment_carried_over", actor=actor, category=audit.DATA, obj=created, commitment_id=original.id,
                 carried_to=created.id, agreement=new.code, effective_on=on.isoformat())
    return created


def _carry_targets(original: Commitment, created: Commitment, party_of: dict, on: date) -> None:
    """The targets in force on the renewal day for its year and later go on, each side's to its
    successor side, in force from the renewal day; earlier years stay with the old phase."""
    rows = db.session.scalars(select(CommitmentTarget).where(
        CommitmentTarget.commitment_id == original.id, CommitmentTarget.year >= on.year,
        CommitmentTarget.effective_on <= on).order_by(CommitmentTarget.effective_on, CommitmentTarget.id))
    in_force = {(row.party_id, row.year): row for row in rows}
    for row in in_force.values():
        party = None if row.party is None else party_of.get(
            _steps(Province, original.area.agreement.period_start, on, row.party.province_id))
        if row.party is None or party is not None:
            db.session.add(CommitmentTarget(commitment=created, party=party, year=row.year, unit=row.unit,
                                            baseline=row.baseline, value=row.value, effective_on=on,
                                            reason=REASON, actor_id=row.actor_id))


def _carry_schedule(old: Agreement, new: Agreement) -> None:
    """The new phase reports on the old one's schedule (its frequencies, deadline rule, reminders)."""
    before = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == old.id))
    after = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == new.id))
    if before is None or after is None:
        return
    for name in ("frequencies", "deadline_kind", "deadline_value", "auto_close_days", "remind_days"):
        setattr(after, name, list(getattr(before, name)) if isinstance(getattr(before, name), list)
                else getattr(before, name))


def apply(renewal: Renewal, chosen: set[int], actor: User | None) -> Agreement:
    """Write the renewal; ``chosen``: ids of the open commitments to carry over (finished ones never go)."""
    new = _new_agreement(renewal, actor)
    _carry_schedule(renewal.old, new)
    carried = [line for line in renewal.open if line.commitment.id in chosen]
    for line in carried:
        _carry(line, new, renewal.on, actor)
    db.session.flush()
    audit.record("agreement_renewed", actor=actor, category=audit.DATA, obj=new, predecessor=renewal.old.code,
                 code=new.code, effective_on=renewal.on.isoformat(), carried=len(carried),
                 left_behind=len(renewal.lines) - len(carried))
    invalidate()
    return new


__all__ = ["Carry", "Renewal", "RenewalError", "apply", "defaults", "preview", "successor_provinces"]

"""Writing a checked plan file: create the new commitments, update the changed ones,
optionally remove (soft delete) those missing from the file. One transaction: the caller
commits once, or rolls back; nothing is written unless every row passed the check.

Changes are effective-dated on the import day: a changed lead or co-operating agency closes
the old assignment the day before and opens the new one; a moved deadline is an extension
in force from that day (past reports keep the old one). Every change is audited per
commitment and marks the cached figures stale.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.domain.plan_sheet import Assigned, CheckResult, Context, Planned, RowKind
from tracker.domain.succession import holders
from tracker.extensions import db
from tracker.domain.deadlines import FROM_THE_START
from tracker.models import (
    Agency,
    Agreement,
    AgreementParty,
    Assignment,
    Commitment,
    CommitmentTarget,
    DeadlineExtension,
    Role,
    User,
)
from tracker.services import audit
from tracker.services.plan_edit import close_assignment, commitment_ids, remove_commitments
from tracker.status import spans as status_spans
from tracker.status.cache import invalidate

IMPORT_REASON = "Nhập kế hoạch từ tệp"


class PlanImportError(ValueError):
    """The check found errors: nothing may be written."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(_json(v) for v in value)
    return value


def _assign(commitment: Commitment, party: AgreementParty, found: Assigned, role: Role, ctx: Context,
            agencies: dict[str, Agency]) -> None:
    """Assign from ``found.since``, following the agency's successions up to today (as the seed does)."""
    previous = None
    for span in holders(found.code, found.since, ctx.steps_of, until=ctx.today):
        agency = agencies[span.agency]
        previous = Assignment(party=party, agency=agency, role=role.value, agency_name=agency.name,
                              valid_from=span.valid_from, valid_to=span.valid_to, predecessor=previous,
                              note=IMPORT_REASON)
        commitment.assignments.append(previous)


def _reassign(commitment: Commitment, party: AgreementParty, role: Role, wanted: list[Assigned], today: date,
              agencies: dict[str, Agency]) -> None:
    """Close the party's current assignments of ``role`` that the file no longer names; open the new ones today."""
    current = [a for a in commitment.assignments
               if a.valid_to is None and a.party_id == party.id and a.role == role.value]
    keep = {a.today_code for a in wanted}
    held = {}
    for a in current:
        if a.agency.code in keep:
            held[a.agency.code] = a
        else:
            close_assignment(a, today)
    db.session.flush()  # the closed lead frees the one-current-lead index before the new one
    for found in wanted:
        if found.today_code in held:
            continue
        agency = agencies[found.today_code]
        predecessor = next((a for a in current if a.role == Role.LEAD.value), None) if role == Role.LEAD else None
        commitment.assignments.append(Assignment(
            party=party, agency=agency, role=role.value, agency_name=agency.name, valid_from=today,
            predecessor=predecessor if predecessor in commitment.assignments else None, note=IMPORT_REASON,
        ))


def _set_due(commitment: Commitment, planned: Planned, actor: User, today: date) -> None:
    if planned.recurring or commitment.recurring or commitment.due_date is None or planned.due is None:
        commitment.recurring, commitment.due_date = planned.recurring, planned.due  # applies from the start
        return
    db.session.add(DeadlineExtension(commitment=commitment, old_due_date=commitment.due_date,
                                     new_due_date=planned.due, reason=IMPORT_REASON, actor=actor,
                                     effective_on=today))
    if commitment.original_due_date is None:
        commitment.original_due_date = commitment.due_date
    commitment.due_date = planned.due


def _write_shared(commitment: Commitment, planned: Planned, changes: dict, areas: dict, actor: User,
                  today: date) -> None:
    if "field" in changes:
        commitment.area = areas[planned.field]
    commitment.title, commitment.description = planned.title, planned.description
    commitment.deliverable, commitment.source_text = planned.deliverable, planned.source
    commitment.start_date = planned.start
    if "due" in changes or "recurring" in changes:
        _set_due(commitment, planned, actor, today)


def _write_targets(commitment: Commitment, planned: Planned, changes: dict | None, actor: User | None,
                   today: date) -> None:
    """Shared targets from the file: a new commitment's from the start, a changed one's from today."""
    if changes is None:
        years, effective = planned.targets, FROM_THE_START
    else:
        years = {int(k.split()[1]): after for k, (_, after) in changes.items() if k.startswith("target ")}
        effective = today
    for year, value in sorted(years.items()):
        if value is not None:
            db.session.add(CommitmentTarget(commitment=commitment, party=None, year=year, value=value,
                                            unit=planned.target_unit or _unit_of(commitment), effective_on=effective,
                                            reason=IMPORT_REASON, actor=actor))


def _unit_of(commitment: Commitment) -> str:
    latest = db.session.scalar(select(CommitmentTarget.unit).where(CommitmentTarget.commitment_id == commitment.id)
                               .order_by(CommitmentTarget.effective_on.desc(), CommitmentTarget.id.desc()).limit(1))
    return latest or ""


def apply(agreement: Agreement, result: CheckResult, ctx: Context, actor: User | None, *,
          remove_missing: bool = False, filename: str | None = None) -> ImportSummary:
    """Write what ``check`` planned; refuses (writes nothing) when any row has an error."""
    if not result.ok:
        raise PlanImportError(f"{result.errors} errors")
    today = ctx.today
    areas = {a.number: a for a in agreement.areas}
    parties = {key: party for key, party in _party_keys(agreement, ctx)}
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    by_code = {c.code: c for area in agreement.areas for c in area.commitments if c.removed_on is None}
    summary = ImportSummary()
    created: list[Commitment] = []
    for row in result.rows:
        planned = row.planned
        if row.kind == RowKind.UNCHANGED:
            summary.unchanged += 1
            continue
        if row.kind == RowKind.CREATE:
            commitment = Commitment(code=planned.code, title=planned.title, description=planned.description,
                                    deliverable=planned.deliverable, start_date=planned.start, due_date=planned.due,
                                    recurring=planned.recurring, source_text=planned.source)
            areas[planned.field].commitments.append(commitment)
            for key, found in planned.lead.items():
                _assign(commitment, parties[key], found, Role.LEAD, ctx, agencies)
            for key, helpers in planned.support.items():
                for found in helpers:
                    _assign(commitment, parties[key], found, Role.SUPPORT, ctx, agencies)
            _write_targets(commitment, planned, None, actor, today)
            created.append(commitment)
            continue
        commitment = by_code[planned.code]
        _write_shared(commitment, planned, row.changes, areas, actor, today)
        if any(k.startswith("target") for k in row.changes):
            _write_targets(commitment, planned, row.changes, actor, today)
        for key, party in parties.items():
            if f"lead {key}" in row.changes:
                _reassign(commitment, party, Role.LEAD, [planned.lead[key]] if key in planned.lead else [],
                          today, agencies)
            if f"support {key}" in row.changes:
                _reassign(commitment, party, Role.SUPPORT, planned.support.get(key, []), today, agencies)
        db.session.flush()
        summary.updated += 1
        audit.record("plan_commitment_updated", actor=actor, category=audit.DATA, obj=commitment,
                     commitment_id=commitment.id, reason=IMPORT_REASON, file=filename, effective_on=today.isoformat(),
                     before={k: _json(v[0]) for k, v in row.changes.items()},
                     after={k: _json(v[1]) for k, v in row.changes.items()})
        for party in parties.values():
            status_spans.refresh_side(commitment.id, party.id)
    db.session.flush()  # the new commitments' ids, once for the whole file
    for commitment in created:
        audit.record("plan_commitment_created", actor=actor, category=audit.DATA, obj=commitment,
                     commitment_id=commitment.id, code=commitment.code, file=filename)
    summary.created = len(created)
    if remove_missing:
        remove_commitments([by_code[code] for code in result.missing], actor, today, reason=IMPORT_REASON)
        summary.removed += len(result.missing)
    db.session.flush()
    # The agreement's commitments (its areas' names are counted with them): refreshed in the write.
    invalidate(commitments=commitment_ids(agreement))
    return summary


def _party_keys(agreement: Agreement, ctx: Context):
    """(column key, party) pairs, in the agreement's order (ctx.parties follows it)."""
    return zip((p.key for p in ctx.parties), agreement.parties)


__all__ = ["ImportSummary", "PlanImportError", "apply"]

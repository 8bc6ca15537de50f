"""Reads of numeric targets: each target in force on a day, with the latest actual reported
against it and the on-track judgement (``domain.targets``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tracker.domain.codes import Role
from tracker.domain.targets import TargetState, judge, prorated
from tracker.extensions import db
from tracker.models import AgreementParty, Commitment, CommitmentTarget, ProgressUpdate, UpdateStatus


@dataclass(frozen=True)
class TargetLine:
    year: int
    party: AgreementParty | None  # None: shared by every side
    unit: str
    baseline: float | None
    value: float
    prorated: Decimal
    actual: float | None
    state: TargetState


def in_force(commitment_id: int, day: date) -> list[CommitmentTarget]:
    """The latest row per side and year effective on or before ``day``."""
    rows = db.session.scalars(
        select(CommitmentTarget).where(CommitmentTarget.commitment_id == commitment_id,
                                       CommitmentTarget.effective_on <= day)
        .order_by(CommitmentTarget.effective_on, CommitmentTarget.id))
    latest: dict[tuple[int | None, int], CommitmentTarget] = {}
    for row in rows:
        latest[(row.party_id, row.year)] = row
    return sorted(latest.values(), key=lambda t: (t.year, t.party_id or 0))


def _actuals(commitment_id: int, year: int, day: date) -> dict[int, float]:
    """Each side's latest approved lead actual of the year, as of ``day``."""
    rows = db.session.execute(
        select(ProgressUpdate.party_id, ProgressUpdate.actual)
        .where(ProgressUpdate.commitment_id == commitment_id, ProgressUpdate.status == UpdateStatus.APPROVED,
               ProgressUpdate.role == Role.LEAD, ProgressUpdate.actual.is_not(None),
               ProgressUpdate.as_of >= date(year, 1, 1), ProgressUpdate.as_of <= min(day, date(year, 12, 31)))
        .order_by(ProgressUpdate.as_of, ProgressUpdate.reviewed_at))
    return {party_id: actual for party_id, actual in rows}


def for_commitment(commitment: Commitment, day: date) -> list[TargetLine]:
    """A shared target's actual is the largest side's (joint events are reported by both sides)."""
    lines = []
    for target in in_force(commitment.id, day):
        actuals = _actuals(commitment.id, target.year, day)
        actual = actuals.get(target.party_id) if target.party_id else max(actuals.values(), default=None)
        value = Decimal(str(target.value))
        lines.append(TargetLine(
            year=target.year, party=target.party, unit=target.unit, baseline=target.baseline, value=target.value,
            prorated=prorated(value, target.year, day),
            actual=actual, state=judge(Decimal(str(actual)) if actual is not None else None, value, target.year, day),
        ))
    return lines


__all__ = ["TargetLine", "for_commitment", "in_force"]

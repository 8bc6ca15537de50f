"""Keeping ``side_status`` in step with approvals (see models.progress.SideStatus).

Every rebuild also marks the cached figures stale (``tracker.status.cache``).
"""
from __future__ import annotations

from sqlalchemy import delete, select

from tracker.domain.codes import Role
from tracker.clock import VIETNAM
from tracker.domain.spans import Approval, spans
from tracker.extensions import db
from tracker.models import ProgressUpdate, SideStatus, UpdateStatus
from tracker.status.cache import invalidate


def approvals_of(commitment_id: int, party_id: int) -> list[Approval]:
    rows = db.session.execute(
        select(ProgressUpdate.id, ProgressUpdate.state, ProgressUpdate.percent, ProgressUpdate.as_of,
               ProgressUpdate.reviewed_at)
        .where(ProgressUpdate.commitment_id == commitment_id, ProgressUpdate.party_id == party_id,
               ProgressUpdate.status == UpdateStatus.APPROVED, ProgressUpdate.role == Role.LEAD)
    )
    return [Approval(i, state, percent, as_of, reviewed.astimezone(VIETNAM).date(), reviewed)
            for i, state, percent, as_of, reviewed in rows]


def rows_for(commitment_id: int, party_id: int, approvals: list[Approval]) -> list[dict]:
    return [
        {"commitment_id": commitment_id, "party_id": party_id, "update_id": s.update_id,
         "state": s.report.state.value, "percent": s.report.percent, "report_as_of": s.report.as_of,
         "done_on": s.report.completed_on, "effective_from": s.effective_from, "effective_to": s.effective_to}
        for s in spans(approvals)
    ]


def refresh_side(commitment_id: int, party_id: int) -> None:
    """Rebuild one side's spans from its approved lead updates."""
    db.session.flush()
    db.session.execute(delete(SideStatus).where(SideStatus.commitment_id == commitment_id,
                                                SideStatus.party_id == party_id))
    rows = rows_for(commitment_id, party_id, approvals_of(commitment_id, party_id))
    if rows:
        db.session.execute(SideStatus.__table__.insert(), rows)
    invalidate()


def rebuild_all() -> int:
    """Rebuild every side's spans (after a bulk import); returns the number of sides."""
    sides = db.session.execute(
        select(ProgressUpdate.commitment_id, ProgressUpdate.party_id)
        .where(ProgressUpdate.status == UpdateStatus.APPROVED, ProgressUpdate.role == Role.LEAD).distinct()
    ).all()
    db.session.execute(delete(SideStatus))
    for commitment_id, party_id in sides:
        refresh_side(commitment_id, party_id)
    return len(sides)

"""Keeping ``side_status`` in step with approvals (see models.progress.SideStatus).

Every rebuild also marks the cached figures stale (``tracker.status.cache``).
"""
from __future__ import annotations

from sqlalchemy import delete, select

from tracker.domain.codes import Role
from tracker.clock import VIETNAM
from collections import defaultdict

from tracker.domain.confirmation import Dispute
from tracker.domain.spans import Approval, spans
from tracker.extensions import db
from tracker.models import ProgressUpdate, SideStatus, UpdateConfirmation, UpdateStatus
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


def _day(moment):
    return None if moment is None else moment.astimezone(VIETNAM).date()


def disputes_of(commitment_ids) -> dict[tuple[int, int], list[Dispute]]:
    """Partners' disputes of approved updates per (commitment, party): raised, maybe withdrawn."""
    rows = db.session.execute(
        select(ProgressUpdate.commitment_id, ProgressUpdate.party_id, UpdateConfirmation.update_id,
               UpdateConfirmation.disputed_at, UpdateConfirmation.withdrawn_at)
        .join(ProgressUpdate, ProgressUpdate.id == UpdateConfirmation.update_id)
        .where(ProgressUpdate.commitment_id.in_(list(commitment_ids)), UpdateConfirmation.disputed_at.is_not(None))
    )
    found: dict[tuple[int, int], list[Dispute]] = defaultdict(list)
    for commitment_id, party_id, update_id, disputed_at, withdrawn_at in rows:
        found[(commitment_id, party_id)].append(Dispute(update_id, _day(disputed_at), _day(withdrawn_at)))
    return found


def rows_for(commitment_id: int, party_id: int, approvals: list[Approval],
             disputes: list[Dispute] | None = None) -> list[dict]:
    return [
        {"commitment_id": commitment_id, "party_id": party_id, "update_id": s.update_id,
         "state": s.report.state.value, "percent": s.report.percent, "report_as_of": s.report.as_of,
         "done_on": s.report.completed_on, "effective_from": s.effective_from, "effective_to": s.effective_to}
        for s in spans(approvals, disputes or ())
    ]


def refresh_side(commitment_id: int, party_id: int) -> None:
    """Rebuild one side's spans from its approved lead updates."""
    db.session.flush()
    db.session.execute(delete(SideStatus).where(SideStatus.commitment_id == commitment_id,
                                                SideStatus.party_id == party_id))
    disputes = disputes_of([commitment_id]).get((commitment_id, party_id), [])
    rows = rows_for(commitment_id, party_id, approvals_of(commitment_id, party_id), disputes)
    if rows:
        db.session.execute(SideStatus.__table__.insert(), rows)
    invalidate(commitments=[commitment_id])


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

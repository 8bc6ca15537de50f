"""Which sides are under a partner's dispute on a date (shared by the live figures and the
kept standings, ``tracker.status.standings``)."""
from __future__ import annotations

from sqlalchemy import or_, select

from tracker.clock import end_of_day_utc
from tracker.domain.confirmation import State
from tracker.models import ProgressUpdate, UpdateConfirmation


def disputed_on(as_of, within=None):
    """(commitment_id, party_id) of the sides whose completion is under a partner's dispute on
    ``as_of``: raised by the end of that day and not settled (withdrawn or replaced) by then;
    of the commitments ``within`` only when given (a list of ids)."""
    end = end_of_day_utc(as_of)
    stmt = (
        select(ProgressUpdate.commitment_id, ProgressUpdate.party_id)
        .join(UpdateConfirmation, UpdateConfirmation.update_id == ProgressUpdate.id)
        .where(UpdateConfirmation.disputed_at < end,
               or_(UpdateConfirmation.state == State.DISPUTED.value, UpdateConfirmation.at >= end))
        .distinct()
    )
    return stmt if within is None else stmt.where(ProgressUpdate.commitment_id.in_(within))

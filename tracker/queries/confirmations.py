"""Reads for partner confirmation: an update's requests, a coordinator's queue, open disputes."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.domain.confirmation import State
from tracker.extensions import db
from tracker.models import AgreementParty, CooperationArea, Commitment, ProgressUpdate, UpdateConfirmation
from tracker.status.disputes import disputed_on  # noqa: F401 (read here by the dashboard and reports)


def of_update(update_id: int) -> list[UpdateConfirmation]:
    """The update's requests to partner provinces, with who answered and when (its timeline)."""
    return list(db.session.scalars(
        select(UpdateConfirmation).where(UpdateConfirmation.update_id == update_id)
        .options(selectinload(UpdateConfirmation.party).selectinload(AgreementParty.province),
                 selectinload(UpdateConfirmation.actor))
        .order_by(UpdateConfirmation.id)
    ))


def pending_for(province_ids: set[int] | None, see_restricted: bool,
                state: str = State.AWAITING.value) -> list[UpdateConfirmation]:
    """"Chờ tỉnh bạn xác nhận": requests awaiting these provinces' answer (all, for None), oldest
    first; with ``state="disputed"``, the disputes these provinces raised and have not withdrawn."""
    stmt = (
        select(UpdateConfirmation)
        .join(AgreementParty, AgreementParty.id == UpdateConfirmation.party_id)
        .join(ProgressUpdate, ProgressUpdate.id == UpdateConfirmation.update_id)
        .join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .where(UpdateConfirmation.state == state)
        .options(selectinload(UpdateConfirmation.update).selectinload(ProgressUpdate.commitment),
                 selectinload(UpdateConfirmation.update).selectinload(ProgressUpdate.agency),
                 selectinload(UpdateConfirmation.party).selectinload(AgreementParty.province))
        .order_by(UpdateConfirmation.id)
    )
    if province_ids is not None:
        stmt = stmt.where(AgreementParty.province_id.in_(province_ids))
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    return list(db.session.scalars(stmt))


def disputed_commitments(within=None) -> set[int]:
    """Commitments with a completion under an open dispute now (shown with a badge)."""
    stmt = (
        select(ProgressUpdate.commitment_id).join(UpdateConfirmation, UpdateConfirmation.update_id == ProgressUpdate.id)
        .where(UpdateConfirmation.state == State.DISPUTED.value).distinct()
    )
    if within is not None:
        stmt = stmt.where(ProgressUpdate.commitment_id.in_(within))
    return set(db.session.scalars(stmt))


def disputed_count(within) -> int:
    """How many of the commitments ``within`` selects have an open dispute now."""
    return db.session.scalar(
        select(func.count(func.distinct(ProgressUpdate.commitment_id)))
        .join(UpdateConfirmation, UpdateConfirmation.update_id == ProgressUpdate.id)
        .where(UpdateConfirmation.state == State.DISPUTED.value, ProgressUpdate.commitment_id.in_(within))
    ) or 0


def side_states(commitment_id: int) -> dict[int, str]:
    """Each reporting side's partner confirmation now (party → awaiting, confirmed, disputed or
    settled): the answers on its latest update that asked for one; a dispute outweighs a wait."""
    rows = db.session.execute(
        select(ProgressUpdate.party_id, ProgressUpdate.id, UpdateConfirmation.state)
        .join(UpdateConfirmation, UpdateConfirmation.update_id == ProgressUpdate.id)
        .where(ProgressUpdate.commitment_id == commitment_id).order_by(ProgressUpdate.id))
    latest: dict[int, tuple[int, list[str]]] = {}
    for party_id, update_id, state in rows:
        if latest.get(party_id, (None,))[0] != update_id:
            latest[party_id] = (update_id, [])
        latest[party_id][1].append(state)
    order = [State.DISPUTED.value, State.AWAITING.value, State.CONFIRMED.value, State.SETTLED.value]
    return {party_id: next(s for s in order if s in states) for party_id, (_, states) in latest.items()}

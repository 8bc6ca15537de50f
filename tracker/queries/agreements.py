"""Reads of agreements: the list, one agreement with its parties, counts per area."""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Agreement, AgreementParty, Commitment, CooperationArea, Province, ProvinceSuccession


def all_agreements() -> list[Agreement]:
    """Every agreement, newest first; read once per request (the menu and the filters share it)."""
    if has_request_context() and "all_agreements" in g:
        return g.all_agreements
    rows = list(db.session.scalars(select(Agreement).order_by(Agreement.period_start.desc(), Agreement.id)))
    if has_request_context():
        g.all_agreements = rows
    return rows


def detail(agreement_id: int) -> Agreement | None:
    return db.session.scalar(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            selectinload(Agreement.parties)
            .selectinload(AgreementParty.province)
            .selectinload(Province.successions)
            .selectinload(ProvinceSuccession.successor),
            selectinload(Agreement.parties).selectinload(AgreementParty.focal_agency),
            selectinload(Agreement.areas),
        )
    )


def commitment_counts(agreement_id: int) -> dict[int, int]:
    """Commitments per area of the agreement, by area id (areas with none are absent)."""
    rows = db.session.execute(
        select(Commitment.area_id, func.count(Commitment.id))
        .join(Commitment.area)
        .where(CooperationArea.agreement_id == agreement_id, Commitment.removed_on.is_(None))
        .group_by(Commitment.area_id)
    )
    return {area_id: count for area_id, count in rows}


def counts_by_agreement() -> dict[int, tuple[int, int]]:
    """(areas, commitments) per agreement id."""
    rows = db.session.execute(
        select(CooperationArea.agreement_id, func.count(func.distinct(CooperationArea.id)), func.count(Commitment.id))
        .outerjoin(Commitment, Commitment.area_id == CooperationArea.id)
        .group_by(CooperationArea.agreement_id)
    )
    return {agreement_id: (areas, commitments) for agreement_id, areas, commitments in rows}

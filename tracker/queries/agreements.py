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


def menu() -> list[tuple[int, str]]:
    """(id, short title or title) of every agreement, newest first: the layout's switcher and the
    filters. Columns only, once per request: every signed-in page shows it, at national scale 300."""
    if has_request_context() and "agreement_menu" in g:
        return g.agreement_menu
    rows = [(aid, short or title) for aid, short, title in db.session.execute(
        select(Agreement.id, Agreement.short_title, Agreement.title)
        .order_by(Agreement.period_start.desc(), Agreement.id))]
    if has_request_context():
        g.agreement_menu = rows
    return rows


def _with_parties(stmt):
    return stmt.options(
            selectinload(Agreement.parties)
            .selectinload(AgreementParty.province)
            .selectinload(Province.successions)
            .selectinload(ProvinceSuccession.successor),
            selectinload(Agreement.parties).selectinload(AgreementParty.focal_agency),
            selectinload(Agreement.areas),
        )


def detail(agreement_id: int) -> Agreement | None:
    return db.session.scalar(_with_parties(select(Agreement).where(Agreement.id == agreement_id)))


def every_detail() -> list[Agreement]:
    """Every agreement as ``detail`` loads it, newest first (the API's list)."""
    return list(db.session.scalars(_with_parties(select(Agreement).order_by(Agreement.period_start.desc(),
                                                                            Agreement.id))))


def commitment_counts(agreement_id: int | None) -> dict[int, int]:
    """Commitments per area of the agreement (None: of every agreement), by area id (areas with none are absent)."""
    stmt = (select(Commitment.area_id, func.count(Commitment.id)).join(Commitment.area)
            .where(Commitment.removed_on.is_(None)).group_by(Commitment.area_id))
    if agreement_id is not None:
        stmt = stmt.where(CooperationArea.agreement_id == agreement_id)
    rows = db.session.execute(stmt)
    return {area_id: count for area_id, count in rows}


def counts_by_agreement() -> dict[int, tuple[int, int]]:
    """(areas, commitments) per agreement id."""
    rows = db.session.execute(
        select(CooperationArea.agreement_id, func.count(func.distinct(CooperationArea.id)), func.count(Commitment.id))
        .outerjoin(Commitment, Commitment.area_id == CooperationArea.id)
        .group_by(CooperationArea.agreement_id)
    )
    return {agreement_id: (areas, commitments) for agreement_id, areas, commitments in rows}

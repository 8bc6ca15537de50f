"""Reporting categories computed in SQL, for counting many commitments at once.

The same ordered rules as ``domain.status`` (first match wins), written as CASE
expressions over ``side_status`` spans valid on the date. A test checks both agree on
the same data. ``as_of`` may be a date or a SQL column (one row per cut-off date).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, and_, case, func, literal, not_, or_, select
from sqlalchemy.sql import ColumnElement

from tracker.domain.status import Category
from tracker.models import AgreementParty, Commitment, CooperationArea, SideStatus


def _day(as_of) -> ColumnElement:
    return literal(as_of, Date) if isinstance(as_of, date) else as_of


def valid_on(as_of) -> ColumnElement:
    """The span holds on ``as_of``: started by then, not yet ended."""
    day = _day(as_of)
    return and_(SideStatus.effective_from <= day, or_(SideStatus.effective_to.is_(None), SideStatus.effective_to > day))


def past_due(as_of) -> ColumnElement:
    return and_(Commitment.due_date.is_not(None), Commitment.recurring.is_(False), _day(as_of) > Commitment.due_date)


def _in_time(done_on) -> ColumnElement:
    return or_(Commitment.due_date.is_(None), Commitment.recurring.is_(True), done_on <= Commitment.due_date)


def side_category(state, done_on, as_of) -> ColumnElement:
    """One side's category from its span's columns (NULL state: no approved report)."""
    return case(
        (state.is_(None), Category.NO_REPORT.value),
        (and_(state == "done", _in_time(done_on)), Category.DONE_ON_TIME.value),
        (state == "done", Category.DONE_LATE.value),
        (and_(state == "not_started", not_(past_due(as_of))), Category.NOT_STARTED.value),
        (past_due(as_of), Category.IN_PROGRESS_OVERDUE.value),
        else_=Category.IN_PROGRESS_ON_TIME.value,
    )


def side_percent(state, percent) -> ColumnElement:
    return case((state == "done", 100), else_=percent)


def sides(as_of, *, extra_columns=()):
    """(commitment × party of its agreement) with the side's span on ``as_of``, if any.

    Columns: commitment_id, area_id, agreement_id, party_id, province_id, category,
    percent (NULL without a report), plus ``extra_columns``.
    """
    return (
        select(
            Commitment.id.label("commitment_id"), Commitment.area_id, CooperationArea.agreement_id,
            AgreementParty.id.label("party_id"), AgreementParty.province_id,
            side_category(SideStatus.state, SideStatus.done_on, as_of).label("category"),
            side_percent(SideStatus.state, SideStatus.percent).label("percent"),
            *extra_columns,
        )
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(AgreementParty, AgreementParty.agreement_id == CooperationArea.agreement_id)
        .outerjoin(SideStatus, and_(SideStatus.commitment_id == Commitment.id,
                                    SideStatus.party_id == AgreementParty.id, valid_on(as_of)))
    )


def commitments(as_of, *, extra_columns=()):
    """Each commitment's category and mean percent on ``as_of`` (a bilateral commitment is
    complete only when every party's lead reported it complete)."""
    n_parties = (
        select(AgreementParty.agreement_id, func.count(AgreementParty.id).label("n"))
        .group_by(AgreementParty.agreement_id).subquery()
    )
    spans = (
        select(
            SideStatus.commitment_id,
            func.count(SideStatus.id).label("reported"),
            func.sum(case((SideStatus.state == "done", 1), else_=0)).label("done"),
            func.sum(case((SideStatus.state == "not_started", 1), else_=0)).label("untouched"),
            func.max(SideStatus.done_on).label("last_done"),
            func.avg(side_percent(SideStatus.state, SideStatus.percent)).label("percent"),
        )
        .where(valid_on(as_of))
        .group_by(SideStatus.commitment_id)
        .subquery()
    )
    reported = func.coalesce(spans.c.reported, 0)
    category = case(
        (reported == 0, Category.NO_REPORT.value),
        (and_(spans.c.done == n_parties.c.n, _in_time(spans.c.last_done)), Category.DONE_ON_TIME.value),
        (spans.c.done == n_parties.c.n, Category.DONE_LATE.value),
        (and_(spans.c.untouched == spans.c.reported, not_(past_due(as_of))), Category.NOT_STARTED.value),
        (past_due(as_of), Category.IN_PROGRESS_OVERDUE.value),
        else_=Category.IN_PROGRESS_ON_TIME.value,
    )
    return (
        select(
            Commitment.id.label("commitment_id"), Commitment.area_id, CooperationArea.agreement_id,
            category.label("category"), spans.c.percent.label("percent"), *extra_columns,
        )
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(n_parties, n_parties.c.agreement_id == CooperationArea.agreement_id)
        .outerjoin(spans, spans.c.commitment_id == Commitment.id)
    )

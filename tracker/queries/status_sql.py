"""Reporting categories computed in SQL, for counting many commitments at once.

The same ordered rules as ``domain.status`` (first match wins), written as CASE
expressions over a *side source*: one row per (commitment, party) with the side's
latest approved state, percent and completion day. The source is either the
``side_status`` spans valid on a date (dashboards, as-of reports) or a closed period's
frozen ``period_snapshots``. A test checks SQL and domain agree on the same data.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, and_, case, func, literal, not_, or_, select
from sqlalchemy.sql import ColumnElement

from tracker import clock
from tracker.domain.status import Category
from tracker.models import AgreementParty, Commitment, CooperationArea, PeriodSnapshot, SideStatus


def _day(as_of) -> ColumnElement:
    return literal(as_of, Date) if isinstance(as_of, date) else as_of


def valid_on(as_of) -> ColumnElement:
    """The span holds on ``as_of``: started by then, not yet ended.

    A span ends on a later approval's day, never in the future: from today on, the
    spans that hold are exactly the open ones, which a partial index finds directly.
    """
    if isinstance(as_of, date) and as_of >= clock.today():
        return SideStatus.effective_to.is_(None)
    day = _day(as_of)
    return and_(SideStatus.effective_from <= day, or_(SideStatus.effective_to.is_(None), SideStatus.effective_to > day))


def spans_on(as_of, within=None):
    """The side source of a date: spans valid then (of the commitments ``within`` selects, if given)."""
    stmt = (
        select(SideStatus.commitment_id, SideStatus.party_id, SideStatus.state, SideStatus.percent,
               SideStatus.done_on, SideStatus.update_id)
        .where(valid_on(as_of))
    )
    if within is not None:
        stmt = stmt.where(SideStatus.commitment_id.in_(within))
    return stmt.subquery("side_source")


def snapshot_of(closure_id: int):
    """The side source of a closed period: its frozen standings."""
    return (
        select(PeriodSnapshot.commitment_id, PeriodSnapshot.party_id, PeriodSnapshot.state, PeriodSnapshot.percent,
               PeriodSnapshot.done_on, PeriodSnapshot.update_id)
        .where(PeriodSnapshot.closure_id == closure_id, PeriodSnapshot.state.is_not(None))
        .subquery("side_source")
    )


def past_due(as_of) -> ColumnElement:
    return and_(Commitment.due_date.is_not(None), Commitment.recurring.is_(False), _day(as_of) > Commitment.due_date)


def _in_time(done_on) -> ColumnElement:
    return or_(Commitment.due_date.is_(None), Commitment.recurring.is_(True), done_on <= Commitment.due_date)


def side_category(state, done_on, as_of) -> ColumnElement:
    """One side's category (NULL state: no approved report)."""
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


def sides(as_of, source=None, *, extra_columns=(), within=None):
    """(commitment × party of its agreement) with the side's category on ``as_of``.

    Columns: commitment_id, area_id, agreement_id, party_id, province_id, category,
    percent (NULL without a report), state, plus ``extra_columns``.
    """
    src = spans_on(as_of, within) if source is None else source
    stmt = (
        select(
            Commitment.id.label("commitment_id"), Commitment.area_id, CooperationArea.agreement_id,
            AgreementParty.id.label("party_id"), AgreementParty.province_id,
            side_category(src.c.state, src.c.done_on, as_of).label("category"),
            side_percent(src.c.state, src.c.percent).label("percent"),
            src.c.state,
            src.c.update_id,
            *extra_columns,
        )
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(AgreementParty, AgreementParty.agreement_id == CooperationArea.agreement_id)
        .outerjoin(src, and_(src.c.commitment_id == Commitment.id, src.c.party_id == AgreementParty.id))
    )
    return stmt.where(Commitment.id.in_(within)) if within is not None else stmt


def commitments(as_of, source=None, *, extra_columns=(), within=None):
    """Each commitment's category and mean percent on ``as_of`` (a bilateral commitment is
    complete only when every party's lead reported it complete)."""
    src = spans_on(as_of, within) if source is None else source
    n_parties = (
        select(AgreementParty.agreement_id, func.count(AgreementParty.id).label("n"))
        .group_by(AgreementParty.agreement_id).subquery()
    )
    per_commitment = (
        select(
            src.c.commitment_id,
            func.count().label("reported"),
            func.sum(case((src.c.state == "done", 1), else_=0)).label("done"),
            func.sum(case((src.c.state == "not_started", 1), else_=0)).label("untouched"),
            func.max(src.c.done_on).label("last_done"),
            func.avg(side_percent(src.c.state, src.c.percent)).label("percent"),
        )
        .group_by(src.c.commitment_id)
        .subquery()
    )
    reported = func.coalesce(per_commitment.c.reported, 0)
    category = case(
        (reported == 0, Category.NO_REPORT.value),
        (and_(per_commitment.c.done == n_parties.c.n, _in_time(per_commitment.c.last_done)), Category.DONE_ON_TIME.value),
        (per_commitment.c.done == n_parties.c.n, Category.DONE_LATE.value),
        (and_(per_commitment.c.untouched == per_commitment.c.reported, not_(past_due(as_of))), Category.NOT_STARTED.value),
        (past_due(as_of), Category.IN_PROGRESS_OVERDUE.value),
        else_=Category.IN_PROGRESS_ON_TIME.value,
    )
    stmt = (
        select(
            Commitment.id.label("commitment_id"), Commitment.area_id, CooperationArea.agreement_id,
            category.label("category"), per_commitment.c.percent.label("percent"), *extra_columns,
        )
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(n_parties, n_parties.c.agreement_id == CooperationArea.agreement_id)
        .outerjoin(per_commitment, per_commitment.c.commitment_id == Commitment.id)
    )
    return stmt.where(Commitment.id.in_(within)) if within is not None else stmt


def commitments_by_day(days, within=None):
    """``commitments`` for several dates at once: ``days`` is a subquery with a ``day`` column.

    Columns: day, commitment_id, area_id, agreement_id, category. One statement for a
    whole series of cut-offs (the dashboard's progress over time).
    """
    n_parties = (
        select(AgreementParty.agreement_id, func.count(AgreementParty.id).label("n"))
        .group_by(AgreementParty.agreement_id).subquery()
    )
    per = (
        select(
            days.c.day.label("day"), SideStatus.commitment_id,
            func.count().label("reported"),
            func.sum(case((SideStatus.state == "done", 1), else_=0)).label("done"),
            func.sum(case((SideStatus.state == "not_started", 1), else_=0)).label("untouched"),
            func.max(SideStatus.done_on).label("last_done"),
        )
        .select_from(SideStatus).join(days, valid_on(days.c.day))
        .where(SideStatus.commitment_id.in_(within) if within is not None else literal(True))
        .group_by(days.c.day, SideStatus.commitment_id)
        .subquery()
    )
    day = days.c.day
    reported = func.coalesce(per.c.reported, 0)
    category = case(
        (reported == 0, Category.NO_REPORT.value),
        (and_(per.c.done == n_parties.c.n, _in_time(per.c.last_done)), Category.DONE_ON_TIME.value),
        (per.c.done == n_parties.c.n, Category.DONE_LATE.value),
        (and_(per.c.untouched == per.c.reported, not_(past_due(day))), Category.NOT_STARTED.value),
        (past_due(day), Category.IN_PROGRESS_OVERDUE.value),
        else_=Category.IN_PROGRESS_ON_TIME.value,
    )
    return (
        select(day.label("day"), Commitment.id.label("commitment_id"), Commitment.area_id,
               CooperationArea.agreement_id, category.label("category"))
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(n_parties, n_parties.c.agreement_id == CooperationArea.agreement_id)
        .join(days, literal(True))
        .outerjoin(per, and_(per.c.commitment_id == Commitment.id, per.c.day == day))
    )

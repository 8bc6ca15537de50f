"""Reporting categories computed in SQL, for counting many commitments at once.

The rules are not written here: ``domain.status.RULES`` (first match wins) becomes one
CASE expression over the same facts, computed in SQL from a *side source*: one row per
side (a party province holding a lead assignment on the date, domain.md §4) with its
latest approved state, percent and completion day. The source is either the
``side_status`` spans valid on a date (dashboards, as-of reports) or a closed period's
frozen ``period_snapshots``. Deadlines are the ones in force on the date (extensions are
effective-dated). Tests check SQL and the domain agree on random histories.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import Date, and_, case, false, func, literal, not_, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement

from tracker.domain.codes import Role
from tracker import clock
from tracker.domain.status import OPEN_PAST_DUE, RULES, Conditions, Fact
from tracker.extensions import db
from tracker.status.built import built_once
from tracker.models import (Agreement, AgreementParty, Assignment, Commitment, CooperationArea, DeadlineExtension,
                            PeriodSnapshot, SideStatus)
from tracker.status.sql_functions import days_between


def _day(as_of) -> ColumnElement:
    return literal(as_of, Date) if isinstance(as_of, date) else as_of


# -- the rules, generated from domain.status -------------------------------------------------

def holds(conditions: Conditions, facts: dict[Fact, ColumnElement]) -> ColumnElement:
    """SQL for ``domain.status.holds``: every condition of a rule is met."""
    if not conditions:
        return true()
    return and_(*(facts[fact] if wanted else not_(facts[fact]) for fact, wanted in conditions))


def category(facts: dict[Fact, ColumnElement]) -> ColumnElement:
    """SQL for ``domain.status.categorise``: ``RULES`` as one CASE, first match wins."""
    *checks, (last, _) = RULES
    return case(*((holds(conditions, facts), result.value) for result, conditions in checks), else_=last.value)


def open_past_due(facts: dict[Fact, ColumnElement]) -> ColumnElement:
    return case((holds(OPEN_PAST_DUE, facts), 1), else_=0)


def due_on(day) -> ColumnElement:
    """The due date in force on ``day`` for the commitment of the enclosing query.

    A commitment never extended has ``original_due_date`` NULL and its due date is the one
    in force on every day; otherwise the latest extension effective by ``day`` (by
    effective day, then recording order), before any of them the original due date.
    """
    return _due_on(day) if isinstance(day, date) else _due_on.__wrapped__(day)


@lru_cache(maxsize=256)  # a date's expression, immutable, built once: a build (its alias above all) costs ~3 ms
def _due_on(day) -> ColumnElement:
    ext = aliased(DeadlineExtension)
    latest = (
        select(ext.new_due_date)
        .where(ext.commitment_id == Commitment.id, ext.effective_on <= _day(day))
        .order_by(ext.effective_on.desc(), ext.id.desc())
        .limit(1)
        .correlate_except(ext)
        .scalar_subquery()
    )
    return case(
        (Commitment.recurring.is_(True), literal(None, Date)),
        (Commitment.original_due_date.is_(None), Commitment.due_date),
        else_=func.coalesce(latest, Commitment.original_due_date),
    )


def present_on(day) -> ColumnElement:
    """The commitment of the enclosing query is part of the plan on ``day``: not removed
    (soft delete), or removed only later; reports for earlier days still count it."""
    return or_(Commitment.removed_on.is_(None), Commitment.removed_on > _day(day))


def side_at_risk(state, percent, day) -> ColumnElement:
    """SQL for ``domain.risk.side_at_risk`` for the side of the enclosing query (its commitment's
    start, due date in force on ``day`` and agreement's margin); 1 or 0."""
    start, due, day = Commitment.start_date, due_on(day), _day(day)
    span, elapsed = days_between(due, start), days_between(day, start)
    within = and_(start.is_not(None), due.is_not(None), start <= day, day <= due, span > 0,
                  or_(state.is_(None), state != "done"))
    behind = or_(and_(state.is_(None), elapsed * 3 >= span),
                 and_(state.is_not(None), elapsed * 100 - percent * span > Agreement.risk_margin * span))
    return _flag(and_(within, behind))


def _fact(expr) -> ColumnElement:
    """A fact is never NULL: NOT NULL would be NULL and break the first-match order."""
    return func.coalesce(expr, false())


def facts(n_sides, reported, done, untouched, last_done, day) -> dict[Fact, ColumnElement]:
    """The facts of ``domain.status.facts_of`` from per-commitment (or per-side) tallies.

    ``n_sides``: sides on the day; ``reported``: of them, with an approved report; ``done``
    and ``untouched``: reporting DONE and NOT_STARTED; ``last_done``: the latest completion.
    """
    complete = and_(n_sides > 0, done == n_sides)
    due_then = due_on(last_done)
    due_now = due_on(day)
    return {
        Fact.REPORTED: _fact(reported > 0),
        Fact.COMPLETE: _fact(complete),
        Fact.LATE: _fact(and_(complete, due_then.is_not(None), last_done > due_then)),
        Fact.UNTOUCHED: _fact(and_(reported > 0, untouched == reported)),
        Fact.PAST_DUE: _fact(and_(due_now.is_not(None), _day(day) > due_now)),
    }


def materialized(stmt, name: str):
    """``stmt`` as a CTE computed once per statement (``AS MATERIALIZED``, SQLite 3.35+ and
    PostgreSQL 12+): a statement that joins the categories to other tables (agencies,
    assignments) then reads them as a table instead of letting the planner fold the
    tallies into its join order and re-evaluate the rules for every joined row."""
    return stmt.cte(name).prefix_with("MATERIALIZED")


# -- side sources ----------------------------------------------------------------------------

def valid_on(as_of) -> ColumnElement:
    """The span holds on ``as_of``: started by then, not yet ended.

    A span ends on a later approval's day, never in the future: from today on, the
    spans that hold are exactly the open ones, which a partial index finds directly.
    """
    if isinstance(as_of, date) and as_of >= clock.today():
        return SideStatus.effective_to.is_(None)
    day = _day(as_of)
    return and_(SideStatus.effective_from <= day, or_(SideStatus.effective_to.is_(None), SideStatus.effective_to > day))


def _probes_are_cheap() -> bool:
    """SQLite runs a correlated probe in microseconds, while reading a range of spans costs it
    a table row each; PostgreSQL is the other way round (a subplan per row costs it several
    times a bitmap scan of the range). The probe (``span_held``) is used where it is cheap."""
    return db.session.get_bind().dialect.name == "sqlite"


def span_held(commitment_id, party_id, day) -> ColumnElement:
    """The id of the side's span that holds on ``day`` (NULL if none), for a side and a day of
    the enclosing query: ``valid_on`` found by one index probe instead of a range scan.

    A side's spans (``domain.spans``) are contiguous and never overlap, each starting on a
    later day than the one before: the one that holds on a day, if any, is the latest to
    start by then, provided it has not ended: the caller still checks ``valid_on``.
    """
    span = aliased(SideStatus)
    return (
        select(span.id)
        .where(span.commitment_id == commitment_id, span.party_id == party_id, span.effective_from <= _day(day))
        .order_by(span.effective_from.desc())
        .limit(1)
        .correlate_except(span)
        .scalar_subquery()
    )


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


def spans_held_on(day, within=None):
    """``spans_on`` found side by side: every side with spans has one open span, and from it
    one probe (``span_held``) finds the span held on ``day``. The same rows; on SQLite much
    faster when ``within`` picks commitments, whose every span ``valid_on`` would otherwise read."""
    if not _probes_are_cheap():
        return spans_on(day, within)
    current, held = aliased(SideStatus), aliased(SideStatus)
    stmt = (
        select(held.commitment_id, held.party_id, held.state, held.percent, held.done_on, held.update_id)
        .select_from(current)
        .join(held, and_(held.id == span_held(current.commitment_id, current.party_id, day),
                         or_(held.effective_to.is_(None), held.effective_to > _day(day))))
        .where(current.effective_to.is_(None))
    )
    if within is not None:
        stmt = stmt.where(current.commitment_id.in_(within))
    return stmt.subquery("side_source")


def snapshot_of(closure_id: int):
    """The side source of a closed period: its frozen standings."""
    return (
        select(PeriodSnapshot.commitment_id, PeriodSnapshot.party_id, PeriodSnapshot.state, PeriodSnapshot.percent,
               PeriodSnapshot.done_on, PeriodSnapshot.update_id)
        .where(PeriodSnapshot.closure_id == closure_id, PeriodSnapshot.state.is_not(None))
        .subquery("side_source")
    )


def lead_held_on(day) -> ColumnElement:
    """The assignment of the enclosing query is a lead assignment in force on ``day``."""
    day = _day(day)
    return and_(Assignment.role == Role.LEAD, Assignment.valid_from <= day,
                or_(Assignment.valid_to.is_(None), Assignment.valid_to >= day))


def lead_sides(as_of, within=None):
    """The sides on ``as_of``: (commitment, party) pairs whose party holds a lead assignment then."""
    stmt = select(Assignment.commitment_id, Assignment.party_id).where(lead_held_on(as_of)).distinct()
    if within is not None:
        stmt = stmt.where(Assignment.commitment_id.in_(within))
    return stmt.subquery("lead_sides")


def _side_percent(state, percent) -> ColumnElement:
    return case((state == "done", 100), else_=percent)


def _flag(condition) -> ColumnElement:
    return case((condition, 1), else_=0)


@built_once
def sides(as_of, source=None, *, extra_columns=(), within=None):
    """One row per side on ``as_of`` with its category (the rules applied to that side alone).

    Columns: commitment_id, area_id, agreement_id, party_id, province_id, category,
    percent (NULL without a report), state, update_id, past_due (0/1), open_past_due
    (0/1), due_date (the due date in force), at_risk (0/1, ``domain.risk``), plus ``extra_columns``.
    """
    src = spans_on(as_of, within) if source is None else source
    held = lead_sides(as_of, within)
    state = src.c.state
    side_facts = facts(literal(1), _flag(state.is_not(None)), _flag(state == "done"), _flag(state == "not_started"),
                       src.c.done_on, as_of)
    stmt = (
        select(
            Commitment.id.label("commitment_id"), Commitment.area_id, CooperationArea.agreement_id,
            AgreementParty.id.label("party_id"), AgreementParty.province_id,
            category(side_facts).label("category"),
            _side_percent(state, src.c.percent).label("percent"),
            state, src.c.update_id,
            _flag(side_facts[Fact.PAST_DUE]).label("past_due"),
            open_past_due(side_facts).label("open_past_due"),
            due_on(as_of).label("due_date"),
            side_at_risk(state, _side_percent(state, src.c.percent), as_of).label("at_risk"),
            *extra_columns,
        )
        .select_from(held)
        .join(Commitment, Commitment.id == held.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(Agreement, Agreement.id == CooperationArea.agreement_id)
        .join(AgreementParty, AgreementParty.id == held.c.party_id)
        .outerjoin(src, and_(src.c.commitment_id == held.c.commitment_id, src.c.party_id == held.c.party_id))
        .where(present_on(as_of))
    )
    return stmt


def _tallies(rows, *keys):
    """Per (``keys``…) tallies of a side source joined to its sides: what ``facts`` needs."""
    state = rows.c.state
    return (
        select(
            *keys,
            func.count().label("n_sides"),
            func.count(state).label("reported"),
            func.sum(_flag(state == "done")).label("done"),
            func.sum(_flag(state == "not_started")).label("untouched"),
            func.max(rows.c.done_on).label("last_done"),
            func.avg(_side_percent(state, rows.c.percent)).label("percent"),
        )
        .group_by(*keys)
        .subquery("tallies")
    )


def _commitment_facts(t, day) -> dict[Fact, ColumnElement]:
    zero = literal(0)
    return facts(func.coalesce(t.c.n_sides, zero), func.coalesce(t.c.reported, zero), t.c.done, t.c.untouched,
                 t.c.last_done, day)


@built_once
def commitments(as_of, source=None, *, extra_columns=(), within=None):
    """Each commitment's category and mean percent on ``as_of``: complete only when every
    side's lead reported it complete; a commitment without sides is "no report".

    Columns: commitment_id, area_id, agreement_id, category, percent, past_due (0/1),
    open_past_due (0/1), due_date (the due date in force), plus ``extra_columns``.
    """
    src = spans_on(as_of, within) if source is None else source
    held = lead_sides(as_of, within)
    joined = (
        select(held.c.commitment_id, src.c.state, src.c.percent, src.c.done_on)
        .select_from(held)
        .outerjoin(src, and_(src.c.commitment_id == held.c.commitment_id, src.c.party_id == held.c.party_id))
        .subquery("sides_joined")
    )
    t = _tallies(joined, joined.c.commitment_id)
    f = _commitment_facts(t, as_of)
    stmt = (
        select(
            Commitment.id.label("commitment_id"), Commitment.area_id, CooperationArea.agreement_id,
            category(f).label("category"), t.c.percent.label("percent"),
            _flag(f[Fact.PAST_DUE]).label("past_due"), open_past_due(f).label("open_past_due"),
            due_on(as_of).label("due_date"),
            *extra_columns,
        )
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .outerjoin(t, t.c.commitment_id == Commitment.id)
        .where(present_on(as_of))
    )
    return stmt.where(Commitment.id.in_(within)) if within is not None else stmt


def commitments_by_day(days, within=None, province_ids=None):
    """``commitments`` for several dates at once: ``days`` is a subquery with a ``day`` column.

    Columns: day, commitment_id, area_id, agreement_id, category, open_past_due. One
    statement for a whole series of cut-offs (the dashboard's progress over time). With
    ``province_ids``, one row per side of those provinces on each day instead (``sides``).
    """
    day = days.c.day
    held = (
        select(day.label("day"), Assignment.commitment_id, Assignment.party_id)
        .select_from(Assignment).join(days, lead_held_on(day))
        .where(Assignment.commitment_id.in_(within) if within is not None else true())
        .distinct()
    )
    if province_ids is not None:
        held = held.join(AgreementParty, AgreementParty.id == Assignment.party_id).where(
            AgreementParty.province_id.in_(province_ids))
    held = held.subquery("held_by_day")
    joined = (
        select(held.c.day, held.c.commitment_id, held.c.party_id, SideStatus.state, SideStatus.percent,
               SideStatus.done_on)
        .select_from(held)
        .outerjoin(SideStatus, and_(
            SideStatus.id == span_held(held.c.commitment_id, held.c.party_id, held.c.day) if _probes_are_cheap()
            else and_(SideStatus.commitment_id == held.c.commitment_id, SideStatus.party_id == held.c.party_id),
            valid_on(held.c.day)))
        .subquery("sides_by_day")
    )
    if province_ids is not None:
        t = _tallies(joined, joined.c.day, joined.c.commitment_id, joined.c.party_id)
        f = _commitment_facts(t, t.c.day)
        return (
            select(t.c.day, Commitment.id.label("commitment_id"), Commitment.area_id, CooperationArea.agreement_id,
                   category(f).label("category"), open_past_due(f).label("open_past_due"))
            .select_from(t)
            .join(Commitment, Commitment.id == t.c.commitment_id)
            .join(CooperationArea, CooperationArea.id == Commitment.area_id)
            .where(present_on(t.c.day))
        )
    t = _tallies(joined, joined.c.day, joined.c.commitment_id)
    f = _commitment_facts(t, day)
    stmt = (
        select(day.label("day"), Commitment.id.label("commitment_id"), Commitment.area_id,
               CooperationArea.agreement_id, category(f).label("category"), open_past_due(f).label("open_past_due"))
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(days, true())
        .outerjoin(t, and_(t.c.commitment_id == Commitment.id, t.c.day == day))
        .where(present_on(day))
    )
    return stmt.where(Commitment.id.in_(within)) if within is not None else stmt

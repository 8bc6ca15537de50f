"""Standings kept up to date (tracker/models/standings.py) instead of recomputed on every view.

The rows are the live rules' own results (``status.sql.sides``, ``commitments``,
``commitments_by_day``) stored for the commitments that changed:

- a write names the commitments it touched (``cache.invalidate(commitments=…)``); just before
  its transaction commits, their rows for today and at past cut-offs are recomputed in it, so
  every process sees them with the change. A write that names none (imports, the calendar,
  schedules) marks everything stale: views compute live while a background job rebuilds all
  in bounded transactions (``standings_build``), never a request.
- a new day refreshes only the commitments whose ``valid_to`` has come: the first day any
  day-dependent fact of theirs can change (their due date in force passed, a side's risk
  threshold crossed, its start, an extension or a lead assignment taking effect or ending,
  removal, the half-year whose reports the agencies figure counts ending).

``bring_up_to_date`` is the one helper a read (GET) uses to write here (a new day's refresh of
the rows whose day came), in a transaction of its own that takes the write lock first
(several processes: one refreshes, the others wait and find it done).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (Boolean, Date, Float, Integer, String, and_, bindparam, case, delete, event, exists, func, insert,
                        literal, or_, select, union_all, update)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from tracker import clock
from tracker.domain.periods import Frequency, periods_between
from tracker.extensions import db
from tracker.models import (Agreement, Assignment, Commitment, CooperationArea, DeadlineExtension, ProgressUpdate,
                            Standing, StandingCutoff, StandingState)
from tracker.status import sql as status_sql
from tracker.status import standing_periods
from tracker.status.built import built_once
from tracker.status.standing_counts import agencies_leading, recount
from tracker.status.sql_functions import add_days
from tracker.status.cache import BUMPED, EVERYTHING, PERIODS, TOUCHED
from tracker.status.disputes import disputed_on

BUILD = 2  # standing_state's row of a rebuild running in the background (standings_build)
IDS = bindparam("standing_ids", expanding=True)  # the commitments a refresh recomputes
MAX_IDS = 5000  # more commitments than this at once: rebuild everything (one statement per table)
COLUMNS = ("commitment_id", "kind", "key_id", "agreement_id", "area_id", "restricted", "province_id", "agency_id",
           "category", "percent", "open_past_due", "at_risk", "disputed", "reported", "due_date", "valid_to")
CUTOFF_COLUMNS = ("day", "commitment_id", "agreement_id", "area_id", "restricted", "category", "open_past_due")


def _none(type_):
    return literal(None, type_)


def half_year(today: date):
    """The half-year containing ``today`` (the agencies' "reported this period")."""
    return next(iter(periods_between([Frequency.HALF_YEAR], today, today)), None)


def cutoff_days(today: date, start: date | None = False) -> list[date]:
    """The half-year ends before ``today`` since the earliest agreement's start (the dashboard's
    over-time points across agreements; one agreement's are a tail of these); ``start``: that
    start, when read already."""
    if start is False:
        start = db.session.scalar(select(func.min(Agreement.period_start)))
    start = _day(start) or date(2023, 1, 1)
    return [p.end for p in periods_between([Frequency.HALF_YEAR], start, today) if p.end < today]


def _in(column, ids):
    return column.in_(ids) if ids is not None else literal(True)


def _within(ids):
    return ids if ids is None or isinstance(ids, BindParameter) else list(ids)


@built_once
def _unit_insert(today: date, scoped: bool):
    """``standings``' rows for today INSERTed, of the commitments the ``IDS`` parameter lists
    (``scoped``) or of all: built once a day, not on each write (building and keying this
    statement cost more than running it for a few commitments)."""
    return insert(Standing.__table__).from_select(list(COLUMNS), _unit_rows(today, IDS if scoped else None))


@built_once
def _cutoff_insert(days: tuple, scoped: bool):
    return insert(StandingCutoff.__table__).from_select(list(CUTOFF_COLUMNS),
                                                        _cutoff_rows(list(days), IDS if scoped else None))


def _ids(ids) -> dict:
    return {} if ids is None else {IDS.key: list(ids)}


def _unit_rows(today: date, ids):
    """The rows of ``standings`` for today, of the commitments ``ids`` (all for None; a list,
    or the expanding parameter ``IDS``)."""
    within = _within(ids)
    period = half_year(today)
    side = status_sql.materialized(status_sql.sides(today, within=within, extra_columns=(
        CooperationArea.restricted.label("restricted"), Commitment.start_date.label("start_date"),
        Agreement.risk_margin.label("margin"))), "side_rows")
    unit = status_sql.materialized(status_sql.commitments(today, within=within, extra_columns=(
        CooperationArea.restricted.label("restricted"),)), "unit_rows")
    open_disputes = disputed_on(today, within).subquery("open_disputes")
    span = status_sql.days_between(side.c.due_date, side.c.start_date)
    risk_day = case(
        (side.c.state.is_(None), add_days(side.c.start_date, (span + 2) // 3)),
        else_=add_days(side.c.start_date, (side.c.percent + side.c.margin) * span // 100 + 1))
    candidates = union_all(
        select(Commitment.id.label("cid"), add_days(status_sql.due_on(today), 1).label("day"))
        .where(_in(Commitment.id, within)),
        select(Commitment.id, Commitment.start_date).where(_in(Commitment.id, within)),
        select(Commitment.id, Commitment.removed_on).where(_in(Commitment.id, within)),
        select(DeadlineExtension.commitment_id, DeadlineExtension.effective_on)
        .where(_in(DeadlineExtension.commitment_id, within)),
        select(Assignment.commitment_id, Assignment.valid_from).where(_in(Assignment.commitment_id, within)),
        select(Assignment.commitment_id, add_days(Assignment.valid_to, 1)).where(_in(Assignment.commitment_id, within)),
        select(side.c.commitment_id, risk_day).where(
            side.c.start_date.is_not(None), side.c.due_date.is_not(None), side.c.at_risk == 0,
            or_(side.c.state.is_(None), side.c.state != "done")),
    ).subquery("candidates")
    valid_to = (select(candidates.c.cid, func.min(candidates.c.day).label("valid_to"))
                .where(candidates.c.day > literal(today, Date)).group_by(candidates.c.cid).subquery("valid_to"))
    zero = literal(0, Integer)
    commitment_rows = (
        select(unit.c.commitment_id, literal("c", String), zero, unit.c.agreement_id, unit.c.area_id,
               unit.c.restricted, _none(Integer), _none(Integer), unit.c.category, unit.c.percent,
               unit.c.open_past_due,
               case((unit.c.commitment_id.in_(select(side.c.commitment_id).where(side.c.at_risk == 1)), 1), else_=0),
               case((unit.c.commitment_id.in_(select(open_disputes.c.commitment_id)), 1), else_=0),
               zero, unit.c.due_date,
               _until(valid_to.c.valid_to, period))
        .select_from(unit).outerjoin(valid_to, valid_to.c.cid == unit.c.commitment_id)
    )
    side_rows = select(
        side.c.commitment_id, literal("s", String), side.c.party_id, side.c.agreement_id, side.c.area_id,
        side.c.restricted, side.c.province_id, _none(Integer), side.c.category, side.c.percent, side.c.open_past_due,
        side.c.at_risk,
        case((exists().where(open_disputes.c.commitment_id == side.c.commitment_id,
                             open_disputes.c.party_id == side.c.party_id), 1), else_=0),
        zero, side.c.due_date, _none(Date))
    reported = exists().where(
        ProgressUpdate.commitment_id == Assignment.commitment_id, ProgressUpdate.agency_id == Assignment.agency_id,
        ProgressUpdate.submitted_at.is_not(None),
        ProgressUpdate.as_of.between(period.start, period.end) if period else literal(False, Boolean))
    lead_rows = (
        select(unit.c.commitment_id, literal("l", String), Assignment.id, unit.c.agreement_id, unit.c.area_id,
               unit.c.restricted, _none(Integer), Assignment.agency_id, _none(String), _none(Float),
               zero, zero, zero, case((reported, 1), else_=0), _none(Date), _none(Date))
        .select_from(unit).join(Assignment, Assignment.commitment_id == unit.c.commitment_id)
        .where(status_sql.lead_held_on(today))
    )
    # The lead rows first: after the others, SQLite (3.40) builds a Bloom filter over every
    # assignment to join them (~12 ms at national scale, on each write), where first it looks up
    # the few of these commitments by index.
    return union_all(lead_rows, commitment_rows, side_rows)


def _until(first_change, period):
    """The earlier of a commitment's first change and the day after the half-year ends."""
    if period is None:
        return first_change
    after = literal(period.end + timedelta(days=1), Date)
    return case((and_(first_change.is_not(None), first_change < after), first_change), else_=after)


def _cutoff_rows(days: list[date], ids):
    within = _within(ids)
    day_table = union_all(*[select(literal(d, Date).label("day")) for d in days]).subquery("cutoffs")
    per_day = status_sql.commitments_by_day(day_table, within).subquery("per_day")
    return (select(per_day.c.day, per_day.c.commitment_id, per_day.c.agreement_id, per_day.c.area_id,
                   CooperationArea.restricted, per_day.c.category, per_day.c.open_past_due)
            .join(CooperationArea, CooperationArea.id == per_day.c.area_id))


def _parse(cutoffs: str) -> list[date]:
    return [date.fromisoformat(d) for d in cutoffs.split(",") if d]


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def refresh(session, today: date, ids, cutoffs: list[date], history: bool = True, count: bool = True,
            known=None, owed: bool = True) -> None:
    """Recompute the rows of the commitments ``ids`` (every commitment for None): today's, and
    with ``history`` their rows at the ``cutoffs`` days too; without ``count`` their agreements'
    counts are left for the caller (a rebuild in parts counts everything once, at its end);
    without ``owed`` their reports owed stay (a new day's: they depend on the agreement's period
    and the data, not on the day; ``standing_periods.new_periods`` renews them when a period
    moves). ``known``: their agreements, when read already."""
    if ids is not None and not ids:
        return
    agreements = known if known is not None else (
        None if ids is None else list(session.scalars(_agreements_of(ids))))
    # The agencies leading them before the refresh and after it (by the assignments on ``today``).
    agencies = None if ids is None or not count else sorted(agencies_leading(session, ids, today))
    session.execute(delete(Standing).where(_in(Standing.commitment_id, list(ids) if ids is not None else None),
                                           literal(True) if owed else Standing.kind != "o"))
    session.execute(_unit_insert(today, ids is not None), _ids(ids))
    if owed:
        standing_periods.owe(session, standing_periods.due_periods(session, today, agreements), ids)
    if history:
        session.execute(delete(StandingCutoff).where(
            _in(StandingCutoff.commitment_id, list(ids) if ids is not None else None)))
        if cutoffs:
            session.execute(_cutoff_insert(tuple(cutoffs), ids is not None), _ids(ids))
    if count:
        recount(session, agreements, agencies, history)


def _agreements_of(ids):
    return select(CooperationArea.agreement_id).join(Commitment, Commitment.area_id == CooperationArea.id).where(
        Commitment.id.in_(list(ids))).distinct()


def _set_state(session, day: date | None, cutoffs: list[date] | None = None) -> None:
    values = {"day": day} if cutoffs is None else {"day": day, "cutoffs": ",".join(d.isoformat() for d in cutoffs)}
    session.execute(update(StandingState).where(StandingState.id == 1).values(**values))


def _states(session, also=None) -> dict:
    """The state rows: 1 (the day the tables hold, NULL while a rebuild is due) and, while a
    rebuild runs in the background, ``BUILD`` (the day it builds, NULL once a change voided it;
    its claim); with ``also`` (a scalar subquery), its value on each, as ``also``."""
    columns = (StandingState.id, StandingState.day, StandingState.cutoffs)
    if also is not None:
        columns += (also.label("also"),)
    return {row.id: row for row in session.execute(select(*columns).where(StandingState.id.in_((1, BUILD))))}


def bring_up_to_date(today: date) -> list[date] | None:
    """The cut-off days ``standing_cutoffs`` holds once ``standings`` hold for ``today``
    (refreshing the rows a new day changed first); None when they cannot serve now (a
    transaction with changes of its own, another day than today, a busy database, a full
    rebuild due): the caller computes live. A full rebuild never runs here: it is queued
    (``standings_build.run``, in bounded transactions, in the background). The one writer of
    these tables on a read."""
    held = serve(today)
    return None if held is None else held[0]


def serve(today: date, also=None) -> tuple[list[date], object] | None:
    """``bring_up_to_date``'s cut-off days, and the value of ``also`` (a scalar subquery the
    reader wants, read in the same statement as the state), or None."""
    session = db.session
    if today != clock.today() or any(session.info.get(flag) for flag in (BUMPED, TOUCHED, EVERYTHING, PERIODS)):
        return None
    found = _states(session, also).get(1)
    value = found.also if found is not None and also is not None else None
    if found is not None and found.day == today:
        return _parse(found.cutoffs), value
    if found is None or found.day is None or found.day > today:
        return _rebuilt(session, today, value if found is not None or also is None else select(also))
    own = session()
    expire, own.expire_on_commit = own.expire_on_commit, False  # the request's user is not read again
    try:
        return _new_day(session, today, value)
    finally:
        own.expire_on_commit = expire


def _new_day(session, today: date, value) -> tuple[list[date], object] | None:
    """``serve`` on the first view of a day: the rows whose day came refreshed, in a transaction
    of their own whose first statement takes the write lock and moves the state to ``today``
    (undone with the rest if the refresh fails; a process that waited for it finds it done)."""
    try:
        session.commit()  # a fresh transaction whose first statement takes the write lock
        moved = session.execute(update(StandingState).where(StandingState.id == 1, StandingState.day < today)
                                .values(day=today).returning(StandingState.cutoffs)).first()
        if moved is None:  # done by another process meanwhile, or no day held: a rebuild is due
            found = _states(session).get(1)
            if found is not None and found.day == today:
                session.commit()
                return _parse(found.cutoffs), value
            if found is not None and found.day is not None:
                _set_state(session, None)
            session.commit()
            return _rebuilt(session, today, value)
        cutoffs = _parse(moved.cutoffs)
        stale, known, moving, start = standing_periods.held(standing_periods.stale(session, today), today)
        if cutoff_days(today, start) != cutoffs or len(stale) > MAX_IDS:
            _set_state(session, None)
            session.commit()
            return _rebuilt(session, today, value)
        refresh(session, today, stale, cutoffs, history=False, known=known, owed=False)
        if moving:
            standing_periods.new_periods(session, today)
        session.commit()
    except OperationalError:  # busy: this view computes live, a later one refreshes
        session.rollback()
        return None
    return cutoffs, value


def _rebuilt(session, today: date, value):
    """``_rebuild_later``'s cut-offs with ``value`` (a statement: its value read then), or None."""
    cutoffs = _rebuild_later(session, today)
    if cutoffs is None:
        return None
    return cutoffs, session.scalar(value) if hasattr(value, "subquery") else value


def _rebuild_later(session, today: date) -> list[date] | None:
    """Queue the full rebuild (unless one runs); the cut-offs if it ran at once (no request)."""
    from tracker import jobs
    from tracker.status import standings_build

    if standings_build.running(_states(session).get(BUILD)):
        return None
    if session.scalar(select(func.count(Commitment.id))) <= standings_build.INLINE:
        try:  # a small plan: the whole rebuild is one part's work (well under a second), done here
            standings_build.run()
        except OperationalError:  # busy: this view computes live, a later one rebuilds
            session.rollback()
            return None
    else:
        jobs.enqueue_long("tracker.status.standings_build:run")
    found = _states(session).get(1)
    return _parse(found.cutoffs) if found is not None and found.day == today else None


@event.listens_for(Session, "before_commit")
def _refresh_touched(session) -> None:
    everything, touched = session.info.pop(EVERYTHING, False), session.info.pop(TOUCHED, None) or set()
    periods = session.info.pop(PERIODS, False)
    if not everything and not touched and not periods:
        return
    states = {row.id: row for row in session.execute(
        select(StandingState.id, StandingState.day, StandingState.cutoffs)
        .where(StandingState.id.in_((1, BUILD))).with_for_update())}  # PostgreSQL: one refresher at a time
    state, build = states.get(1), states.get(BUILD)
    if build is not None and build.day is not None:  # a rebuild runs: keep its rows current, or void it
        if everything or periods or build.day != clock.today() or len(touched) > MAX_IDS:
            session.execute(update(StandingState).where(StandingState.id == BUILD).values(day=None))
        elif touched:
            refresh(session, build.day, sorted(touched), _parse(state.cutoffs) if state else [], count=False)
    if state is None or state.day is None:
        return
    if everything or state.day != clock.today() or len(touched) > MAX_IDS:
        _set_state(session, None)
        return
    if periods and cutoff_days(state.day) != _parse(state.cutoffs):  # the earliest start moved
        _set_state(session, None)
        return
    if touched:
        refresh(session, state.day, sorted(touched), _parse(state.cutoffs))
    if periods:
        standing_periods.new_periods(session, state.day, every=True)


@event.listens_for(Session, "after_rollback")
def _forget_touched(session) -> None:
    for flag in (EVERYTHING, TOUCHED, PERIODS):
        session.info.pop(flag, None)

"""The kept reports owed (``standings`` kind ``o``) and each agreement's period they are owed for
(``standing_periods``), and what a new day reads before refreshing (``stale``).

An agreement's period moves only on the day after a deadline passes (``periods.last_due_and_next``):
``standing_periods``' row ``NEXT`` keeps the first such day across agreements, so a new day
before it reads no schedule and no calendar.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, delete, func, insert, literal, select, union_all

from tracker.models import Agreement, ReportingSchedule, Standing, StandingPeriod
from tracker.status.calendar import calendar
from tracker.status.obligations import judged, owed
from tracker.status.periods import last_due_and_next
from tracker.status.standing_counts import recount

NEXT = 0  # standing_periods' row (no agreement) whose deadline is the first day a period can move


def _none(type_):
    return literal(None, type_)


def day_of(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def due_periods(session, today: date, agreements, following: bool = False):
    """Each agreement's (of ``agreements``, a statement of ids; all for None) last due period
    today; with ``following``, also the first day any of them can move (None: no agreement)."""
    stmt = select(Agreement, ReportingSchedule).outerjoin(ReportingSchedule, ReportingSchedule.agreement_id == Agreement.id)
    if agreements is not None:
        stmt = stmt.where(Agreement.id.in_(agreements))
    days = calendar()
    found = {agreement.id: last_due_and_next(agreement, schedule, today, days)
             for agreement, schedule in session.execute(stmt)}
    periods = {a: period for a, (period, _next) in found.items()}
    return (periods, min((n for _p, n in found.values()), default=None)) if following else periods


def period_rows(periods: dict, following: date | None) -> list[dict]:
    """``standing_periods``' rows: each agreement's period, and the day the first can move (``NEXT``)."""
    return [{"agreement_id": a, "period_key": p.key if p else None, "label": p.label_vi if p else None,
             "deadline": p.deadline if p else None} for a, p in periods.items()] + [
        {"agreement_id": NEXT, "period_key": None, "label": None, "deadline": following}]


def owe(session, periods: dict, ids) -> None:
    """The reports owed for each agreement's period (``compliance.obligations``' rows), of ``ids``."""
    groups: dict = {}
    for agreement_id, period in periods.items():
        if period is not None:
            groups.setdefault(period, set()).add(agreement_id)
    rows = []
    for period, agreements in groups.items():
        for (agency_id, _name, _province, cid, _code, _title, area_id, assignment_id, submitted, agreement_id,
             restricted) in session.execute(owed(agreements, period, within=None if ids is None else list(ids))):
            rows.append({"commitment_id": cid, "kind": "o", "key_id": assignment_id, "agreement_id": agreement_id,
                         "area_id": area_id, "restricted": restricted, "agency_id": agency_id,
                         "category": judged(submitted, period), "open_past_due": 0, "at_risk": 0, "disputed": 0,
                         "reported": 0})
    if rows:
        session.execute(insert(Standing), rows)


def new_periods(session, today: date, every: bool = False) -> None:
    """A new day on which a period can have moved (``NEXT``): the agreements whose last due
    period changed get their owed reports afresh; with ``every``, all agreements (the calendar
    moved the deadlines, and with them whether each report was on time)."""
    held = {} if every else {
        a: k for a, k in session.execute(select(StandingPeriod.agreement_id, StandingPeriod.period_key))}
    now, following = due_periods(session, today, None, following=True)
    moved = {a: p for a, p in now.items() if a not in held or held[a] != (p.key if p else None)}
    session.execute(delete(StandingPeriod).where(StandingPeriod.agreement_id.in_([*moved, NEXT])))
    if moved:
        session.execute(delete(Standing).where(Standing.kind == "o", Standing.agreement_id.in_(list(moved))))
        owe(session, moved, None)
        recount(session, list(moved), [], history=False)  # the cut-offs' counts do not move with periods
    session.execute(insert(StandingPeriod), period_rows(moved, following))


def stale(session, today: date):
    """One statement: the commitments whose day came (``c``: with their agreement), the day the
    first agreement's period can move (``p``: agreement ``NEXT``), the earliest agreement's
    start (``s``). (The agencies leading them are read by their ids: a subquery
    here is planned as a scan of every lead row when the statistics are stale.)"""
    S, P = Standing, StandingPeriod
    due = (S.kind == "c", S.valid_to <= today)
    none_i, none_s, none_d = _none(Integer), _none(String), _none(Date)
    return session.execute(union_all(
        select(literal("c", String), S.commitment_id, S.agreement_id, none_s, none_d).where(*due),
        select(literal("p", String), none_i, P.agreement_id, P.period_key, P.deadline).where(P.agreement_id == NEXT),
        select(literal("s", String), none_i, none_i, none_s, func.min(Agreement.period_start)),
    )).all()


def held(rows, today: date):
    """From ``stale``'s rows: the stale commitments, their agreements (``refresh``'s ``known``; a
    new day leaves the reports owed to ``new_periods``), whether a period can move today, and
    the earliest agreement's start."""
    ids, agreements, following, start = [], set(), None, None
    for part, cid, key, _period_key, day in rows:
        if part == "c":
            ids.append(cid)
            agreements.add(key)
        elif part == "s":
            start = day
        else:
            following = day_of(day)
    return ids, sorted(agreements), following is None or today >= following, start

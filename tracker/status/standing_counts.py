"""The kept standings counted per agreement (``standing_counts``), recounted for the agreements
a refresh touched: the dashboard across all agreements then adds up a few thousand rows
instead of grouping every commitment, side, lead and cut-off row."""
from __future__ import annotations

from sqlalchemy import Date, Float, Integer, String, Text, and_, case, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from tracker.models import Assignment, CooperationArea, Standing, StandingCount, StandingCutoff
from tracker.status import sql as status_sql

DONE = ("done_on_time", "done_late")
COLUMNS = ("kind", "agreement_id", "restricted", "day", "number", "name", "name_en", "province_id", "agency_id",
           "category", "open_past_due", "disputed", "at_risk", "n", "pct_sum", "pct_n", "submitted")


def _none(type_):
    return literal(None, type_)


def _rows(agreements, agencies, history: bool = True):
    """One SELECT (a UNION ALL) of every count of the agreements ``agreements`` selects (all for
    None), and of the agencies ``agencies`` lists: an agency's are kept across agreements
    (agreement 0), there being nearly as many (agreement, agency) pairs as lead assignments."""
    S, C = Standing, StandingCutoff

    def of(table, stmt):
        return stmt if agreements is None else stmt.where(table.agreement_id.in_(agreements))

    headline = of(S, select(
        literal("c", String), S.agreement_id, S.restricted, _none(Date), _none(Integer), _none(Text), _none(Text),
        _none(Integer), _none(Integer), S.category, S.open_past_due, S.disputed, S.at_risk, func.count(),
        _none(Float), _none(Integer), _none(Integer))
        .where(S.kind == "c")
        .group_by(S.agreement_id, S.restricted, S.category, S.open_past_due, S.disputed, S.at_risk))
    sides = of(S, select(
        literal("s", String), S.agreement_id, S.restricted, _none(Date), CooperationArea.number,
        func.min(CooperationArea.name), func.min(CooperationArea.name_en), S.province_id, _none(Integer), S.category,
        _none(Integer), _none(Integer), func.sum(S.at_risk), func.count(), func.sum(S.percent), func.count(S.percent),
        _none(Integer))
        .join(CooperationArea, CooperationArea.id == S.area_id).where(S.kind == "s")
        .group_by(S.agreement_id, S.restricted, CooperationArea.number, S.province_id, S.category))
    cutoffs = of(C, select(
        literal("k", String), C.agreement_id, C.restricted, C.day, _none(Integer), _none(Text), _none(Text),
        _none(Integer), _none(Integer), C.category, C.open_past_due, _none(Integer), _none(Integer), func.count(),
        _none(Float), _none(Integer), _none(Integer))
        .group_by(C.agreement_id, C.restricted, C.day, C.category, C.open_past_due))
    unit = aliased(Standing)
    open_ = unit.category.not_in(DONE)
    per_agency = (select(
        literal("a", String), literal(0, Integer), S.restricted, _none(Date), _none(Integer), _none(Text), _none(Text),
        _none(Integer), S.agency_id, _none(String), func.sum(unit.open_past_due), _none(Integer), _none(Integer),
        func.sum(case((open_, 1), else_=0)), _none(Float), _none(Integer),
        func.sum(case((and_(open_, S.reported == 1), 1), else_=0)))
        .join(unit, and_(unit.commitment_id == S.commitment_id, unit.kind == "c", unit.key_id == 0))
        .where(S.kind == "l").group_by(S.restricted, S.agency_id))
    if agencies is not None:
        per_agency = per_agency.where(S.agency_id.in_(agencies))
    owed = of(S, select(
        literal("o", String), S.agreement_id, S.restricted, _none(Date), _none(Integer), _none(Text), _none(Text),
        _none(Integer), _none(Integer), S.category, _none(Integer), _none(Integer), _none(Integer), func.count(),
        _none(Float), _none(Integer), _none(Integer))
        .where(S.kind == "o").group_by(S.agreement_id, S.restricted, S.category))
    parts = ([headline, sides, *([cutoffs] if history else []), owed] if agreements is None or agreements else [])
    if agencies is None or agencies:
        parts.append(per_agency)
    return union_all(*parts) if parts else None


def agencies_leading(session, ids, today=None) -> set[int]:
    """The agencies with a kept lead row on the commitments ``ids`` and, with ``today``, those
    leading them on that day by the assignments (the agencies a refresh of ``ids`` recounts:
    before and after it, read in one statement before it)."""
    kept = select(Standing.agency_id).where(Standing.kind == "l", Standing.commitment_id.in_(list(ids)))
    if today is not None:
        kept = kept.union(select(Assignment.agency_id).where(
            Assignment.commitment_id.in_(list(ids)), status_sql.lead_held_on(today)))
    return set(session.scalars(kept if today is not None else kept.distinct()))


def recount(session, agreements, agencies, history: bool = True) -> None:
    """Count afresh the agreements ``agreements`` and the agencies ``agencies`` (lists; None: all);
    without ``history``, the cut-offs' counts stay (their rows did not change). The agencies
    are read as a list first: SQLite, given an IN over a subquery or an OR of two, read every
    lead row (10-20 ms on each write at national scale) where a list takes the agency index."""
    rows = _rows(agreements, agencies, history)
    if rows is None:
        return
    if agreements is None and agencies is None and history:
        session.execute(delete(StandingCount))
    else:
        session.execute(delete(StandingCount).where(or_(
            and_(StandingCount.kind.not_in(("a",) if history else ("a", "k")),
                 StandingCount.agreement_id.in_(agreements or [])),
            and_(StandingCount.kind == "a", StandingCount.agency_id.in_(agencies or [])))))
    session.execute(insert(StandingCount).from_select(list(COLUMNS), rows))

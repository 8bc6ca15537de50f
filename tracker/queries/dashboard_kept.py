"""The dashboard as of today from the kept standings (``status.standings``), not from the spans.

The same figures as ``dashboard.build`` (tests compare the two on random histories), read
from small tables kept up to date by the writes and by each new day: a handful of GROUP BYs
over one row per commitment, side or lead assignment. Filters it serves: agreement and field;
any other (a past date, a province, an agency, a meeting) goes to ``dashboard.build``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Date, Float, Integer, String, Text, and_, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from tracker.domain.dashboard import AgencyLine, Dashboard, Filters, PeriodPoint, Upcoming
from tracker.domain.periods import Frequency, periods_between
from tracker.domain.status import CATEGORY_ORDER
from tracker.extensions import db
from tracker.models import Agency, Agreement, Commitment, CooperationArea, Standing, StandingCount, StandingCutoff, StandingPeriod
from tracker.queries.compliance import LATE, ON_TIME, ComplianceFigure
from tracker.queries import dashboard as live
from tracker.queries.commitments import hidden_restricted
from tracker.status import standings

DONE = ("done_on_time", "done_late")
OVERDUE = ("in_progress_overdue", "done_late")


def serves(f: Filters, today: date) -> bool:
    return f.as_of in (None, today) and f.province is None and f.agency is None and f.meeting is None


def _scoped(stmt, table, f: Filters, see_restricted: bool):
    if f.agreement is not None:
        stmt = stmt.where(table.agreement_id == f.agreement)
    if f.area is not None:
        stmt = stmt.where(table.area_id == f.area)
    if not see_restricted:
        stmt = stmt.where(table.restricted.is_(False))
    return stmt


def build(f: Filters, today: date, see_restricted: bool, period_label: str | None = None) -> Dashboard | None:
    """``dashboard.build(f, today, …)`` from the standings, or None when they cannot serve. Three
    statements: the state (with the over-time figures' first day), every figure's GROUP BY in one
    UNION ALL, the upcoming deadlines (and the provinces' names, ``dashboard._provinces``)."""
    if not serves(f, today):
        return None
    first = select(func.min(Agreement.period_start)).scalar_subquery()
    if f.agreement is not None:
        first = func.coalesce(select(Agreement.period_start).where(Agreement.id == f.agreement).scalar_subquery(),
                              first)
    held = standings.serve(today, first)
    if held is None:
        return None
    start = live._as_date(held[1]) if held[1] is not None else date(2023, 1, 1)
    cutoffs = [p for p in periods_between([Frequency.HALF_YEAR], start, today) if p.end <= today]
    if any(p.end < today and p.end not in held[0] for p in cutoffs):
        return None
    # Across all agreements, the counts kept per agreement add up; within one, its own rows.
    K = StandingCount if f.agreement is None and f.area is None else None
    past = [p.end for p in cutoffs if p.end < today]
    parts: dict[str, list] = {part: [] for part in "cskaop"}
    for row in db.session.execute(_figures(f, see_restricted, past, K)):
        parts[row[0]].append(row[1:])

    # 1. Headline counts (with the restricted ones of the scope, for the one number told about them).
    categories, deadlines, disputed, at_risk, restricted_n = live.headline(
        ((t1, b, c, e, n, a) for a, b, c, e, t1, _t2, _t3, _d, n, _x, _m in parts["c"]), see_restricted)
    hidden = 0 if see_restricted else (restricted_n if f.area is None else hidden_restricted(f.agreement, today))

    # 2. Field × province.
    provinces = live._provinces()
    by_field = live.field_cells(((a, b, t2, t3, c, t1, n, x, m, e) for a, b, c, e, t1, t2, t3, _d, n, x, m
                                 in parts["s"]), provinces)

    # 3. Over time: past cut-offs from their kept rows, a cut-off today from today's.
    over_time = _over_time(today, cutoffs, parts["k"], categories, deadlines["open_past_due"])

    # 4. Agencies: the lead assignments held today, with their commitment's standing.
    period = standings.half_year(today)
    agencies = [AgencyLine(a, t2, int(n or 0), int(e or 0), int(m or 0))
                for a, _b, _c, e, _t1, t2, _t3, _d, n, _x, m in parts["a"]]
    agencies.sort(key=lambda a: (-(a.due - a.submitted), -a.overdue, a.agency_name))

    # 5. Upcoming deadlines within 90 days, not finished.
    S = Standing
    up_stmt = _scoped(
        select(Commitment.id, Commitment.code, Commitment.title, S.due_date)
        .join(Commitment, Commitment.id == S.commitment_id)
        .where(S.kind == "c", S.category.not_in(DONE), S.due_date.between(today, today + timedelta(days=90)))
        .order_by(S.due_date, Commitment.sort_key), S, f, see_restricted)
    upcoming = [Upcoming(cid, code, title, live._as_date(day), (live._as_date(day) - today).days)
                for cid, code, title, day in db.session.execute(up_stmt)]

    # 6. Compliance: the reports owed for each agreement's last due period, kept with their status.
    compliance = _compliance(f, parts["p"], parts["o"])
    return live.assemble(
        f, today, categories, compliance, period, period_label, agencies, upcoming, hidden_restricted=hidden,
        by_field=by_field, over_time=over_time, unit="commitments", deadlines=deadlines,
        sides=live._sides_by_province(by_field, provinces), at_risk=at_risk, disputed=disputed)


def _row(part: str, a=None, b=None, c=None, e=None, t1=None, t2=None, t3=None, d=None, n=None, x=None, m=None):
    """One UNION ALL branch's columns: the part's letter, four integers, three texts, a date, a
    count, a float and an integer (NULL where the part has none)."""
    def of(value, type_):
        return literal(None, type_) if value is None else value
    return (literal(part, String), of(a, Integer), of(b, Integer), of(c, Integer), of(e, Integer), of(t1, Text),
            of(t2, Text), of(t3, Text), of(d, Date), of(n, Integer), of(x, Float), of(m, Integer))


def _figures(f: Filters, see_restricted: bool, past: list[date], K):
    """Every figure's GROUP BY in one statement: ``c`` headline (a: restricted, b: open past due,
    c: disputed, e: at risk, t1: category), ``s`` field × province (a: area, b: number, c:
    province, e: at risk, t1: category, t2/t3: names, x/m: percent sum and count), ``k`` past
    cut-offs (b: open past due, t1: category, d: day), ``a`` agencies (a: id, t2: name, n: open,
    e: reported, m: open past due), ``o`` reports owed (t1: category), ``p`` the agreements'
    periods (a: agreement, t1: key, t2: label, d: deadline)."""
    S, C, P = Standing, StandingCutoff, StandingPeriod
    restricted = case((S.restricted, 1), else_=0) if K is None else case((K.restricted, 1), else_=0)
    if K is not None:
        parts = [
            select(*_row("c", restricted, K.open_past_due, K.disputed, K.at_risk, K.category, n=func.sum(K.n)))
            .where(K.kind == "c").group_by(K.category, K.open_past_due, K.disputed, K.at_risk, K.restricted),
            _scoped(select(*_row("s", None, K.number, K.province_id, func.sum(K.at_risk), K.category, func.min(K.name),
                                 func.min(K.name_en), n=func.sum(K.n), x=func.sum(K.pct_sum), m=func.sum(K.pct_n)))
                    .where(K.kind == "s").group_by(K.number, K.province_id, K.category), K, f, see_restricted),
            _scoped(select(*_row("a", Agency.id, e=func.sum(K.submitted), t2=Agency.name, n=func.sum(K.n),
                                 m=func.sum(K.open_past_due)))
                    .select_from(K).join(Agency, Agency.id == K.agency_id).where(K.kind == "a")
                    .group_by(Agency.id, Agency.name), K, f, see_restricted),
            _scoped(select(*_row("o", t1=K.category, n=func.sum(K.n))).where(K.kind == "o").group_by(K.category),
                    K, f, see_restricted),
        ]
        if past:
            parts.append(_scoped(select(*_row("k", b=K.open_past_due, t1=K.category, d=K.day, n=func.sum(K.n)))
                                 .where(K.kind == "k", K.day.in_(past)).group_by(K.day, K.category, K.open_past_due),
                                 K, f, see_restricted))
    else:
        unit = aliased(Standing)
        open_ = unit.category.not_in(DONE)
        parts = [
            _scoped(select(*_row("c", restricted, S.open_past_due, S.disputed, S.at_risk, S.category, n=func.count()))
                    .where(S.kind == "c").group_by(S.category, S.open_past_due, S.disputed, S.at_risk, S.restricted),
                    S, Filters(agreement=f.agreement, area=f.area), True),
            _scoped(select(*_row("s", S.area_id, CooperationArea.number, S.province_id, func.sum(S.at_risk), S.category,
                                 func.min(CooperationArea.name), func.min(CooperationArea.name_en), n=func.count(),
                                 x=func.sum(S.percent), m=func.count(S.percent)))
                    .join(CooperationArea, CooperationArea.id == S.area_id).where(S.kind == "s")
                    .group_by(S.area_id, CooperationArea.number, S.province_id, S.category), S, f, see_restricted),
            _scoped(select(*_row("a", Agency.id, e=func.sum(case((and_(open_, S.reported == 1), 1), else_=0)),
                                 t2=Agency.name, n=func.sum(case((open_, 1), else_=0)), m=func.sum(unit.open_past_due)))
                    .select_from(S)
                    .join(unit, and_(unit.commitment_id == S.commitment_id, unit.kind == "c", unit.key_id == 0))
                    .join(Agency, Agency.id == S.agency_id)
                    .where(S.kind == "l").group_by(Agency.id, Agency.name), S, f, see_restricted),
            _scoped(select(*_row("o", t1=S.category, n=func.count())).where(S.kind == "o").group_by(S.category),
                    S, f, see_restricted),
        ]
        if past:
            parts.append(_scoped(select(*_row("k", b=C.open_past_due, t1=C.category, d=C.day, n=func.count()))
                                 .where(C.day.in_(past)).group_by(C.day, C.category, C.open_past_due),
                                 C, f, see_restricted))
    periods = select(*_row("p", P.agreement_id, t1=P.period_key, t2=P.label, d=P.deadline)).where(
        P.period_key.is_not(None))
    parts.append(periods if f.agreement is None else periods.where(P.agreement_id == f.agreement))
    return union_all(*parts)


def _over_time(today: date, cutoffs, rows, categories, open_past_due) -> list[PeriodPoint]:
    tallies: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _a, late, _c, _e, category, _t2, _t3, day, n, _x, _m in rows:
        tally = tallies[live._as_date(day)]
        tally[category] += n
        tally["open_past_due"] += n if late else 0
    if any(p.end == today for p in cutoffs):
        tallies[today].update(categories)
        tallies[today]["open_past_due"] = open_past_due
    return [PeriodPoint(p.key, p.label_vi, p.end, sum(t.get(c.value, 0) for c in CATEGORY_ORDER),
                        sum(t.get(c, 0) for c in DONE), sum(t.get(c, 0) for c in OVERDUE), t.get("open_past_due", 0))
            for p in cutoffs for t in (tallies.get(p.end, {}),)]


def _compliance(f: Filters, periods, owed) -> ComplianceFigure:
    """``compliance.figure`` for these filters, from the kept periods and owed reports."""
    single = f.agreement
    found = [(key, label, live._as_date(deadline))
             for _agreement, key, label, deadline in sorted((r[0], r[4], r[5], r[7]) for r in periods)]
    if not found:
        return ComplianceFigure(None, None, None, single)
    key, label, deadline = max(dict.fromkeys(found), key=lambda p: p[2])
    counts = {t1: int(n) for _a, _b, _c, _e, t1, _t2, _t3, _d, n, _x, _m in owed}
    on_time, late = counts.get(ON_TIME, 0), counts.get(LATE, 0)
    return ComplianceFigure(key, label, deadline, single, sum(counts.values()), on_time, late)

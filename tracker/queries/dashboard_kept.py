"""The dashboard as of today from the kept standings (``status.standings``), not from the spans.

The same figures as ``dashboard.build`` (tests compare the two on random histories), read
from small tables kept up to date by the writes and by each new day: a handful of GROUP BYs
over one row per commitment, side or lead assignment. Filters it serves: agreement and field;
any other (a past date, a province, an agency, a meeting) goes to ``dashboard.build``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import aliased

from tracker.domain.dashboard import AgencyLine, Dashboard, Filters, PeriodPoint, Upcoming
from tracker.domain.periods import Frequency, periods_between
from tracker.domain.status import CATEGORY_ORDER
from tracker.extensions import db
from tracker.models import Agency, Commitment, CooperationArea, Standing, StandingCount, StandingCutoff, StandingPeriod
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
    """``dashboard.build(f, today, …)`` from the standings, or None when they cannot serve."""
    if not serves(f, today):
        return None
    held = standings.bring_up_to_date(today)
    if held is None:
        return None
    start = live._start(f)
    cutoffs = [p for p in periods_between([Frequency.HALF_YEAR], start, today) if p.end <= today]
    if any(p.end < today and p.end not in held for p in cutoffs):
        return None
    S = Standing
    # Across all agreements, the counts kept per agreement add up; within one, its own rows.
    K = StandingCount if f.agreement is None and f.area is None else None

    # 1. Headline counts (with the restricted ones of the scope, for the one number told about them).
    if K is not None:
        head = (select(K.category, K.open_past_due, K.disputed, K.at_risk, K.restricted, func.sum(K.n))
                .where(K.kind == "c").group_by(K.category, K.open_past_due, K.disputed, K.at_risk, K.restricted))
    else:
        head = _scoped(select(S.category, S.open_past_due, S.disputed, S.at_risk, S.restricted, func.count())
                       .where(S.kind == "c").group_by(S.category, S.open_past_due, S.disputed, S.at_risk, S.restricted),
                       S, Filters(agreement=f.agreement, area=f.area), True)
    categories = {c.value: 0 for c in CATEGORY_ORDER}
    deadlines = {"open_past_due": 0, "without_report": 0, "done_late": 0}
    disputed = at_risk = restricted_n = 0
    for category, open_past_due, is_disputed, is_at_risk, restricted, n in db.session.execute(head):
        restricted_n += n if restricted else 0
        if restricted and not see_restricted:
            continue
        categories[category] += n
        disputed += n if is_disputed else 0
        at_risk += n if is_at_risk else 0
        if open_past_due:
            deadlines["open_past_due"] += n
            deadlines["without_report"] += n if category == "no_report" else 0
    deadlines["done_late"] = categories["done_late"]
    hidden = 0 if see_restricted else (restricted_n if f.area is None else hidden_restricted(f.agreement, today))

    # 2. Field × province.
    per_area = f.agreement is not None or f.area is not None
    area_key = S.area_id if per_area else literal(None).label("area_id")
    group = (S.area_id,) if per_area else ()
    if K is not None:
        stmt = _scoped(
            select(literal(None).label("area_id"), K.number, func.min(K.name), func.min(K.name_en), K.province_id,
                   K.category, func.sum(K.n), func.sum(K.pct_sum), func.sum(K.pct_n), func.sum(K.at_risk))
            .where(K.kind == "s").group_by(K.number, K.province_id, K.category), K, f, see_restricted)
    else:
        stmt = _scoped(
            select(area_key, CooperationArea.number, func.min(CooperationArea.name), func.min(CooperationArea.name_en),
                   S.province_id, S.category, func.count(), func.sum(S.percent), func.count(S.percent),
                   func.sum(S.at_risk))
            .join(CooperationArea, CooperationArea.id == S.area_id).where(S.kind == "s")
            .group_by(*group, CooperationArea.number, S.province_id, S.category), S, f, see_restricted)
    provinces = live._provinces()
    by_field = live.field_cells(db.session.execute(stmt), provinces)

    # 3. Over time: past cut-offs from their kept rows, a cut-off today from today's.
    over_time = _over_time(f, see_restricted, today, cutoffs, categories, deadlines["open_past_due"], K)

    # 4. Agencies: the lead assignments held today, with their commitment's standing.
    period = standings.half_year(today)
    unit = aliased(Standing)
    lead = S
    open_ = unit.category.not_in(DONE)
    if K is not None:
        agency_stmt = _scoped(
            select(Agency.id, Agency.name, func.sum(K.n), func.sum(K.submitted), func.sum(K.open_past_due))
            .select_from(K).join(Agency, Agency.id == K.agency_id).where(K.kind == "a").group_by(Agency.id, Agency.name),
            K, f, see_restricted)
    else:
        agency_stmt = _scoped(
            select(Agency.id, Agency.name, func.sum(case((open_, 1), else_=0)),
                   func.sum(case((and_(open_, lead.reported == 1), 1), else_=0)), func.sum(unit.open_past_due))
            .select_from(lead)
            .join(unit, and_(unit.commitment_id == lead.commitment_id, unit.kind == "c", unit.key_id == 0))
            .join(Agency, Agency.id == lead.agency_id)
            .where(lead.kind == "l").group_by(Agency.id, Agency.name), lead, f, see_restricted)
    agencies = [AgencyLine(aid, name, int(due or 0), int(sub or 0), int(over or 0))
                for aid, name, due, sub, over in db.session.execute(agency_stmt)]
    agencies.sort(key=lambda a: (-(a.due - a.submitted), -a.overdue, a.agency_name))

    # 5. Upcoming deadlines within 90 days, not finished.
    up_stmt = _scoped(
        select(Commitment.id, Commitment.code, Commitment.title, S.due_date)
        .join(Commitment, Commitment.id == S.commitment_id)
        .where(S.kind == "c", S.category.not_in(DONE), S.due_date.between(today, today + timedelta(days=90)))
        .order_by(S.due_date, Commitment.sort_key), S, f, see_restricted)
    upcoming = [Upcoming(cid, code, title, live._as_date(day), (live._as_date(day) - today).days)
                for cid, code, title, day in db.session.execute(up_stmt)]
    upcoming_counts = {d: sum(1 for u in upcoming if u.days_left <= d) for d in (30, 60, 90)}

    # 6. Compliance: the reports owed for each agreement's last due period, kept with their status.
    compliance = _compliance(f, see_restricted, K)
    return Dashboard(
        filters=f, as_of=today, total=sum(categories.values()), categories=categories, hidden_restricted=hidden,
        compliance_due=compliance.due, compliance_submitted=compliance.on_time + compliance.late,
        period_label=period.label_vi if period else period_label, period_key=period.key if period else None,
        by_field=by_field, over_time=over_time,
        agencies=agencies[:25], upcoming=upcoming[:50], upcoming_counts=upcoming_counts,
        unit="commitments", deadlines=deadlines, sides=live._sides_by_province(by_field, provinces),
        at_risk=at_risk, disputed=disputed,
        compliance={"period": compliance.period, "label": compliance.label,
                    "deadline": compliance.deadline.isoformat() if compliance.deadline else None,
                    "agreement": compliance.agreement, "due": compliance.due, "on_time": compliance.on_time,
                    "late": compliance.late},
    )


def _over_time(f: Filters, see_restricted: bool, today: date, cutoffs, categories, open_past_due,
               K) -> list[PeriodPoint]:
    tallies: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    past = [p.end for p in cutoffs if p.end < today]
    if past:
        if K is not None:
            stmt = _scoped(select(K.day, K.category, K.open_past_due, func.sum(K.n)).where(
                K.kind == "k", K.day.in_(past)).group_by(K.day, K.category, K.open_past_due), K, f, see_restricted)
        else:
            C = StandingCutoff
            stmt = _scoped(select(C.day, C.category, C.open_past_due, func.count()).where(C.day.in_(past))
                           .group_by(C.day, C.category, C.open_past_due), C, f, see_restricted)
        for day, category, late, n in db.session.execute(stmt):
            tally = tallies[day if isinstance(day, date) else date.fromisoformat(str(day))]
            tally[category] += n
            tally["open_past_due"] += n if late else 0
    if any(p.end == today for p in cutoffs):
        tallies[today].update(categories)
        tallies[today]["open_past_due"] = open_past_due
    return [PeriodPoint(p.key, p.label_vi, p.end, sum(t.get(c.value, 0) for c in CATEGORY_ORDER),
                        sum(t.get(c, 0) for c in DONE), sum(t.get(c, 0) for c in OVERDUE), t.get("open_past_due", 0))
            for p in cutoffs for t in (tallies.get(p.end, {}),)]


def _compliance(f: Filters, see_restricted: bool, K) -> ComplianceFigure:
    """``compliance.figure`` for these filters, from the kept periods and owed reports."""
    single = f.agreement
    periods = select(StandingPeriod.period_key, StandingPeriod.label, StandingPeriod.deadline).where(
        StandingPeriod.period_key.is_not(None)).order_by(StandingPeriod.agreement_id)
    if f.agreement is not None:
        periods = periods.where(StandingPeriod.agreement_id == f.agreement)
    found = [(key, label, live._as_date(deadline)) for key, label, deadline in db.session.execute(periods)]
    if not found:
        return ComplianceFigure(None, None, None, single)
    key, label, deadline = max(dict.fromkeys(found), key=lambda p: p[2])
    if K is not None:
        stmt = select(K.category, func.sum(K.n)).where(K.kind == "o").group_by(K.category)
    else:
        stmt = select(Standing.category, func.count()).where(Standing.kind == "o").group_by(Standing.category)
    counts = {c: int(n) for c, n in db.session.execute(_scoped(stmt, K if K is not None else Standing, f,
                                                                see_restricted)).all()}
    on_time, late = counts.get(ON_TIME, 0), counts.get(LATE, 0)
    return ComplianceFigure(key, label, deadline, single, sum(counts.values()), on_time, late)

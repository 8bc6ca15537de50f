"""The dashboard's figures, aggregated in SQL (GROUP BY over the side-status spans).

A fixed number of statements whatever the data's size: counts by category, restricted
count, field × province, periods over time, agencies, upcoming deadlines, compliance.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, delete, exists, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError

from tracker.domain.dashboard import (
    AgencyLine,
    Dashboard,
    FieldProvinceCounts,
    Filters,
    PeriodPoint,
    Upcoming,
    from_plain,
    to_plain,
)
from tracker.domain.periods import Frequency, periods_between
from tracker.domain.status import CATEGORY_ORDER
from tracker.extensions import db
from tracker.models import (
    Agency,
    Agreement,
    AgreementParty,
    ChangeCounter,
    FigureCache,
    Assignment,
    Commitment,
    CooperationArea,
    Province,
    ProvinceSuccession,
    ProgressUpdate,
)
from tracker.models.cache import bump
from tracker.queries import status_sql
from tracker.queries.commitments import agency_lineage, province_lineage

DONE = ("done_on_time", "done_late")
OVERDUE = ("in_progress_overdue", "done_late")


def _scope(stmt, f: Filters, see_restricted: bool, *, province_ids=None, agency_ids=None, restricted=None):
    """Apply the filters to a statement whose FROM has Commitment and CooperationArea."""
    if f.agreement is not None:
        stmt = stmt.where(CooperationArea.agreement_id == f.agreement)
    if f.area is not None:
        stmt = stmt.where(Commitment.area_id == f.area)
    if restricted is not None:
        stmt = stmt.where(CooperationArea.restricted.is_(restricted))
    elif not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    if province_ids is not None:
        stmt = stmt.where(exists().where(
            AgreementParty.agreement_id == CooperationArea.agreement_id, AgreementParty.province_id.in_(province_ids)))
    if agency_ids is not None:
        stmt = stmt.where(exists().where(Assignment.commitment_id == Commitment.id, Assignment.agency_id.in_(agency_ids)))
    return stmt


def build(f: Filters, today: date, see_restricted: bool, period_label: str | None = None) -> Dashboard:
    as_of = f.as_of or today
    province_ids = province_lineage(f.province) if f.province else None
    agency_ids = agency_lineage(f.agency) if f.agency else None
    scope = dict(province_ids=province_ids, agency_ids=agency_ids)

    # The commitments in scope, so spans are read for them only.
    within = _scope(select(Commitment.id).join(CooperationArea), f, True, **scope) if _narrowed(f) else None
    source = status_sql.spans_on(as_of, within)

    # 1. Headline counts: commitment categories, or one province's side when a province is chosen.
    if province_ids is None:
        rows = status_sql.commitments(as_of, source, within=within).subquery()
    else:
        rows = status_sql.sides(as_of, source, within=within).where(
            AgreementParty.province_id.in_(province_ids)).subquery()
    counted = _scope(
        select(rows.c.category, func.count()).select_from(rows)
        .join(Commitment, Commitment.id == rows.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .group_by(rows.c.category), f, see_restricted, **scope)
    categories = {c.value: 0 for c in CATEGORY_ORDER}
    for category, n in db.session.execute(counted):
        categories[category] = n

    # 2. What the user may not see, counted rather than silently dropped.
    hidden = 0
    if not see_restricted:
        hidden = db.session.scalar(_scope(
            select(func.count(Commitment.id)).select_from(Commitment).join(CooperationArea), f, True,
            restricted=True, **scope))

    # 3. Field × province (sides): stacked bars and the heat map. Within one agreement a
    #    field is its area; across agreements the fields of the same number add up.
    per_area = f.agreement is not None or f.area is not None
    side_rows = status_sql.sides(as_of, within=within).subquery()
    area_key = Commitment.area_id if per_area else literal(None).label("area_id")
    group = (Commitment.area_id,) if per_area else ()
    stmt = _scope(
        select(area_key, CooperationArea.number, func.min(CooperationArea.name), side_rows.c.province_id,
               side_rows.c.category, func.count(), func.sum(side_rows.c.percent), func.count(side_rows.c.percent))
        .select_from(side_rows)
        .join(Commitment, Commitment.id == side_rows.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .group_by(*group, CooperationArea.number, side_rows.c.province_id, side_rows.c.category),
        f, see_restricted, **scope)
    if province_ids is not None:
        stmt = stmt.where(side_rows.c.province_id.in_(province_ids))
    cells: dict[tuple, dict] = {}
    for area_id, number, name, province_id, category, n, pct_sum, pct_n in db.session.execute(stmt):
        cell = cells.setdefault((area_id, number, province_id), {
            "name": name, "counts": {c.value: 0 for c in CATEGORY_ORDER}, "pct_sum": 0.0, "pct_n": 0})
        cell["counts"][category] += n
        cell["pct_sum"] += float(pct_sum or 0)
        cell["pct_n"] += pct_n
    names = _province_names()
    by_field = [
        FieldProvinceCounts(area_id, number, c["name"], pid, names.get(pid, str(pid)), c["counts"],
                            c["pct_sum"] / c["pct_n"] if c["pct_n"] else None, c["pct_n"])
        for (area_id, number, pid), c in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][2]))
    ]

    # 4. Over time: shares at each half-year cut-off up to the date, from spans valid then.
    start = _start(f)
    cutoffs = [p for p in periods_between([Frequency.HALF_YEAR], start, as_of) if p.end <= as_of]
    over_time = []
    if cutoffs:
        days = union_all(*[select(literal(p.end, Date).label("day")) for p in cutoffs]).subquery("cutoffs")
        per_day = status_sql.commitments_by_day(days, within).subquery()
        over = _scope(
            select(per_day.c.day, per_day.c.category, func.count()).select_from(per_day)
            .join(Commitment, Commitment.id == per_day.c.commitment_id)
            .join(CooperationArea, CooperationArea.id == Commitment.area_id)
            .group_by(per_day.c.day, per_day.c.category), f, see_restricted, **scope)
        tallies: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for day, category, n in db.session.execute(over):
            tallies[day if isinstance(day, date) else date.fromisoformat(str(day))][category] += n
        for p in cutoffs:
            t = tallies.get(p.end, {})
            over_time.append(PeriodPoint(p.key, p.label_vi, p.end, sum(t.values()), sum(t.get(c, 0) for c in DONE),
                                         sum(t.get(c, 0) for c in OVERDUE)))

    # 5. Agencies: commitments they lead now, overdue ones, and reports this half-year.
    period = next(iter(periods_between([Frequency.HALF_YEAR], as_of, as_of)), None)
    commitment_rows = status_sql.commitments(as_of, within=within).subquery()
    reported_stmt = (
        select(ProgressUpdate.commitment_id, ProgressUpdate.agency_id)
        .where(ProgressUpdate.submitted_at.is_not(None),
               ProgressUpdate.as_of.between(period.start, period.end) if period else literal(False))
        .distinct()
    )
    if within is not None:
        reported_stmt = reported_stmt.where(ProgressUpdate.commitment_id.in_(within))
    reported = reported_stmt.subquery()
    not_finished = commitment_rows.c.category.not_in(DONE)
    agency_stmt = _scope(
        select(Agency.id, Agency.name,
               func.sum(case((not_finished, 1), else_=0)),
               func.sum(case((and_(not_finished, reported.c.agency_id.is_not(None)), 1), else_=0)),
               func.sum(case((commitment_rows.c.category == "in_progress_overdue", 1), else_=0)))
        .select_from(commitment_rows)
        .join(Commitment, Commitment.id == commitment_rows.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(Assignment, Assignment.commitment_id == Commitment.id)
        .join(Agency, Agency.id == Assignment.agency_id)
        .outerjoin(reported, and_(reported.c.commitment_id == Commitment.id, reported.c.agency_id == Agency.id))
        .where(Assignment.role == "lead", Assignment.valid_to.is_(None))
        .group_by(Agency.id, Agency.name), f, see_restricted, **scope)
    if province_ids is not None:
        agency_stmt = agency_stmt.where(Agency.province_id.in_(province_ids))
    agencies = [AgencyLine(aid, name, int(due or 0), int(sub or 0), int(over or 0))
                for aid, name, due, sub, over in db.session.execute(agency_stmt)]
    agencies.sort(key=lambda a: (-(a.due - a.submitted), -a.overdue, a.agency_name))
    compliance_due = sum(1 for a in agencies if a.due)
    compliance_submitted = sum(1 for a in agencies if a.due and a.submitted >= a.due)

    # 6. Upcoming deadlines within 90 days, not finished.
    up_stmt = _scope(
        select(Commitment.id, Commitment.code, Commitment.title, Commitment.due_date)
        .select_from(commitment_rows)
        .join(Commitment, Commitment.id == commitment_rows.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .where(not_finished, Commitment.recurring.is_(False),
               Commitment.due_date.between(as_of, as_of + timedelta(days=90)))
        .order_by(Commitment.due_date, Commitment.sort_key), f, see_restricted, **scope)
    upcoming = [Upcoming(cid, code, title, due, (due - as_of).days) for cid, code, title, due in db.session.execute(up_stmt)]
    upcoming_counts = {d: sum(1 for u in upcoming if u.days_left <= d) for d in (30, 60, 90)}

    return Dashboard(
        filters=f, as_of=as_of, total=sum(categories.values()), categories=categories, hidden_restricted=hidden,
        compliance_due=compliance_due, compliance_submitted=compliance_submitted,
        period_label=period.label_vi if period else period_label, period_key=period.key if period else None,
        by_field=by_field, over_time=over_time,
        agencies=agencies[:25], upcoming=upcoming[:50], upcoming_counts=upcoming_counts,
    )


def _narrowed(f: Filters) -> bool:
    return any(v is not None for v in (f.agreement, f.area, f.province, f.agency))


def _province_names() -> dict[int, str]:
    """A party's province shown by today's name ("Tỉnh Bắc Giang → Tỉnh Bắc Ninh")."""
    rows = db.session.execute(
        select(Province.id, Province.name, ProvinceSuccession.successor_id)
        .outerjoin(ProvinceSuccession, ProvinceSuccession.predecessor_id == Province.id)
    ).all()
    names = {pid: name for pid, name, _ in rows}
    return {pid: name if succ is None else f"{name} → {names.get(succ, '')}" for pid, name, succ in rows}


def _start(f: Filters) -> date:
    if f.agreement is not None:
        start = db.session.scalar(select(Agreement.period_start).where(Agreement.id == f.agreement))
        if start:
            return start
    return db.session.scalar(select(func.min(Agreement.period_start))) or date(2023, 1, 1)


def cached_build(f: Filters, today: date, see_restricted: bool) -> tuple[Dashboard, bool]:
    """``build``, kept in ``figure_cache`` until any counted data changes (one statement on a hit).

    Returns the figures and whether they were computed now (the caller commits them).

    Leaders open the same dashboard many times between two approvals; the cache is shared
    by every app process through the database and is never used once stale.
    """
    key = hashlib.sha256(repr((f, today, see_restricted)).encode()).hexdigest()
    row = db.session.execute(
        select(FigureCache.value, FigureCache.version, ChangeCounter.value)
        .select_from(ChangeCounter).outerjoin(FigureCache, FigureCache.key == key)
        .where(ChangeCounter.id == 1)
    ).first()
    if row is None:  # a new database: start counting changes
        bump(db.session)
        current = 1
    else:
        current = row[2]
    if row and row[0] is not None and row[1] == current:
        return from_plain(row[0]), False
    dashboard = build(f, today, see_restricted)
    try:
        with db.session.begin_nested():
            db.session.execute(delete(FigureCache).where(FigureCache.key == key))
            db.session.add(FigureCache(key=key, version=current, value=to_plain(dashboard)))
    except IntegrityError:
        pass  # another process stored the same figures first
    return dashboard, True

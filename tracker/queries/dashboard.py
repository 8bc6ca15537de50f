"""The dashboard's figures, aggregated in SQL (GROUP BY over the side-status spans).

A fixed number of statements whatever the data's size: counts by category, restricted
count, field × province, periods over time, agencies, upcoming deadlines, compliance.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, exists, func, literal, select, true, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement

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
from tracker.models import (Agency, Agreement, AgreementParty, Assignment, Commitment, CooperationArea, Province,
                            ProvinceSuccession, ProgressUpdate)
from tracker.status import sql as status_sql
from tracker.status.cache import remember
from tracker.queries import compliance as compliance_queries
from tracker.queries import confirmations as confirmation_queries
from tracker.queries.commitments import agency_lineage, hidden_restricted, in_part_of_plan, province_lineage

DONE = ("done_on_time", "done_late")
OVERDUE = ("in_progress_overdue", "done_late")


def _scope(stmt, f: Filters, see_restricted: bool, *, province_ids=None, agency_ids=None, restricted=None):
    """Apply the filters to a statement whose FROM has Commitment and CooperationArea."""
    stmt = in_part_of_plan(stmt, f.agreement, f.area, f.meeting)
    if restricted is not None:
        stmt = stmt.where(CooperationArea.restricted.is_(restricted))
    elif not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    if province_ids is not None:
        stmt = stmt.where(exists().where(
            AgreementParty.agreement_id == CooperationArea.agreement_id, AgreementParty.province_id.in_(province_ids)))
    if agency_ids is not None:
        # An alias, not correlated: the statement may join Assignment itself (the agencies figure).
        held = aliased(Assignment)
        stmt = stmt.where(Commitment.id.in_(
            select(held.commitment_id).where(held.agency_id.in_(agency_ids)).correlate(None)))
    return stmt


def _disputed_flag(rows, as_of: date, province_ids) -> ColumnElement:
    """1 for a counted unit (a commitment, or one province's side) whose completion a partner
    province disputes on the date (counted as not done meanwhile), else 0."""
    open_ = confirmation_queries.disputed_on(as_of).subquery("open_disputes")
    if province_ids is None:
        cond = rows.c.commitment_id.in_(select(open_.c.commitment_id))
    else:
        cond = exists().where(open_.c.commitment_id == rows.c.commitment_id, open_.c.party_id == rows.c.party_id)
    return case((cond, 1), else_=0)


def _at_risk_flag(rows, side_rows, province_ids) -> ColumnElement:
    """1 for a counted unit at risk (domain.risk): a commitment with a side at risk, or, under a
    province filter, that province's side at risk; else 0."""
    if province_ids is not None:
        return rows.c.at_risk
    return case((rows.c.commitment_id.in_(select(side_rows.c.commitment_id).where(side_rows.c.at_risk == 1)), 1),
                else_=0)


def build(f: Filters, today: date, see_restricted: bool, period_label: str | None = None) -> Dashboard:
    as_of = f.as_of or today
    province_ids = province_lineage(f.province) if f.province else None
    agency_ids = agency_lineage(f.agency) if f.agency else None
    scope = dict(province_ids=province_ids, agency_ids=agency_ids)

    # The commitments in scope, so spans are read for them only.
    within = _scope(select(Commitment.id).join(CooperationArea), f, True, **scope) if _narrowed(f) else None
    source = status_sql.spans_on(as_of, within)

    # Every side in scope on the date (the field × province figures, and which commitments are at risk).
    side_rows = status_sql.materialized(status_sql.sides(as_of, within=within), "side_rows")

    # 1. Headline counts, deadline facts, disputes and early warning: whole commitments, or one
    #    province's sides, in one statement.
    if province_ids is None:
        rows = status_sql.materialized(status_sql.commitments(as_of, source, within=within), "unit_rows")
    else:
        rows = status_sql.materialized(status_sql.sides(as_of, source, within=within).where(
            AgreementParty.province_id.in_(province_ids)), "unit_rows")
    disputed_flag = _disputed_flag(rows, as_of, province_ids).label("disputed")
    risk_flag = _at_risk_flag(rows, side_rows, province_ids).label("at_risk")
    counted = _scope(
        select(rows.c.category, rows.c.open_past_due, disputed_flag, risk_flag, func.count()).select_from(rows)
        .join(Commitment, Commitment.id == rows.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .group_by(rows.c.category, rows.c.open_past_due, disputed_flag, risk_flag), f, see_restricted, **scope)
    categories, deadlines, disputed, at_risk, _restricted = headline(db.session.execute(counted))

    # 2. What the user may not see: one number per agreement scope, whatever the other filters
    #    (a count that moved with a search or a filter would tell what restricted fields hold).
    hidden = 0 if see_restricted else hidden_restricted(f.agreement, as_of)

    # 3. Field × province (sides): stacked bars and the heat map. Within one agreement a
    #    field is its area; across agreements the fields of the same number add up.
    per_area = f.agreement is not None or f.area is not None
    area_key = Commitment.area_id if per_area else literal(None).label("area_id")
    group = (Commitment.area_id,) if per_area else ()
    stmt = _scope(
        select(area_key, CooperationArea.number, func.min(CooperationArea.name), func.min(CooperationArea.name_en),
               side_rows.c.province_id,
               side_rows.c.category, func.count(), func.sum(side_rows.c.percent), func.count(side_rows.c.percent),
               func.sum(side_rows.c.at_risk))
        .select_from(side_rows)
        .join(Commitment, Commitment.id == side_rows.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .group_by(*group, CooperationArea.number, side_rows.c.province_id, side_rows.c.category),
        f, see_restricted, **scope)
    if province_ids is not None:
        stmt = stmt.where(side_rows.c.province_id.in_(province_ids))
    provinces = _provinces()
    by_field = field_cells(db.session.execute(stmt), provinces)
    sides = _sides_by_province(by_field, provinces)

    # 4. Over time: shares at each half-year cut-off up to the date, from spans valid then.
    start = _start(f)
    cutoffs = [p for p in periods_between([Frequency.HALF_YEAR], start, as_of) if p.end <= as_of]
    over_time = []
    if cutoffs:
        days = union_all(*[select(literal(p.end, Date).label("day")) for p in cutoffs]).subquery("cutoffs")
        per_day = status_sql.materialized(status_sql.commitments_by_day(days, within, province_ids), "per_day")
        over = _scope(
            select(per_day.c.day, per_day.c.category, per_day.c.open_past_due, func.count()).select_from(per_day)
            .join(Commitment, Commitment.id == per_day.c.commitment_id)
            .join(CooperationArea, CooperationArea.id == Commitment.area_id)
            .group_by(per_day.c.day, per_day.c.category, per_day.c.open_past_due), f, see_restricted, **scope)
        tallies: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for day, category, open_past_due, n in db.session.execute(over):
            tally = tallies[day if isinstance(day, date) else date.fromisoformat(str(day))]
            tally[category] += n
            tally["open_past_due"] += n if open_past_due else 0
        for p in cutoffs:
            t = tallies.get(p.end, {})
            over_time.append(PeriodPoint(p.key, p.label_vi, p.end, sum(t.get(c.value, 0) for c in CATEGORY_ORDER),
                                         sum(t.get(c, 0) for c in DONE), sum(t.get(c, 0) for c in OVERDUE),
                                         t.get("open_past_due", 0)))

    # 5. Agencies: commitments they lead now, open and past due ones, and reports this half-year.
    period = next(iter(periods_between([Frequency.HALF_YEAR], as_of, as_of)), None)
    commitment_rows = rows  # commitments, or the chosen province's sides
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
    # Under a province filter an agency's figures are its side's, as every figure there (domain.md §4).
    led = commitment_rows  # the province's sides under a province filter, with their party
    led_open = led.c.category.not_in(DONE)
    agency_stmt = _scope(
        select(Agency.id, Agency.name,
               func.sum(case((led_open, 1), else_=0)),
               func.sum(case((and_(led_open, reported.c.agency_id.is_not(None)), 1), else_=0)),
               func.sum(led.c.open_past_due))
        .select_from(led)
        .join(Commitment, Commitment.id == led.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(Assignment, and_(Assignment.commitment_id == Commitment.id,
                               Assignment.party_id == led.c.party_id if province_ids is not None else true()))
        .join(Agency, Agency.id == Assignment.agency_id)
        .outerjoin(reported, and_(reported.c.commitment_id == Commitment.id, reported.c.agency_id == Agency.id))
        .where(status_sql.lead_held_on(as_of))  # who led on the date, as the commitment list's agency filter
        .group_by(Agency.id, Agency.name), f, see_restricted, **scope)
    if province_ids is not None:
        agency_stmt = agency_stmt.where(Agency.province_id.in_(province_ids))
    agencies = [AgencyLine(aid, name, int(due or 0), int(sub or 0), int(over or 0))
                for aid, name, due, sub, over in db.session.execute(agency_stmt)]
    agencies.sort(key=lambda a: (-(a.due - a.submitted), -a.overdue, a.agency_name))

    # 6. Upcoming deadlines (in force on the date) within 90 days, not finished.
    due = commitment_rows.c.due_date
    up_stmt = _scope(
        select(Commitment.id, Commitment.code, Commitment.title, due)
        .select_from(commitment_rows)
        .join(Commitment, Commitment.id == commitment_rows.c.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .where(not_finished, due.between(as_of, as_of + timedelta(days=90)))
        .order_by(due, Commitment.sort_key), f, see_restricted, **scope)
    upcoming = [Upcoming(cid, code, title, _as_date(day), (_as_date(day) - as_of).days)
                for cid, code, title, day in db.session.execute(up_stmt)]

    # 7. Compliance: the compliance page's figure for the last period whose deadline has passed.
    compliance = compliance_queries.figure(
        None if f.agreement is None else [f.agreement], as_of, see_restricted=see_restricted,
        province_ids=province_ids, area_id=f.area, agency_ids=agency_ids, meeting_id=f.meeting)

    return assemble(
        f, as_of, categories, compliance, period, period_label, agencies, upcoming, hidden_restricted=hidden,
        by_field=by_field, over_time=over_time, unit="commitments" if province_ids is None else "sides",
        deadlines=deadlines, sides=sides, at_risk=at_risk, disputed=disputed)


def assemble(f: Filters, as_of: date, categories: dict, compliance, period, period_label: str | None, agencies: list,
             upcoming: list, **parts) -> Dashboard:
    """The dashboard from what both paths (live here, kept in ``dashboard_kept``) compute: the
    totals, the first 25 agencies and 50 deadlines (with the counts of all of them within 30, 60
    and 90 days) and the compliance figure as the page reads it; ``parts``: the other fields."""
    return Dashboard(
        filters=f, as_of=as_of, total=sum(categories.values()), categories=categories,
        compliance_due=compliance.due, compliance_submitted=compliance.on_time + compliance.late,
        period_label=period.label_vi if period else period_label, period_key=period.key if period else None,
        agencies=agencies[:25], upcoming=upcoming[:50],
        upcoming_counts={d: sum(1 for u in upcoming if u.days_left <= d) for d in (30, 60, 90)},
        compliance={"period": compliance.period, "label": compliance.label,
                    "deadline": compliance.deadline.isoformat() if compliance.deadline else None,
                    "agreement": compliance.agreement, "due": compliance.due, "on_time": compliance.on_time,
                    "late": compliance.late},
        **parts)


def headline(rows, see_restricted: bool = True) -> tuple[dict, dict, int, int, int]:
    """Categories, deadline facts, disputed, at risk, and the restricted units among the rows, from
    grouped rows of (category, open past due, disputed, at risk, n[, restricted]); without
    ``see_restricted`` the restricted rows are counted only in the last figure."""
    categories = {c.value: 0 for c in CATEGORY_ORDER}
    deadlines = {"open_past_due": 0, "without_report": 0, "done_late": 0}
    disputed = at_risk = restricted_n = 0
    for category, open_past_due, is_disputed, is_at_risk, n, *restricted in rows:
        if restricted and restricted[0]:
            restricted_n += n
            if not see_restricted:
                continue
        categories[category] += n
        disputed += n if is_disputed else 0
        at_risk += n if is_at_risk else 0
        if open_past_due:
            deadlines["open_past_due"] += n
            deadlines["without_report"] += n if category == "no_report" else 0
    deadlines["done_late"] = categories["done_late"]
    return categories, deadlines, disputed, at_risk, restricted_n


def field_cells(rows, provinces: dict[int, dict]) -> list[FieldProvinceCounts]:
    """Field × province cells, ordered by field number and province, from grouped rows of
    (area_id, number, name, name_en, province_id, category, n, percent sum, percents, at risk)."""
    cells: dict[tuple, dict] = {}
    for area_id, number, name, name_en, province_id, category, n, pct_sum, pct_n, risky in rows:
        cell = cells.setdefault((area_id, number, province_id), {
            "name": name, "name_en": name_en, "counts": {c.value: 0 for c in CATEGORY_ORDER}, "pct_sum": 0.0, "pct_n": 0,
            "at_risk": 0})
        cell["counts"][category] += n
        cell["at_risk"] += int(risky or 0)
        cell["pct_sum"] += float(pct_sum or 0)
        cell["pct_n"] += pct_n
    return [
        FieldProvinceCounts(area_id, number, c["name"], pid, provinces[pid]["label"], c["counts"],
                            c["pct_sum"] / c["pct_n"] if c["pct_n"] else None, c["pct_n"], c["name_en"], c["at_risk"])
        for (area_id, number, pid), c in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][2]))
    ]

def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _sides_by_province(by_field: list[FieldProvinceCounts], provinces: dict[int, dict]) -> dict[str, dict]:
    """Sides counted per province, keyed by today's province code (a merged party counts under its successor)."""
    result: dict[str, dict] = {}
    for row in by_field:
        today_id = provinces[row.province_id]["today_id"]
        code = provinces[today_id]["code"]
        entry = result.setdefault(code, {"province": today_id, "name": provinces[today_id]["name"], "total": 0,
                                         "categories": {c.value: 0 for c in CATEGORY_ORDER}, "at_risk": 0})
        entry["at_risk"] += row.at_risk
        for category, n in row.counts.items():
            entry["categories"][category] += n
            entry["total"] += n
    return result


def _narrowed(f: Filters) -> bool:
    return any(v is not None for v in (f.agreement, f.area, f.province, f.agency, f.meeting))


def _provinces() -> dict[int, dict]:
    """Every province: code, name, today's successor and the label a party is shown by
    ("Tỉnh Bắc Giang → Tỉnh Bắc Ninh"). One statement."""
    rows = db.session.execute(
        select(Province.id, Province.code, Province.name, ProvinceSuccession.successor_id)
        .outerjoin(ProvinceSuccession, ProvinceSuccession.predecessor_id == Province.id)
    ).all()
    found = {pid: {"code": code, "name": name, "successor": succ} for pid, code, name, succ in rows}
    for pid, info in found.items():
        today_id, seen = pid, {pid}
        while found[today_id]["successor"] is not None and found[today_id]["successor"] not in seen:
            today_id = found[today_id]["successor"]
            seen.add(today_id)
        info["today_id"] = today_id
        succ = info["successor"]
        info["label"] = info["name"] if succ is None else f"{info['name']} → {found.get(succ, {}).get('name', '')}"
    return found


def _start(f: Filters) -> date:
    if f.agreement is not None:
        start = db.session.scalar(select(Agreement.period_start).where(Agreement.id == f.agreement))
        if start:
            return start
    return db.session.scalar(select(func.min(Agreement.period_start))) or date(2023, 1, 1)


def cached_build(f: Filters, today: date, see_restricted: bool) -> Dashboard:
    """``build``, kept until any counted data changes (``status.cache``: one statement on a hit).

    Leaders open the same dashboard many times between two approvals. The figures are kept
    per filters, day and clearance, under the database's change counter, so a write through
    any process is seen by every process on its next request. Nothing is written to the database.
    """
    return from_plain(remember("dashboard", (f, today, see_restricted),
                               lambda: to_plain(_kept_or_live(f, today, see_restricted))))


def _kept_or_live(f: Filters, today: date, see_restricted: bool) -> Dashboard:
    """From the kept standings where they serve the filters (``dashboard_kept``), else live."""
    from tracker.queries import dashboard_kept  # it reads this module's helpers

    kept = dashboard_kept.build(f, today, see_restricted)
    return kept if kept is not None else build(f, today, see_restricted)

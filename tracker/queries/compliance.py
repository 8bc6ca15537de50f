"""Who owed a report for a period and whether it came on time, late, or not at all.

An agency owes a report for each commitment it leads (as assigned at the period's end)
unless the commitment was already finished or dropped when the period began, or is not
due to start until after the period. Submitted means an update of that agency on that
commitment, dated in the period's window, submitted (approved or not, returned
included); on time means by the end of the deadline day, Vietnam time.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from tracker.domain.codes import Role
from tracker.clock import end_of_day_utc
from tracker.domain.periods import Period
from tracker.extensions import db
from tracker.models import Assignment, Commitment, CooperationArea
from tracker.status.calendar import calendar
from tracker.status.periods import last_due_period, periods_of
from tracker.status.obligations import LATE, MISSING, ON_TIME, judged, owed



@dataclass(frozen=True)
class Obligation:
    agency_id: int
    agency_name: str
    province_id: int
    commitment_id: int
    commitment_code: str
    commitment_title: str
    area_id: int
    status: str  # on_time, late, missing
    submitted_at: object | None


@dataclass(frozen=True)
class AgencyCompliance:
    agency_id: int
    agency_name: str
    owed: int
    on_time: int
    late: int
    missing: int

    @property
    def status(self) -> str:
        if self.missing:
            return MISSING
        return LATE if self.late else ON_TIME


def obligations(agreement_id: int | set[int], period: Period, *, see_restricted: bool = True, province_ids: set[int] | None = None,
                area_id: int | None = None, agency_ids: set[int] | None = None,
                meeting_id: int | None = None) -> list[Obligation]:
    """Every (lead agency, commitment) owing a report for ``period``, with how it was met."""
    stmt = owed(agreement_id, period, see_restricted=see_restricted, province_ids=province_ids, area_id=area_id,
                agency_ids=agency_ids, meeting_id=meeting_id)
    return [Obligation(agency_id, name, province_id, cid, code, title, area, judged(submitted, period),
                       _aware(submitted, period))
            for agency_id, name, province_id, cid, code, title, area, _assignment, submitted, *_ in db.session.execute(stmt)]


def _aware(submitted, period: Period):
    if submitted is None:
        return None
    return submitted if submitted.tzinfo else submitted.replace(tzinfo=end_of_day_utc(period.deadline).tzinfo)


def by_agency(rows: list[Obligation]) -> list[AgencyCompliance]:
    counts: dict[int, dict] = defaultdict(lambda: {"name": "", ON_TIME: 0, LATE: 0, MISSING: 0})
    for r in rows:
        counts[r.agency_id]["name"] = r.agency_name
        counts[r.agency_id][r.status] += 1
    return sorted(
        (AgencyCompliance(aid, c["name"], c[ON_TIME] + c[LATE] + c[MISSING], c[ON_TIME], c[LATE], c[MISSING])
         for aid, c in counts.items()),
        key=lambda a: (-a.missing, -a.late, a.agency_name),
    )


@dataclass(frozen=True)
class PeriodRecord:
    agreement_code: str
    period_key: str
    period_label: str
    deadline: object
    owed: int
    on_time: int
    late: int
    missing: int


def history_of(agency_id: int, today, see_restricted: bool) -> list[PeriodRecord]:
    """An agency's reporting record, period by period, newest first, for each agreement it leads in."""
    from tracker.models import Agreement

    agreements = db.session.scalars(
        select(Agreement).join(CooperationArea, CooperationArea.agreement_id == Agreement.id)
        .join(Commitment, Commitment.area_id == CooperationArea.id)
        .join(Assignment, Assignment.commitment_id == Commitment.id)
        .where(Assignment.agency_id == agency_id, Assignment.role == Role.LEAD).distinct()
    ).all()
    records = []
    for agreement in agreements:
        for view in periods_of(agreement, today):
            rows = obligations(agreement.id, view.period, see_restricted=see_restricted, agency_ids={agency_id})
            if not rows:
                continue
            counts = {ON_TIME: 0, LATE: 0, MISSING: 0}
            for r in rows:
                counts[r.status] += 1
            records.append(PeriodRecord(agreement.code, view.period.key, view.period.label_vi, view.period.deadline,
                                        len(rows), counts[ON_TIME], counts[LATE], counts[MISSING]))
    return sorted(records, key=lambda r: (r.deadline, r.period_key), reverse=True)


@dataclass(frozen=True)
class ComplianceFigure:
    """The compliance page's figure for one period: expected reports, on time, late."""

    period: str | None
    label: str | None
    deadline: object | None
    agreement: int | None
    due: int = 0
    on_time: int = 0
    late: int = 0


def figure(agreement_ids: list[int] | None, day, *, see_restricted: bool, province_ids=None, area_id=None,
           agency_ids=None, meeting_id=None) -> ComplianceFigure:
    """The compliance card of the dashboard on ``day``: for one agreement, exactly the compliance
    page's numbers for its last period whose deadline has passed; across agreements, their
    sum for that period of each (agreements sharing a period are counted in one statement)."""
    from tracker.models import Agreement, ReportingSchedule

    days = calendar()
    stmt = select(Agreement, ReportingSchedule).outerjoin(ReportingSchedule, ReportingSchedule.agreement_id == Agreement.id)
    if agreement_ids is not None:
        stmt = stmt.where(Agreement.id.in_(agreement_ids))
    groups: dict[Period, set[int]] = defaultdict(set)
    for agreement, schedule in db.session.execute(stmt):
        period = last_due_period(agreement, schedule, day, days)
        if period is not None:
            groups[period].add(agreement.id)
    if not groups:
        return ComplianceFigure(None, None, None, agreement_ids[0] if agreement_ids and len(agreement_ids) == 1 else None)
    latest = max(groups, key=lambda p: p.deadline)
    counts = {ON_TIME: 0, LATE: 0, MISSING: 0}
    for period, ids in groups.items():
        for row in obligations(ids, period, see_restricted=see_restricted, province_ids=province_ids,
                               area_id=area_id, agency_ids=agency_ids, meeting_id=meeting_id):
            counts[row.status] += 1
    single = agreement_ids[0] if agreement_ids and len(agreement_ids) == 1 else None
    return ComplianceFigure(latest.key, latest.label_vi, latest.deadline, single,
                            sum(counts.values()), counts[ON_TIME], counts[LATE])

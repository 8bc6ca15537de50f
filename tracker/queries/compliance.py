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

from sqlalchemy import and_, func, or_, select

from tracker.domain.codes import Role
from tracker.clock import end_of_day_utc
from tracker.domain.periods import Period
from tracker.extensions import db
from tracker.models import Agency, AgreementParty, Assignment, Commitment, CooperationArea, ProgressUpdate
from tracker.status.calendar import calendar
from tracker.status.periods import last_due_period, periods_of
from tracker.status.sql import spans_held_on

ON_TIME, LATE, MISSING = "on_time", "late", "missing"


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
    of_agreement = (CooperationArea.agreement_id.in_(agreement_id) if isinstance(agreement_id, set)
                    else CooperationArea.agreement_id == agreement_id)
    # The agreement's commitments only: the two reads below would otherwise scan every agreement's rows.
    in_scope = select(Commitment.id).join(CooperationArea, CooperationArea.id == Commitment.area_id).where(of_agreement)
    held = spans_held_on(period.start, in_scope)
    finished_before = select(held.c.commitment_id).where(held.c.state.in_(("done", "dropped"))).group_by(
        held.c.commitment_id)
    first_submission = (
        select(ProgressUpdate.commitment_id, ProgressUpdate.agency_id,
               func.min(ProgressUpdate.submitted_at).label("submitted_at"))
        .where(ProgressUpdate.submitted_at.is_not(None), ProgressUpdate.as_of.between(period.start, period.end),
               ProgressUpdate.commitment_id.in_(in_scope))
        .group_by(ProgressUpdate.commitment_id, ProgressUpdate.agency_id)
        .subquery()
    )
    stmt = (
        select(Assignment.agency_id, Agency.name, Agency.province_id, Commitment.id, Commitment.code, Commitment.title,
               Commitment.area_id, first_submission.c.submitted_at)
        .select_from(Assignment)
        .join(Commitment, Commitment.id == Assignment.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(Agency, Agency.id == Assignment.agency_id)
        .join(AgreementParty, AgreementParty.id == Assignment.party_id)
        .outerjoin(first_submission, and_(first_submission.c.commitment_id == Commitment.id,
                                          first_submission.c.agency_id == Assignment.agency_id))
        .where(
            of_agreement,
            Assignment.role == Role.LEAD,
            Assignment.valid_from <= period.end,
            or_(Assignment.valid_to.is_(None), Assignment.valid_to >= period.end),
            or_(Commitment.start_date.is_(None), Commitment.start_date <= period.end),
            Commitment.id.not_in(finished_before),
        )
        .order_by(Agency.name, Commitment.sort_key)
    )
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    if area_id is not None:
        stmt = stmt.where(Commitment.area_id == area_id)
    if meeting_id is not None:
        stmt = stmt.where(Commitment.meeting_id == meeting_id)
    if province_ids is not None:
        stmt = stmt.where(AgreementParty.province_id.in_(province_ids) | Agency.province_id.in_(province_ids))
    if agency_ids is not None:
        stmt = stmt.where(Assignment.agency_id.in_(agency_ids))
    deadline = end_of_day_utc(period.deadline)
    result = []
    for agency_id, name, province_id, cid, code, title, area, submitted in db.session.execute(stmt):
        if submitted is None:
            status = MISSING
        else:
            submitted = submitted if submitted.tzinfo else submitted.replace(tzinfo=deadline.tzinfo)
            status = ON_TIME if submitted < deadline else LATE
        result.append(Obligation(agency_id, name, province_id, cid, code, title, area, status, submitted))
    return result


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

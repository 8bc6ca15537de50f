"""Reporting periods of an agreement: its schedule, which periods exist, closing them.

Periods are computed from the schedule (Decree 09 windows in ``domain.periods``) for the
agreement's whole span up to today, so they exist without a batch job. Closing records a
``PeriodClosure`` and freezes every side's standing in ``PeriodSnapshot``: the period's
reports read the snapshot and never change. A period also closes by itself
``auto_close_days`` after its deadline, frozen as it stood at the end of that day.

Deadlines counted in working days use ``services.workdays.calendar()``: Vietnam's public
holidays and the days off and make-up days administrators declare.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, select

from tracker.clock import VIETNAM
from tracker.domain.periods import DeadlineRule, Frequency, NoPeriod, Period, parse_key, period_for, periods_between
from tracker.extensions import db
from tracker.models import Agreement, AgreementParty, Commitment, CooperationArea, PeriodClosure, PeriodSnapshot, ReportingSchedule, SideStatus, User
from tracker.services import audit, workdays
from tracker.status.cache import invalidate
from tracker.status.sql import valid_on


@dataclass(frozen=True)
class PeriodView:
    period: Period
    closes_on: date  # the automatic closing day
    closure: PeriodClosure | None
    today: date

    @property
    def closed(self) -> bool:
        """Closed by someone, or past its automatic closing day (even before the job records it)."""
        return self.closure is not None or self.closes_on < self.today

    @property
    def automatic(self) -> bool:
        return self.closure.automatic if self.closure else self.closes_on < self.today

    @property
    def frozen_on(self) -> date | None:
        """The day whose standing the period's reports show once closed."""
        if self.closure is not None:
            return self.closure.closed_on
        return self.closes_on if self.closes_on < self.today else None


def schedule_for(agreement: Agreement) -> ReportingSchedule:
    schedule = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == agreement.id))
    if schedule is None:
        schedule = ReportingSchedule(agreement_id=agreement.id, frequencies=["half_year", "annual"],
                                     deadline_kind="working_days_after", deadline_value=2, auto_close_days=10,
                                     remind_days=[5, 1])
        db.session.add(schedule)
        db.session.flush()
    return schedule


def rule_of(schedule: ReportingSchedule) -> DeadlineRule:
    return DeadlineRule(schedule.deadline_kind, schedule.deadline_value)


def _frequencies(schedule: ReportingSchedule) -> list[Frequency]:
    from tracker.domain.periods import FREQUENCY_ORDER

    wanted = {Frequency(f) for f in schedule.frequencies}
    return [f for f in FREQUENCY_ORDER if f in wanted]


def periods_of(agreement: Agreement, today: date) -> list[PeriodView]:
    """Every period of the schedule from the agreement's start up to today (the open one included)."""
    schedule = schedule_for(agreement)
    until = today if not agreement.period_end or agreement.open_ended else min(today, agreement.period_end)
    found = periods_between(_frequencies(schedule), agreement.period_start, until, rule_of(schedule),
                            workdays.calendar())
    closures = {c.period_key: c for c in db.session.scalars(
        select(PeriodClosure).where(PeriodClosure.agreement_id == agreement.id))}
    return [PeriodView(p, p.deadline + timedelta(days=schedule.auto_close_days), closures.get(p.key), today)
            for p in found]


def find(agreement: Agreement, key: str, today: date) -> PeriodView | None:
    try:
        wanted = parse_key(key)
    except ValueError:
        return None
    return next((v for v in periods_of(agreement, today) if v.period.key == wanted.key), None)


def reporting_period(agreement: Agreement, day: date) -> Period:
    """The period an update dated ``day`` reports for: the schedule's most frequent one that holds it."""
    schedule = schedule_for(agreement)
    calendar = workdays.calendar()
    for frequency in _frequencies(schedule):
        try:
            return period_for(frequency, day, rule_of(schedule), calendar)
        except NoPeriod:
            continue
    return period_for(Frequency.ANNUAL, day, rule_of(schedule), calendar)


def is_late(agreement: Agreement, as_of: date, submitted_at: datetime) -> bool:
    """Submitted after its period's internal deadline (a closed period's updates are always late)."""
    return submitted_at.astimezone(VIETNAM).date() > reporting_period(agreement, as_of).deadline


def _snapshot(closure: PeriodClosure, agreement_id: int, day: date) -> None:
    rows = db.session.execute(
        select(Commitment.id, AgreementParty.id, SideStatus.update_id, SideStatus.state, SideStatus.percent,
               SideStatus.done_on)
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(AgreementParty, AgreementParty.agreement_id == CooperationArea.agreement_id)
        .outerjoin(SideStatus, and_(SideStatus.commitment_id == Commitment.id, SideStatus.party_id == AgreementParty.id,
                                    valid_on(day)))
        .where(CooperationArea.agreement_id == agreement_id)
    )
    db.session.execute(PeriodSnapshot.__table__.insert(), [
        {"closure_id": closure.id, "commitment_id": c, "party_id": p, "update_id": u, "state": s, "percent": pc,
         "done_on": d}
        for c, p, u, s, pc, d in rows
    ])


def close(agreement: Agreement, view: PeriodView, actor: User | None, today: date, *, automatic: bool = False) -> PeriodClosure:
    """Close the period and freeze its standings as they are now (or at the automatic closing day)."""
    if view.closure is not None:
        return view.closure
    automatic = automatic or view.closes_on < today  # past its closing day: frozen as of that day
    day = view.closes_on if automatic else today
    closure = PeriodClosure(agreement_id=agreement.id, period_key=view.period.key, closed_on=day,
                            closed_by_id=actor.id if actor else None, automatic=automatic)
    db.session.add(closure)
    db.session.flush()
    _snapshot(closure, agreement.id, day)
    invalidate()
    audit.record("period_closed", actor=actor, category=audit.DATA, obj=closure, period=view.period.key,
                 automatic=automatic)
    return closure


def close_due(agreement: Agreement, today: date) -> list[PeriodClosure]:
    """Close the periods whose automatic closing day has passed (safe to run again)."""
    return [close(agreement, v, None, today, automatic=True)
            for v in periods_of(agreement, today) if v.closure is None and v.closes_on < today]

"""Reporting periods of an agreement as read from the database: its schedule, the periods
that exist up to a day, the one an update reports for. Reads only: services and queries
both use them; closing a period and making a schedule are ``services.periods``.

Periods are computed from the schedule (Decree 09 windows in ``domain.periods``) for the
agreement's whole span up to today, so they exist without a batch job. An agreement with
no stored schedule follows the Decree 09 default (half-year and annual reports, two
working days after the period) without one being written. A period closes by itself
``auto_close_days`` after its deadline, frozen as it stood at the end of that day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tracker.clock import VIETNAM
from tracker.domain.periods import (
    FREQUENCY_ORDER,
    DeadlineRule,
    Frequency,
    NoPeriod,
    Period,
    parse_key,
    period_for,
    periods_between,
)
from tracker.extensions import db
from tracker.models import Agreement, PeriodClosure, ReportingSchedule
from tracker.status.calendar import calendar


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


def default_schedule(agreement_id: int | None) -> ReportingSchedule:
    """The Decree 09 default, not added to the session (``services.periods`` stores it)."""
    return ReportingSchedule(agreement_id=agreement_id, frequencies=["half_year", "annual"],
                             deadline_kind="working_days_after", deadline_value=2, auto_close_days=10,
                             remind_days=[5, 1])


def schedule_of(agreement: Agreement) -> ReportingSchedule:
    """The agreement's stored schedule, or the default one (nothing is written)."""
    stored = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == agreement.id))
    return stored if stored is not None else default_schedule(agreement.id)


def rule_of(schedule: ReportingSchedule) -> DeadlineRule:
    return DeadlineRule(schedule.deadline_kind, schedule.deadline_value)


def frequencies_of(schedule: ReportingSchedule) -> list[Frequency]:
    """The schedule's frequencies, most frequent first."""
    wanted = {Frequency(f) for f in schedule.frequencies}
    return [f for f in FREQUENCY_ORDER if f in wanted]


def periods_of(agreement: Agreement, today: date) -> list[PeriodView]:
    """Every period of the schedule from the agreement's start up to today (the open one included)."""
    schedule = schedule_of(agreement)
    until = today if not agreement.period_end or agreement.open_ended else min(today, agreement.period_end)
    found = periods_between(frequencies_of(schedule), agreement.period_start, until, rule_of(schedule), calendar())
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
    schedule = schedule_of(agreement)
    days = calendar()
    for frequency in frequencies_of(schedule):
        try:
            return period_for(frequency, day, rule_of(schedule), days)
        except NoPeriod:
            continue
    return period_for(Frequency.ANNUAL, day, rule_of(schedule), days)


def is_late(agreement: Agreement, as_of: date, submitted_at: datetime) -> bool:
    """Submitted after its period's internal deadline (a closed period's updates are always late)."""
    return submitted_at.astimezone(VIETNAM).date() > reporting_period(agreement, as_of).deadline


def last_due_period(agreement: Agreement, schedule: ReportingSchedule | None, day: date,
                    days=None) -> Period | None:
    """The agreement's period whose reporting deadline passed most recently before ``day``
    (the period the dashboard's compliance card reports).

    Of two periods with the same deadline (the second half-year and the year), the more
    frequent one, as the compliance page lists it last.
    """
    return last_due_and_next(agreement, schedule, day, days)[0]


def last_due_and_next(agreement: Agreement, schedule: ReportingSchedule | None, day: date,
                      days=None) -> tuple[Period | None, date]:
    """``last_due_period`` and the first day after ``day`` on which it can be another (the day
    after the earliest deadline not yet passed; the agreement's start if it starts later; the
    next day when neither is known), as long as the agreement, schedule and calendar stay."""
    schedule = schedule if schedule is not None else default_schedule(agreement.id)
    order = {f: i for i, f in enumerate(FREQUENCY_ORDER)}
    periods = periods_between(frequencies_of(schedule), agreement.period_start, day, rule_of(schedule),
                              days if days is not None else calendar())
    found = [p for p in periods if p.deadline < day]
    ahead = [p.deadline for p in periods if p.deadline >= day]
    if agreement.period_start > day:
        following = agreement.period_start
    else:
        following = min(ahead) + timedelta(days=1) if ahead else day + timedelta(days=1)
    return max(found, key=lambda p: (p.deadline, -order[p.frequency]), default=None), following

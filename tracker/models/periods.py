"""Reporting schedules and periods (Nghị định 09/2019), closures with their frozen
standings, the days off and make-up working days that move deadlines, and the reminders
that go with them: notifications and outgoing mail."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.codes import DayKind, NotificationKind
from tracker.extensions import db
from tracker.models.agreements import Agreement
from tracker.models.base import NFCString, one_of, utcnow
from tracker.models.users import User


class ReportingSchedule(db.Model):
    """Which Decree 09 frequencies an agreement reports on, and its internal deadline rule."""

    __tablename__ = "reporting_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), unique=True)
    frequencies: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["half_year", "annual"])
    # "working_days_after" N (default 2), or "day_of_month" D.
    deadline_kind: Mapped[str] = mapped_column(String(20), default="working_days_after")
    deadline_value: Mapped[int] = mapped_column(default=2)
    # A period closes by itself this many days after its deadline.
    auto_close_days: Mapped[int] = mapped_column(default=10)
    # Reminders go out this many days before a deadline.
    remind_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [5, 1])

    agreement: Mapped[Agreement] = relationship()


class PeriodClosure(db.Model):
    """A period closed by a coordinator or an administrator; its standings are frozen with it."""

    __tablename__ = "period_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    period_key: Mapped[str] = mapped_column(String(12))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_on: Mapped[date]  # the Vietnam day of closing
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    automatic: Mapped[bool] = mapped_column(default=False)

    closed_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("agreement_id", "period_key"),)


class PeriodSnapshot(db.Model):
    """One side's standing when its period closed: what the period's reports print, forever."""

    __tablename__ = "period_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    closure_id: Mapped[int] = mapped_column(ForeignKey("period_closures.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("agreement_parties.id"))
    update_id: Mapped[int | None] = mapped_column(ForeignKey("progress_updates.id"))
    state: Mapped[str | None] = mapped_column(String(12))
    percent: Mapped[int | None]
    done_on: Mapped[date | None]


class CalendarDay(db.Model):
    """A day the Government announced as off (nghỉ bù) or as a make-up working day (làm bù).

    Public holidays come from the ``holidays`` library; these rows are the yearly
    exceptions administrators declare on top of them (see ``domain.workdays``).
    """

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (one_of("kind", DayKind),)


class Notification(db.Model):
    """An in-app notice (the bell): what is due, overdue, returned to me, awaiting my review."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # What the notice is about, so the same reminder is never made twice.
    dedupe_key: Mapped[str] = mapped_column(String(160))
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"))
    update_id: Mapped[int | None] = mapped_column(ForeignKey("progress_updates.id"))
    period_key: Mapped[str | None] = mapped_column(String(12))
    days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    mailed_on: Mapped[date | None]

    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_unread", "user_id", "read_at"),
        one_of("kind", NotificationKind),
    )


class OutboxMail(db.Model):
    """A mail sent (or, without SMTP settings, kept here for administrators to read)."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    digest_date: Mapped[date]
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(NFCString(300))
    body: Mapped[str]
    language: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None]

    # One digest per person per day, even when two copies of `reminders send` run at once.
    __table_args__ = (UniqueConstraint("user_id", "digest_date"),)

"""Derived figures kept between requests, and the counter that says when they went stale.

Every flush that adds, changes or removes data the dashboard counts bumps
``change_counter``; a cached figure is used only while its version equals the counter.
Shared by every app process through the database.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, event, insert, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker.extensions import db
from tracker.models.agreements import Assignment, Commitment, CooperationArea
from tracker.models.base import UTCDateTime, utcnow
from tracker.models.periods import CalendarDay, PeriodClosure
from tracker.models.progress import DeadlineExtension, ProgressUpdate, SideStatus


class ChangeCounter(db.Model):
    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class FigureCache(db.Model):
    __tablename__ = "figure_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# CalendarDay: a declared day off or make-up day moves period deadlines.
COUNTED = (ProgressUpdate, SideStatus, Commitment, Assignment, CooperationArea, DeadlineExtension, PeriodClosure,
           CalendarDay)


def bump(session: Session) -> None:
    """Mark every cached figure stale (also for bulk writes that bypass the ORM)."""
    if not session.execute(update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value + 1)).rowcount:
        session.execute(insert(ChangeCounter).values(id=1, value=1))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    if any(isinstance(obj, COUNTED) for obj in (*session.new, *session.dirty, *session.deleted)):
        bump(session)

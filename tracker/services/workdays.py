"""Declaring days off and make-up working days (``calendar_days``); reading the calendar is
``tracker.status.calendar``. Services flush and audit; the caller commits.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.domain.text import nfc
from tracker.domain.workdays import DAY_OFF, KINDS, WORKING_DAY
from tracker.extensions import db
from tracker.models import CalendarDay, User
from tracker.services import audit
from tracker.status.cache import invalidate
from tracker.status.calendar import PUBLIC_CALENDAR

REASON_LIMIT = 500


class CalendarError(ValueError):
    """A declaration refused; ``code`` names the reason (the form words it)."""

    def __init__(self, code: str, field: str = "day"):
        super().__init__(code)
        self.code = code
        self.field = field


def declare(day: date, kind: str, reason: str, actor: User | None) -> CalendarDay:
    """Declare ``day`` a day off or a make-up working day.

    Refused (``CalendarError``): an unknown kind, an empty reason, a day already declared,
    a day off on a day that is already off (a weekend or a public holiday) and a
    make-up day on a day that is already worked (a weekday, or a make-up day the
    library knows).
    """
    if kind not in KINDS:
        raise CalendarError("unknown_kind", "kind")
    reason = nfc((reason or "").strip())
    if not reason:
        raise CalendarError("reason_required", "reason")
    if len(reason) > REASON_LIMIT:
        raise CalendarError("reason_too_long", "reason")
    if db.session.scalar(select(CalendarDay.id).where(CalendarDay.day == day)) is not None:
        raise CalendarError("duplicate")
    worked = PUBLIC_CALENDAR.is_working_day(day)
    if kind == DAY_OFF and not worked:
        raise CalendarError("already_off")
    if kind == WORKING_DAY and worked:
        raise CalendarError("already_working")
    row = CalendarDay(day=day, kind=kind, reason=reason, created_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # declared at the same moment by someone else
        raise CalendarError("duplicate") from None
    audit.record("calendar_day_declared", actor=actor, category=audit.DATA, obj=row, day=day.isoformat(),
                 kind=kind, reason=reason)
    invalidate(periods=True)  # deadlines moved: the compliance card, the reports owed and every cached page
    return row


def remove(row: CalendarDay, actor: User | None) -> None:
    """Withdraw a declared day: deadlines count it as the library and the weekday say again."""
    audit.record("calendar_day_removed", actor=actor, category=audit.DATA, obj=row, day=row.day.isoformat(),
                 kind=row.kind, reason=row.reason)
    db.session.delete(row)
    db.session.flush()
    invalidate(periods=True)

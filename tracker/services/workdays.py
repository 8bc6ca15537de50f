"""Vietnam's working-day calendar: the public holidays of the ``holidays`` library, plus
the days off and make-up working days administrators declare (``calendar_days``).

The library's holidays never change while the app runs, so each year's are computed once
per process. The declared days are read from the database each time a calendar is asked
for (the table holds a handful of rows a year), so a day added on the admin page moves
the deadlines of the very next request, in every app process. Services flush and audit;
the caller commits.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holiday_library
from sqlalchemy import extract, select
from sqlalchemy.exc import IntegrityError

from tracker.domain.text import nfc
from tracker.domain.workdays import DAY_OFF, KINDS, WORKING_DAY, WorkingCalendar
from tracker.extensions import db
from tracker.models import CalendarDay, User
from tracker.services import audit
from tracker.status.cache import invalidate

COUNTRY = "VN"
# Years the library is asked about; outside them only weekends and declared days count.
FIRST_YEAR, LAST_YEAR = 1990, 2100
REASON_LIMIT = 500


@lru_cache(maxsize=None)
def public_holidays(year: int, language: str = "vi") -> tuple[tuple[date, str], ...]:
    """Vietnam's public holidays of ``year`` as ``(day, name)`` pairs, in date order.

    Names in Vietnamese (``vi``) or English (``en``). Observed days the library adds
    (a holiday falling on a weekend moved to a weekday) are included.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return ()
    found = holiday_library.country_holidays(COUNTRY, years=year, language="vi" if language == "vi" else "en_US")
    return tuple(sorted(found.items()))


@lru_cache(maxsize=None)
def public_working_days(year: int) -> tuple[date, ...]:
    """Weekend days of ``year`` the library already knows as make-up working days (làm bù)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return ()
    found = holiday_library.country_holidays(COUNTRY, years=year)
    return tuple(sorted(d for d in found.weekend_workdays if d.year == year))


@lru_cache(maxsize=None)
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(day for day, _ in public_holidays(year))


@lru_cache(maxsize=None)
def _working_dates(year: int) -> frozenset[date]:
    return frozenset(public_working_days(year))


class _ByYear:
    """``day in X``: a per-year set of dates looked up lazily (any year, computed once)."""

    def __init__(self, of_year, name: str):
        self._of_year = of_year
        self._name = name

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in self._of_year(day.year)

    def __repr__(self) -> str:
        return f"{self._name}({COUNTRY})"


LIBRARY_HOLIDAYS = _ByYear(_holiday_dates, "LibraryHolidays")
LIBRARY_WORKING_DAYS = _ByYear(_working_dates, "LibraryWorkingDays")
# The calendar with nothing declared: what the library alone says.
PUBLIC_CALENDAR = WorkingCalendar(LIBRARY_HOLIDAYS, public_working_days=LIBRARY_WORKING_DAYS)


def calendar() -> WorkingCalendar:
    """The calendar deadlines are counted with now: the library's holidays and every declared day."""
    declared = db.session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    return WorkingCalendar.from_declared(LIBRARY_HOLIDAYS, ((d, k) for d, k in declared), LIBRARY_WORKING_DAYS)


def declared_in(year: int) -> list[CalendarDay]:
    """The days declared for ``year``, in date order."""
    return list(db.session.scalars(
        select(CalendarDay).where(extract("year", CalendarDay.day) == year).order_by(CalendarDay.day)))


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
    invalidate()  # deadlines moved: the compliance card and every cached figure must be recomputed
    return row


def remove(row: CalendarDay, actor: User | None) -> None:
    """Withdraw a declared day: deadlines count it as the library and the weekday say again."""
    audit.record("calendar_day_removed", actor=actor, category=audit.DATA, obj=row, day=row.day.isoformat(),
                 kind=row.kind, reason=row.reason)
    db.session.delete(row)
    db.session.flush()
    invalidate()

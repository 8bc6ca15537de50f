"""Vietnam's working-day calendar as deadlines read it: the public holidays of the ``holidays``
library, plus the days off and make-up working days administrators declare (``calendar_days``).

The library's holidays never change while the app runs, so each year's are computed once
per process. The declared days are read from the database each time a calendar is asked
for (the table holds a handful of rows a year), so a day added on the admin page moves
the deadlines of the very next request, in every app process. Reads only: declaring a day
is ``services.workdays``.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holiday_library
from sqlalchemy import extract, select

from tracker.domain.workdays import WorkingCalendar
from tracker.extensions import db
from tracker.models import CalendarDay

COUNTRY = "VN"
# Years the library is asked about; outside them only weekends and declared days count.
FIRST_YEAR, LAST_YEAR = 1990, 2100


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
    """The calendar deadlines are counted with now: the library's holidays and every declared day
    (read once a request: declaring a day moves the change counter, ``services.workdays``)."""
    from tracker.status import cache  # it imports the standings, which count with this calendar

    return cache.per_request("calendar", (), _read)


def _read() -> WorkingCalendar:
    declared = db.session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    return WorkingCalendar.from_declared(LIBRARY_HOLIDAYS, ((d, k) for d, k in declared), LIBRARY_WORKING_DAYS)


def declared_in(year: int) -> list[CalendarDay]:
    """The days declared for ``year``, in date order."""
    return list(db.session.scalars(
        select(CalendarDay).where(extract("year", CalendarDay.day) == year).order_by(CalendarDay.day)))

"""Working days as Vietnamese offices count them (pure: no clock, no library, no database).

A day is a working day unless it falls on a Saturday or Sunday or is a public holiday
(Bộ luật Lao động 2019, Điều 112: Tết Dương lịch, Tết Âm lịch, Giỗ Tổ Hùng Vương, 30/4,
1/5, Quốc khánh...). Each year the Government also announces swaps for public servants:
an extra day off (ngày nghỉ bù, or a day off "theo thông báo của Chính phủ") and a
make-up working day (ngày làm bù, usually a Saturday). Those announced days, kept by
administrators, override the rule: a make-up day is worked even on a Saturday, an
announced day off is not worked even on a Tuesday.
"""
from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.domain.codes import DayKind

DAY_OFF, WORKING_DAY = DayKind.DAY_OFF, DayKind.WORKING_DAY
KINDS = tuple(DayKind)


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Which days count as working days.

    ``public_holidays`` is anything that answers ``day in public_holidays`` (a frozenset
    of dates, or an object looking the day up in a holiday library);
    ``public_working_days`` likewise holds the weekend days the public calendar already
    makes working days (make-up days a library knows). ``days_off`` and
    ``working_days`` are the administrators' declared exceptions, which win over
    everything else; a date may not be in both (``ValueError``).
    """

    public_holidays: Container[date] = frozenset()
    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    public_working_days: Container[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        both = self.days_off & self.working_days
        if both:
            raise ValueError(f"declared both a day off and a working day: {sorted(both)}")

    @classmethod
    def from_declared(
        cls,
        public_holidays: Container[date],
        declared: Iterable[tuple[date, str]],
        public_working_days: Container[date] = frozenset(),
    ) -> WorkingCalendar:
        """A calendar from the public holidays and ``(day, kind)`` pairs, kind in ``KINDS``."""
        days_off, working = set(), set()
        for day, kind in declared:
            if kind == DAY_OFF:
                days_off.add(day)
            elif kind == WORKING_DAY:
                working.add(day)
            else:
                raise ValueError(f"unknown calendar day kind {kind!r}")
        return cls(public_holidays, frozenset(days_off), frozenset(working), public_working_days)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        if day in self.public_working_days:
            return True
        return day.weekday() < 5 and day not in self.public_holidays

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself never counts).

        ``count`` must be at least 1. Gives up with ``ValueError`` after a year without
        enough working days (a calendar declaring every day off).
        """
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        day, counted = start, 0
        limit = start + timedelta(days=366 + 7 * count)
        while counted < count:
            day += timedelta(days=1)
            if day > limit:
                raise ValueError(f"no {count} working days within a year after {start.isoformat()}")
            if self.is_working_day(day):
                counted += 1
        return day


# Only Saturdays and Sundays are off: what the deadlines counted before holidays were known.
WEEKENDS_ONLY = WorkingCalendar()


def as_calendar(value: WorkingCalendar | Container[date] | None) -> WorkingCalendar:
    """``value`` if it is a calendar; a set of holiday dates becomes a calendar of them."""
    if value is None:
        return WEEKENDS_ONLY
    if isinstance(value, WorkingCalendar):
        return value
    return WorkingCalendar(value)

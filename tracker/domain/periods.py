"""Reporting periods of Nghị định 09/2019/NĐ-CP (Điều 12-13): cut-off windows and deadlines.

Data cut-off windows run from the 15th to the 14th (all dates inclusive); the internal
deadline for departments is a configurable rule. Pure date arithmetic: no clock here.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from tracker.domain.workdays import WEEKENDS_ONLY, WorkingCalendar, as_calendar

# What the deadline functions accept as a calendar: a WorkingCalendar, or just a set of
# holiday dates (Saturdays and Sundays are then the only other days off).
Calendar = WorkingCalendar | frozenset[date]


class Frequency(StrEnum):
    MONTHLY = "monthly"  # Hằng tháng
    QUARTERLY = "quarterly"  # Hằng quý
    HALF_YEAR = "half_year"  # 6 tháng
    NINE_MONTHS = "nine_months"  # 9 tháng (provincial practice)
    ANNUAL = "annual"  # Hằng năm


# Order of frequencies when two periods end on the same day (shorter first).
FREQUENCY_ORDER: tuple[Frequency, ...] = tuple(Frequency)

CUTOFF_DAY = 14  # windows end on the 14th and start on the 15th of an earlier month

# frequency -> (month in which period number 1 ends, months per period, periods a year)
_SHAPE: dict[Frequency, tuple[int, int, int]] = {
    Frequency.MONTHLY: (1, 1, 12),
    Frequency.QUARTERLY: (3, 3, 4),
    Frequency.HALF_YEAR: (6, 6, 2),
    Frequency.NINE_MONTHS: (9, 9, 1),
    Frequency.ANNUAL: (12, 12, 1),
}

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _month_before(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) ``months`` months before ``year``/``month``."""
    index = year * 12 + (month - 1) - months
    return index // 12, index % 12 + 1


def window(frequency: Frequency, year: int, number: int) -> tuple[date, date]:
    """The data cut-off window ``(start, end)`` of a period, both inclusive.

    ``year`` is the reporting year and ``number`` the month (1-12), quarter (1-4) or
    half (1-2); 1 for nine months and annual. Windows end on the 14th of the period's
    last month and start on the 15th of the month before its first month, so Q1 2026 is
    15/12/2025-14/03/2026 and "năm 2025" is 15/12/2024-14/12/2025. A number out of
    range raises ``ValueError``.
    """
    frequency = Frequency(frequency)
    first_end_month, months, count = _SHAPE[frequency]
    if not 1 <= number <= count:
        raise ValueError(f"{frequency.value} period number must be 1-{count}, got {number}")
    end_month = first_end_month + (number - 1) * months
    start_year, start_month = _month_before(year, end_month, months)
    return date(start_year, start_month, CUTOFF_DAY + 1), date(year, end_month, CUTOFF_DAY)


@dataclass(frozen=True)
class DeadlineRule:
    """When a department's report of a period is due, counted from the cut-off date.

    - ``working_days_after``: ``value`` working days (1-30) after the cut-off, as
      the given ``WorkingCalendar`` counts them (weekends, public holidays and the
      declared days off skipped; declared make-up days counted).
    - ``day_of_month``: the ``value``-th day (15-28) of the cut-off's month, whatever
      weekday it falls on ("by the 20th").

    An invalid rule raises ``ValueError`` when built.
    """

    kind: Literal["working_days_after", "day_of_month"]
    value: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise ValueError(f"deadline rule value must be an int, got {self.value!r}")
        if self.kind == "working_days_after":
            if not 1 <= self.value <= 30:
                raise ValueError(f"working_days_after must be 1-30, got {self.value}")
        elif self.kind == "day_of_month":
            if not CUTOFF_DAY + 1 <= self.value <= 28:
                raise ValueError(f"day_of_month must be 15-28, got {self.value}")
        else:
            raise ValueError(f"unknown deadline rule kind {self.kind!r}")


DEFAULT_RULE = DeadlineRule("working_days_after", 2)


def deadline(end: date, rule: DeadlineRule = DEFAULT_RULE, calendar: Calendar = WEEKENDS_ONLY) -> date:
    """The internal submission deadline of a window ending on ``end`` (the cut-off).

    ``working_days_after`` N: the N-th working day of ``calendar`` after ``end``. With
    no holidays a cut-off on Friday 14/03/2025 with N=2 gives Tuesday 18/03/2025; on
    Saturday 14/06/2025, Tuesday 17/06/2025. A set of dates given as ``calendar`` is
    taken as the public holidays.

    ``day_of_month`` D: day D of ``end``'s month (not moved off weekends). Should
    ``end`` fall on or after day D (never for a Decree 09 window, which ends on the
    14th), day D of the next month.
    """
    if rule.kind == "day_of_month":
        if end.day < rule.value:
            return end.replace(day=rule.value)
        year, month = _month_before(end.year, end.month, -1)
        return date(year, month, rule.value)
    return as_calendar(calendar).add_working_days(end, rule.value)


@dataclass(frozen=True)
class Period:
    """One reporting period: its window (inclusive) and internal deadline.

    ``year`` is the reporting year (Q1 2026 -> 2026, though its window starts in
    December 2025); ``number`` is the month, quarter or half, 1 for nine months and
    annual.
    """

    frequency: Frequency
    year: int
    number: int
    start: date
    end: date
    deadline: date

    @property
    def key(self) -> str:
        """Stable code used in URLs and files: 2026-M03, 2026-Q1, 2026-H1, 2026-9M, 2026-Y."""
        suffix = {
            Frequency.MONTHLY: f"M{self.number:02d}",
            Frequency.QUARTERLY: f"Q{self.number}",
            Frequency.HALF_YEAR: f"H{self.number}",
            Frequency.NINE_MONTHS: "9M",
            Frequency.ANNUAL: "Y",
        }[self.frequency]
        return f"{self.year}-{suffix}"

    @property
    def label_vi(self) -> str:
        """As officials write it: "Quý I năm 2026", "6 tháng đầu năm 2026", "Năm 2026"."""
        return _LABELS[self.frequency][0](self)

    @property
    def label_en(self) -> str:
        return _LABELS[self.frequency][1](self)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the window (both ends included)."""
        return self.start <= day <= self.end



# How a period is named, in Vietnamese and in English, by its frequency.
_LABELS = {
    Frequency.MONTHLY: (lambda p: f"Tháng {p.number} năm {p.year}",
                        lambda p: f"{_MONTHS_EN[p.number - 1]} {p.year}"),
    Frequency.QUARTERLY: (lambda p: f"Quý {_ROMAN[p.number]} năm {p.year}",
                          lambda p: f"Q{p.number} {p.year}"),
    Frequency.HALF_YEAR: (lambda p: f"6 tháng {'đầu' if p.number == 1 else 'cuối'} năm {p.year}",
                          lambda p: f"{'First' if p.number == 1 else 'Second'} half of {p.year}"),
    Frequency.NINE_MONTHS: (lambda p: f"9 tháng năm {p.year}", lambda p: f"Nine months of {p.year}"),
    Frequency.ANNUAL: (lambda p: f"Năm {p.year}", lambda p: f"Year {p.year}"),
}

def make_period(
    frequency: Frequency,
    year: int,
    number: int,
    rule: DeadlineRule = DEFAULT_RULE,
    calendar: Calendar = WEEKENDS_ONLY,
) -> Period:
    """The period ``number`` of ``year`` at ``frequency``, with its window and deadline."""
    frequency = Frequency(frequency)
    start, end = window(frequency, year, number)
    return Period(frequency, year, number, start, end, deadline(end, rule, calendar))


_KEY = re.compile(r"(\d{4})-(?:M(\d{2})|Q(\d)|H(\d)|(9M)|(Y))")


def parse_key(key: str, rule: DeadlineRule = DEFAULT_RULE, calendar: Calendar = WEEKENDS_ONLY) -> Period:
    """The period a ``Period.key`` names ("2026-Q1"); ``ValueError`` for anything else."""
    match = _KEY.fullmatch(key.strip()) if isinstance(key, str) else None
    if match is None:
        raise ValueError(f"not a period key: {key!r}")
    year = int(match[1])
    if match[2]:
        return make_period(Frequency.MONTHLY, year, int(match[2]), rule, calendar)
    if match[3]:
        return make_period(Frequency.QUARTERLY, year, int(match[3]), rule, calendar)
    if match[4]:
        return make_period(Frequency.HALF_YEAR, year, int(match[4]), rule, calendar)
    if match[5]:
        return make_period(Frequency.NINE_MONTHS, year, 1, rule, calendar)
    return make_period(Frequency.ANNUAL, year, 1, rule, calendar)


class NoPeriod(ValueError):
    """No window of the frequency contains the day (nine months: 15/9-14/12)."""


def period_for(
    frequency: Frequency,
    day: date,
    rule: DeadlineRule = DEFAULT_RULE,
    calendar: Calendar = WEEKENDS_ONLY,
) -> Period:
    """The period of ``frequency`` whose window contains ``day``.

    From the 15th a day belongs to the next month's period: 14/03/2026 is in Q1 2026,
    15/03/2026 in Q2; 15/12/2025 is already in January, Q1, H1 and the year 2026.
    Nine-month windows (15/12-14/9) leave 15/9-14/12 uncovered: such a day raises
    ``NoPeriod`` (a ``ValueError``) rather than guessing.
    """
    frequency = Frequency(frequency)
    year, month = (day.year, day.month) if day.day <= CUTOFF_DAY else _month_before(day.year, day.month, -1)
    _, months, count = _SHAPE[frequency]
    number = (month - 1) // months + 1
    if number > count:  # only nine months: its one window stops on 14/9
        raise NoPeriod(f"{day.isoformat()} is in no nine-month window (15/12-14/9)")
    return make_period(frequency, year, number, rule, calendar)


def periods_between(
    frequencies: Iterable[Frequency],
    start: date,
    until: date,
    rule: DeadlineRule = DEFAULT_RULE,
    calendar: Calendar = WEEKENDS_ONLY,
) -> list[Period]:
    """Every period of ``frequencies`` whose window overlaps ``[start, until]`` (inclusive).

    An agreement starting 01/01/2023 thus gets Q1 2023 (window from 15/12/2022), and a
    span up to 31/12/2025 includes the periods of 2026 whose windows began on 15/12/2025.
    Sorted by end date, then by ``FREQUENCY_ORDER`` (month before quarter before year).
    Empty when ``until < start``. Repeated frequencies are listed once.
    """
    if until < start:
        return []
    wanted = {Frequency(f) for f in frequencies}
    found: list[Period] = []
    for frequency in wanted:
        count = _SHAPE[frequency][2]
        # The window of reporting year Y starts no earlier than 15/12 of Y-1.
        for year in range(start.year, until.year + 2):
            for number in range(1, count + 1):
                first, last = window(frequency, year, number)
                if first <= until and last >= start:
                    found.append(make_period(frequency, year, number, rule, calendar))
    order = {f: i for i, f in enumerate(FREQUENCY_ORDER)}
    return sorted(found, key=lambda p: (p.end, order[p.frequency]))

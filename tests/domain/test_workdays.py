"""Working days as Vietnamese offices count them, and the deadlines counted with them.

The public holidays below are what the `holidays` package gives for Vietnam (checked
against the library in tests/test_workdays.py), written out so these tests stay pure.
"""
from datetime import date

import pytest

from tracker.domain.periods import DEFAULT_RULE, DeadlineRule, Frequency, deadline, make_period, periods_between
from tracker.domain.workdays import DAY_OFF, WEEKENDS_ONLY, WORKING_DAY, WorkingCalendar, as_calendar

D = date

# Vietnam 2026 (holidays 0.109): Tết Bính Ngọ is Tuesday 17/02/2026; the five Tết days run
# from New Year's Eve, Monday 16/02, to Friday 20/02.
VN_2026 = frozenset({
    D(2026, 1, 1),  # Tết Dương lịch
    D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20),  # Tết Nguyên Đán
    D(2026, 4, 26), D(2026, 4, 27),  # Giỗ Tổ Hùng Vương (a Sunday) and the Monday off for it
    D(2026, 4, 30), D(2026, 5, 1),
    D(2026, 8, 31),  # day off swapped with Saturday 22/08/2026
    D(2026, 9, 1), D(2026, 9, 2),  # Quốc khánh
    D(2026, 11, 24),  # Ngày Văn hóa Việt Nam
})
VN_2025 = frozenset({
    D(2025, 1, 1),
    D(2025, 1, 27), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31), D(2025, 2, 1),  # Tết Ất Tỵ
    D(2025, 4, 7), D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2), D(2025, 9, 1), D(2025, 9, 2),
})
VN_2027 = frozenset({D(2027, 1, 1), D(2027, 2, 4), D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)})
VN = VN_2025 | VN_2026 | VN_2027
# The Saturday the 2026 swap makes a working day.
VN_WORKING = frozenset({D(2025, 4, 26), D(2026, 8, 22)})
PUBLIC = WorkingCalendar(VN, public_working_days=VN_WORKING)


def with_declared(*declared):
    return WorkingCalendar.from_declared(VN, declared, VN_WORKING)


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 2, 13), True),  # Friday before Tết
        (D(2026, 2, 14), False),  # Saturday
        (D(2026, 2, 15), False),  # Sunday
        (D(2026, 2, 16), False),  # Giao thừa
        (D(2026, 2, 20), False),  # Mùng bốn
        (D(2026, 2, 23), True),  # back to work
        (D(2026, 8, 22), True),  # Saturday worked for the 31/08 day off
        (D(2026, 8, 31), False),
        (D(2026, 11, 24), False),
        (D(2026, 11, 25), True),
    ],
)
def test_public_calendar(day, working):
    assert PUBLIC.is_working_day(day) is working


def test_weekends_only_calendar_knows_no_holiday():
    assert WEEKENDS_ONLY.is_working_day(D(2026, 2, 17))
    assert not WEEKENDS_ONLY.is_working_day(D(2026, 2, 14))


def test_declared_days_win_over_the_weekday_and_the_holidays():
    calendar = with_declared((D(2026, 2, 28), WORKING_DAY), (D(2026, 3, 2), DAY_OFF), (D(2026, 2, 17), WORKING_DAY),
                             (D(2026, 8, 22), DAY_OFF))
    assert calendar.is_working_day(D(2026, 2, 28))  # a make-up Saturday
    assert not calendar.is_working_day(D(2026, 3, 2))  # a Monday off
    assert calendar.is_working_day(D(2026, 2, 17))  # even a holiday, if declared worked
    assert not calendar.is_working_day(D(2026, 8, 22))  # the library's make-up day, withdrawn


def test_a_day_cannot_be_both_off_and_worked():
    with pytest.raises(ValueError, match="both"):
        with_declared((D(2026, 3, 2), DAY_OFF), (D(2026, 3, 2), WORKING_DAY))
    with pytest.raises(ValueError, match="kind"):
        with_declared((D(2026, 3, 2), "holiday"))


# --- deadlines counted with the calendar ----------------------------------------------

TWO = DEFAULT_RULE
FIVE = DeadlineRule("working_days_after", 5)


@pytest.mark.parametrize(
    "end, rule, calendar, expected",
    [
        # The monthly cut-off of Saturday 14/02/2026: weekends-only counting lands in Tết
        # (Tuesday 17/02, Tết Nguyên Đán itself); with the holidays, after Tết.
        (D(2026, 2, 14), TWO, WEEKENDS_ONLY, D(2026, 2, 17)),
        (D(2026, 2, 14), TWO, PUBLIC, D(2026, 2, 24)),
        (D(2026, 2, 14), DeadlineRule("working_days_after", 1), PUBLIC, D(2026, 2, 23)),
        # A make-up Saturday counts: 21/02 declared worked gives Saturday then Monday.
        (D(2026, 2, 14), TWO, with_declared((D(2026, 2, 21), WORKING_DAY)), D(2026, 2, 23)),
        # An extra day off is skipped: Monday 23/02 declared off.
        (D(2026, 2, 14), TWO, with_declared((D(2026, 2, 23), DAY_OFF)), D(2026, 2, 25)),
        # The library's own swap: Saturday 22/08/2026 worked, Monday 31/08 off, then 1-2/09.
        (D(2026, 8, 14), TWO, PUBLIC, D(2026, 8, 18)),
        (D(2026, 8, 21), TWO, PUBLIC, D(2026, 8, 24)),  # Friday -> Saturday 22 (made up), Monday 24
        (D(2026, 8, 28), TWO, PUBLIC, D(2026, 9, 4)),  # Friday -> 31/08, 1/09, 2/09 off -> Thu 3, Fri 4
        # Year boundaries: the cut-off of December, counted into January past New Year's Day.
        (D(2026, 12, 30), TWO, PUBLIC, D(2027, 1, 4)),  # Wed -> Thu 31, (Fri 1/1 off) Mon 4
        (D(2025, 12, 30), TWO, PUBLIC, D(2026, 1, 2)),  # Tue -> Wed 31, (Thu 1/1 off) Fri 2
        (D(2026, 12, 14), FIVE, with_declared((D(2026, 12, 21), DAY_OFF)), D(2026, 12, 22)),
        (D(2026, 12, 31), TWO, with_declared((D(2027, 1, 2), WORKING_DAY)), D(2027, 1, 4)),  # Sat 2/1 made up
        (D(2027, 1, 29), FIVE, PUBLIC, D(2027, 2, 12)),  # Fri -> 1, 2, 3/2; Tết Đinh Mùi 4-10/2; 11, 12/2
        (D(2025, 1, 14), FIVE, PUBLIC, D(2025, 1, 21)),  # before Tết Ất Tỵ
        (D(2025, 1, 24), TWO, PUBLIC, D(2025, 2, 4)),  # Fri -> (Tết 27/1-1/2) Mon 3, Tue 4
        # A set of dates still works as the holidays (Saturdays and Sundays as usual).
        (D(2026, 2, 14), TWO, VN_2026, D(2026, 2, 24)),
        # The day-of-month rule ignores the calendar.
        (D(2026, 2, 14), DeadlineRule("day_of_month", 17), PUBLIC, D(2026, 2, 17)),
    ],
)
def test_deadline_with_the_calendar(end, rule, calendar, expected):
    assert deadline(end, rule, calendar) == expected


def test_the_monthly_period_of_february_2026_is_due_after_tet():
    period = make_period(Frequency.MONTHLY, 2026, 2, calendar=PUBLIC)
    assert (period.end, period.deadline) == (D(2026, 2, 14), D(2026, 2, 24))
    assert make_period(Frequency.MONTHLY, 2026, 2).deadline == D(2026, 2, 17)  # without the calendar: Tết Day


def test_periods_between_counts_with_the_calendar():
    deadlines = {p.key: p.deadline for p in periods_between([Frequency.MONTHLY], D(2026, 1, 1), D(2026, 12, 14),
                                                              calendar=PUBLIC)}
    assert deadlines["2026-M02"] == D(2026, 2, 24)
    assert deadlines["2026-M03"] == D(2026, 3, 17)  # no holiday: Saturday 14/03 -> Tuesday 17/03
    assert deadlines["2026-M11"] == D(2026, 11, 17)  # 24/11 is too late to matter


def test_add_working_days_needs_a_positive_count_and_gives_up_on_a_calendar_without_work():
    with pytest.raises(ValueError):
        PUBLIC.add_working_days(D(2026, 1, 1), 0)

    class Everything:
        def __contains__(self, day):
            return True

    with pytest.raises(ValueError, match="no 2 working days"):
        WorkingCalendar(Everything()).add_working_days(D(2026, 1, 1), 2)


def test_as_calendar():
    assert as_calendar(None) is WEEKENDS_ONLY
    assert as_calendar(PUBLIC) is PUBLIC
    assert not as_calendar(frozenset({D(2026, 3, 2)})).is_working_day(D(2026, 3, 2))

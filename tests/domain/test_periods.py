"""Decree 09 reporting periods as tables: windows across year ends, deadlines, keys, labels."""
from datetime import date, timedelta

import pytest

from tracker.domain.periods import (
    DEFAULT_RULE,
    DeadlineRule,
    Frequency,
    NoPeriod,
    Period,
    deadline,
    make_period,
    parse_key,
    period_for,
    periods_between,
    window,
)

D = date
F = Frequency


@pytest.mark.parametrize(
    "frequency, year, number, start, end",
    [
        (F.MONTHLY, 2026, 1, D(2025, 12, 15), D(2026, 1, 14)),
        (F.MONTHLY, 2026, 3, D(2026, 2, 15), D(2026, 3, 14)),
        (F.MONTHLY, 2025, 12, D(2025, 11, 15), D(2025, 12, 14)),
        (F.QUARTERLY, 2026, 1, D(2025, 12, 15), D(2026, 3, 14)),
        (F.QUARTERLY, 2026, 2, D(2026, 3, 15), D(2026, 6, 14)),
        (F.QUARTERLY, 2026, 3, D(2026, 6, 15), D(2026, 9, 14)),
        (F.QUARTERLY, 2026, 4, D(2026, 9, 15), D(2026, 12, 14)),
        (F.HALF_YEAR, 2026, 1, D(2025, 12, 15), D(2026, 6, 14)),
        (F.HALF_YEAR, 2026, 2, D(2026, 6, 15), D(2026, 12, 14)),
        (F.NINE_MONTHS, 2026, 1, D(2025, 12, 15), D(2026, 9, 14)),
        (F.ANNUAL, 2025, 1, D(2024, 12, 15), D(2025, 12, 14)),  # "năm 2025"
        (F.ANNUAL, 2023, 1, D(2022, 12, 15), D(2023, 12, 14)),
        ("quarterly", 2024, 1, D(2023, 12, 15), D(2024, 3, 14)),  # codes work too
    ],
)
def test_window(frequency, year, number, start, end):
    assert window(frequency, year, number) == (start, end)


@pytest.mark.parametrize(
    "frequency, number",
    [(F.MONTHLY, 0), (F.MONTHLY, 13), (F.QUARTERLY, 5), (F.HALF_YEAR, 3), (F.NINE_MONTHS, 2), (F.ANNUAL, 2)],
)
def test_window_refuses_numbers_out_of_range(frequency, number):
    with pytest.raises(ValueError, match="period number"):
        window(frequency, 2026, number)


@pytest.mark.parametrize("frequency", list(F))
def test_windows_of_a_frequency_tile_without_gaps(frequency):
    periods = periods_between([frequency], D(2024, 1, 1), D(2026, 12, 31))
    for before, after in zip(periods, periods[1:]):
        if frequency is F.NINE_MONTHS:
            assert after.start == D(before.end.year, 12, 15)  # 15/9-14/12 is left uncovered
        else:
            assert after.start == before.end + timedelta(days=1)


# --- deadlines -------------------------------------------------------------------------

TET_2026 = frozenset(D(2026, 2, d) for d in range(16, 21))  # Mon 16 - Fri 20 Feb 2026 (illustrative)


@pytest.mark.parametrize(
    "end, rule, holidays, expected",
    [
        (D(2025, 3, 14), DEFAULT_RULE, frozenset(), D(2025, 3, 18)),  # Friday -> Tuesday
        (D(2025, 6, 14), DEFAULT_RULE, frozenset(), D(2025, 6, 17)),  # Saturday -> Tuesday
        (D(2025, 8, 14), DEFAULT_RULE, frozenset(), D(2025, 8, 18)),  # Thursday -> Monday
        (D(2025, 9, 14), DEFAULT_RULE, frozenset(), D(2025, 9, 16)),  # Sunday -> Tuesday
        (D(2025, 10, 14), DEFAULT_RULE, frozenset(), D(2025, 10, 16)),  # Tuesday -> Thursday
        (D(2025, 12, 14), DEFAULT_RULE, frozenset(), D(2025, 12, 16)),
        (D(2025, 3, 14), DeadlineRule("working_days_after", 1), frozenset(), D(2025, 3, 17)),
        (D(2025, 3, 14), DeadlineRule("working_days_after", 5), frozenset(), D(2025, 3, 21)),
        (D(2026, 2, 14), DEFAULT_RULE, TET_2026, D(2026, 2, 24)),  # Saturday, then a holiday week
        (D(2025, 4, 29), DEFAULT_RULE, frozenset({D(2025, 4, 30), D(2025, 5, 1)}), D(2025, 5, 5)),
        (D(2025, 3, 14), DeadlineRule("day_of_month", 20), frozenset(), D(2025, 3, 20)),
        (D(2025, 12, 14), DeadlineRule("day_of_month", 20), frozenset(), D(2025, 12, 20)),  # a Saturday: not moved
        (D(2026, 2, 14), DeadlineRule("day_of_month", 28), frozenset(), D(2026, 2, 28)),
        (D(2025, 3, 14), DeadlineRule("day_of_month", 15), frozenset(), D(2025, 3, 15)),
        (D(2025, 12, 25), DeadlineRule("day_of_month", 20), frozenset(), D(2026, 1, 20)),  # not a Decree 09 cut-off
    ],
)
def test_deadline(end, rule, holidays, expected):
    assert deadline(end, rule, holidays) == expected


@pytest.mark.parametrize(
    "kind, value",
    [
        ("day_of_month", 14),
        ("day_of_month", 29),
        ("working_days_after", 0),
        ("working_days_after", 31),
        ("working_days_after", True),
        ("working_days_after", "2"),
        ("weeks_after", 2),
    ],
)
def test_invalid_deadline_rules_are_refused(kind, value):
    with pytest.raises(ValueError):
        DeadlineRule(kind, value)


# --- periods, keys and labels ----------------------------------------------------------


@pytest.mark.parametrize(
    "frequency, year, number, key, label_vi, label_en",
    [
        (F.MONTHLY, 2026, 3, "2026-M03", "Tháng 3 năm 2026", "March 2026"),
        (F.MONTHLY, 2026, 12, "2026-M12", "Tháng 12 năm 2026", "December 2026"),
        (F.QUARTERLY, 2026, 1, "2026-Q1", "Quý I năm 2026", "Q1 2026"),
        (F.QUARTERLY, 2026, 4, "2026-Q4", "Quý IV năm 2026", "Q4 2026"),
        (F.HALF_YEAR, 2026, 1, "2026-H1", "6 tháng đầu năm 2026", "First half of 2026"),
        (F.HALF_YEAR, 2026, 2, "2026-H2", "6 tháng cuối năm 2026", "Second half of 2026"),
        (F.NINE_MONTHS, 2026, 1, "2026-9M", "9 tháng năm 2026", "Nine months of 2026"),
        (F.ANNUAL, 2026, 1, "2026-Y", "Năm 2026", "Year 2026"),
    ],
)
def test_key_and_labels(frequency, year, number, key, label_vi, label_en):
    period = make_period(frequency, year, number)
    assert (period.key, period.label_vi, period.label_en) == (key, label_vi, label_en)
    assert parse_key(key) == period


def test_make_period_carries_window_and_deadline():
    assert make_period(F.QUARTERLY, 2025, 1) == Period(
        F.QUARTERLY, 2025, 1, D(2024, 12, 15), D(2025, 3, 14), D(2025, 3, 18)
    )
    assert make_period(F.QUARTERLY, 2025, 1, DeadlineRule("day_of_month", 20)).deadline == D(2025, 3, 20)


@pytest.mark.parametrize("key", ["", "2026", "2026-Q5", "2026-M3", "2026-M13", "2026-H3", "26-Q1", "2026-q1", None])
def test_parse_key_refuses_anything_else(key):
    with pytest.raises(ValueError):
        parse_key(key)


# --- which period a day belongs to -----------------------------------------------------


@pytest.mark.parametrize(
    "frequency, day, key",
    [
        (F.QUARTERLY, D(2026, 3, 14), "2026-Q1"),  # the 14th closes the window
        (F.QUARTERLY, D(2026, 3, 15), "2026-Q2"),  # the 15th opens the next
        (F.QUARTERLY, D(2025, 12, 14), "2025-Q4"),
        (F.QUARTERLY, D(2025, 12, 15), "2026-Q1"),
        (F.QUARTERLY, D(2026, 1, 1), "2026-Q1"),
        (F.MONTHLY, D(2025, 12, 15), "2026-M01"),
        (F.MONTHLY, D(2025, 12, 31), "2026-M01"),
        (F.MONTHLY, D(2026, 1, 14), "2026-M01"),
        (F.MONTHLY, D(2026, 1, 15), "2026-M02"),
        (F.MONTHLY, D(2026, 2, 28), "2026-M03"),
        (F.HALF_YEAR, D(2026, 6, 14), "2026-H1"),
        (F.HALF_YEAR, D(2026, 6, 15), "2026-H2"),
        (F.HALF_YEAR, D(2025, 12, 15), "2026-H1"),
        (F.NINE_MONTHS, D(2026, 9, 14), "2026-9M"),
        (F.NINE_MONTHS, D(2025, 12, 15), "2026-9M"),
        (F.ANNUAL, D(2025, 12, 14), "2025-Y"),
        (F.ANNUAL, D(2025, 12, 20), "2026-Y"),
        (F.ANNUAL, D(2026, 1, 1), "2026-Y"),
    ],
)
def test_period_for(frequency, day, key):
    period = period_for(frequency, day)
    assert period.key == key
    assert period.contains(day)


@pytest.mark.parametrize("day", [D(2026, 9, 15), D(2026, 11, 1), D(2026, 12, 14)])
def test_nine_months_leaves_the_last_quarter_uncovered(day):
    with pytest.raises(NoPeriod):
        period_for(F.NINE_MONTHS, day)


def test_every_day_of_three_years_is_in_its_period():
    day = D(2024, 12, 1)
    while day <= D(2027, 1, 31):
        for frequency in F:
            if frequency is F.NINE_MONTHS and (9, 15) <= (day.month, day.day) <= (12, 14):
                continue
            assert period_for(frequency, day).contains(day), (frequency, day)
        day += timedelta(days=1)


# --- the span of an agreement ----------------------------------------------------------


@pytest.mark.parametrize(
    "frequencies, start, until, count, first, last",
    [
        # Calendar 2025: the windows of reporting year 2026 open on 15/12/2025.
        ([F.MONTHLY], D(2025, 1, 1), D(2025, 12, 31), 13, "2025-M01", "2026-M01"),
        ([F.QUARTERLY], D(2025, 1, 1), D(2025, 12, 31), 5, "2025-Q1", "2026-Q1"),
        ([F.HALF_YEAR], D(2025, 1, 1), D(2025, 12, 31), 3, "2025-H1", "2026-H1"),
        ([F.NINE_MONTHS], D(2025, 1, 1), D(2025, 12, 31), 2, "2025-9M", "2026-9M"),
        ([F.ANNUAL], D(2025, 1, 1), D(2025, 12, 31), 2, "2025-Y", "2026-Y"),
        # Up to the cut-off: exactly the reporting year.
        ([F.MONTHLY], D(2025, 1, 1), D(2025, 12, 14), 12, "2025-M01", "2025-M12"),
        ([F.QUARTERLY], D(2024, 12, 15), D(2025, 12, 14), 4, "2025-Q1", "2025-Q4"),
        ([F.ANNUAL], D(2024, 12, 15), D(2025, 12, 14), 1, "2025-Y", "2025-Y"),
        # An agreement from 01/01/2023 up to a day in May 2026 (the "following years").
        ([F.QUARTERLY], D(2023, 1, 1), D(2026, 5, 10), 14, "2023-Q1", "2026-Q2"),
        ([F.ANNUAL], D(2023, 1, 1), D(2026, 5, 10), 4, "2023-Y", "2026-Y"),
        ([F.QUARTERLY, F.QUARTERLY], D(2026, 1, 1), D(2026, 1, 1), 1, "2026-Q1", "2026-Q1"),
        ([F.QUARTERLY], D(2026, 3, 14), D(2026, 3, 15), 2, "2026-Q1", "2026-Q2"),
        ([], D(2025, 1, 1), D(2025, 12, 31), 0, None, None),
        ([F.ANNUAL], D(2025, 6, 1), D(2025, 5, 31), 0, None, None),  # until before start
    ],
)
def test_periods_between(frequencies, start, until, count, first, last):
    periods = periods_between(frequencies, start, until)
    assert len(periods) == count
    if periods:
        assert (periods[0].key, periods[-1].key) == (first, last)


def test_periods_between_sorts_by_end_then_frequency():
    keys = [p.key for p in periods_between(list(F), D(2025, 1, 1), D(2025, 12, 14))]
    assert keys[:4] == ["2025-M01", "2025-M02", "2025-M03", "2025-Q1"]
    assert keys[-4:] == ["2025-M12", "2025-Q4", "2025-H2", "2025-Y"]
    assert keys.index("2025-M09") < keys.index("2025-Q3") < keys.index("2025-9M")
    assert len(keys) == 12 + 4 + 2 + 1 + 1


def test_periods_between_uses_the_rule_and_holidays():
    rule = DeadlineRule("day_of_month", 20)
    assert {p.deadline.day for p in periods_between([F.MONTHLY], D(2025, 1, 1), D(2025, 12, 14), rule)} == {20}
    holiday = frozenset({D(2025, 3, 17)})
    (q1,) = periods_between([F.QUARTERLY], D(2025, 1, 1), D(2025, 3, 14), calendar=holiday)
    assert q1.deadline == D(2025, 3, 19)

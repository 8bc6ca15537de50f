"""Early warning: the rule, case by case (domain.md §4 sides; issue 17, part 1)."""
from datetime import date, timedelta

import pytest

from tracker.domain.risk import DEFAULT_MARGIN, side_at_risk

START, DUE = date(2026, 1, 1), date(2026, 12, 31)  # 364 days
THIRD = START + timedelta(days=122)  # 122 × 3 = 366 ≥ 364: a third has passed
BEFORE_THIRD = START + timedelta(days=121)  # 363 < 364
HALF = START + timedelta(days=182)  # exactly half of the time


@pytest.mark.parametrize(("day", "done", "percent", "margin", "expected"), [
    # no approved report: at risk once a third of the time has passed, not before
    (BEFORE_THIRD, False, None, DEFAULT_MARGIN, False),
    (THIRD, False, None, DEFAULT_MARGIN, True),
    # reported: more than the margin behind the share of time elapsed (half: 50 %)
    (HALF, False, 31, DEFAULT_MARGIN, False),  # 50 − 31 = 19 points behind
    (HALF, False, 30, DEFAULT_MARGIN, False),  # exactly 20 behind: not more than the margin
    (HALF, False, 29, DEFAULT_MARGIN, True),  # 21 behind
    (HALF, False, 0, DEFAULT_MARGIN, True),
    (HALF, False, 40, 5, True),  # a stricter agreement's margin
    (HALF, False, 40, 10, False),
    # done is never at risk, however late in the time
    (HALF, True, 0, DEFAULT_MARGIN, False),
    (DUE, True, None, DEFAULT_MARGIN, False),
    # the first and the last day of its time count; outside them, not "at risk"
    (START, False, None, DEFAULT_MARGIN, False),  # no time has passed
    (START, False, 0, DEFAULT_MARGIN, False),
    (DUE, False, 79, DEFAULT_MARGIN, True),  # the due day itself: 100 % of the time gone
    (DUE, False, 80, DEFAULT_MARGIN, False),
    (DUE + timedelta(days=1), False, 0, DEFAULT_MARGIN, False),  # past due: overdue, not at risk
    (START - timedelta(days=1), False, None, DEFAULT_MARGIN, False),  # not started yet
])
def test_the_rule(day, done, percent, margin, expected):
    assert side_at_risk(day=day, start=START, due=DUE, done=done, percent=percent, margin=margin) is expected


@pytest.mark.parametrize(("start", "due"), [(None, DUE), (START, None), (None, None), (START, START)])
def test_a_side_without_a_start_and_a_due_date_is_never_at_risk(start, due):
    assert side_at_risk(day=HALF, start=start, due=due, done=False, percent=None) is False

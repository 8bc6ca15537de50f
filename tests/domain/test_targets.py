"""The on-track rule of numeric targets: actual within 15 % (relative) of the pro-rated target."""
from datetime import date
from decimal import Decimal

import pytest

from tracker.domain.targets import TargetState, judge, prorated, year_share


@pytest.mark.parametrize("day, share", [
    (date(2025, 12, 31), Decimal(0)),
    (date(2026, 1, 1), Decimal(1) / 365),
    (date(2026, 7, 2), Decimal(183) / 365),
    (date(2026, 12, 31), Decimal(1)),
    (date(2027, 3, 1), Decimal(1)),
])
def test_year_share(day, share):
    assert year_share(2026, day) == share


@pytest.mark.parametrize("actual, day, state", [
    (None, date(2026, 12, 31), TargetState.NO_ACTUAL),
    (Decimal(10), date(2026, 12, 31), TargetState.ON_TRACK),  # the whole target
    (Decimal("8.5"), date(2026, 12, 31), TargetState.ON_TRACK),  # exactly 15 % below
    (Decimal("8.49"), date(2026, 12, 31), TargetState.BEHIND),  # just beyond
    (Decimal(12), date(2026, 12, 31), TargetState.ON_TRACK),  # above target
    (Decimal(5), date(2026, 7, 2), TargetState.ON_TRACK),  # 5.01 expected by mid-year
    (Decimal(4), date(2026, 7, 2), TargetState.BEHIND),  # 4 < 5.01 × 0.85
    (Decimal(0), date(2025, 6, 1), TargetState.ON_TRACK),  # nothing expected before the year
])
def test_judge(actual, day, state):
    assert judge(actual, Decimal(10), 2026, day) == state


def test_prorated():
    assert prorated(Decimal(365), 2026, date(2026, 2, 1)) == Decimal(32)

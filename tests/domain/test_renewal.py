"""The next phase: what goes on, the new agreement's defaults, and what is refused."""
from datetime import date

import pytest

from tracker.domain.renewal import (
    bare_name,
    carried_by_default,
    carried_dates,
    default_phase,
    default_renewal_day,
    problems,
    successor_on,
)
from tracker.domain.status import Category
from tracker.domain.succession import AmbiguousSuccession, Step

STEPS = {
    "TN97": [Step("TN", date(2025, 7, 1))],
    "BG97": [Step("BN", date(2025, 7, 1))],
    "X": [Step("A", date(2025, 7, 1)), Step("B", date(2025, 7, 1))],
}


def steps_of(code):
    return STEPS.get(code, [])


@pytest.mark.parametrize("category, carried", [
    (Category.DONE_ON_TIME, False),
    (Category.DONE_LATE, False),
    (Category.IN_PROGRESS_ON_TIME, True),
    (Category.IN_PROGRESS_OVERDUE, True),
    (Category.NOT_STARTED, True),
    (Category.NO_REPORT, True),
])
def test_open_commitments_go_on_and_finished_ones_stay(category, carried):
    assert carried_by_default(category.value) is carried


@pytest.mark.parametrize("period_end, today, expected", [
    (date(2025, 12, 31), date(2026, 11, 26), date(2026, 1, 1)),  # the old period is over: the day after it
    (date(2026, 12, 31), date(2026, 11, 26), date(2026, 11, 26)),  # still running: today
    (date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 26)),  # ended yesterday: today is the day after
    (None, date(2026, 11, 26), date(2026, 11, 26)),
])
def test_default_renewal_day(period_end, today, expected):
    assert default_renewal_day(period_end, today) == expected


def test_default_phase_of_thai_nguyen_and_bac_ninh():
    phase = default_phase("Biên bản ghi nhớ", ["TN", "BN"], ["Tỉnh Thái Nguyên", "Tỉnh Bắc Ninh"], date(2026, 1, 1))
    assert phase.code == "TN-BN-2026"
    assert phase.period_start == date(2026, 1, 1) and phase.period_end == date(2030, 12, 31)
    assert phase.title == ("Biên bản ghi nhớ về hợp tác, liên kết phát triển giữa hai tỉnh Thái Nguyên và Bắc Ninh"
                           " giai đoạn 2026-2030")
    assert phase.short_title == "Hợp tác Thái Nguyên – Bắc Ninh 2026-2030"


def test_default_phase_of_three_provinces_names_them_all():
    phase = default_phase("Chương trình", ["A", "B", "C"], ["Tỉnh A", "Thành phố B", "C"], date(2027, 3, 1))
    assert phase.code == "A-B-C-2027" and phase.period_end == date(2031, 12, 31)
    assert "giữa các tỉnh A, B, C giai đoạn 2027-2031" in phase.title


@pytest.mark.parametrize("name, bare", [("Tỉnh Thái Nguyên", "Thái Nguyên"), ("Thành phố Hà Nội", "Hà Nội"),
                                        ("Bắc Ninh", "Bắc Ninh")])
def test_bare_name(name, bare):
    assert bare_name(name) == bare


@pytest.mark.parametrize("code, on, expected", [
    ("TN97", date(2026, 1, 1), "TN"),  # merged on 2025-07-01: today's Thái Nguyên
    ("BG97", date(2026, 1, 1), "BN"),  # Bắc Giang went into today's Bắc Ninh
    ("TN97", date(2025, 6, 30), "TN97"),  # renewed before the merger: as it was then
    ("TN", date(2026, 1, 1), "TN"),
])
def test_parties_are_the_successors_on_the_renewal_day(code, on, expected):
    assert successor_on(code, date(2023, 1, 1), on, steps_of) == expected


def test_a_split_party_must_be_chosen_by_a_person():
    with pytest.raises(AmbiguousSuccession):
        successor_on("X", date(2023, 1, 1), date(2026, 1, 1), steps_of)


@pytest.mark.parametrize("start, due, on, expected", [
    (date(2023, 6, 1), date(2026, 6, 30), date(2026, 1, 1), (date(2026, 1, 1), date(2026, 6, 30))),
    (date(2023, 6, 1), date(2025, 6, 30), date(2026, 1, 1), (date(2026, 1, 1), None)),  # lapsed: set anew
    (None, None, date(2026, 1, 1), (date(2026, 1, 1), None)),  # recurring or undated
    (date(2026, 3, 1), date(2026, 9, 1), date(2026, 1, 1), (date(2026, 3, 1), date(2026, 9, 1))),  # not begun
    (date(2023, 6, 1), date(2026, 1, 1), date(2026, 1, 1), (date(2026, 1, 1), date(2026, 1, 1))),  # due that day
])
def test_carried_dates(start, due, on, expected):
    assert carried_dates(start, due, on) == expected


BASE = dict(old_start=date(2023, 1, 1), renewed=False, on=date(2026, 1, 1), today=date(2026, 11, 26),
            start=date(2026, 1, 1), end=date(2030, 12, 31), parties=["TN", "BN"])


@pytest.mark.parametrize("change, expected", [
    ({}, {}),
    ({"on": date(2026, 11, 26)}, {}),  # today is allowed
    ({"on": date(2026, 11, 27)}, {"renewed_on": "in_future"}),
    ({"on": date(2023, 1, 1)}, {"renewed_on": "before_old_start"}),
    ({"on": date(2022, 5, 1)}, {"renewed_on": "before_old_start"}),
    ({"renewed": True}, {"renewed_on": "already_renewed"}),
    ({"end": date(2025, 12, 31)}, {"period_end": "before_start"}),
    ({"end": None}, {}),
    ({"parties": ["TN", "TN"]}, {"parties": "two_parties"}),  # both sides merged into one province
    ({"on": None, "start": None}, {}),  # missing dates are the form's to report
])
def test_problems(change, expected):
    assert problems(**{**BASE, **change}) == expected

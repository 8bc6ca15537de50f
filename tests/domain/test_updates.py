"""The checks on a progress update, as a table of inputs and problem codes."""
from datetime import date
from decimal import Decimal

import pytest

from tracker.domain.status import Progress
from tracker.domain.updates import PROBLEM_CODES, update_problems

D = date

TODAY = D(2026, 5, 10)
START = D(2023, 1, 1)


@pytest.mark.parametrize(
    "state, percent, as_of, reason, expected",
    [
        ("in_progress", 45, TODAY, None, {}),
        ("in_progress", "45", TODAY, None, {}),
        ("in_progress", " 45 ", TODAY, None, {}),
        ("in_progress", 45.0, TODAY, None, {}),
        ("in_progress", Decimal("45"), TODAY, None, {}),
        ("in_progress", Decimal("45.5"), TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", 0, START, None, {}),  # the agreement's first day is allowed
        ("done", 100, TODAY, None, {}),
        ("done", "100", TODAY, None, {}),
        (Progress.PAUSED, 30, TODAY, "Chờ bố trí vốn", {}),
        ("dropped", 0, TODAY, "Không còn phù hợp", {}),
        ("finished", 45, TODAY, None, {"state": "state_unknown"}),
        ("", 45, TODAY, None, {"state": "state_unknown"}),
        (None, 45, TODAY, None, {"state": "state_unknown"}),
        ("DONE", 100, TODAY, None, {"state": "state_unknown"}),  # codes are lower case
        ("in_progress", None, TODAY, None, {"percent": "percent_required"}),
        ("in_progress", "  ", TODAY, None, {"percent": "percent_required"}),
        ("in_progress", "45.5", TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", 45.5, TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", "abc", TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", "45,0", TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", float("nan"), TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", True, TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", False, TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", [45], TODAY, None, {"percent": "percent_not_whole"}),
        ("in_progress", -1, TODAY, None, {"percent": "percent_out_of_range"}),
        ("in_progress", "101", TODAY, None, {"percent": "percent_out_of_range"}),
        ("done", 99, TODAY, None, {"percent": "percent_done_must_be_100"}),
        ("done", 101, TODAY, None, {"percent": "percent_out_of_range"}),
        ("paused", 30, TODAY, None, {"reason": "reason_required"}),
        ("dropped", 30, TODAY, " \n\t", {"reason": "reason_required"}),
        ("in_progress", 45, None, None, {"as_of": "as_of_required"}),
        ("in_progress", 45, D(2026, 5, 11), None, {"as_of": "as_of_in_future"}),
        ("in_progress", 45, D(2022, 12, 31), None, {"as_of": "as_of_before_agreement"}),
        # Several fields at once, one code per field.
        ("dropped", "x", None, "", {"percent": "percent_not_whole", "reason": "reason_required", "as_of": "as_of_required"}),
        ("nope", 200, D(2030, 1, 1), None, {"state": "state_unknown", "percent": "percent_out_of_range", "as_of": "as_of_in_future"}),
    ],
)
def test_update_problems(state, percent, as_of, reason, expected):
    assert update_problems(state, percent, as_of, reason, TODAY, START) == expected


def test_problem_codes_name_their_fields():
    assert set(PROBLEM_CODES.values()) == {"state", "percent", "reason", "as_of"}
    assert all(code.startswith(field) for code, field in PROBLEM_CODES.items())


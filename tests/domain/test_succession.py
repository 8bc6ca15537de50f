"""Who holds work after the 2025 mergers: the chain of successors, with inclusive dates."""
from datetime import date

import pytest

from tracker.domain.succession import AmbiguousSuccession, Span, Step, holders

STEPS = {
    "TN97-SKHDT": [Step("TN97-STC", date(2025, 3, 1))],
    "TN97-STC": [Step("TN-STC", date(2025, 7, 1))],
    "BG97-STTTT": [Step("BG97-SKHCN", date(2025, 3, 1))],
    "X": [Step("A", date(2025, 3, 1)), Step("B", date(2025, 3, 1))],
    "L1": [Step("L2", date(2025, 1, 1))],
    "L2": [Step("L1", date(2025, 2, 1))],
}


def steps_of(code):
    return STEPS.get(code, [])


@pytest.mark.parametrize(
    "agency, since, until, expected",
    [
        ("TN97-SKHDT", date(2023, 6, 1), None, [
            Span("TN97-SKHDT", date(2023, 6, 1), date(2025, 2, 28)),
            Span("TN97-STC", date(2025, 3, 1), date(2025, 6, 30)),
            Span("TN-STC", date(2025, 7, 1), None),
        ]),
        # Assigned after the first merger: only the later one applies.
        ("TN97-STC", date(2025, 4, 1), None, [
            Span("TN97-STC", date(2025, 4, 1), date(2025, 6, 30)),
            Span("TN-STC", date(2025, 7, 1), None),
        ]),
        # A succession taking effect on the assignment's own day does not apply.
        ("TN97-STC", date(2025, 7, 1), None, [Span("TN97-STC", date(2025, 7, 1), None)]),
        # Successions after `until` are not applied yet.
        ("TN97-SKHDT", date(2023, 6, 1), date(2025, 5, 1), [
            Span("TN97-SKHDT", date(2023, 6, 1), date(2025, 2, 28)),
            Span("TN97-STC", date(2025, 3, 1), None),
        ]),
        ("TN-STC", date(2023, 6, 1), None, [Span("TN-STC", date(2023, 6, 1), None)]),
    ],
)
def test_holders(agency, since, until, expected):
    assert holders(agency, since, steps_of, until) == expected


def test_split_on_one_day_needs_a_person():
    with pytest.raises(AmbiguousSuccession, match="X has 2 successors on 2025-03-01: A, B"):
        holders("X", date(2024, 1, 1), steps_of)


def test_loop_is_refused():
    with pytest.raises(AmbiguousSuccession, match="loops"):
        holders("L1", date(2024, 1, 1), steps_of)

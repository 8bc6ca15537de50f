"""Status rules as tables: deadline states, reporting categories, roll-ups, update checks."""
from datetime import date

import pytest

from tracker.domain.status import (
    CATEGORY_ORDER,
    FORMULA_EN,
    FORMULA_VI,
    OVERDUE_FIRST,
    Category,
    DeadlineState,
    Progress,
    Rollup,
    SideReport,
    commitment_category,
    commitment_percent,
    deadline_state,
    rollup,
    side_category,
)

D = date
DUE = D(2025, 6, 30)
C = Category


JUNE_2025 = D(2025, 6, 1)


def report(state, percent=50, as_of=JUNE_2025, done_on=None):
    return SideReport(Progress(state), percent, as_of, done_on)


# --- codes -----------------------------------------------------------------------------


def test_codes_match_the_contract():
    assert [p.value for p in Progress] == ["not_started", "in_progress", "done", "paused", "dropped"]
    assert [s.value for s in DeadlineState] == ["on_time", "due_soon", "overdue", "recurring"]
    assert [c.value for c in CATEGORY_ORDER] == [
        "done_on_time", "done_late", "in_progress_on_time", "in_progress_overdue", "not_started", "no_report",
    ]
    assert list(Category) == list(CATEGORY_ORDER)


def test_overdue_first_is_a_permutation_worst_first():
    assert sorted(OVERDUE_FIRST) == sorted(CATEGORY_ORDER)
    # Late and open, finished late, untouched, unreported, then what is fine.
    assert OVERDUE_FIRST == (
        C.IN_PROGRESS_OVERDUE, C.DONE_LATE, C.NOT_STARTED, C.NO_REPORT, C.IN_PROGRESS_ON_TIME, C.DONE_ON_TIME,
    )


# --- deadline state --------------------------------------------------------------------


@pytest.mark.parametrize(
    "due, recurring, as_of, done_on, soon, expected",
    [
        (DUE, True, D(2026, 1, 1), None, 7, DeadlineState.RECURRING),  # recurring wins over a date
        (None, False, D(2026, 1, 1), None, 7, DeadlineState.RECURRING),  # no due date
        (None, False, D(2026, 1, 1), D(2025, 1, 1), 7, DeadlineState.RECURRING),
        (DUE, False, D(2025, 6, 1), None, 7, DeadlineState.ON_TIME),
        (DUE, False, D(2025, 6, 22), None, 7, DeadlineState.ON_TIME),  # 8 days away
        (DUE, False, D(2025, 6, 23), None, 7, DeadlineState.DUE_SOON),  # 7 days away
        (DUE, False, D(2025, 6, 30), None, 7, DeadlineState.DUE_SOON),  # the due day is in time
        (DUE, False, D(2025, 7, 1), None, 7, DeadlineState.OVERDUE),
        (DUE, False, D(2025, 6, 29), None, 0, DeadlineState.ON_TIME),
        (DUE, False, D(2025, 6, 30), None, 0, DeadlineState.DUE_SOON),
        (DUE, False, D(2025, 6, 16), None, 14, DeadlineState.DUE_SOON),
        # Done: judged on the completion day, not on as_of.
        (DUE, False, D(2026, 1, 1), D(2025, 6, 30), 7, DeadlineState.ON_TIME),
        (DUE, False, D(2026, 1, 1), D(2025, 7, 1), 7, DeadlineState.OVERDUE),
        (DUE, False, D(2025, 6, 28), D(2025, 6, 1), 7, DeadlineState.ON_TIME),  # not "due soon" once done
        # Across a year boundary.
        (D(2025, 12, 31), False, D(2025, 12, 25), None, 7, DeadlineState.DUE_SOON),
        (D(2025, 12, 31), False, D(2026, 1, 1), None, 7, DeadlineState.OVERDUE),
    ],
)
def test_deadline_state(due, recurring, as_of, done_on, soon, expected):
    assert deadline_state(due, recurring, as_of, done_on, due_soon_days=soon) is expected


@pytest.mark.parametrize(
    "as_of, expected",
    [(D(2025, 6, 22), DeadlineState.ON_TIME), (D(2025, 6, 23), DeadlineState.DUE_SOON)],
)
def test_due_soon_is_a_week_by_default(as_of, expected):
    assert deadline_state(DUE, False, as_of) is expected


def test_negative_due_soon_is_refused():
    with pytest.raises(ValueError, match="due_soon_days"):
        deadline_state(DUE, False, D(2025, 6, 1), due_soon_days=-1)


# --- one side --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "side, due, recurring, as_of, expected",
    [
        (None, DUE, False, D(2025, 6, 1), C.NO_REPORT),
        (None, DUE, False, D(2025, 8, 1), C.NO_REPORT),  # unreported stays unreported when late
        (report("done", 100, D(2025, 6, 20), D(2025, 6, 20)), DUE, False, D(2025, 8, 1), C.DONE_ON_TIME),
        (report("done", 100, D(2025, 7, 5), D(2025, 6, 30)), DUE, False, D(2025, 8, 1), C.DONE_ON_TIME),  # on the due day
        (report("done", 100, D(2025, 7, 5), D(2025, 7, 1)), DUE, False, D(2025, 8, 1), C.DONE_LATE),
        (report("done", 100, D(2025, 7, 5)), DUE, False, D(2025, 8, 1), C.DONE_LATE),  # falls back to as_of
        (report("done", 100, D(2027, 1, 1), D(2027, 1, 1)), DUE, True, D(2027, 2, 1), C.DONE_ON_TIME),  # recurring
        (report("done", 100, D(2027, 1, 1), D(2027, 1, 1)), None, False, D(2027, 2, 1), C.DONE_ON_TIME),  # no due date
        (report("not_started", 0), DUE, False, D(2025, 6, 30), C.NOT_STARTED),
        # Not started past its deadline is counted as overdue unfinished.
        (report("not_started", 0), DUE, False, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        (report("not_started", 0), DUE, True, D(2027, 1, 1), C.NOT_STARTED),
        (report("not_started", 0), None, False, D(2027, 1, 1), C.NOT_STARTED),
        (report("in_progress", 40), DUE, False, D(2025, 6, 30), C.IN_PROGRESS_ON_TIME),
        (report("in_progress", 40), DUE, False, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        (report("in_progress", 40), None, False, D(2030, 1, 1), C.IN_PROGRESS_ON_TIME),
        (report("paused", 40), DUE, False, D(2025, 6, 1), C.IN_PROGRESS_ON_TIME),
        (report("paused", 40), DUE, False, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        (report("dropped", 10), DUE, False, D(2025, 6, 1), C.IN_PROGRESS_ON_TIME),
        (report("dropped", 10), DUE, False, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        (report("dropped", 10), DUE, True, D(2025, 7, 1), C.IN_PROGRESS_ON_TIME),
    ],
)
def test_side_category(side, due, recurring, as_of, expected):
    assert side_category(side, due, recurring, as_of) is expected


def test_dropped_is_flagged_on_the_report():
    assert report("dropped").is_dropped
    assert not report("paused").is_dropped


# --- bilateral commitments -------------------------------------------------------------

DONE_EARLY = report("done", 100, D(2025, 6, 10), D(2025, 6, 10))
DONE_LATE = report("done", 100, D(2025, 7, 10), D(2025, 7, 10))
STARTED = report("in_progress", 60)
UNTOUCHED = report("not_started", 0)


@pytest.mark.parametrize(
    "sides, as_of, expected",
    [
        ({}, D(2025, 6, 1), C.NO_REPORT),
        ({"TN": None, "BN": None}, D(2025, 6, 1), C.NO_REPORT),
        ({"TN": None, "BN": None}, D(2025, 8, 1), C.NO_REPORT),
        ({"TN": DONE_EARLY, "BN": DONE_EARLY}, D(2025, 8, 1), C.DONE_ON_TIME),
        # The later completion decides.
        ({"TN": DONE_EARLY, "BN": DONE_LATE}, D(2025, 8, 1), C.DONE_LATE),
        # One side done is not a done commitment.
        ({"TN": DONE_EARLY, "BN": None}, D(2025, 6, 20), C.IN_PROGRESS_ON_TIME),
        ({"TN": DONE_EARLY, "BN": None}, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        ({"TN": DONE_EARLY, "BN": UNTOUCHED}, D(2025, 6, 20), C.IN_PROGRESS_ON_TIME),
        ({"TN": DONE_EARLY, "BN": STARTED}, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        ({"TN": UNTOUCHED, "BN": UNTOUCHED}, D(2025, 6, 20), C.NOT_STARTED),
        ({"TN": UNTOUCHED, "BN": None}, D(2025, 6, 20), C.NOT_STARTED),
        ({"TN": UNTOUCHED, "BN": None}, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        ({"TN": UNTOUCHED, "BN": STARTED}, D(2025, 6, 20), C.IN_PROGRESS_ON_TIME),
        ({"TN": STARTED, "BN": None}, D(2025, 7, 1), C.IN_PROGRESS_OVERDUE),
        ({"TN": report("paused", 30), "BN": report("dropped", 0)}, D(2025, 6, 1), C.IN_PROGRESS_ON_TIME),
    ],
)
def test_commitment_category(sides, as_of, expected):
    assert commitment_category(sides, DUE, False, as_of) is expected


def test_recurring_bilateral_commitment_is_never_late():
    sides = {"TN": DONE_LATE, "BN": STARTED}
    assert commitment_category(sides, DUE, True, D(2026, 1, 1)) is C.IN_PROGRESS_ON_TIME
    assert commitment_category({"TN": DONE_LATE, "BN": DONE_LATE}, DUE, True, D(2026, 1, 1)) is C.DONE_ON_TIME


@pytest.mark.parametrize("side", [None, DONE_EARLY, DONE_LATE, STARTED, UNTOUCHED, report("paused"), report("dropped")])
@pytest.mark.parametrize("as_of", [D(2025, 6, 1), D(2025, 6, 30), D(2025, 7, 1)])
def test_one_side_commitment_is_that_side(side, as_of):
    assert commitment_category({"TN": side}, DUE, False, as_of) is side_category(side, DUE, False, as_of)


@pytest.mark.parametrize(
    "sides, expected",
    [
        ({}, None),
        ({"TN": None, "BN": None}, None),  # never 0
        ({"TN": report("in_progress", 40), "BN": None}, 40.0),  # the unreported side is left out
        ({"TN": report("in_progress", 40), "BN": report("in_progress", 61)}, 50.5),
        ({"TN": report("done", 90), "BN": report("not_started", 0)}, 50.0),  # done counts 100
        ({"TN": report("done", 100), "BN": report("done", 100)}, 100.0),
        ({"TN": report("not_started", 0)}, 0.0),  # a reported 0 is a real 0
    ],
)
def test_commitment_percent(sides, expected):
    assert commitment_percent(sides) == expected


# --- roll-ups --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "categories, percents, total, reported, overdue, overdue_rate, done, done_rate, average",
    [
        ([], [], 0, 0, 0, None, 0, None, None),
        (["no_report", "no_report"], [None, None], 2, 0, 0, 0.0, 0, 0.0, None),
        (
            [C.DONE_ON_TIME, C.DONE_LATE, C.IN_PROGRESS_ON_TIME, C.IN_PROGRESS_OVERDUE, C.NOT_STARTED, C.NO_REPORT],
            [100, 100, 50, 20, 0, None],
            6, 5, 2, 2 / 6, 2, 2 / 6, 54.0,
        ),
        ([C.IN_PROGRESS_OVERDUE] * 3 + [C.DONE_ON_TIME], [10, 20, 30, 100], 4, 4, 3, 0.75, 1, 0.25, 40.0),
        (["done_late"], [], 1, 1, 1, 1.0, 1, 1.0, None),  # codes from a query are accepted
    ],
)
def test_rollup(categories, percents, total, reported, overdue, overdue_rate, done, done_rate, average):
    r = rollup(categories, percents)
    assert (r.total, r.reported, r.overdue, r.done) == (total, reported, overdue, done)
    assert r.overdue_rate == (None if overdue_rate is None else pytest.approx(overdue_rate))
    assert r.done_rate == (None if done_rate is None else pytest.approx(done_rate))
    assert r.average_percent == average
    assert list(r.counts) == list(CATEGORY_ORDER)
    assert sum(r.counts.values()) == r.total


def test_rollup_refuses_unknown_codes_and_inconsistent_counts():
    with pytest.raises(ValueError):
        rollup(["late"])
    with pytest.raises(ValueError, match="add up"):
        Rollup(total=3, counts={c: 0 for c in CATEGORY_ORDER})
    with pytest.raises(ValueError, match="six categories"):
        Rollup(total=0, counts={C.DONE_ON_TIME: 0})
    assert Rollup(total=0).overdue_rate is None


def test_formulas_are_there_in_both_languages():
    assert "Tỷ lệ quá hạn" in FORMULA_VI and "0 %" in FORMULA_VI
    assert "Overdue rate" in FORMULA_EN and "0%" in FORMULA_EN
    assert len(FORMULA_VI.splitlines()) == len(FORMULA_EN.splitlines())
    # Each line defines one figure or rule, in the same order in both languages.
    assert [line.split(" = ")[0].split(":")[0] for line in FORMULA_VI.splitlines()[:6]] == [
        "Tổng số nhiệm vụ", "Lượt tỉnh chủ trì", "Quá hạn, chưa hoàn thành", "Tỷ lệ quá hạn", "Tỷ lệ hoàn thành",
        "Tiến độ bình quân",
    ]
    assert [line.split(" = ")[0].split(":")[0] for line in FORMULA_EN.splitlines()[:6]] == [
        "Total tasks", "Sides", "Overdue and not done", "Overdue rate", "Completion rate", "Average progress",
    ]
    assert "ngày đến hạn vẫn được tính là trong hạn." in FORMULA_VI
    assert "the due date itself is still on time." in FORMULA_EN
    assert FORMULA_VI.endswith("báo cáo của các ngày trước đó vẫn tính theo thời hạn cũ.")
    assert FORMULA_EN.endswith("reports for earlier dates keep the earlier deadline.")


# --- latest_side_report: a side's standing from its approved history ------------------

from tracker.domain.status import ApprovedReport, latest_side_report  # noqa: E402

D = date


@pytest.mark.parametrize(
    "history, expected",
    [
        ([], None),
        ([ApprovedReport("in_progress", 40, D(2024, 3, 1))], SideReport(Progress.IN_PROGRESS, 40, D(2024, 3, 1))),
        (
            [ApprovedReport("in_progress", 40, D(2024, 3, 1)), ApprovedReport("done", 100, D(2024, 6, 1)),
             ApprovedReport("done", 100, D(2024, 9, 1))],
            SideReport(Progress.DONE, 100, D(2024, 9, 1), D(2024, 6, 1)),
        ),
        (
            [ApprovedReport("done", 100, D(2024, 6, 1)), ApprovedReport("in_progress", 80, D(2024, 7, 1)),
             ApprovedReport("done", 100, D(2024, 8, 1))],
            SideReport(Progress.DONE, 100, D(2024, 8, 1), D(2024, 8, 1)),
        ),
        (
            [ApprovedReport("done", 100, D(2024, 6, 1)), ApprovedReport("paused", 60, D(2024, 7, 1))],
            SideReport(Progress.PAUSED, 60, D(2024, 7, 1), None),
        ),
    ],
)
def test_latest_side_report(history, expected):
    assert latest_side_report(history) == expected


# --- deadlines in force on the day (extensions are effective-dated) ------------------

from tracker.domain.deadlines import Deadline, DeadlineChange  # noqa: E402
from tracker.domain.status import open_past_due  # noqa: E402

# Due 30/06, extended on 10/07 (after it had passed) to 30/09.
EXTENDED = Deadline(DUE, changes=(DeadlineChange(D(2025, 7, 10), D(2025, 9, 30), order=1),))


@pytest.mark.parametrize(
    "sides, as_of, expected",
    [
        ({"TN": STARTED}, D(2025, 7, 5), C.IN_PROGRESS_OVERDUE),  # before the extension: the old date
        ({"TN": STARTED}, D(2025, 7, 10), C.IN_PROGRESS_ON_TIME),  # the extension is in force on its day
        ({"TN": UNTOUCHED, "BN": None}, D(2025, 7, 10), C.NOT_STARTED),
        ({"TN": STARTED}, D(2025, 10, 1), C.IN_PROGRESS_OVERDUE),
        # Done on 05/07, before the extension: late, even judged after it.
        ({"TN": report("done", 100, D(2025, 7, 5), D(2025, 7, 5))}, D(2025, 8, 1), C.DONE_LATE),
        # Done within the extension: on time.
        ({"TN": report("done", 100, D(2025, 7, 15), D(2025, 7, 15))}, D(2025, 8, 1), C.DONE_ON_TIME),
        ({"TN": report("done", 100, D(2025, 9, 30), D(2025, 9, 30)), "BN": DONE_EARLY}, D(2025, 12, 1), C.DONE_ON_TIME),
    ],
)
def test_commitment_category_judges_by_the_deadline_in_force(sides, as_of, expected):
    assert commitment_category(sides, EXTENDED, False, as_of) is expected


@pytest.mark.parametrize(
    "sides, due, recurring, as_of, expected",
    [
        ({"TN": None, "BN": None}, DUE, False, D(2025, 7, 1), True),  # past due without a report counts
        ({"TN": None, "BN": None}, DUE, False, DUE, False),  # the due day itself is in time
        ({}, DUE, False, D(2025, 7, 1), True),  # no side yet: not done
        ({"TN": STARTED}, DUE, False, D(2025, 7, 1), True),
        ({"TN": UNTOUCHED}, DUE, False, D(2025, 7, 1), True),
        ({"TN": DONE_EARLY, "BN": None}, DUE, False, D(2025, 7, 1), True),  # one side done is not done
        ({"TN": DONE_EARLY, "BN": DONE_EARLY}, DUE, False, D(2025, 8, 1), False),
        ({"TN": DONE_LATE, "BN": DONE_LATE}, DUE, False, D(2025, 8, 1), False),  # done late is no longer open
        ({"TN": STARTED}, DUE, True, D(2027, 1, 1), False),  # recurring
        ({"TN": STARTED}, None, False, D(2027, 1, 1), False),  # no due date
        ({"TN": None}, EXTENDED, False, D(2025, 7, 9), True),  # before the extension took effect
        ({"TN": None}, EXTENDED, False, D(2025, 7, 10), False),
    ],
)
def test_open_past_due(sides, due, recurring, as_of, expected):
    assert open_past_due(sides, due, recurring, as_of) is expected

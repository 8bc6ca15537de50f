"""The due date in force on a date, from effective-dated changes: tables over ``Deadline``."""
from datetime import date

import pytest

from tracker.domain.deadlines import FROM_THE_START, Deadline, DeadlineChange, fixed

D = date
BASE = D(2025, 6, 30)

# Extended on 15/06 to 31/07 (recorded that day), then, after that had passed, on 10/08 to 30/09.
EXTENDED = Deadline(BASE, changes=(
    DeadlineChange(D(2025, 6, 15), D(2025, 7, 31), order=1),
    DeadlineChange(D(2025, 8, 10), D(2025, 9, 30), order=2),
))
# Recorded on 01/08 (order 2) but backdated by an admin to 10/06, before the extension
# recorded earlier (order 1) that took effect on 15/06: the later-effective one wins from 15/06.
BACKDATED = Deadline(BASE, changes=(
    DeadlineChange(D(2025, 6, 15), D(2025, 7, 31), order=1),
    DeadlineChange(D(2025, 6, 10), D(2025, 7, 15), order=2),
))
# Two changes recorded on the same day: the one recorded last wins, whatever the tuple order.
SAME_DAY = Deadline(BASE, changes=(
    DeadlineChange(D(2025, 6, 15), D(2025, 9, 30), order=5),
    DeadlineChange(D(2025, 6, 15), D(2025, 7, 31), order=4),
))
# A mistyped due date corrected from the start: no report ever sees the typo.
CORRECTED = Deadline(D(2052, 6, 30), changes=(DeadlineChange(FROM_THE_START, BASE, order=3),))
# An extension that removed the due date (the task became open-ended).
OPEN_ENDED = Deadline(BASE, changes=(DeadlineChange(D(2025, 6, 15), None, order=1),))


@pytest.mark.parametrize(
    "deadline, day, expected",
    [
        pytest.param(fixed(BASE), D(2000, 1, 1), BASE, id="fixed, long before"),
        pytest.param(fixed(BASE), D(2030, 1, 1), BASE, id="fixed, long after"),
        pytest.param(fixed(None), D(2025, 7, 1), None, id="no due date"),
        pytest.param(fixed(BASE, recurring=True), D(2025, 7, 1), None, id="recurring has no due date"),
        pytest.param(Deadline(BASE, recurring=True, changes=EXTENDED.changes), D(2025, 8, 1), None,
                     id="recurring ignores its changes"),
        pytest.param(EXTENDED, D(2025, 6, 14), BASE, id="the day before an extension takes effect"),
        pytest.param(EXTENDED, D(2025, 6, 15), D(2025, 7, 31), id="an extension is in force on its day"),
        pytest.param(EXTENDED, D(2025, 7, 19), D(2025, 7, 31), id="between two extensions"),
        pytest.param(EXTENDED, D(2025, 8, 10), D(2025, 9, 30), id="the second extension"),
        pytest.param(EXTENDED, D(2026, 1, 1), D(2025, 9, 30), id="long after: the last one"),
        pytest.param(BACKDATED, D(2025, 6, 9), BASE, id="before the backdated change"),
        pytest.param(BACKDATED, D(2025, 6, 10), D(2025, 7, 15), id="a backdated change from its effective day"),
        pytest.param(BACKDATED, D(2025, 6, 15), D(2025, 7, 31), id="a backdated change yields to one effective later"),
        pytest.param(SAME_DAY, D(2025, 6, 15), D(2025, 9, 30), id="same day: the later recorded wins"),
        pytest.param(CORRECTED, D(2020, 1, 1), BASE, id="a correction applies from the start"),
        pytest.param(CORRECTED, D.min, BASE, id="a correction applies on the earliest date there is"),
        pytest.param(OPEN_ENDED, D(2025, 6, 15), None, id="an extension can remove the due date"),
    ],
)
def test_due_date_on(deadline, day, expected):
    assert deadline.on(day) == expected


def test_the_default_recording_order_is_the_earliest():
    # Changes recorded before the order was kept count as recorded first.
    unordered_first = Deadline(BASE, changes=(
        DeadlineChange(D(2025, 6, 15), D(2025, 9, 30)),
        DeadlineChange(D(2025, 6, 15), D(2025, 7, 31), order=1),
    ))
    assert unordered_first.on(D(2025, 6, 15)) == D(2025, 7, 31)


def test_a_deadline_defaults_to_no_change_and_not_recurring():
    assert Deadline(BASE).on(D(2025, 7, 1)) == BASE
    assert fixed(BASE) == Deadline(BASE)
    assert Deadline(BASE).past_due(D(2025, 7, 1))


@pytest.mark.parametrize(
    "deadline, day, expected",
    [
        pytest.param(fixed(BASE), D(2025, 6, 29), False, id="before"),
        pytest.param(fixed(BASE), BASE, False, id="the due day itself is in time"),
        pytest.param(fixed(BASE), D(2025, 7, 1), True, id="the day after"),
        pytest.param(fixed(None), D(2030, 1, 1), False, id="no due date is never past due"),
        pytest.param(fixed(BASE, recurring=True), D(2030, 1, 1), False, id="recurring is never past due"),
        pytest.param(EXTENDED, D(2025, 7, 1), False, id="extended before the old date passed"),
        pytest.param(EXTENDED, D(2025, 8, 1), True, id="past the first extension, before the second"),
        pytest.param(EXTENDED, D(2025, 9, 30), False, id="the extended due day is in time"),
        pytest.param(EXTENDED, D(2025, 10, 1), True, id="past the last extension"),
        pytest.param(Deadline(BASE, changes=(DeadlineChange(D(2025, 7, 10), D(2025, 9, 30), order=1),)),
                     D(2025, 7, 5), True, id="past due until the extension is recorded"),
        pytest.param(CORRECTED, D(2025, 7, 1), True, id="the corrected date counts, not the typo"),
        pytest.param(OPEN_ENDED, D(2030, 1, 1), False, id="an extension without a date is never past due"),
    ],
)
def test_past_due(deadline, day, expected):
    assert deadline.past_due(day) is expected


@pytest.mark.parametrize(
    "deadline, completed_on, expected",
    [
        pytest.param(fixed(BASE), BASE, False, id="done on the due day"),
        pytest.param(fixed(BASE), D(2025, 7, 1), True, id="done the day after"),
        pytest.param(fixed(None), D(2030, 1, 1), False, id="no due date"),
        pytest.param(fixed(BASE, recurring=True), D(2030, 1, 1), False, id="recurring"),
        pytest.param(EXTENDED, D(2025, 7, 31), False, id="done within the extension"),
        pytest.param(EXTENDED, D(2025, 8, 5), True, id="after the first extension, before the second was recorded"),
        pytest.param(EXTENDED, D(2025, 9, 30), False, id="on the extended due day"),
        pytest.param(CORRECTED, D(2025, 7, 1), True, id="late against the corrected date"),
        pytest.param(OPEN_ENDED, D(2025, 7, 1), False, id="the due date was removed"),
    ],
)
def test_late(deadline, completed_on, expected):
    assert deadline.late(completed_on) is expected


def test_from_the_start_is_the_earliest_date():
    assert FROM_THE_START == D.min

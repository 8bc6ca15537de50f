"""Partner confirmation: who is asked, the steps, and how a dispute changes a side's standing."""
from datetime import date, datetime

import pytest

from tracker.domain.confirmation import (
    Action,
    Dispute,
    NotAllowed,
    State,
    as_disputed,
    needs_reason,
    next_state,
    partners_to_ask,
)
from tracker.domain.spans import Approval, Span, spans
from tracker.domain.status import Progress, SideReport

D = date


@pytest.mark.parametrize("state, role, party, leads, expected", [
    ("done", "lead", 1, [1, 2], [2]),
    ("done", "lead", 2, [1, 2, 3], [1, 3]),
    ("done", "lead", 1, [1], []),  # one side: nobody to ask
    ("done", "lead", 1, [2], [2]),  # reporting party lost its lead since: still shared
    ("in_progress", "lead", 1, [1, 2], []),  # only a completion asks
    ("done", "support", 1, [1, 2], []),  # a co-operating agency's report sets no status
    ("dropped", "lead", 1, [1, 2], []),
])
def test_who_is_asked(state, role, party, leads, expected):
    assert partners_to_ask(state, role, party, leads) == expected


@pytest.mark.parametrize("current, action, expected", [
    (State.AWAITING, Action.CONFIRM, State.CONFIRMED),
    (State.AWAITING, Action.DISPUTE, State.DISPUTED),
    (State.DISPUTED, Action.WITHDRAW, State.SETTLED),
    (State.AWAITING, Action.REPLACE, State.SETTLED),
    (State.DISPUTED, Action.REPLACE, State.SETTLED),
    ("awaiting", "confirm", State.CONFIRMED),
])
def test_steps(current, action, expected):
    assert next_state(current, action) is expected


@pytest.mark.parametrize("current, action", [
    (State.CONFIRMED, Action.CONFIRM), (State.CONFIRMED, Action.DISPUTE), (State.DISPUTED, Action.DISPUTE),
    (State.DISPUTED, Action.CONFIRM), (State.AWAITING, Action.WITHDRAW), (State.SETTLED, Action.WITHDRAW),
    (State.SETTLED, Action.DISPUTE), (State.CONFIRMED, Action.REPLACE),
])
def test_refused_steps(current, action):
    with pytest.raises(NotAllowed):
        next_state(current, action)


@pytest.mark.parametrize("action, reason, expected", [
    ("dispute", None, True), ("dispute", "  ", True), ("dispute", "Chưa nghiệm thu", False),
    ("confirm", None, False), ("withdraw", "", False),
])
def test_reason(action, reason, expected):
    assert needs_reason(action, reason) is expected


@pytest.mark.parametrize("dispute, day, open_", [
    (Dispute(1, D(2026, 5, 10)), D(2026, 5, 9), False),
    (Dispute(1, D(2026, 5, 10)), D(2026, 5, 10), True),
    (Dispute(1, D(2026, 5, 10)), D(2027, 1, 1), True),
    (Dispute(1, D(2026, 5, 10), D(2026, 5, 20)), D(2026, 5, 19), True),
    (Dispute(1, D(2026, 5, 10), D(2026, 5, 20)), D(2026, 5, 20), False),
])
def test_open_on(dispute, day, open_):
    assert dispute.open_on(day) is open_


def ok(update_id, state, percent, as_of, approved_on):
    return Approval(update_id, state, percent, as_of, approved_on, datetime(*approved_on.timetuple()[:3], 9))


def test_as_disputed_only_touches_an_open_dispute_of_a_done_report():
    rows = [ok(1, "in_progress", 50, D(2026, 3, 1), D(2026, 3, 2)), ok(2, "done", 100, D(2026, 5, 1), D(2026, 5, 2))]
    disputes = [Dispute(1, D(2026, 5, 5)), Dispute(2, D(2026, 5, 5), D(2026, 6, 1))]
    assert [r.state for r in as_disputed(rows, disputes, D(2026, 5, 4))] == ["in_progress", "done"]
    assert [r.state for r in as_disputed(rows, disputes, D(2026, 5, 5))] == ["in_progress", "in_progress"]
    assert [r.state for r in as_disputed(rows, disputes, D(2026, 6, 1))] == ["in_progress", "done"]


def side(state, percent, as_of, done_on=None):
    return SideReport(Progress(state), percent, as_of, done_on)


@pytest.mark.parametrize("approvals, disputes, expected", [
    pytest.param(
        [ok(1, "done", 100, D(2026, 5, 1), D(2026, 5, 2))], [],
        [Span(1, side("done", 100, D(2026, 5, 1), D(2026, 5, 1)), D(2026, 5, 2), None)],
        id="no dispute: done from approval"),
    pytest.param(
        [ok(1, "done", 100, D(2026, 5, 1), D(2026, 5, 2))], [Dispute(1, D(2026, 5, 10))],
        [Span(1, side("done", 100, D(2026, 5, 1), D(2026, 5, 1)), D(2026, 5, 2), D(2026, 5, 10)),
         Span(1, side("in_progress", 100, D(2026, 5, 1)), D(2026, 5, 10), None)],
        id="a dispute makes the side not done from its day"),
    pytest.param(
        [ok(1, "done", 100, D(2026, 5, 1), D(2026, 5, 2))], [Dispute(1, D(2026, 5, 10), D(2026, 5, 20))],
        [Span(1, side("done", 100, D(2026, 5, 1), D(2026, 5, 1)), D(2026, 5, 2), D(2026, 5, 10)),
         Span(1, side("in_progress", 100, D(2026, 5, 1)), D(2026, 5, 10), D(2026, 5, 20)),
         Span(1, side("done", 100, D(2026, 5, 1), D(2026, 5, 1)), D(2026, 5, 20), None)],
        id="withdrawn: done again from the withdrawal, completed on the original day"),
    pytest.param(
        [ok(1, "done", 100, D(2026, 5, 1), D(2026, 5, 2)), ok(2, "done", 100, D(2026, 6, 1), D(2026, 6, 2))],
        [Dispute(1, D(2026, 5, 10))],
        [Span(1, side("done", 100, D(2026, 5, 1), D(2026, 5, 1)), D(2026, 5, 2), D(2026, 5, 10)),
         Span(1, side("in_progress", 100, D(2026, 5, 1)), D(2026, 5, 10), D(2026, 6, 2)),
         Span(2, side("done", 100, D(2026, 6, 1), D(2026, 6, 1)), D(2026, 6, 2), None)],
        id="replaced by a later done: completed on the later report's day"),
    pytest.param(
        [ok(1, "in_progress", 60, D(2026, 5, 1), D(2026, 5, 2))], [Dispute(1, D(2026, 5, 10))],
        [Span(1, side("in_progress", 60, D(2026, 5, 1)), D(2026, 5, 2), None)],
        id="a dispute of an unfinished report changes nothing"),
])
def test_spans_with_disputes(approvals, disputes, expected):
    assert spans(approvals, disputes) == expected

"""A side's standing as spans of days, from its approvals: tables over ``spans()``."""
from datetime import date, datetime

import pytest

from tracker.domain.spans import Approval, Span, spans
from tracker.domain.status import Progress, SideReport

D = date
P = Progress


def ok(update_id, state, percent, as_of, approved_on, at=(9, 0)):
    """An approval on ``approved_on`` at ``at`` (hour, minute) of that day."""
    return Approval(update_id, state, percent, as_of, approved_on, datetime(*approved_on.timetuple()[:3], *at))


def side(state, percent, as_of, done_on=None):
    return SideReport(P(state), percent, as_of, done_on)


def span(update_id, report, start, end):
    return Span(update_id, report, start, end)


@pytest.mark.parametrize(
    "approvals, expected",
    [
        pytest.param([], [], id="no approval, no span"),
        pytest.param(
            [ok(1, "in_progress", 40, D(2025, 3, 1), D(2025, 3, 3))],
            [span(1, side("in_progress", 40, D(2025, 3, 1)), D(2025, 3, 3), None)],
            id="one approval holds from its approval day, open-ended",
        ),
        pytest.param(
            [ok(1, "not_started", 0, D(2025, 3, 1), D(2025, 3, 3)),
             ok(2, "in_progress", 30, D(2025, 4, 1), D(2025, 4, 2)),
             ok(3, "in_progress", 70, D(2025, 5, 1), D(2025, 5, 6))],
            [span(1, side("not_started", 0, D(2025, 3, 1)), D(2025, 3, 3), D(2025, 4, 2)),
             span(2, side("in_progress", 30, D(2025, 4, 1)), D(2025, 4, 2), D(2025, 5, 6)),
             span(3, side("in_progress", 70, D(2025, 5, 1)), D(2025, 5, 6), None)],
            id="each span ends (exclusive) on the next change day; the last is open",
        ),
        pytest.param(
            [ok(3, "in_progress", 70, D(2025, 5, 1), D(2025, 5, 6)),
             ok(1, "not_started", 0, D(2025, 3, 1), D(2025, 3, 3)),
             ok(2, "in_progress", 30, D(2025, 4, 1), D(2025, 4, 2))],
            [span(1, side("not_started", 0, D(2025, 3, 1)), D(2025, 3, 3), D(2025, 4, 2)),
             span(2, side("in_progress", 30, D(2025, 4, 1)), D(2025, 4, 2), D(2025, 5, 6)),
             span(3, side("in_progress", 70, D(2025, 5, 1)), D(2025, 5, 6), None)],
            id="the input order does not matter",
        ),
        pytest.param(
            [ok(1, "in_progress", 20, D(2025, 3, 1), D(2025, 3, 3), (8, 0)),
             ok(2, "in_progress", 50, D(2025, 3, 2), D(2025, 3, 3), (10, 0))],
            [span(2, side("in_progress", 50, D(2025, 3, 2)), D(2025, 3, 3), None)],
            id="approvals on one day make one span: the day's last standing",
        ),
        pytest.param(
            [ok(1, "in_progress", 50, D(2025, 3, 10), D(2025, 3, 11)),
             ok(2, "in_progress", 30, D(2025, 3, 1), D(2025, 3, 12))],
            [span(1, side("in_progress", 50, D(2025, 3, 10)), D(2025, 3, 11), None)],
            id="a later approval of an older report does not replace the newer one; nothing changes",
        ),
        pytest.param(
            [ok(1, "in_progress", 50, D(2025, 3, 10), D(2025, 3, 11)),
             ok(2, "in_progress", 30, D(2025, 3, 1), D(2025, 3, 12)),
             ok(3, "in_progress", 60, D(2025, 3, 20), D(2025, 3, 21))],
            [span(1, side("in_progress", 50, D(2025, 3, 10)), D(2025, 3, 11), D(2025, 3, 21)),
             span(3, side("in_progress", 60, D(2025, 3, 20)), D(2025, 3, 21), None)],
            id="a day without change extends the span to the next change",
        ),
        pytest.param(
            [ok(7, "in_progress", 40, D(2025, 3, 1), D(2025, 3, 3), (15, 0)),
             ok(8, "in_progress", 60, D(2025, 3, 1), D(2025, 3, 3), (9, 0))],
            [span(7, side("in_progress", 40, D(2025, 3, 1)), D(2025, 3, 3), None)],
            id="same day, same as-of: the later approval wins, not the higher id",
        ),
        pytest.param(
            [ok(8, "in_progress", 60, D(2025, 3, 1), D(2025, 3, 3), (9, 0)),
             ok(7, "in_progress", 40, D(2025, 3, 1), D(2025, 3, 3), (9, 0))],
            [span(8, side("in_progress", 60, D(2025, 3, 1)), D(2025, 3, 3), None)],
            id="same day, same as-of, same instant: the higher update id wins",
        ),
        pytest.param(
            [ok(1, "in_progress", 50, D(2025, 3, 1), D(2025, 3, 2)),
             ok(2, "in_progress", 50, D(2025, 3, 1), D(2025, 3, 5))],
            [span(1, side("in_progress", 50, D(2025, 3, 1)), D(2025, 3, 2), D(2025, 3, 5)),
             span(2, side("in_progress", 50, D(2025, 3, 1)), D(2025, 3, 5), None)],
            id="the same report from a new update starts a span (the span names its update)",
        ),
        pytest.param(
            [ok(1, "done", 100, D(2025, 6, 10), D(2025, 6, 11)),
             ok(2, "done", 100, D(2025, 6, 5), D(2025, 6, 12))],
            [span(1, side("done", 100, D(2025, 6, 10), D(2025, 6, 10)), D(2025, 6, 11), D(2025, 6, 12)),
             span(1, side("done", 100, D(2025, 6, 10), D(2025, 6, 5)), D(2025, 6, 12), None)],
            id="the same update with a new standing starts a span (a backdated done moves completion)",
        ),
    ],
)
def test_spans(approvals, expected):
    assert spans(approvals) == expected


@pytest.mark.parametrize(
    "approvals, expected",
    [
        pytest.param(
            [ok(1, "in_progress", 60, D(2025, 5, 1), D(2025, 5, 2)),
             ok(2, "done", 90, D(2025, 6, 1), D(2025, 6, 2)),
             ok(3, "done", 100, D(2025, 6, 15), D(2025, 6, 16))],
            [(1, P.IN_PROGRESS, 60, D(2025, 5, 1), None),
             (2, P.DONE, 100, D(2025, 6, 1), D(2025, 6, 1)),
             (3, P.DONE, 100, D(2025, 6, 15), D(2025, 6, 1))],
            id="a later done (a correction) keeps the first completion date",
        ),
        pytest.param(
            [ok(1, "done", 100, D(2025, 6, 1), D(2025, 6, 2)),
             ok(2, "in_progress", 80, D(2025, 7, 1), D(2025, 7, 2)),
             ok(3, "done", 100, D(2025, 8, 1), D(2025, 8, 2))],
            [(1, P.DONE, 100, D(2025, 6, 1), D(2025, 6, 1)),
             (2, P.IN_PROGRESS, 80, D(2025, 7, 1), None),
             (3, P.DONE, 100, D(2025, 8, 1), D(2025, 8, 1))],
            id="done, back to work, done again: completed the second time",
        ),
        pytest.param(
            [ok(1, "done", 100, D(2025, 6, 1), D(2025, 6, 2)),
             ok(2, "paused", 60, D(2025, 7, 1), D(2025, 7, 2))],
            [(1, P.DONE, 100, D(2025, 6, 1), D(2025, 6, 1)),
             (2, P.PAUSED, 60, D(2025, 7, 1), None)],
            id="a side that stops being done has no completion date",
        ),
    ],
)
def test_spans_carry_the_completion_date(approvals, expected):
    got = [(s.update_id, s.report.state, s.report.percent, s.report.as_of, s.report.reported_done_on)
           for s in spans(approvals)]
    assert got == expected


def test_spans_tile_the_days_without_gaps():
    approvals = [ok(i, "in_progress", 10 * i, D(2025, i, 1), D(2025, i, 3)) for i in range(1, 6)]
    result = spans(approvals)
    assert [s.effective_from for s in result] == [D(2025, i, 3) for i in range(1, 6)]
    assert [s.effective_to for s in result[:-1]] == [s.effective_from for s in result[1:]]
    assert result[-1].effective_to is None

"""Status as officials count it: progress, deadline state, reporting category, roll-ups.

Also the checks on a progress update, which return problem codes (the UI translates
them). Pure rules only: no Flask, no database, no clock (every "today" is an argument).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tracker.domain.deadlines import Deadline, fixed


class Progress(StrEnum):
    """Tiến độ: the state an official reports in a progress update."""

    NOT_STARTED = "not_started"  # Chưa triển khai
    IN_PROGRESS = "in_progress"  # Đang triển khai
    DONE = "done"  # Hoàn thành
    PAUSED = "paused"  # Tạm dừng (reason required)
    DROPPED = "dropped"  # Dừng thực hiện (reason required)


class DeadlineState(StrEnum):
    """Thời hạn: where a commitment stands against its deadline."""

    ON_TIME = "on_time"  # Trong hạn
    DUE_SOON = "due_soon"  # Sắp đến hạn
    OVERDUE = "overdue"  # Quá hạn
    RECURRING = "recurring"  # Thường xuyên / không thời hạn


class Category(StrEnum):
    """The reporting category the Government Office counts, plus "not yet reported"."""

    DONE_ON_TIME = "done_on_time"  # Hoàn thành đúng hạn
    DONE_LATE = "done_late"  # Hoàn thành quá hạn
    IN_PROGRESS_ON_TIME = "in_progress_on_time"  # Đang thực hiện trong hạn
    IN_PROGRESS_OVERDUE = "in_progress_overdue"  # Đang thực hiện quá hạn
    NOT_STARTED = "not_started"  # Chưa triển khai
    NO_REPORT = "no_report"  # Chưa có báo cáo


# The order every page, chart and file uses (docs: ui.md, "Status").
CATEGORY_ORDER: tuple[Category, ...] = (
    Category.DONE_ON_TIME,
    Category.DONE_LATE,
    Category.IN_PROGRESS_ON_TIME,
    Category.IN_PROGRESS_OVERDUE,
    Category.NOT_STARTED,
    Category.NO_REPORT,
)

# Worst first, for lists that say "overdue first" (an officer's inbox, reminders):
# what is late and still open, then what finished late, then what nobody has touched
# or reported, and what is fine last.
OVERDUE_FIRST: tuple[Category, ...] = (
    Category.IN_PROGRESS_OVERDUE,
    Category.DONE_LATE,
    Category.NOT_STARTED,
    Category.NO_REPORT,
    Category.IN_PROGRESS_ON_TIME,
    Category.DONE_ON_TIME,
)

DEFAULT_DUE_SOON_DAYS = 7


def deadline_state(
    due: date | None,
    recurring: bool,
    as_of: date,
    done_on: date | None = None,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> DeadlineState:
    """Where a commitment stands against its deadline on ``as_of``.

    - Recurring, or no due date at all: ``RECURRING`` (nothing can be late).
    - Done (``done_on`` given): judged on the completion day, whatever ``as_of`` is:
      ``ON_TIME`` when ``done_on <= due``, else ``OVERDUE``.
    - Otherwise ``OVERDUE`` once ``as_of > due``; ``DUE_SOON`` when the due date is
      0 to ``due_soon_days`` calendar days away (the due day itself is due soon, not
      overdue); ``ON_TIME`` before that.

    ``due_soon_days`` counts calendar days; 0 means only the due day is "due soon".
    A negative value raises ``ValueError``.
    """
    if due_soon_days < 0:
        raise ValueError(f"due_soon_days must be >= 0, got {due_soon_days}")
    if recurring or due is None:
        return DeadlineState.RECURRING
    if done_on is not None:
        return DeadlineState.ON_TIME if done_on <= due else DeadlineState.OVERDUE
    if as_of > due:
        return DeadlineState.OVERDUE
    if (due - as_of).days <= due_soon_days:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


@dataclass(frozen=True)
class SideReport:
    """One party province's latest approved report on a commitment, as of some date.

    ``as_of`` is the date the report speaks for; ``reported_done_on`` is the ``as_of`` of
    the first approved update that said ``DONE`` (the completion date). For a ``DONE``
    report without ``reported_done_on`` the report's own ``as_of`` is used. The caller
    picks the report (latest approved as of the date being judged); this module does
    not look at reports dated later.
    """

    state: Progress
    percent: int
    as_of: date
    reported_done_on: date | None = None

    @property
    def completed_on(self) -> date | None:
        """The completion date when the side is done, else None."""
        if self.state is not Progress.DONE:
            return None
        return self.reported_done_on or self.as_of

    @property
    def is_dropped(self) -> bool:
        """Dropped sides count as unfinished in the categories; pages flag them with this."""
        return self.state is Progress.DROPPED


class Fact(StrEnum):  # pragma: no mutate: the values are names only, rules and SQL use the members
    """What the category rules look at, for one side or a whole commitment (all booleans).

    SQL computes the same facts (``tracker.status.sql``) and turns ``RULES`` into a CASE
    expression, so the rules are written once, here.
    """

    REPORTED = "reported"  # at least one side has an approved report
    COMPLETE = "complete"  # there is a side, and every side reported DONE
    LATE = "late"  # complete, and the (last) completion after the due date in force that day
    UNTOUCHED = "untouched"  # reported, and every reported side says NOT_STARTED
    PAST_DUE = "past_due"  # the due date in force on the day is before the day


Conditions = tuple[tuple[Fact, bool], ...]

# Ordered checks, first match wins (domain.md §4, "Counting, exactly"); the last has no
# condition. Two choices worth knowing:
# - NOT_STARTED past its deadline is "Đang thực hiện quá hạn": the Government Office
#   counts every unfinished task past its deadline as overdue, started or not, so the
#   overdue rate leaders read first does not hide tasks nobody began.
# - PAUSED and DROPPED are unfinished: on time or overdue by the deadline, like
#   IN_PROGRESS. The six categories must add up to the total, and a dropped task was
#   neither completed nor (necessarily) never started; pages flag it from its Progress.
RULES: tuple[tuple[Category, Conditions], ...] = (
    (Category.DONE_ON_TIME, ((Fact.COMPLETE, True), (Fact.LATE, False))),
    (Category.DONE_LATE, ((Fact.COMPLETE, True),)),
    (Category.NO_REPORT, ((Fact.REPORTED, False),)),
    (Category.IN_PROGRESS_OVERDUE, ((Fact.PAST_DUE, True),)),
    (Category.NOT_STARTED, ((Fact.UNTOUCHED, True),)),
    (Category.IN_PROGRESS_ON_TIME, ()),
)

# "Open and past due" (quá hạn, chưa hoàn thành): a deadline fact, reported or not.
OPEN_PAST_DUE: Conditions = ((Fact.COMPLETE, False), (Fact.PAST_DUE, True))


def holds(conditions: Conditions, facts: Mapping[Fact, bool]) -> bool:
    """Every condition of a rule is met (an empty rule always holds)."""
    return all(facts[fact] is wanted for fact, wanted in conditions)


def categorise(facts: Mapping[Fact, bool]) -> Category:
    """The first rule of ``RULES`` that holds."""
    return next(result for result, conditions in RULES if holds(conditions, facts))


def _deadline(due: date | None | Deadline, recurring: bool) -> Deadline:
    return due if isinstance(due, Deadline) else fixed(due, recurring)


def facts_of(
    sides: Mapping[str, SideReport | None], due: date | None | Deadline, recurring: bool, as_of: date
) -> dict[Fact, bool]:
    """The rules' facts for a commitment whose sides stand as ``sides`` on ``as_of``.

    ``due`` is the due date (fixed) or a ``Deadline`` whose changes are effective-dated:
    being past due is judged by the due date in force on ``as_of``, lateness of a
    completion by the one in force on the completion day.
    """
    deadline = _deadline(due, recurring)
    reports = [r for r in sides.values() if r is not None]
    completed = [r.completed_on for r in reports if r.completed_on is not None]
    complete = bool(sides) and len(completed) == len(sides)
    return {
        Fact.REPORTED: bool(reports),
        Fact.COMPLETE: complete,
        Fact.LATE: complete and deadline.late(max(completed)),
        Fact.UNTOUCHED: bool(reports) and all(r.state is Progress.NOT_STARTED for r in reports),
        Fact.PAST_DUE: deadline.past_due(as_of),
    }


def side_category(
    report: SideReport | None, due: date | None | Deadline, recurring: bool, as_of: date
) -> Category:
    """The reporting category of one side (one party province's lead agency) on ``as_of``.

    - No approved report: ``NO_REPORT`` (never counted as 0 %).
    - ``DONE``: ``DONE_ON_TIME`` when completed on or before the due date in force on the
      completion day (or there is none / the task is recurring), else ``DONE_LATE``.
    - ``NOT_STARTED``: ``NOT_STARTED`` until the deadline; once past the due date in force
      it is ``IN_PROGRESS_OVERDUE`` (Government Office counting: an unfinished task past its
      deadline is "đang thực hiện quá hạn", started or not).
    - ``IN_PROGRESS``, ``PAUSED``, ``DROPPED``: ``IN_PROGRESS_OVERDUE`` when past due,
      else ``IN_PROGRESS_ON_TIME``. Dropped tasks stay in the count as unfinished so the
      six categories add up to the total; ``SideReport.is_dropped`` flags them.

    The due day itself is in time.
    """
    return commitment_category({"": report}, due, recurring, as_of)  # pragma: no mutate: equivalent, the one side's key is never read


def commitment_category(
    sides: Mapping[str, SideReport | None], due: date | None | Deadline, recurring: bool, as_of: date
) -> Category:
    """The reporting category of a commitment with one or more sides (domain.md §4).

    ``sides`` maps each side (a party province holding a lead assignment on ``as_of``) to
    its lead agency's latest approved report as of ``as_of`` (None when it has none).

    - Every side reported ``DONE``: complete; ``DONE_ON_TIME`` when the *latest*
      completion date among the sides is on or before the due date in force that day (or
      there is none / recurring), else ``DONE_LATE``. A bilateral commitment is complete
      only when each side's lead agency has reported it complete.
    - No side has a report (or there are no sides): ``NO_REPORT``.
    - Past the due date in force on ``as_of``: ``IN_PROGRESS_OVERDUE``, started or not.
    - Every reported side ``NOT_STARTED``: ``NOT_STARTED``; otherwise ``IN_PROGRESS_ON_TIME``.
      Sides without a report make it unfinished but do not otherwise count: one side
      done and the other not started is "in progress".

    With a single side this gives the same answer as ``side_category``.
    """
    return categorise(facts_of(sides, due, recurring, as_of))


def open_past_due(
    sides: Mapping[str, SideReport | None], due: date | None | Deadline, recurring: bool, as_of: date
) -> bool:
    """Not done and past the due date in force on ``as_of``, whatever was reported (the overdue headline)."""
    return holds(OPEN_PAST_DUE, facts_of(sides, due, recurring, as_of))


def side_percent(report: SideReport | None) -> float | None:
    """A side's percentage: None without a report, 100 when done, else as reported."""
    if report is None:
        return None
    if report.state is Progress.DONE:
        return 100.0
    return float(report.percent)


def commitment_percent(sides: Mapping[str, SideReport | None]) -> float | None:
    """Mean percentage over the sides that reported; a ``DONE`` side counts 100.

    None when no side reported: an unreported commitment is "chưa có báo cáo", never 0 %.
    Sides without a report are left out of the mean, not counted as 0.
    """
    values = [p for p in (side_percent(r) for r in sides.values()) if p is not None]
    if not values:
        return None
    return sum(values) / len(values)


# "Cách tính": shown under every table and chart of rates. Keep the two in step.
FORMULA_VI = """\
Tổng số nhiệm vụ = Hoàn thành đúng hạn + Hoàn thành quá hạn + Đang thực hiện trong hạn + Đang thực hiện quá hạn + Chưa triển khai + Chưa có báo cáo.
Lượt tỉnh chủ trì: mỗi tỉnh giữ vai trò chủ trì một nhiệm vụ được tính một lượt; nhiệm vụ do một tỉnh chủ trì có một lượt. Khi lọc theo một tỉnh, mọi số liệu tính theo lượt của tỉnh đó.
Quá hạn, chưa hoàn thành = nhiệm vụ chưa hoàn thành mà thời hạn đang có hiệu lực tại ngày số liệu đã qua, dù đã có báo cáo hay chưa (kèm số chưa có báo cáo).
Tỷ lệ quá hạn = (Đang thực hiện quá hạn + Hoàn thành quá hạn) / Tổng số nhiệm vụ.
Tỷ lệ hoàn thành = (Hoàn thành đúng hạn + Hoàn thành quá hạn) / Tổng số nhiệm vụ.
Tiến độ bình quân = trung bình tỷ lệ % của các nhiệm vụ đã có báo cáo; nhiệm vụ chưa có báo cáo không được tính là 0 %.
Nhiệm vụ liên tỉnh chỉ hoàn thành khi cơ quan chủ trì của tất cả các tỉnh chủ trì đều báo cáo hoàn thành; nhiệm vụ chưa triển khai hoặc tạm dừng, dừng thực hiện đã quá thời hạn được tính là đang thực hiện quá hạn; ngày đến hạn vẫn được tính là trong hạn.
Thời hạn là thời hạn đang có hiệu lực tại ngày số liệu: việc gia hạn có hiệu lực từ ngày ghi nhận, báo cáo của các ngày trước đó vẫn tính theo thời hạn cũ."""

FORMULA_EN = """\
Total tasks = completed on time + completed late + in progress on time + in progress overdue + not started + not yet reported.
Sides: each province leading a task counts once for it; a task led by one province has one side. With a province filter, every figure counts that province's sides.
Overdue and not done = tasks not completed whose deadline in force on the date has passed, reported or not (with how many have no report).
Overdue rate = (in progress overdue + completed late) / total tasks.
Completion rate = (completed on time + completed late) / total tasks.
Average progress = mean percentage of the tasks that have a report; a task not yet reported is not counted as 0%.
An inter-provincial task is complete only when the lead agency of every leading province has reported it complete; a task not started, paused or dropped past its deadline counts as in progress overdue; the due date itself is still on time.
The deadline is the one in force on the date: an extension takes effect on the day it is recorded, and reports for earlier dates keep the earlier deadline."""


@dataclass(frozen=True)
class Rollup:
    """Counts by category for a set of commitments, and the rates leaders read.

    ``counts`` always has all six categories and adds up to ``total`` (checked).
    Rates are fractions in [0, 1] over ``total`` (unreported commitments included in
    the denominator), None when there is nothing to count. ``average_percent`` is the
    mean over commitments with a percentage (0-100), None when none has one.
    """

    total: int
    counts: dict[Category, int] = field(default_factory=lambda: {c: 0 for c in CATEGORY_ORDER})
    average_percent: float | None = None

    def __post_init__(self) -> None:
        if set(self.counts) != set(CATEGORY_ORDER):
            raise ValueError(f"counts must have exactly the six categories, got {sorted(self.counts)}")
        if sum(self.counts.values()) != self.total:
            raise ValueError(f"counts add up to {sum(self.counts.values())}, not total {self.total}")

    @property
    def reported(self) -> int:
        return self.total - self.counts[Category.NO_REPORT]

    @property
    def overdue(self) -> int:
        return self.counts[Category.IN_PROGRESS_OVERDUE] + self.counts[Category.DONE_LATE]

    @property
    def done(self) -> int:
        return self.counts[Category.DONE_ON_TIME] + self.counts[Category.DONE_LATE]

    def share(self, count: int) -> float | None:
        """``count`` over ``total``, None when there is nothing to count."""
        return count / self.total if self.total else None

    @property
    def overdue_rate(self) -> float | None:
        return self.share(self.overdue)

    @property
    def done_rate(self) -> float | None:
        return self.share(self.done)


def rollup(categories: Iterable[Category | str], percents: Iterable[float | None] = ()) -> Rollup:
    """Count ``categories`` (codes accepted, e.g. from a query) and average ``percents``.

    The average ignores None (no report), so an unreported commitment never drags it
    to 0. An unknown category code raises ``ValueError``.
    """
    counts = {c: 0 for c in CATEGORY_ORDER}
    total = 0
    for code in categories:
        counts[Category(code)] += 1
        total += 1
    known = [float(p) for p in percents if p is not None]
    average = sum(known) / len(known) if known else None
    return Rollup(total=total, counts=counts, average_percent=average)


@dataclass(frozen=True)
class ApprovedReport:
    """One approved update of a side, as a row of its history (ordered by ``as_of``, then approval)."""

    state: Progress | str
    percent: int
    as_of: date


def latest_side_report(history: Iterable[ApprovedReport]) -> SideReport | None:
    """The side's standing from its approved history, oldest first: the latest report wins.

    The completion date is the ``as_of`` of the first ``DONE`` in the final run of
    ``DONE`` reports: a later "done" report (a correction of the text, say) does not
    move the completion date, but a side that went back to work and finished again
    completed the second time.
    """
    latest: ApprovedReport | None = None
    done_since: date | None = None
    for row in history:
        state = Progress(row.state)
        if state is Progress.DONE:
            if done_since is None:
                done_since = row.as_of
        else:
            done_since = None
        latest = row
    if latest is None:
        return None
    state = Progress(latest.state)
    return SideReport(
        state=state, percent=100 if state is Progress.DONE else latest.percent, as_of=latest.as_of,
        reported_done_on=done_since if state is Progress.DONE else None,  # pragma: no mutate: equivalent, done_since is None unless the last row is DONE
    )

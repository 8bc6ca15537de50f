"""Early warning (nguy cơ chậm tiến độ): a side likely to miss its deadline, before it does.

A side (domain.md §4) with a start and a due date is **at risk** on day D when it is not
done, D lies within its time (from the start to the due date in force, both included), and
either
- it has an approved report whose percent is more than ``margin`` points behind the share
  of its time elapsed (``elapsed × 100 − percent > margin × span``), or
- it has no approved report although a third of its time has passed.
Once the due date has passed, a side that is not done is overdue (the open-past-due
headline), not "at risk": the two figures never count the same side. A commitment is at
risk when any of its sides is. The margin is set per agreement (default 20 points).
``tracker.status.sql.sides`` computes the same rule in SQL; tests compare the two.
"""
from __future__ import annotations

from datetime import date

DEFAULT_MARGIN = 20


def side_at_risk(*, day: date, start: date | None, due: date | None, done: bool, percent: float | None,
                 margin: int = DEFAULT_MARGIN) -> bool:
    """The rule above for one side; ``percent`` None means no approved report."""
    if done or start is None or due is None or not start <= day <= due:
        return False
    span = (due - start).days
    if span <= 0:
        return False
    elapsed = (day - start).days
    if percent is None:
        return elapsed * 3 >= span
    return elapsed * 100 - percent * span > margin * span

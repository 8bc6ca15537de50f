"""A commitment's due date over time: the deadline in force on any date (domain.md §4).

An extension (gia hạn) takes effect on the day it is recorded, or on an earlier day an
admin gives with a reason; a correction of a mistyped due date applies from the start
(``FROM_THE_START``). Reports for a date before an extension never see it. Pure rules:
no database, no clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The effective day of a correction: earlier than any date a report can ask about.
FROM_THE_START = date(1, 1, 1)


@dataclass(frozen=True)
class DeadlineChange:
    """One recorded change of the due date: in force from ``effective_on`` (inclusive)."""

    effective_on: date
    new_due: date | None
    order: int = 0  # the order of recording (the row id): the later of two same-day changes wins


@dataclass(frozen=True)
class Deadline:
    """The due date a commitment started with, and its changes.

    ``base`` is the due date before any change (the original due date); a recurring
    commitment (thường xuyên) has no due date on any day.
    """

    base: date | None
    recurring: bool = False
    changes: tuple[DeadlineChange, ...] = ()

    def on(self, day: date) -> date | None:
        """The due date in force on ``day``: the latest change effective on or before it, else ``base``.

        Changes are ranked by effective day, then by recording order, so a backdated
        extension recorded later still yields to one that took effect after it.
        """
        if self.recurring:
            return None
        in_force = [c for c in self.changes if c.effective_on <= day]
        if not in_force:
            return self.base
        return max(in_force, key=lambda c: (c.effective_on, c.order)).new_due

    def past_due(self, day: date) -> bool:
        """The due date in force on ``day`` is before ``day`` (the due day itself is in time)."""
        due = self.on(day)
        return due is not None and day > due

    def late(self, completed_on: date) -> bool:
        """Completed after the due date in force on the completion day."""
        due = self.on(completed_on)
        return due is not None and completed_on > due


def fixed(due: date | None, recurring: bool = False) -> Deadline:
    """A deadline that never changed."""
    return Deadline(base=due, recurring=recurring)

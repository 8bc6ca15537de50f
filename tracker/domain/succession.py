"""Where a piece of work goes when its agency is merged away.

An assignment made to an agency on some date stays with it until the agency's
succession takes effect; from that date it belongs to the successor, and so on down the
chain. Dates are inclusive: a span ends the day before the successor's ``effective_date``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable


@dataclass(frozen=True)
class Step:
    """One link of a succession: ``successor`` takes over on ``effective_date``."""

    successor: str
    effective_date: date


@dataclass(frozen=True)
class Span:
    agency: str
    valid_from: date
    valid_to: date | None


class AmbiguousSuccession(ValueError):
    """The agency has several successors on one date; a person must choose."""


def holders(agency: str, since: date, steps_of: Callable[[str], Iterable[Step]], until: date | None = None) -> list[Span]:
    """The agencies that hold work given to ``agency`` on ``since``, in order.

    ``steps_of(code)`` lists the successions of an agency. Successions dated on or
    before the span's start do not apply (the work was given to the agency as it
    already was). Successions after ``until`` (when given) are not applied yet.
    """
    spans: list[Span] = []
    current, start = agency, since
    seen = {agency}
    while True:
        upcoming = sorted(
            (s for s in steps_of(current) if s.effective_date > start and (until is None or s.effective_date <= until)),
            key=lambda s: s.effective_date,
        )
        if not upcoming:
            spans.append(Span(current, start, None))
            return spans
        first = upcoming[0].effective_date
        same_day = [s for s in upcoming if s.effective_date == first]
        if len(same_day) > 1:
            raise AmbiguousSuccession(
                f"{current} has {len(same_day)} successors on {first.isoformat()}: "
                + ", ".join(sorted(s.successor for s in same_day))
            )
        nxt = same_day[0]
        if nxt.successor in seen:
            raise AmbiguousSuccession(f"succession of {agency} loops back to {nxt.successor}")
        spans.append(Span(current, start, first - timedelta(days=1)))
        seen.add(nxt.successor)
        current, start = nxt.successor, first

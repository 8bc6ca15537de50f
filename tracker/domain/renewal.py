"""The next phase (giai đoạn tiếp theo): an agreement renewed into a new one.

Pure rules, no database: which commitments go on by default (those not finished on the
renewal day), the new agreement's defaults (its code, titles and period), the new
parties (the old parties' successor provinces on the renewal day), a carried-over
commitment's own dates, and what makes a renewal impossible.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable

from tracker.domain.status import Category
from tracker.domain.succession import Step, holders

# Vietnam plans in five-year phases (2021-2025, 2026-2030): the default length of the next one.
PHASE_YEARS = 5
FINISHED = frozenset({Category.DONE_ON_TIME.value, Category.DONE_LATE.value})
_PREFIXES = ("Tỉnh ", "Thành phố ", "tỉnh ", "thành phố ")


def carried_by_default(category: str) -> bool:
    """Open commitments (anything but finished on the renewal day) go on into the next phase."""
    return category not in FINISHED


def default_renewal_day(period_end: date | None, today: date) -> date:
    """The day after the old period ended, once it has; otherwise today."""
    if period_end is not None and period_end < today:
        return period_end + timedelta(days=1)
    return today


@dataclass(frozen=True)
class Phase:
    code: str
    title: str
    short_title: str
    period_start: date
    period_end: date


def bare_name(name: str) -> str:
    """"Tỉnh Thái Nguyên" → "Thái Nguyên"."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def default_phase(kind: str, codes: list[str], names: list[str], start: date) -> Phase:
    """The next phase's defaults from its parties (province codes and names) and first day."""
    end = date(start.year + PHASE_YEARS - 1, 12, 31)
    years = f"{start.year}-{end.year}"
    sides = [bare_name(n) for n in names]
    return Phase(
        code="-".join(codes + [str(start.year)])[:40],
        title=f"{kind} về hợp tác, liên kết phát triển giữa hai tỉnh {' và '.join(sides)} giai đoạn {years}"
        if len(sides) == 2 else f"{kind} về hợp tác, liên kết phát triển giữa các tỉnh {', '.join(sides)} giai đoạn {years}",
        short_title=f"Hợp tác {' – '.join(sides)} {years}"[:200],
        period_start=start,
        period_end=end,
    )


def successor_on(code: str, since: date, on: date, steps_of: Callable[[str], Iterable[Step]]) -> str:
    """The unit (province or agency) that holds on ``on`` what ``code`` held on ``since``.

    Raises ``succession.AmbiguousSuccession`` when it was split: a person must choose.
    """
    return holders(code, since, steps_of, until=on)[-1].agency


def carried_dates(start: date | None, due: date | None, on: date) -> tuple[date, date | None]:
    """A carried-over commitment's own dates: it starts on the renewal day (or later, if it
    had not started yet) and keeps its due date unless that fell before its start; a lapsed
    deadline is left for the new plan to set."""
    new_start = on if start is None or start < on else start
    return new_start, (due if due is not None and due >= new_start else None)


def problems(*, old_start: date, renewed: bool, on: date | None, today: date, start: date | None,
             end: date | None, parties: list[str]) -> dict[str, str]:
    """Form field → problem code; empty when the renewal can go ahead."""
    found: dict[str, str] = {}
    if renewed:
        found["renewed_on"] = "already_renewed"
    elif on is not None and on <= old_start:
        found["renewed_on"] = "before_old_start"
    elif on is not None and on > today:
        found["renewed_on"] = "in_future"
    if start is not None and end is not None and end < start:
        found["period_end"] = "before_start"
    if len(set(parties)) < 2:
        found["parties"] = "two_parties"
    return found

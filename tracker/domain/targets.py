"""Numeric targets (chỉ tiêu) and the on-track rule. Pure: no database, no clock.

A target is a value for a calendar year (e.g. 4 joint investment-promotion events in
2026). On a day D of that year the *pro-rated* target is the yearly value times the share
of the year elapsed by D (1 January counts as one day elapsed; after the year, all of it).
The reported *actual* is on track when it is no more than 15 % (relative) below the
pro-rated target: ``actual >= prorated * (1 - TOLERANCE)``. Above the target is on track.
Nothing is expected before the year starts, so any actual is on track then. Without an
actual there is no judgement (``NO_ACTUAL``), never "behind".
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

TOLERANCE = Decimal("0.15")


class TargetState(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_ACTUAL = "no_actual"


def year_share(year: int, day: date) -> Decimal:
    """The share of ``year`` elapsed on ``day`` (inclusive), between 0 and 1."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if day < start:
        return Decimal(0)
    if day >= end:
        return Decimal(1)
    return Decimal((day - start).days + 1) / Decimal((end - start).days + 1)


def prorated(value: Decimal, year: int, day: date) -> Decimal:
    """The part of the yearly ``value`` expected by ``day``."""
    return Decimal(value) * year_share(year, day)


def judge(actual: Decimal | None, value: Decimal, year: int, day: date) -> TargetState:
    """On track when ``actual`` is at most ``TOLERANCE`` (relative) below the pro-rated target."""
    if actual is None:
        return TargetState.NO_ACTUAL
    expected = prorated(value, year, day)
    return TargetState.ON_TRACK if Decimal(actual) >= expected * (1 - TOLERANCE) else TargetState.BEHIND


__all__ = ["TOLERANCE", "TargetState", "judge", "prorated", "year_share"]

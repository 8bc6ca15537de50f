"""The checks on a progress update: percent, state, reason and as-of date, as problem codes.

The UI translates the codes and shows each beside its field. Pure: no Flask, no database,
no clock (``today`` is an argument).
"""
from __future__ import annotations

import math
import numbers
import re
from datetime import date
from decimal import Decimal

from tracker.domain.status import Progress

# Problem code -> the form field it belongs to (the UI shows the error beside it and
# translates the code).
PROBLEM_CODES: dict[str, str] = {
    "state_unknown": "state",
    "percent_required": "percent",
    "percent_not_whole": "percent",
    "percent_out_of_range": "percent",
    "percent_done_must_be_100": "percent",
    "reason_required": "reason",
    "as_of_required": "as_of",
    "as_of_in_future": "as_of",
    "as_of_before_agreement": "as_of",
}

_WHOLE_TEXT = re.compile(r"[+-]?\d+")
_NEEDS_REASON = frozenset({Progress.PAUSED, Progress.DROPPED})


def _whole_number(value: object) -> int | None:
    """``value`` as an int when it is a whole number, else None.

    Accepted: ints, integral finite floats/Decimals (45.0, as a JSON client may send),
    and text of digits with an optional sign and surrounding spaces ("45"). Refused:
    booleans, fractions ("45.5", 45.5), other text ("abc", "45,0", "45.0").
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, numbers.Real):
        as_float = float(value)
        return int(as_float) if math.isfinite(as_float) and as_float.is_integer() else None
    if isinstance(value, str) and _WHOLE_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def update_problems(
    state: str | None,
    percent: object,
    as_of: date | None,
    reason: str | None,
    today: date,
    agreement_start: date,
) -> dict[str, str]:
    """What is wrong with a progress update, as ``{field: problem code}``; empty when fine.

    At most one problem per field, the first that applies:

    - ``state``: ``state_unknown`` unless it is a ``Progress`` value.
    - ``percent`` (0-100, whole): ``percent_required`` when None or blank;
      ``percent_not_whole`` for fractions, text that is not a whole number, booleans;
      ``percent_out_of_range`` below 0 or above 100; ``percent_done_must_be_100`` when
      the state is ``done`` and the percentage is not 100.
    - ``reason``: ``reason_required`` for ``paused`` and ``dropped`` when missing or only
      whitespace.
    - ``as_of``: ``as_of_required``; ``as_of_in_future`` when after ``today``;
      ``as_of_before_agreement`` when before ``agreement_start``. ``today`` itself and
      the agreement's first day are allowed.
    """
    problems: dict[str, str] = {}
    try:
        progress: Progress | None = Progress(state)
    except (ValueError, TypeError):
        progress = None
        problems["state"] = "state_unknown"

    if percent is None or (isinstance(percent, str) and not percent.strip()):
        problems["percent"] = "percent_required"
    else:
        whole = _whole_number(percent)
        if whole is None:
            problems["percent"] = "percent_not_whole"
        elif not 0 <= whole <= 100:
            problems["percent"] = "percent_out_of_range"
        elif progress is Progress.DONE and whole != 100:
            problems["percent"] = "percent_done_must_be_100"

    if progress in _NEEDS_REASON and (reason is None or not reason.strip()):
        problems["reason"] = "reason_required"

    if as_of is None:
        problems["as_of"] = "as_of_required"
    elif as_of > today:
        problems["as_of"] = "as_of_in_future"
    elif as_of < agreement_start:
        problems["as_of"] = "as_of_before_agreement"

    return problems


_ACTUAL = re.compile(r"\d{1,12}(?:[.,]\d{1,6})?")


def parse_actual(value: object) -> float | None:
    """The value achieved against a numeric target, as typed: ``12``, ``12,5`` (the Vietnamese
    decimal comma) or ``12.5``; None when blank. ``ValueError`` for anything else (negative
    numbers, thousands separators, text)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    text = format(value, "f") if isinstance(value, (int, float)) else str(value).strip()
    if isinstance(value, float) and text.endswith(".000000"):  # 12.0 → "12.000000"
        text = text[:-7]
    if not text:
        return None
    if not _ACTUAL.fullmatch(text):
        raise ValueError(value)
    return float(text.replace(",", "."))


def actual_problem(value: object) -> str | None:
    """``actual_not_number`` unless ``parse_actual`` reads it."""
    try:
        parse_actual(value)
    except ValueError:
        return "actual_not_number"
    return None

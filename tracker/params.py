"""Parameters read at the edge: path ids and query values, typed and bounded.

Every view and filter form reads its numbers and dates through here, so an id past the
database's integer range, a page of -3 or a date in the year 9999 never reaches a query:
it becomes the page's default, a 404 (path ids) or a 400, never a 500. No queries here.
"""
from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import date

from flask import abort, request
from werkzeug.routing import IntegerConverter

# Ids are PostgreSQL ``integer`` (serial) columns: 1..2^31-1. SQLite would take more, but the
# same URL must answer the same way on both.
ID_MIN = 1
ID_MAX = 2**31 - 1
# Dates the app can compute with (periods, deadlines and spans add and subtract years);
# Decree 09 reports and cooperation agreements live well inside these bounds.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: 1..2^31-1 unless the rule says narrower; anything else is 404."""

    def __init__(self, map, *args, min=None, max=None, **kwargs):  # noqa: A002 (werkzeug's names)
        lower = ID_MIN if min is None else builtins.max(min, ID_MIN)
        upper = ID_MAX if max is None else builtins.min(max, ID_MAX)
        super().__init__(map, *args, min=lower, max=upper, **kwargs)


def parse_int(value, *, lo: int = ID_MIN, hi: int = ID_MAX) -> int | None:
    """``value`` as an int within ``lo..hi``, or None if it is missing, malformed or outside.

    Only plain decimal digits with an optional sign are read (no ``1e3``, ``0x10``, ``١``,
    ``1_000`` or surrounding spaces), and text longer than 12 characters is refused
    unread (``int()`` of a 10,000-digit string is slow). ``hi`` must stay below 10^11.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        if not isinstance(value, str) or not value or len(value) > 12:
            return None
        digits = value[1:] if value[0] in "+-" else value
        if not digits or not (digits.isascii() and digits.isdigit()):
            return None
        number = int(value)
    return number if lo <= number <= hi else None


def parse_id(value) -> int | None:
    """An id (1..2^31-1) or None."""
    return parse_int(value)


def parse_date(value) -> date | None:
    """``YYYY-MM-DD`` within ``DATE_MIN..DATE_MAX``, or None."""
    if isinstance(value, date):
        return value if DATE_MIN <= value <= DATE_MAX else None
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def in_date_range(day: date | None) -> bool:
    return day is None or DATE_MIN <= day <= DATE_MAX


# --- Query parameters of the current request ---------------------------------------------

def _raw(name: str):
    return request.args.get(name)


def _missing(raw) -> bool:
    return raw is None or raw == ""


def arg_int(name: str, default: int | None = None, *, lo: int = ID_MIN, hi: int = ID_MAX,
            strict: bool = False) -> int | None:
    """The query parameter as an int in ``lo..hi``; missing gives ``default``; malformed or
    out of range gives ``default`` too, or 400 when ``strict``."""
    raw = _raw(name)
    if _missing(raw):
        return default
    number = parse_int(raw, lo=lo, hi=hi)
    if number is None:
        if strict:
            abort(400)
        return default
    return number


def arg_id(name: str, *, strict: bool = False) -> int | None:
    """An id filter: a valid id, or None ("all"); 400 for a bad one when ``strict``."""
    return arg_int(name, None, strict=strict)


def arg_ids(name: str) -> list[int]:
    """Every valid id given for a repeatable parameter (``area=3&area=5``); the others are dropped."""
    return [n for n in (parse_id(v) for v in request.args.getlist(name)) if n is not None]


def arg_page(name: str = "page", args=None) -> int:
    """A page number: 1 for anything missing, malformed, below 1 or beyond the id range
    (of ``request.args``, or of ``args`` when given)."""
    if args is not None:
        return parse_int(args.get(name), lo=1, hi=ID_MAX) or 1
    return arg_int(name, 1, lo=1, hi=ID_MAX) or 1


def arg_date(name: str, default: date | None = None, *, strict: bool = False) -> date | None:
    """``YYYY-MM-DD`` within the app's date range; otherwise ``default``, or 400 when ``strict``."""
    raw = _raw(name)
    if _missing(raw):
        return default
    day = parse_date(raw)
    if day is None:
        if strict:
            abort(400)
        return default
    return day


def normalised(names, defaults: dict[str, str] | None = None,
               accepts: dict[str, Callable[[str], bool]] | None = None) -> tuple[tuple[str, str], ...]:
    """The request's query parameters among ``names``, normalised for a kept page's key: empty
    values, ``defaults`` (e.g. ``{"page": "1"}``) and values ``accepts[name]`` refuses (those the
    page would ignore: ``agency=abc``) dropped, everything else left out, sorted (a repeated
    parameter keeps each of its values). Equal filters typed in another order, with empty
    fields, values the page cannot use or parameters it does not read share one entry, so the
    page must be rendered from these (``MultiDict(normalised(…))``), not from ``request.args``."""
    defaults, accepts = defaults or {}, accepts or {}
    return tuple(sorted((k, v) for k, v in request.args.items(multi=True)
                        if k in names and v != "" and defaults.get(k) != v and accepts.get(k, _any)(v)))


def _any(value: str) -> bool:
    return True


def an_id(value: str) -> bool:
    """An ``accepts`` rule: the value reads as an id."""
    return parse_id(value) is not None


def a_page(value: str) -> bool:
    """An ``accepts`` rule: the value reads as a page number (else the page shows the first)."""
    return parse_int(value, lo=1, hi=ID_MAX) is not None


def install(app) -> None:
    """Make ``<int:…>`` refuse ids the database cannot hold (before any route is added)."""
    app.url_map.converters["int"] = IdConverter

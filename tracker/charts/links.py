"""Drill-down links: the commitment-list query behind each number of the dashboard."""
from __future__ import annotations

from datetime import date

from tracker.charts._style import Link
from tracker.domain.dashboard import Dashboard, FieldProvinceCounts

_PARAM_ORDER = ("agreement", "area", "field", "province", "agency", "meeting", "role", "category", "overdue",
                "due_within", "as_of")


def drill_params(d: Dashboard, **params: object) -> dict[str, object]:
    """The commitment-list query for a part of ``d``: its filters, overridden by ``params``.

    Empty values (None, "") are left out; dates become ISO text. Keys come in a fixed
    order so the same slice always gets the same URL.
    """
    f = d.filters
    merged: dict[str, object] = {
        "agreement": f.agreement, "area": f.area, "province": f.province, "agency": f.agency, "meeting": f.meeting,
        "as_of": f.as_of,
    }
    merged.update(params)
    ordered = [k for k in _PARAM_ORDER if k in merged] + [k for k in merged if k not in _PARAM_ORDER]
    result: dict[str, object] = {}
    for key in ordered:
        value = merged[key]
        if value is None or value == "":
            continue
        result[key] = value.isoformat() if isinstance(value, date) else value
    return result


def field_param(row: FieldProvinceCounts) -> dict[str, int]:
    """One agreement's field is an area id; across agreements a field is its number (1-9)."""
    return {"area": row.area_id} if row.area_id is not None else {"field": row.area_number}


def make_drill(d: Dashboard, link: Link) -> Link:
    """``drill(**params)``: ``link`` to the commitments behind a number, keeping ``d``'s filters.

    The view passes it to the template as ``drill`` so the tables link where the charts do.
    """
    def drill(**params: object) -> str:
        return link(**drill_params(d, **params))

    return drill

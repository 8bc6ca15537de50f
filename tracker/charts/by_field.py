"""(1) Progress by field: stacked horizontal bars, one group per field, one bar per province."""
from __future__ import annotations

from collections.abc import Mapping

from tracker.charts._style import (
    HATCH, HOVER, NO_REPORT, Link, count_axis, esc, layout, number, share, short_sides, sorted_rows, words, wrap,
)
from tracker.charts.links import field_param
from tracker.domain.dashboard import Dashboard
from tracker.domain.report import CATEGORY_COLOURS
from tracker.domain.status import CATEGORY_ORDER, Category


def by_field_figure(d: Dashboard, language: str, labels: Mapping[str, str], drill: Link) -> dict:
    """Stacked horizontal bars: one group per field, one bar per province, split by category."""
    t = words(language)
    rows = sorted_rows(d.by_field)
    fields = [wrap(f"{r.area_number}. {r.area_name}", 24) for r in rows]
    provinces = [wrap(r.province_name, 18) for r in rows]
    totals = [sum(r.counts.values()) for r in rows]
    data = []
    for code in CATEGORY_ORDER:
        values = [int(r.counts.get(code, 0)) for r in rows]
        marker: dict = {"color": CATEGORY_COLOURS[code], "line": {"color": "#FFFFFF", "width": 1}}
        if code == Category.NO_REPORT:
            marker["pattern"] = {**HATCH, "bgcolor": NO_REPORT, "fillmode": "replace"}
        data.append({
            "type": "bar",
            "orientation": "h",
            "name": esc(labels[code]),
            "meta": str(code),
            "x": values,
            "y": [fields, provinces],
            "marker": marker,
            "text": [number(v, language) if v else "" for v in values],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "hovertext": [
                f"{esc(r.area_number)}. {esc(r.area_name)}<br>{esc(r.province_name)}<br>"
                f"{esc(labels[code])}: {share(v, total, language)}"
                for r, v, total in zip(rows, values, totals)
            ],
            "hovertemplate": HOVER,
            "customdata": [drill(**field_param(r), province=r.province_id, category=str(code)) for r in rows],
        })
    # A row is one bar; a long province name ("Tỉnh Bắc Giang → Tỉnh Bắc Ninh") takes two lines.
    height = 110 + sum(max(30, 15 * (p.count("<br>") + 1) + 6) for p in provinces)
    height += 14 * sum(max(0, f.count("<br>") - 1) for f in dict.fromkeys(fields))
    # On a phone (dashboard.js, below 576 px) the groups are named by their number only and the
    # sides by their short names: the full names stay in the hover text and the table view.
    narrow_y = [[f"{r.area_number}." for r in rows], [wrap(short_sides(r.province_name), 14) for r in rows]]
    return {"narrow": {"y": narrow_y}, "data": data, "layout": layout(
        language, max(height, 240),
        barmode="stack",
        bargap=0.25,
        showlegend=True,
        legend={"orientation": "h", "traceorder": "normal", "x": 0, "xanchor": "left", "y": 1.0,
                "yanchor": "bottom", "font": {"size": 12}},
        margin={"l": 8, "r": 16, "t": 8, "b": 48, "pad": 4},
        uniformtext={"minsize": 10, "mode": "hide"},
        xaxis=count_axis(esc(t["commitments"]), max(totals, default=0)),
        yaxis={"type": "multicategory", "autorange": "reversed", "automargin": True, "fixedrange": True,
               "dividercolor": "#ADB5BD", "showdividers": True},
    )}

"""(3) Field × province heat map of average progress."""
from __future__ import annotations

from collections.abc import Mapping

from tracker.charts._style import (
    HATCH, HOVER, NO_REPORT, PROGRESS_SCALE, Link, esc, layout, percent, share, short_sides, sorted_rows, words,
    wrap,
)
from tracker.charts.links import field_param
from tracker.domain.dashboard import Dashboard
from tracker.domain.status import Category


def heatmap_figure(d: Dashboard, language: str, labels: Mapping[str, str], drill: Link) -> dict:
    """Field × province heat map of average progress.

    A cell whose commitments have no report has no value (None, never 0): it is drawn as
    its own state, hatched grey with the words "Chưa có báo cáo".
    """
    t = words(language)
    rows = sorted_rows(d.by_field)
    fields = list(dict.fromkeys((r.area_number, r.area_number, r.area_name) for r in rows))
    provinces = list(dict.fromkeys((r.province_id, r.province_name) for r in rows))
    cells = {(r.area_number, r.province_id): r for r in rows}
    no_report_label = esc(labels[Category.NO_REPORT])

    z: list[list[float | None]] = []
    gaps: list[list[int | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    links: list[list[str | None]] = []
    annotations = []
    hatched: list[tuple[int, int]] = []
    for yi, (area_id, area_number, area_name) in enumerate(fields):
        z_row, gap_row, text_row, hover_row, link_row = [], [], [], [], []
        for xi, (province_id, province_name) in enumerate(provinces):
            cell = cells.get((area_id, province_id))
            head = f"{esc(area_number)}. {esc(area_name)}<br>{esc(province_name)}<br>"
            if cell is None:
                z_row.append(None)
                gap_row.append(None)
                text_row.append("")
                hover_row.append(head + esc(t["no_commitments"]))
                link_row.append(None)
                continue
            total = sum(cell.counts.values())
            reported = f"{esc(t['reported'])}: {share(cell.reported, total, language)}"
            link_row.append(drill(**field_param(cell), province=province_id))
            if cell.average_percent is None:
                z_row.append(None)
                gap_row.append(1)
                text_row.append("")
                hover_row.append(f"{head}{no_report_label}<br>{reported}")
                annotations.append({
                    "x": xi, "y": yi, "xref": "x", "yref": "y", "text": wrap(labels[Category.NO_REPORT], 10),
                    "showarrow": False, "bgcolor": "rgba(255,255,255,0.9)", "borderpad": 2,
                    "font": {"size": 12, "color": "#212529"},
                })
                hatched.append((xi, yi))
            else:
                value = round(float(cell.average_percent), 1)
                z_row.append(value)
                gap_row.append(None)
                text_row.append(percent(value, language))
                hover_row.append(f"{head}{esc(t['average'])}: {percent(value, language)}<br>{reported}")
        z.append(z_row)
        gaps.append(gap_row)
        text.append(text_row)
        hover.append(hover_row)
        links.append(link_row)

    xs = list(range(len(provinces)))
    ys = list(range(len(fields)))
    common = {"x": xs, "y": ys, "xgap": 3, "ygap": 3, "hoverongaps": False, "hovertext": hover,
              "hovertemplate": HOVER, "customdata": links}
    data = [
        {
            "type": "heatmap", "name": esc(t["average"]), "z": z, "zmin": 0, "zmax": 100,
            "colorscale": PROGRESS_SCALE, "text": text, "texttemplate": "%{text}", "textfont": {"size": 13},
            # Every cell prints its percentage, so no colour bar (plotly.js draws one with a
            # style attribute, which the CSP refuses); the page shows the scale in HTML.
            "showscale": False,
            **common,
        },
        {
            "type": "heatmap", "name": no_report_label, "z": gaps, "zmin": 0, "zmax": 1,
            "colorscale": [[0, NO_REPORT], [1, NO_REPORT]], "showscale": False, **common,
        },
    ]
    data.extend(_hatching(hatched, no_report_label))
    field_ticks = [wrap(f"{area_number}. {name}", 26) for _, area_number, name in fields]
    province_ticks = [wrap(name, 18) for _, name in provinces]
    extra_lines = sum(f.count("<br>") for f in field_ticks)
    top = 40 + 15 * max((p.count("<br>") for p in province_ticks), default=0)
    # On a phone: fields by number, sides by their short names (full names on hover, in the table).
    narrow = {"layout": {"yaxis": {"ticktext": [f"{area_number}." for _, area_number, _ in fields]},
                         "xaxis": {"ticktext": [wrap(short_sides(name), 10) for _, name in provinces]}}}
    return {"narrow": narrow, "data": data, "layout": layout(
        language, max(200, 50 + top + 56 * len(fields) + 12 * extra_lines),
        margin={"l": 8, "r": 16, "t": top, "b": 8, "pad": 4},
        annotations=annotations,
        xaxis={"tickvals": xs, "ticktext": province_ticks, "side": "top", "tickangle": 0,
               "range": [-0.5, len(provinces) - 0.5], "fixedrange": True, "showgrid": False,
               "zeroline": False, "automargin": True},
        yaxis={"tickvals": ys, "ticktext": field_ticks, "range": [len(fields) - 0.5, -0.5],
               "fixedrange": True, "showgrid": False, "zeroline": False, "automargin": True},
    )}


def _hatching(cells: list[tuple[int, int]], name: str) -> list[dict]:
    """Heat maps take no pattern: each unreported cell gets a hatched rectangle on top, one
    trace per cell (a single trace with gaps would fill the space between cells too)."""
    traces = []
    for xi, yi in cells:
        x0, x1, y0, y1 = xi - 0.49, xi + 0.49, yi - 0.47, yi + 0.47  # inside the cell gaps
        traces.append({
            "type": "scatter", "mode": "lines", "x": [x0, x1, x1, x0, x0], "y": [y0, y0, y1, y1, y0],
            "fill": "toself", "fillcolor": NO_REPORT, "fillpattern": {**HATCH, "bgcolor": NO_REPORT, "fillmode": "replace"},
            "line": {"width": 0, "color": NO_REPORT}, "hoverinfo": "skip", "showlegend": False,
            "name": name,
        })
    return traces

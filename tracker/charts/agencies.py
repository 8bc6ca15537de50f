"""(4) Lead agencies: reports submitted this period and overdue tasks, side by side."""
from __future__ import annotations

from tracker.charts._style import (
    GRID, HOVER, NEUTRAL, NEUTRAL_LINE, OVERDUE, Link, count_axis, esc, layout, number, percent_suffix, ratio,
    share, words, wrap,
)
from tracker.domain.dashboard import AgencyLine, Dashboard


def _agency_hover(line: AgencyLine, language: str, t: dict[str, str]) -> str:
    submitted = share(line.submitted, line.due, language) if line.due else esc(t["not_due"])
    return (f"{esc(line.agency_name)}<br>{esc(t['submitted'])}: {submitted}<br>"
            f"{esc(t['overdue_count'])}: {number(line.overdue, language)}")


def agencies_figure(d: Dashboard, language: str, drill: Link) -> dict:
    """Lead agencies: share of due reports submitted this period, and overdue tasks, side by side."""
    t = words(language)
    lines = d.agencies
    names = [wrap(a.agency_name, 30) for a in lines]
    hover = [_agency_hover(a, language, t) for a in lines]
    bars = {"type": "bar", "orientation": "h", "yaxis": "y", "y": names, "textposition": "outside",
            "cliponaxis": False, "textfont": {"size": 12}, "hovertext": hover, "hovertemplate": HOVER}
    data = [
        {
            **bars, "name": esc(t["submitted"]), "xaxis": "x",
            "x": [ratio(a.submitted, a.due) for a in lines],
            "marker": {"color": NEUTRAL, "line": {"color": NEUTRAL_LINE, "width": 1}},
            "text": [share(a.submitted, a.due, language) if a.due else "" for a in lines],
            "customdata": [drill(agency=a.agency_id, role="lead") for a in lines],
        },
        {
            **bars, "name": esc(t["overdue_count"]), "xaxis": "x2",
            "x": [int(a.overdue) for a in lines],
            "marker": {"color": OVERDUE},
            "text": [number(a.overdue, language) for a in lines],
            "customdata": [drill(agency=a.agency_id, role="lead", overdue=1) for a in lines],
        },
    ]
    not_due = [
        {"x": 0, "y": name, "xref": "x", "yref": "y", "xanchor": "left", "showarrow": False,
         "text": esc(t["not_due"]), "font": {"size": 12, "color": "#495057"}}
        for a, name in zip(lines, names) if not a.due
    ]
    extra_lines = sum(n.count("<br>") for n in names)
    largest = max((a.overdue for a in lines), default=0)
    return {"data": data, "layout": layout(
        language, max(220, 100 + 34 * len(lines) + 14 * extra_lines),
        bargap=0.3,
        annotations=not_due,
        margin={"l": 8, "r": 40, "t": 8, "b": 48, "pad": 4},
        xaxis={"domain": [0, 0.55], "range": [0, 100], "ticksuffix": percent_suffix(language), "fixedrange": True,
               "title": {"text": esc(t["submitted"])}, "gridcolor": GRID, "anchor": "y"},
        xaxis2=count_axis(esc(t["overdue_count"]), largest, domain=[0.68, 1], anchor="y"),
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
    )}

"""(2) Completion and overdue rates over the reporting periods: two lines."""
from __future__ import annotations

from tracker.charts._style import (
    DONE, GRID, HOVER, OVERDUE, Link, date_text, esc, lang, layout, percent_suffix, ratio, share, words, wrap,
)
from tracker.domain.dashboard import Dashboard, PeriodPoint
from tracker.domain.periods import parse_key


def period_label(point: PeriodPoint, language: str) -> str:
    if lang(language) == "en":
        try:
            return parse_key(point.key).label_en
        except ValueError:
            pass
    return point.label


def over_time_figure(d: Dashboard, language: str, drill: Link) -> dict:
    """Lines: the share completed and the share overdue at each period's cut-off."""
    t = words(language)
    points = d.over_time
    x = [wrap(period_label(p, language), 7) for p in points]  # short lines, so the labels stay level

    def line(name: str, colour: str, parts: list[int], dash: str, symbol: str) -> dict:
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "name": esc(name),
            "x": x,
            "y": [ratio(part, p.total) for part, p in zip(parts, points)],
            "line": {"color": colour, "width": 3, "dash": dash},
            "marker": {"color": colour, "size": 9, "symbol": symbol},
            "hovertext": [
                f"{esc(period_label(p, language))}<br>{esc(t['cutoff'])} {esc(date_text(p.cutoff, language))}<br>"
                f"{esc(name)}: {share(part, p.total, language)}"
                for part, p in zip(parts, points)
            ],
            "hovertemplate": HOVER,
            "customdata": [drill(as_of=p.cutoff) for p in points],
        }

    data = [
        line(t["done"], DONE, [p.done for p in points], "solid", "circle"),
        line(t["overdue"], OVERDUE, [p.open_past_due for p in points], "dash", "diamond"),
    ]
    # Tall enough that the y-axis title stays beside the plot, clear of the legend above it. On a
    # phone (dashboard.js) the periods are named by their keys ("2025-H1"), full names on hover.
    return {"narrow": {"x": [p.key for p in points], "layout": {"xaxis": {"tickangle": -45}}},
            "data": data, "layout": layout(
        language, 400,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        xaxis={"type": "category", "fixedrange": True, "automargin": True, "showgrid": False,
               "tickfont": {"size": 11}, "tickangle": 0},
        yaxis={"title": {"text": esc(t["share_axis"])}, "range": [0, 100], "ticksuffix": percent_suffix(language),
               "fixedrange": True, "gridcolor": GRID, "zeroline": False, "automargin": True},
    )}

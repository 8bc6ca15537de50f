"""(5) Commitments falling due in the next 30, 60 and 90 days."""
from __future__ import annotations

from tracker.charts._style import HOVER, NEUTRAL, NEUTRAL_LINE, Link, count_axis, esc, layout, number, words, wrap
from tracker.domain.dashboard import Dashboard

UPCOMING_DAYS = (30, 60, 90)


def upcoming_figure(d: Dashboard, language: str, drill: Link) -> dict:
    """Commitments falling due in the next 30, 60 and 90 days (each window counts from today)."""
    t = words(language)
    days = sorted(set(UPCOMING_DAYS) | set(d.upcoming_counts))
    counts = [int(d.upcoming_counts.get(n, 0)) for n in days]
    data = [{
        "type": "bar", "name": esc(t["commitments"]),
        "x": [esc(t["within"].format(n=n)) for n in days], "y": counts,
        "marker": {"color": NEUTRAL, "line": {"color": NEUTRAL_LINE, "width": 1}},
        "text": [number(c, language) for c in counts], "textposition": "outside", "cliponaxis": False,
        "hovertext": [f"{esc(t['due_within'].format(n=n))}: {number(c, language)}" for n, c in zip(days, counts)],
        "hovertemplate": HOVER,
        "customdata": [drill(due_within=n) for n in days],
    }]
    largest = max(counts, default=0)
    # On a phone (dashboard.js) the labels take two lines instead of turning sideways and being cut.
    narrow = {"x": [wrap(t["within"].format(n=n), 9) for n in days], "layout": {"xaxis": {"tickangle": 0}}}
    return {"narrow": narrow, "data": data, "layout": layout(
        language, 260,
        bargap=0.45,
        margin={"l": 8, "r": 8, "t": 24, "b": 40, "pad": 4},
        xaxis={"type": "category", "fixedrange": True, "showgrid": False, "automargin": True},
        yaxis=count_axis(esc(t["commitments"]), largest, range=[0, max(1, largest) * 1.18]),
    )}

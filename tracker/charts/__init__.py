"""The leadership dashboard's Plotly figures, built from ``domain.dashboard`` dataclasses.

Pure functions: no request, no ``url_for``, no gettext. The view passes the page's
language, the translated category names and a ``link(**params)`` that builds the
commitment-list URL; each figure is a plain dict that ``static/js/dashboard.js`` draws.
Plotly renders a subset of HTML in labels and hover text, so every string that reaches a
figure is HTML-escaped here, user text or not.

One module per figure (``by_field``, ``over_time``, ``heatmap``, ``agencies``,
``upcoming``); ``_style`` holds what they share (fonts, colours, words, escaping, the base
layout) and ``links`` the drill-down queries. Import from here: ``charts.dashboard_figures``.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from markupsafe import Markup

from tracker.charts._style import (
    DATE_PATTERNS, DONE, FONT, HATCH, NEUTRAL, NEUTRAL_LINE, NO_REPORT, OVERDUE, PROGRESS_SCALE, SEPARATORS, TEXT,
    Link, esc, number, percent, share, wrap,
)
from tracker.charts.agencies import agencies_figure
from tracker.charts.by_field import by_field_figure
from tracker.charts.heatmap import heatmap_figure
from tracker.charts.links import drill_params, field_param, make_drill
from tracker.charts.over_time import over_time_figure
from tracker.charts.upcoming import UPCOMING_DAYS, upcoming_figure
from tracker.domain.dashboard import Dashboard
from tracker.domain.report import CATEGORY_LABELS_VI
from tracker.domain.status import CATEGORY_ORDER

__all__ = [
    "DATE_PATTERNS", "DONE", "FONT", "HATCH", "NEUTRAL", "NEUTRAL_LINE", "NO_REPORT", "OVERDUE", "PROGRESS_SCALE",
    "SEPARATORS", "TEXT", "UPCOMING_DAYS", "Link", "agencies_figure", "by_field_figure", "dashboard_figures",
    "drill_params", "esc", "field_param", "figures_json", "heatmap_figure", "make_drill", "number",
    "over_time_figure", "percent", "share", "upcoming_figure", "wrap",
]


def dashboard_figures(
    d: Dashboard, *, language: str, category_labels: Mapping[str, str], link: Link,
) -> dict[str, dict]:
    """Every dashboard figure as a Plotly ``{"data", "layout"}`` dict, keyed as the template uses them.

    ``category_labels`` maps each category code to its name in ``language`` (missing
    codes fall back to Vietnamese); ``link(**params)`` builds the commitment-list URL a
    click opens, which each trace carries per point in ``customdata``.
    """
    labels = {str(code): str(category_labels.get(code) or CATEGORY_LABELS_VI[code]) for code in CATEGORY_ORDER}
    drill = make_drill(d, link)
    return {
        "by_field": by_field_figure(d, language, labels, drill),
        "over_time": over_time_figure(d, language, drill),
        "heatmap": heatmap_figure(d, language, labels, drill),
        "agencies": agencies_figure(d, language, drill),
        "upcoming": upcoming_figure(d, language, drill),
    }


_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def figures_json(figures: Mapping[str, object]) -> Markup:
    """``figures`` as JSON safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their ``\\u`` escapes mean
    the same, so no ``</script>`` or ``<!--`` can end the block early. Returned as
    ``Markup`` so Jinja prints it as is; a plain string would be HTML-escaped and break
    ``JSON.parse`` (a visible failure, never an unsafe one).
    """
    text = json.dumps(figures, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.translate(_SCRIPT_SAFE))  # nosec B704 # escaped JSON, see the docstring

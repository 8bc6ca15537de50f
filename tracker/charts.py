"""The leadership dashboard's Plotly figures, built from ``domain.dashboard`` dataclasses.

Pure functions: no request, no ``url_for``, no gettext. The view passes the page's
language, the translated category names and a ``link(**params)`` that builds the
commitment-list URL; each figure is a plain dict that ``static/js/dashboard.js`` draws.
Plotly renders a subset of HTML in labels and hover text, so every string that reaches a
figure is HTML-escaped here, user text or not.
"""
from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Callable, Mapping
from datetime import date

from babel.dates import format_date
from markupsafe import Markup

from tracker import formatting
from tracker.domain.dashboard import AgencyLine, Dashboard, FieldProvinceCounts, PeriodPoint
from tracker.domain.periods import parse_key
from tracker.domain.report import CATEGORY_COLOURS, CATEGORY_LABELS_VI
from tracker.domain.status import CATEGORY_ORDER, Category

Link = Callable[..., str]

# System fonts that cover Vietnamese, as in static/css/app.css (no web fonts).
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif'
# Plotly's ``separators``: the decimal mark, then the thousands separator.
SEPARATORS = {"vi": ",.", "en": ".,"}
DATE_PATTERNS = {"vi": "dd/MM/y", "en": "d MMM y"}  # as tracker.i18n.DATE_FORMATS "short"
# Measures that are not a reporting category get Okabe-Ito colours no category uses.
NEUTRAL = "#56B4E9"  # sky blue, outlined so the bar keeps 3:1 against white
NEUTRAL_LINE = "#1F6F99"
OVERDUE = CATEGORY_COLOURS[Category.IN_PROGRESS_OVERDUE]
DONE = CATEGORY_COLOURS[Category.DONE_ON_TIME]
NO_REPORT = CATEGORY_COLOURS[Category.NO_REPORT]
# Average progress, 0-100: one hue from light to dark, readable with any colour vision
# (static/css/dashboard.css draws the same scale as the heat map's key).
PROGRESS_SCALE = [[0.0, "#E8F6F1"], [0.5, "#5FBF9C"], [1.0, "#00573F"]]
HATCH = {"shape": "/", "fgcolor": "#8A8A8A", "size": 7, "solidity": 0.25}
UPCOMING_DAYS = (30, 60, 90)

# The few words inside the figures. Page text goes through gettext in the template;
# charts stay free of Flask, so their words live here, Vietnamese first.
TEXT = {
    "vi": {
        "commitments": "Số nhiệm vụ",
        "share_axis": "Tỷ lệ trên tổng số nhiệm vụ",
        "done": "Tỷ lệ hoàn thành",
        "overdue": "Tỷ lệ quá hạn, chưa hoàn thành",
        "cutoff": "Số liệu đến ngày",
        "average": "Tiến độ bình quân",
        "reported": "Đã có báo cáo",
        "no_commitments": "Không có nhiệm vụ",
        "submitted": "Đã báo cáo kỳ này",
        "not_due": "Không phải báo cáo kỳ này",
        "overdue_count": "Nhiệm vụ quá hạn, chưa hoàn thành",
        "within": "Trong {n} ngày tới",
        "due_within": "Đến hạn trong {n} ngày tới",
        "click": "Bấm để xem danh sách nhiệm vụ",
    },
    "en": {
        "commitments": "Tasks",
        "share_axis": "Share of all tasks",
        "done": "Completion rate",
        "overdue": "Overdue and not done",
        "cutoff": "Figures as of",
        "average": "Average progress",
        "reported": "Reported",
        "no_commitments": "No tasks",
        "submitted": "Reported this period",
        "not_due": "No report due this period",
        "overdue_count": "Overdue tasks not done",
        "within": "Next {n} days",
        "due_within": "Due in the next {n} days",
        "click": "Click to see the tasks",
    },
}


# -- formatting ---------------------------------------------------------------------------


_lang = formatting.lang
number = formatting.number
percent = formatting.percent
share = formatting.share


def esc(value: object) -> str:
    """``value`` as text Plotly shows literally: ``<``, ``>`` and ``&`` become entities.

    Quotes stay as they are: they cannot open a tag, and Plotly would print ``&quot;``.
    """
    return html.escape(" ".join(str(value).split()), quote=False)


def wrap(value: object, width: int = 28) -> str:
    """Escaped text broken into lines of about ``width`` characters (Plotly's ``<br>``)."""
    lines = textwrap.wrap(" ".join(str(value).split()), width) or [""]
    return "<br>".join(esc(line) for line in lines)


def _date(value: date, language: str) -> str:
    return format_date(value, DATE_PATTERNS[_lang(language)], locale=_lang(language))


def _ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# -- drill-down links ---------------------------------------------------------------------

_PARAM_ORDER = ("agreement", "area", "field", "province", "agency", "role", "category", "overdue", "due_within",
                "as_of")


def drill_params(d: Dashboard, **params: object) -> dict[str, object]:
    """The commitment-list query for a part of ``d``: its filters, overridden by ``params``.

    Empty values (None, "") are left out; dates become ISO text. Keys come in a fixed
    order so the same slice always gets the same URL.
    """
    f = d.filters
    merged: dict[str, object] = {
        "agreement": f.agreement, "area": f.area, "province": f.province, "agency": f.agency, "as_of": f.as_of,
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


# -- figures ------------------------------------------------------------------------------


def _layout(language: str, height: int, **extra: object) -> dict:
    layout = {
        "separators": SEPARATORS[_lang(language)],
        "font": {"family": FONT, "size": 13, "color": "#212529"},
        "hoverlabel": {"font": {"family": FONT, "size": 13}, "align": "left"},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "height": height,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 48, "pad": 4},
        "hovermode": "closest",
        "dragmode": False,
        "showlegend": False,
    }
    layout.update(extra)
    return layout


def _count_axis(title: str, largest: int, **extra: object) -> dict:
    axis = {"title": {"text": title}, "fixedrange": True, "rangemode": "tozero", "gridcolor": "#E3E6EA",
            "zeroline": True, "zerolinecolor": "#6C757D", "automargin": True}
    if largest <= 10:
        axis.update({"tick0": 0, "dtick": 1})  # no "0,5 nhiệm vụ"
    axis.update(extra)
    return axis


def _sorted_rows(rows: list[FieldProvinceCounts]) -> list[FieldProvinceCounts]:
    return sorted(rows, key=lambda r: r.area_number)


def _field_label(row: FieldProvinceCounts, width: int = 24) -> str:
    return wrap(f"{row.area_number}. {row.area_name}", width)


def by_field_figure(d: Dashboard, language: str, labels: Mapping[str, str], drill: Link) -> dict:
    """(1) Stacked horizontal bars: one group per field, one bar per province, split by category."""
    t = TEXT[_lang(language)]
    rows = _sorted_rows(d.by_field)
    fields = [_field_label(r) for r in rows]
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
                f"<b>{esc(labels[code])}</b>: {share(v, total, language)}"
                for r, v, total in zip(rows, values, totals)
            ],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "customdata": [drill(**field_param(r), province=r.province_id, category=str(code)) for r in rows],
        })
    # A row is one bar; a long province name ("Tỉnh Bắc Giang → Tỉnh Bắc Ninh") takes two lines.
    height = 110 + sum(max(30, 15 * (p.count("<br>") + 1) + 6) for p in provinces)
    height += 14 * sum(max(0, f.count("<br>") - 1) for f in dict.fromkeys(fields))
    return {"data": data, "layout": _layout(
        language, max(height, 240),
        barmode="stack",
        bargap=0.25,
        showlegend=True,
        legend={"orientation": "h", "traceorder": "normal", "x": 0, "xanchor": "left", "y": 1.0,
                "yanchor": "bottom", "font": {"size": 12}},
        margin={"l": 8, "r": 16, "t": 8, "b": 48, "pad": 4},
        uniformtext={"minsize": 10, "mode": "hide"},
        xaxis=_count_axis(esc(t["commitments"]), max(totals, default=0)),
        yaxis={"type": "multicategory", "autorange": "reversed", "automargin": True, "fixedrange": True,
               "dividercolor": "#ADB5BD", "showdividers": True},
    )}


def _period_label(point: PeriodPoint, language: str) -> str:
    if _lang(language) == "en":
        try:
            return parse_key(point.key).label_en
        except ValueError:
            pass
    return point.label


def over_time_figure(d: Dashboard, language: str, drill: Link) -> dict:
    """(2) Lines: the share completed and the share overdue at each period's cut-off."""
    t = TEXT[_lang(language)]
    points = d.over_time
    x = [wrap(_period_label(p, language), 7) for p in points]  # short lines, so the labels stay level

    def line(name: str, colour: str, parts: list[int], dash: str, symbol: str) -> dict:
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "name": esc(name),
            "x": x,
            "y": [_ratio(part, p.total) for part, p in zip(parts, points)],
            "line": {"color": colour, "width": 3, "dash": dash},
            "marker": {"color": colour, "size": 9, "symbol": symbol},
            "hovertext": [
                f"{esc(_period_label(p, language))}<br>{esc(t['cutoff'])} {esc(_date(p.cutoff, language))}<br>"
                f"<b>{esc(name)}</b>: {share(part, p.total, language)}"
                for part, p in zip(parts, points)
            ],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "customdata": [drill(as_of=p.cutoff) for p in points],
        }

    data = [
        line(t["done"], DONE, [p.done for p in points], "solid", "circle"),
        line(t["overdue"], OVERDUE, [p.open_past_due for p in points], "dash", "diamond"),
    ]
    suffix = "%" if _lang(language) == "en" else " %"
    return {"data": data, "layout": _layout(
        language, 340,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        xaxis={"type": "category", "fixedrange": True, "automargin": True, "showgrid": False,
               "tickfont": {"size": 11}, "tickangle": 0},
        yaxis={"title": {"text": esc(t["share_axis"])}, "range": [0, 100], "ticksuffix": suffix, "fixedrange": True,
               "gridcolor": "#E3E6EA", "zeroline": False, "automargin": True},
    )}


def heatmap_figure(d: Dashboard, language: str, labels: Mapping[str, str], drill: Link) -> dict:
    """(3) Field × province heat map of average progress.

    A cell whose commitments have no report has no value (None, never 0): it is drawn as
    its own state, hatched grey with the words "Chưa có báo cáo".
    """
    t = TEXT[_lang(language)]
    rows = _sorted_rows(d.by_field)
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
                hover_row.append(f"{head}<b>{no_report_label}</b><br>{reported}")
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
                hover_row.append(f"{head}<b>{esc(t['average'])}</b>: {percent(value, language)}<br>{reported}")
        z.append(z_row)
        gaps.append(gap_row)
        text.append(text_row)
        hover.append(hover_row)
        links.append(link_row)

    xs = list(range(len(provinces)))
    ys = list(range(len(fields)))
    common = {"x": xs, "y": ys, "xgap": 3, "ygap": 3, "hoverongaps": False, "hovertext": hover,
              "hovertemplate": "%{hovertext}<extra></extra>", "customdata": links}
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
    # Heat maps take no pattern: each unreported cell gets a hatched rectangle on top, one
    # trace per cell (a single trace with gaps would fill the space between cells too).
    for xi, yi in hatched:
        x0, x1, y0, y1 = xi - 0.49, xi + 0.49, yi - 0.47, yi + 0.47  # inside the cell gaps
        data.append({
            "type": "scatter", "mode": "lines", "x": [x0, x1, x1, x0, x0], "y": [y0, y0, y1, y1, y0],
            "fill": "toself", "fillcolor": NO_REPORT, "fillpattern": {**HATCH, "bgcolor": NO_REPORT, "fillmode": "replace"},
            "line": {"width": 0, "color": NO_REPORT}, "hoverinfo": "skip", "showlegend": False,
            "name": no_report_label,
        })
    field_ticks = [wrap(f"{area_number}. {name}", 26) for _, area_number, name in fields]
    province_ticks = [wrap(name, 18) for _, name in provinces]
    extra_lines = sum(f.count("<br>") for f in field_ticks)
    top = 40 + 15 * max((p.count("<br>") for p in province_ticks), default=0)
    return {"data": data, "layout": _layout(
        language, max(200, 50 + top + 56 * len(fields) + 12 * extra_lines),
        margin={"l": 8, "r": 16, "t": top, "b": 8, "pad": 4},
        annotations=annotations,
        xaxis={"tickvals": xs, "ticktext": province_ticks, "side": "top", "tickangle": 0,
               "range": [-0.5, len(provinces) - 0.5], "fixedrange": True, "showgrid": False,
               "zeroline": False, "automargin": True},
        yaxis={"tickvals": ys, "ticktext": field_ticks, "range": [len(fields) - 0.5, -0.5],
               "fixedrange": True, "showgrid": False, "zeroline": False, "automargin": True},
    )}


def _agency_hover(line: AgencyLine, language: str, t: dict[str, str]) -> str:
    submitted = share(line.submitted, line.due, language) if line.due else esc(t["not_due"])
    return (f"<b>{esc(line.agency_name)}</b><br>{esc(t['submitted'])}: {submitted}<br>"
            f"{esc(t['overdue_count'])}: {number(line.overdue, language)}")


def agencies_figure(d: Dashboard, language: str, drill: Link) -> dict:
    """(4) Lead agencies: share of due reports submitted this period, and overdue tasks, side by side."""
    t = TEXT[_lang(language)]
    lines = d.agencies
    names = [wrap(a.agency_name, 30) for a in lines]
    hover = [_agency_hover(a, language, t) for a in lines]
    suffix = "%" if _lang(language) == "en" else " %"
    data = [
        {
            "type": "bar", "orientation": "h", "name": esc(t["submitted"]), "xaxis": "x", "yaxis": "y",
            "x": [_ratio(a.submitted, a.due) for a in lines], "y": names,
            "marker": {"color": NEUTRAL, "line": {"color": NEUTRAL_LINE, "width": 1}},
            "text": [share(a.submitted, a.due, language) if a.due else "" for a in lines],
            "textposition": "outside", "cliponaxis": False, "textfont": {"size": 12},
            "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
            "customdata": [drill(agency=a.agency_id, role="lead") for a in lines],
        },
        {
            "type": "bar", "orientation": "h", "name": esc(t["overdue_count"]), "xaxis": "x2", "yaxis": "y",
            "x": [int(a.overdue) for a in lines], "y": names,
            "marker": {"color": OVERDUE},
            "text": [number(a.overdue, language) for a in lines],
            "textposition": "outside", "cliponaxis": False, "textfont": {"size": 12},
            "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
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
    return {"data": data, "layout": _layout(
        language, max(220, 100 + 34 * len(lines) + 14 * extra_lines),
        bargap=0.3,
        annotations=not_due,
        margin={"l": 8, "r": 40, "t": 8, "b": 48, "pad": 4},
        xaxis={"domain": [0, 0.55], "range": [0, 100], "ticksuffix": suffix, "fixedrange": True,
               "title": {"text": esc(t["submitted"])}, "gridcolor": "#E3E6EA", "anchor": "y"},
        xaxis2=_count_axis(esc(t["overdue_count"]), largest, domain=[0.68, 1], anchor="y"),
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
    )}


def upcoming_figure(d: Dashboard, language: str, drill: Link) -> dict:
    """(5) Commitments falling due in the next 30, 60 and 90 days (each window counts from today)."""
    t = TEXT[_lang(language)]
    days = sorted(set(UPCOMING_DAYS) | set(d.upcoming_counts))
    counts = [int(d.upcoming_counts.get(n, 0)) for n in days]
    data = [{
        "type": "bar", "name": esc(t["commitments"]),
        "x": [esc(t["within"].format(n=n)) for n in days], "y": counts,
        "marker": {"color": NEUTRAL, "line": {"color": NEUTRAL_LINE, "width": 1}},
        "text": [number(c, language) for c in counts], "textposition": "outside", "cliponaxis": False,
        "hovertext": [f"{esc(t['due_within'].format(n=n))}: <b>{number(c, language)}</b>" for n, c in zip(days, counts)],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "customdata": [drill(due_within=n) for n in days],
    }]
    largest = max(counts, default=0)
    return {"data": data, "layout": _layout(
        language, 260,
        bargap=0.45,
        margin={"l": 8, "r": 8, "t": 24, "b": 40, "pad": 4},
        xaxis={"type": "category", "fixedrange": True, "showgrid": False},
        yaxis=_count_axis(esc(t["commitments"]), largest, range=[0, max(1, largest) * 1.18]),
    )}


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
    return Markup(text.translate(_SCRIPT_SAFE))  # nosec B704 - escaped JSON, see the docstring

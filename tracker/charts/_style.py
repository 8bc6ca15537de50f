"""What every dashboard figure shares: fonts, colours, the words inside the figures, text
escaping and number formatting, and the base layout and count axis."""
from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from datetime import date

from babel.dates import format_date

from tracker import formatting
from tracker.domain.dashboard import FieldProvinceCounts
from tracker.domain.report import CATEGORY_COLOURS, short_province
from tracker.domain.status import Category

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
HOVER = "%{hovertext}<extra></extra>"  # every trace shows its own prepared hover text
# Hover text is plain (lines only, no <b> or <i>): plotly.js draws bold and italics with a style
# attribute, which the CSP (style-src 'self') refuses with a console error on every hover.
GRID = "#E3E6EA"

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


lang = formatting.lang
number = formatting.number
percent = formatting.percent
share = formatting.share


def words(language: str) -> dict[str, str]:
    """The figures' words in ``language`` (Vietnamese for any language we lack)."""
    return TEXT[lang(language)]


def esc(value: object) -> str:
    """``value`` as text Plotly shows literally: ``<``, ``>`` and ``&`` become entities.

    Quotes stay as they are: they cannot open a tag, and Plotly would print ``&quot;``.
    """
    return html.escape(" ".join(str(value).split()), quote=False)


def wrap(value: object, width: int = 28) -> str:
    """Escaped text broken into lines of about ``width`` characters (Plotly's ``<br>``)."""
    lines = textwrap.wrap(" ".join(str(value).split()), width) or [""]
    return "<br>".join(esc(line) for line in lines)


def date_text(value: date, language: str) -> str:
    return format_date(value, DATE_PATTERNS[lang(language)], locale=lang(language))


def ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def percent_suffix(language: str) -> str:
    """The tick suffix of a percentage axis: "50 %" in Vietnamese, "50%" in English."""
    return "%" if lang(language) == "en" else " %"


def short_sides(name: str) -> str:
    """"Tỉnh Bắc Giang → Tỉnh Bắc Ninh" → "Bắc Giang → Bắc Ninh" (labels on a phone)."""
    return " → ".join(short_province(part) for part in name.split(" → "))


def sorted_rows(rows: list[FieldProvinceCounts]) -> list[FieldProvinceCounts]:
    return sorted(rows, key=lambda r: r.area_number)


# -- layout -------------------------------------------------------------------------------


def layout(language: str, height: int, **extra: object) -> dict:
    """The layout every figure starts from; ``extra`` adds or replaces keys."""
    base = {
        "separators": SEPARATORS[lang(language)],
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
    base.update(extra)
    return base


def count_axis(title: str, largest: int, **extra: object) -> dict:
    """An axis of whole numbers of tasks from zero; ticks of 1 up to 10 (no "0,5 nhiệm vụ")."""
    axis = {"title": {"text": title}, "fixedrange": True, "rangemode": "tozero", "gridcolor": GRID,
            "zeroline": True, "zerolinecolor": "#6C757D", "automargin": True}
    if largest <= 10:
        axis.update({"tick0": 0, "dtick": 1})
    axis.update(extra)
    return axis

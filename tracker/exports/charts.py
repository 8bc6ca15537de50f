"""Status charts as PNG bytes for the Word and PDF reports, drawn with matplotlib (Agg, no browser).

Same counts, words, order and Okabe-Ito colours as the dashboard. Figures are built with
``matplotlib.figure.Figure``, never through pyplot, so none stays registered in pyplot's
global list and nothing can open a window; each is cleared once saved.
"""
from __future__ import annotations

import io
import textwrap
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import TightLayoutEngine  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from tracker.domain.report import CATEGORY_COLOURS, Counts  # noqa: E402
from tracker.domain.status import CATEGORY_ORDER, Category  # noqa: E402
from tracker.exports import safe, wording  # noqa: E402

WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with Nghị định 30 margins
DPI = 200
# DejaVu Sans ships with matplotlib and covers Vietnamese, so no glyph ever goes missing.
_STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "hatch.color": "#777777", "hatch.linewidth": 0.6}
_HATCH = {Category.NO_REPORT: "///"}  # "not yet reported" is hatched, as ui.md asks


def _ink(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour``."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if luminance > 0.18 else "#FFFFFF"


def status_by_group_png(groups: list[tuple[str, Counts]], title: str) -> bytes:
    """Stacked horizontal bars, one per group (province, field), split by reporting category.

    Groups read top to bottom in the order given; each segment carries its count when it
    is wide enough to hold it, and the total sits at the end of the bar. An empty list
    still gives a (blank) chart so a report never lacks its figure.

    The same groups and title give the same bytes, so the last few charts are kept: drawing
    one costs ~0.35 s of CPU, and a report asked again (another format, a download of the
    same figures) draws the same two.
    """
    return _drawn(tuple((name, tuple(c.by_category.items())) for name, c in groups), title)


@lru_cache(maxsize=16)
def _drawn(groups: tuple[tuple[str, tuple[tuple[str, int], ...]], ...], title: str) -> bytes:
    names = [textwrap.fill(safe.one_line(name, " "), 28) for name, _ in groups] or ["—"]
    counts = [Counts(dict(items)) for _, items in groups] or [Counts.empty()]
    longest = max((c.total for c in counts), default=0) or 1
    height_in = 1.25 + 0.42 * len(names) + 0.16 * sum(n.count("\n") for n in names)

    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        positions = list(range(len(names)))
        left = [0] * len(names)
        for code in CATEGORY_ORDER:
            values = [c.get(code) for c in counts]
            colour = CATEGORY_COLOURS[code]
            bars = ax.barh(positions, values, left=left, color=colour, edgecolor="white", linewidth=0.6,
                           hatch=_HATCH.get(code), label=wording.category_label(code), height=0.62)
            for bar, value, start in zip(bars, values, left):
                if value and value / longest >= 0.045:
                    ax.text(start + value / 2, bar.get_y() + bar.get_height() / 2, wording.number(value),
                            ha="center", va="center", fontsize=8, color=_ink(colour))
            left = [a + b for a, b in zip(left, values)]
        for pos, total in zip(positions, left):
            ax.text(total + longest * 0.01, pos, wording.number(total), va="center", fontsize=8, fontweight="bold")

        ax.set_yticks(positions, names)
        ax.invert_yaxis()
        ax.set_xlim(0, longest * 1.08)
        ax.set_xlabel("Số nhiệm vụ")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(safe.one_line(title, " "), fontsize=10, fontweight="bold", loc="left")
        handles = [Patch(facecolor=CATEGORY_COLOURS[c], hatch=_HATCH.get(c), edgecolor="white",
                         label=wording.category_label(c)) for c in CATEGORY_ORDER]
        fig.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize=8)
        # ``fig.tight_layout``'s adjustment, without leaving the figure a layout engine: with one,
        # ``savefig`` lays the whole figure out again before drawing it (~40 % of a chart's cost).
        TightLayoutEngine(rect=(0, 0.45 / height_in, 1, 1)).execute(fig)

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        fig.clear()
    return buffer.getvalue()

"""The dashboard's Plotly figures: order, colours, numbers, drill-down links, escaping. No app."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import plotly.graph_objects as go
import pytest

from tracker import charts
from tracker.domain.dashboard import AgencyLine, Dashboard, FieldProvinceCounts, Filters, PeriodPoint, Upcoming
from tracker.domain.report import CATEGORY_COLOURS, CATEGORY_LABELS_VI
from tracker.domain.status import CATEGORY_ORDER

EVIL = "<img src=x onerror=alert(1)>"
CODES = [str(c) for c in CATEGORY_ORDER]


def counts(**values: int) -> dict[str, int]:
    return {code: values.get(code, 0) for code in CODES}


def fake_link(**params) -> str:
    return "/commitments?" + urlencode(params)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def dashboard() -> Dashboard:
    by_field = [
        FieldProvinceCounts(2, 2, EVIL, 10, "Thái Nguyên", counts(done_on_time=1, no_report=3), None, 1),
        FieldProvinceCounts(1, 1, "Giao thông", 10, "Thái Nguyên",
                            counts(done_on_time=3, done_late=1, in_progress_overdue=2), 62.5, 6),
        FieldProvinceCounts(1, 1, "Giao thông", 20, "Bắc Ninh", counts(in_progress_on_time=4, not_started=1), 30.0, 5),
        FieldProvinceCounts(2, 2, EVIL, 20, "Bắc Ninh", counts(no_report=2), None, 0),
    ]
    return Dashboard(
        filters=Filters(agreement=7),
        as_of=date(2026, 3, 15),
        total=18,
        categories=counts(done_on_time=4, done_late=1, in_progress_on_time=4, in_progress_overdue=2,
                          not_started=1, no_report=6),
        hidden_restricted=2,
        compliance_due=5,
        compliance_submitted=3,
        period_label="Quý I năm 2026",
        by_field=by_field,
        over_time=[
            PeriodPoint("2025-H2", "6 tháng cuối năm 2025", date(2025, 12, 14), 18, 2, 1, 1),
            PeriodPoint("2026-Q1", "Quý I năm 2026", date(2026, 3, 14), 18, 5, 3, 3),
        ],
        agencies=[AgencyLine(31, EVIL, 2, 1, 3), AgencyLine(32, "Sở Tài chính", 0, 0, 0)],
        upcoming=[Upcoming(5, "TN-01", EVIL, date(2026, 4, 1), 17)],
        upcoming_counts={30: 1, 60: 2, 90: 4},
    )


@pytest.fixture
def figures(dashboard) -> dict[str, dict]:
    return charts.dashboard_figures(dashboard, language="vi", category_labels=CATEGORY_LABELS_VI, link=fake_link)


def strings(value):
    """Every string anywhere in a figure (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)


def test_every_figure_is_valid_plotly(figures):
    assert set(figures) == {"by_field", "over_time", "heatmap", "agencies", "upcoming"}
    for fig in figures.values():
        go.Figure(fig)  # raises on any attribute plotly does not know


def test_by_field_has_one_trace_per_category_in_order_with_its_colour(figures):
    data = figures["by_field"]["data"]
    assert [t["meta"] for t in data] == CODES
    assert [t["name"] for t in data] == [CATEGORY_LABELS_VI[c] for c in CODES]
    assert [t["marker"]["color"] for t in data] == [CATEGORY_COLOURS[c] for c in CODES]
    assert figures["by_field"]["layout"]["barmode"] == "stack"
    assert data[-1]["marker"]["pattern"]["shape"]  # "not yet reported" is hatched


def test_by_field_numbers_rows_by_field_then_province(figures):
    data = {t["meta"]: t for t in figures["by_field"]["data"]}
    fields, provinces = data["done_on_time"]["y"]
    assert [f.replace("<br>", " ") for f in fields] == ["1. Giao thông", "1. Giao thông", "2. &lt;img src=x onerror=alert(1)&gt;",
                      "2. &lt;img src=x onerror=alert(1)&gt;"]
    assert provinces == ["Thái Nguyên", "Bắc Ninh", "Thái Nguyên", "Bắc Ninh"]
    assert data["done_on_time"]["x"] == [3, 0, 1, 0]
    assert data["done_late"]["x"] == [1, 0, 0, 0]
    assert data["in_progress_on_time"]["x"] == [0, 4, 0, 0]
    assert data["in_progress_overdue"]["x"] == [2, 0, 0, 0]
    assert data["not_started"]["x"] == [0, 1, 0, 0]
    assert data["no_report"]["x"] == [0, 0, 3, 2]
    assert "3/6 · 50 %" in data["done_on_time"]["hovertext"][0]


def test_by_field_links_drill_down_to_area_province_and_category(figures):
    data = {t["meta"]: t for t in figures["by_field"]["data"]}
    links = data["in_progress_overdue"]["customdata"]
    assert len(links) == 4
    assert query(links[0]) == {"agreement": "7", "area": "1", "province": "10", "category": "in_progress_overdue"}
    assert query(data["no_report"]["customdata"][3]) == {
        "agreement": "7", "area": "2", "province": "20", "category": "no_report"}
    assert "as_of" not in links[0]  # empty filters are left out


def test_links_keep_the_chosen_date(dashboard):
    dated = replace(dashboard, filters=Filters(agreement=7, as_of=date(2025, 12, 31)))
    figures = charts.dashboard_figures(dated, language="vi", category_labels=CATEGORY_LABELS_VI, link=fake_link)
    assert query(figures["by_field"]["data"][0]["customdata"][0])["as_of"] == "2025-12-31"


def test_heatmap_leaves_unreported_cells_empty_not_zero(figures):
    heat = figures["heatmap"]
    progress, no_report = heat["data"][0], heat["data"][1]
    assert [t.replace("<br>", " ") for t in heat["layout"]["yaxis"]["ticktext"]] == ["1. Giao thông", "2. &lt;img src=x onerror=alert(1)&gt;"]
    assert heat["layout"]["xaxis"]["ticktext"] == ["Thái Nguyên", "Bắc Ninh"]
    assert progress["z"] == [[62.5, 30.0], [None, None]]
    assert no_report["z"] == [[None, None], [1, 1]]
    assert [a["text"].replace("<br>", " ") for a in heat["layout"]["annotations"]] == ["Chưa có báo cáo"] * 2
    assert query(progress["customdata"][1][0]) == {"agreement": "7", "area": "2", "province": "10"}


def test_over_time_shares_and_agencies_and_upcoming(figures):
    done, overdue = figures["over_time"]["data"]
    assert done["y"] == [11.1, 27.8] and overdue["y"] == [5.6, 16.7]
    assert done["line"]["color"] == CATEGORY_COLOURS["done_on_time"]
    assert overdue["line"]["color"] == CATEGORY_COLOURS["in_progress_overdue"]
    assert query(done["customdata"][1]) == {"agreement": "7", "as_of": "2026-03-14"}

    submitted, late = figures["agencies"]["data"]
    assert submitted["x"] == [50.0, None] and late["x"] == [3, 0]
    assert submitted["text"][0] == "1/2 · 50 %"
    assert query(submitted["customdata"][0]) == {"agreement": "7", "agency": "31", "role": "lead"}

    (bars,) = figures["upcoming"]["data"]
    assert bars["y"] == [1, 2, 4]
    assert [query(u)["due_within"] for u in bars["customdata"]] == ["30", "60", "90"]


def test_user_text_is_escaped_everywhere(figures):
    found = [s for s in strings(figures) if "<img" in s]
    assert found == []
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in strings(figures["agencies"]))


def test_figures_json_is_safe_inside_a_script_element(figures):
    text = charts.figures_json(figures)
    assert "</script" not in text.lower()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == json.loads(json.dumps(figures))
    assert charts.figures_json({"x": "</script><script>alert(1)</script>"}).count("\\u003c") == 3


@pytest.mark.parametrize(("language", "separators", "share"), [("vi", ",.", "3/6 · 50 %"), ("en", ".,", "3/6 · 50%")])
def test_separators_and_number_words_follow_the_language(dashboard, language, separators, share):
    figures = charts.dashboard_figures(dashboard, language=language, category_labels={}, link=fake_link)
    assert {fig["layout"]["separators"] for fig in figures.values()} == {separators}
    assert share in figures["by_field"]["data"][0]["hovertext"][0]


def test_numbers_are_written_the_vietnamese_way():
    assert charts.share(1234, 5678, "vi") == "1.234/5.678 · 22 %"
    assert charts.share(1234, 5678, "en") == "1,234/5,678 · 22%"
    assert charts.share(0, 0, "vi") == "—"


def test_empty_dashboard_still_gives_figures():
    empty = Dashboard(filters=Filters(), as_of=date(2026, 1, 1), total=0, categories=counts(), hidden_restricted=0,
                      compliance_due=0, compliance_submitted=0, period_label=None)
    figures = charts.dashboard_figures(empty, language="vi", category_labels=CATEGORY_LABELS_VI, link=fake_link)
    for fig in figures.values():
        go.Figure(fig)
    assert query(figures["upcoming"]["data"][0]["customdata"][0]) == {"due_within": "30"}

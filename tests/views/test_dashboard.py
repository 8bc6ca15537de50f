"""The dashboard page: drill-down links land on exactly the commitments counted, JSON, no other hosts."""
import html as html_module
import json
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from tests.factories import approve
from tracker.extensions import db
from tracker.models import Agreement


def figures(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="dashboard-figures">(.*?)</script>', page, re.S).group(1)
    return page, json.loads(block)


def listed(client, link):
    """How many commitments the list says it found, and the ids on its pages."""
    ids, page_no, total = set(), 1, None
    while True:
        html = client.get(f"{link}&page={page_no}" if "?" in link else f"{link}?page={page_no}").get_data(as_text=True)
        total = int(re.search(r"Tìm thấy ([\d.]+) nhiệm vụ", html).group(1).replace(".", ""))
        found = set(re.findall(r'href="/commitments/(\d+)"', html))
        if not found - ids:
            return total, ids
        ids |= found
        page_no += 1


@pytest.fixture
def data(app):
    agreement = db.session.scalar(select(Agreement))
    open_areas = [a for a in agreement.areas if not a.restricted]
    approve(open_areas[0].commitments[0], "done", 100, date(2024, 5, 1), datetime(2024, 5, 3, tzinfo=timezone.utc))
    approve(open_areas[1].commitments[0], "in_progress", 40, date(2025, 1, 5), datetime(2025, 1, 10, tzinfo=timezone.utc))
    return agreement


def test_every_bar_of_the_field_chart_lands_on_its_commitments(login_as, data):
    client = login_as("viewer")
    _, figs = figures(client, f"/?agreement={data.id}")
    checked = 0
    for trace in figs["by_field"]["data"]:
        for value, link in zip(trace["x"], trace["customdata"]):
            if value:
                total, _ = listed(client, html_module.unescape(link))
                assert total == value, link
                checked += 1
    assert checked >= 10


def test_heat_map_cells_and_agency_bars_land_on_their_commitments(login_as, data):
    client = login_as("viewer")
    page, figs = figures(client, f"/?agreement={data.id}")
    heat = figs["heatmap"]["data"][0]
    link = next(link for row in heat["customdata"] for link in row if link)
    total, _ = listed(client, html_module.unescape(link))
    area = int(re.search(r"area=(\d+)", link).group(1))
    assert total == len([c for a in data.areas if a.id == area for c in a.commitments])
    agencies = figs["agencies"]["data"][1]  # overdue counts
    for value, link in zip(agencies["x"], agencies["customdata"]):
        total, _ = listed(client, html_module.unescape(link))
        assert total == value, link


def test_all_agreements_group_fields_by_number(login_as, data):
    client = login_as("admin")
    _, figs = figures(client, "/")
    links = [link for t in figs["by_field"]["data"] for link in t["customdata"]]
    assert links and all("field=" in link for link in links)


def test_dashboard_json_contract(login_as, data):
    body = login_as("viewer").get(f"/dashboard.json?agreement={data.id}").get_json()
    assert set(body["categories"]) == {"done_on_time", "done_late", "in_progress_on_time", "in_progress_overdue",
                                       "not_started", "no_report"}
    assert sum(body["categories"].values()) == body["total"] == 23
    assert body["hidden_restricted"] == 6


def test_hover_and_names_are_escaped(login_as, data):
    area = next(a for a in data.areas if not a.restricted)
    area.name = "<img src=x onerror=alert(1)>"
    db.session.commit()
    page, figs = figures(login_as("viewer"), f"/?agreement={data.id}")
    assert "<img src=x" not in json.dumps(figs) and "<img src=x" not in page


def test_no_reference_to_another_host(login_as, data):
    page, _ = figures(login_as("viewer"))
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert re.search(r'<script src="/assets/plotly-[\d.]+\.min\.js"', page)


def test_table_links_keep_the_page_filters(login_as, data):
    page, _ = figures(login_as("viewer"), f"/?agreement={data.id}&as_of=2025-12-31")
    links = [html_module.unescape(link) for link in re.findall(r'href="(/commitments\?[^"]+)"', page)]
    assert len(links) > 20
    assert all(f"agreement={data.id}" in link and "as_of=" in link for link in links)
    # the date is the page's, except where a point of the over-time figure stands for its cut-off
    assert sum("as_of=2025-12-31" in link for link in links) > 20
    assert all("role=lead" in link for link in links if "agency=" in link)

"""The dashboard page: drill-down links land on exactly the commitments counted, JSON, no other hosts."""
import html as html_module
import json
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from tests.client import csrf_token, with_tables_open
from tests.factories import approve
from tracker.extensions import db
from tracker.models import Agreement


def figures(client, path="/"):
    """The page with its "view as table" fragments (fetched when opened), and its figures (fetched)."""
    page = with_tables_open(client, client.get(path).get_data(as_text=True))
    src = re.search(r'id="dashboard-figures" data-src="([^"]+)"', page).group(1)
    return page, json.loads(client.get(html_module.unescape(src)).get_data(as_text=True))


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


def test_figures_and_dashboard_json_answer_304_until_the_data_changes(login_as, data):
    client = login_as("viewer")

    def done() -> int:
        counts = client.get(f"/dashboard.json?agreement={data.id}").get_json()["categories"]
        return counts["done_on_time"] + counts["done_late"]

    done_before, tags = done(), {}
    for path in (f"/dashboard.json?agreement={data.id}", f"/dashboard/figures.json?agreement={data.id}"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
        tags[path] = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": tags[path]})
        assert again.status_code == 304 and not again.get_data()
    commitment = next(a for a in data.areas if not a.restricted).commitments[1]
    approve(commitment, "done", 100, date(2025, 2, 1), datetime(2025, 2, 3, tzinfo=timezone.utc))
    for path in (f"/dashboard.json?agreement={data.id}", f"/dashboard/figures.json?agreement={data.id}"):
        changed = client.get(path, headers={"If-None-Match": tags[path]})
        assert changed.status_code == 200
    assert done() == done_before + 1


def test_the_page_carries_no_table_and_no_figures_but_links_to_them(login_as, data):
    client = login_as("viewer")
    page = client.get(f"/?agreement={data.id}").get_data(as_text=True)
    sources = re.findall(r'<details class="chart-table[^"]*" data-src="([^"]+)"', page)
    assert len(sources) == 4 and all(f"agreement={data.id}" in s for s in sources)
    assert "heatmap-table" not in page and '"data":' not in page
    fragment = client.get(html_module.unescape(sources[1]))
    assert fragment.status_code == 200 and "heatmap-table" in fragment.get_data(as_text=True)
    assert fragment.headers["Cache-Control"] == "no-store"
    assert client.get("/dashboard/tables/nothing").status_code == 404


def test_tables_follow_a_change_and_the_language(login_as, data):
    client = login_as("viewer")
    path = f"/dashboard/tables/over_time?agreement={data.id}"
    before = client.get(path).get_data(as_text=True)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/")})
    english = client.get(path).get_data(as_text=True)
    assert english != before and "Completion rate" in english


def test_the_early_warning_is_counted_shown_and_drills_down_to_its_commitments(app, login_as):
    """A side unreported after a third of its time, or reported 10 % with two thirds gone, is at
    risk: dashboard.json's ``at_risk``, its side, the card and the list behind ``risk=at_risk``
    agree; reported 70 %, it is on track again."""
    from datetime import timedelta

    from tests.factories import TODAY, officer_commitment
    from tracker import clock
    from tracker.status.cache import invalidate

    client = login_as("viewer")
    baseline = client.get("/dashboard.json").get_json()["at_risk"]
    commitment = officer_commitment()
    commitment.start_date, commitment.due_date = TODAY - timedelta(days=200), TODAY + timedelta(days=100)
    commitment.recurring, commitment.original_due_date = False, None
    invalidate()  # as the plan forms do after a change of dates
    db.session.commit()
    assert client.get("/dashboard.json").get_json()["at_risk"] == baseline + 1  # no report, two thirds gone
    approve(commitment, percent=10)
    after = client.get("/dashboard.json").get_json()
    assert after["at_risk"] == baseline + 1 and after["sides"]["TN"]["at_risk"] >= 1
    listed = client.get("/commitments?risk=at_risk").get_data(as_text=True)
    assert f'href="/commitments/{commitment.id}"' in listed
    page = client.get("/").get_data(as_text=True)
    assert "Nguy cơ chậm tiến độ: " + str(after["at_risk"]) in page and "risk=at_risk" in page
    later = clock.start_of_day_utc(TODAY) + timedelta(hours=14)
    approve(commitment, percent=70, at=later)  # 70 % with 67 % of the time gone: on track again
    assert client.get("/dashboard.json").get_json()["at_risk"] == baseline
    assert f'href="/commitments/{commitment.id}"' not in client.get("/commitments?risk=at_risk").get_data(as_text=True)


def test_the_agreement_switcher_lists_every_agreement_escaped(login_as, data):
    data.short_title = "<b>Hợp tác</b> & phát triển"
    db.session.commit()
    page = login_as("viewer").get("/profile").get_data(as_text=True)
    switcher = re.search(r'<ul class="dropdown-menu agreement-switcher">(.*?)</ul>', page, re.S).group(1)
    assert f'href="/agreements/{data.id}">&lt;b&gt;Hợp tác&lt;/b&gt; &amp; phát triển</a>' in switcher
    assert switcher.count('class="dropdown-item"') == db.session.query(Agreement).count() + 4  # + periods, reporting, documents, meetings


def test_a_past_date_shows_the_agencies_as_they_were(login_as, data):
    """The seed's work was given to the 2023 agencies (Bắc Giang's among them) and moved to today's
    on 1 July 2025: the panel of an earlier day names who led then, and its links agree."""
    from tracker.models import Agency

    client = login_as("viewer")
    codes = dict(db.session.execute(select(Agency.id, Agency.code)).all())
    then = client.get(f"/dashboard.json?agreement={data.id}&as_of=2024-12-31").get_json()["agencies"]
    now = client.get(f"/dashboard.json?agreement={data.id}").get_json()["agencies"]
    assert then and all(codes[a["agency_id"]].startswith(("TN97-", "BG97-")) for a in then)
    assert any(codes[a["agency_id"]].startswith("BG97-") for a in then)
    assert now and not any(codes[a["agency_id"]].startswith(("TN97-", "BG97-")) for a in now)
    _, figs = figures(client, f"/?agreement={data.id}&as_of=31/12/2024")
    assert figs["agencies"]["data"][1]["customdata"]
    for value, link in zip(figs["agencies"]["data"][1]["x"], figs["agencies"]["data"][1]["customdata"]):
        total, _ = listed(client, html_module.unescape(link))
        assert total == value and "as_of=" in link, link

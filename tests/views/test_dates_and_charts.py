"""Dates typed as they are shown (dd/mm/yyyy), whatever the browser's language; charts that
fit a phone and draw nothing the CSP refuses."""
import json
import re

from sqlalchemy import select

from tests.factories import TODAY, officer_commitment
from tests.views.test_progress import fields, new_form
from tracker.extensions import db
from tracker.models import Agreement, ProgressUpdate


def figures_of(client, html: str) -> dict:
    """The figures the dashboard page fetches (``#dashboard-figures`` names the URL)."""
    url = re.search(r'id="dashboard-figures" data-src="([^"]+)"', html).group(1).replace("&amp;", "&")
    return client.get(url).get_json()


def test_the_dashboard_date_is_typed_day_first(login_as):
    client = login_as("viewer")
    agreement = db.session.scalar(select(Agreement)).id
    html = client.get(f"/?agreement={agreement}&as_of=31/12/2025").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="as_of"[^>]*>', html).group(0)
    assert 'type="date"' not in box and 'value="31/12/2025"' in box and 'inputmode="numeric"' in box
    assert "31/12/2025" in html and "ngày/tháng/năm" in html
    iso = client.get(f"/?agreement={agreement}&as_of=2025-12-31").get_data(as_text=True)
    assert 'value="31/12/2025"' in iso  # links keep working, and show the date day first


def test_the_progress_date_is_typed_day_first(login_as):
    client = login_as("officer")
    commitment = officer_commitment()
    html = client.get(f"/commitments/{commitment.id}/progress/new").get_data(as_text=True)
    assert f'value="{TODAY:%d/%m/%Y}"' in html and 'type="date"' not in html
    response = client.post(f"/commitments/{commitment.id}/progress/new",
                           data={**new_form(client, commitment), **fields(as_of=f"{TODAY:%d/%m/%Y}")})
    assert response.status_code == 302
    assert db.session.scalar(select(ProgressUpdate.as_of).order_by(ProgressUpdate.id.desc())) == TODAY


def test_charts_fit_a_phone_and_hover_text_needs_no_inline_style(login_as):
    client = login_as("viewer")
    html = client.get("/").get_data(as_text=True)
    figures = figures_of(client, html)
    assert "<b>" not in json.dumps(figures)  # plotly.js draws bold with a style attribute: refused by the CSP
    assert figures["by_field"]["narrow"]["y"][0][0].endswith(".")  # fields by number on a phone
    assert "narrow" in figures["heatmap"] and "narrow" in figures["over_time"]
    assert 'role="img"' not in html and html.count('role="figure"') >= 4  # plotly adds buttons inside


def test_the_english_dashboard_names_fields_in_english(client, login_as):
    from tests.client import csrf_token

    viewer = login_as("viewer")
    viewer.post("/language", data={"lang": "en", "csrf_token": csrf_token(viewer, "/")})
    html = viewer.get("/").get_data(as_text=True)
    assert "Digital transformation" in html and "Chuyển đổi số" not in html
    assert "Digital transformation" in json.dumps(figures_of(viewer, html))
    assert ">Commitments<" not in html  # one word for one thing: "tasks"

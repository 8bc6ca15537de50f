"""What a browser or a proxy may keep (contract, "Answers every route keeps"): signed-in pages
and exports are never stored; signed-in JSON is revalidated by ETag; versioned static files
are cached for long."""
from __future__ import annotations

import re

import pytest

from tests.client import csrf_token
from tests.test_permissions import url_ids
from tracker.views.assets import CACHE_CONTROL as PLOTLY_CACHE_CONTROL

STATIC_ENDPOINTS = {"static", "bootstrap.static", "assets.plotly"}


@pytest.mark.parametrize("path", ["/", "/commitments", "/profile", "/profile/two-factor", "/admin/users",
                                  "/admin/audit", "/reports", "/no-such-page"])
def test_signed_in_pages_are_not_stored(login_as, path):
    with login_as("admin").get(path) as response:
        assert response.headers.get("Cache-Control") == "no-store", path


def test_the_temporary_password_page_is_not_stored(login_as):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import User

    admin = login_as("admin")
    target = db.session.scalar(select(User.id).where(User.email == "lanhdao@example.com"))
    response = admin.post(f"/admin/users/{target}/reset", data={"csrf_token": csrf_token(admin, "/admin/users")})
    assert response.status_code == 200 and re.search(r'<code class="fs-4 user-select-all">', response.text)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/reports/status.csv", "/reports/status.xlsx", "/compliance.xlsx"])
def test_exports_are_not_stored(login_as, path):
    with login_as("viewer").get(path) as response:
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_signed_in_json_is_private_revalidated_by_etag(login_as, encoding):
    client = login_as("viewer")
    headers = {"Accept-Encoding": encoding}
    first = client.get("/dashboard.json", headers=headers)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    again = client.get("/dashboard.json", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"] == "private, no-cache"
    other = client.get("/dashboard.json", headers={**headers, "If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.headers["ETag"] == etag
    # another filter is another representation
    filtered = client.get("/dashboard.json?as_of=2025-06-30", headers={**headers, "If-None-Match": etag})
    assert filtered.status_code == 200


def test_versioned_static_files_stay_cacheable(app, client):
    from tracker.views.assets import plotly_url

    with app.test_request_context():
        src = plotly_url()
    with client.get(src) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == PLOTLY_CACHE_CONTROL
    with client.get("/static/css/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_every_signed_in_route_says_how_it_may_be_cached(app, login_as):
    """A new route gets the right header without anyone remembering it."""
    client = login_as("admin")
    ids = url_ids(app)
    missing = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in STATIC_ENDPOINTS:
            continue
        values = {name: ids.get(name, "csv") for name in rule.arguments}
        with app.test_request_context():
            path = app.url_map.bind("localhost").build(rule.endpoint, values)
        with client.get(path) as response:
            directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
            expected = {"private", "no-cache"} if response.mimetype == "application/json" else {"no-store"}
            if response.status_code == 200 and not expected <= directives:
                missing.append((path, response.headers.get("Cache-Control")))
    assert missing == []


def test_bootstrap_and_our_static_files_have_versioned_urls_cached_for_a_year(client):
    """Bootstrap's CSS and JS were fetched again (revalidated) on every page."""
    html = client.get("/login").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/(?:bootstrap/)?static/[^"]+)"', html)
    assert any("bootstrap.min.css?v=" in link for link in links) and any("bootstrap.min.js?v=" in link for link in links)
    assert all("?v=" in link for link in links), links
    for link in links:
        with client.get(link) as response:
            assert response.status_code == 200, link
            assert response.headers["Cache-Control"] == PLOTLY_CACHE_CONTROL, link
    with client.get("/static/css/app.css") as response:  # no version named: revalidated as before
        assert "max-age=31536000" not in response.headers.get("Cache-Control", "")

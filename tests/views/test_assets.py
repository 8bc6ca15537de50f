"""plotly.js served from the plotly package: gzip, cache headers, one version only."""
from __future__ import annotations

import gzip

import pytest
from flask import Flask

from tracker.views import assets


@pytest.fixture
def assets_client():
    """The blueprint alone on a bare app: these tests need no database."""
    app = Flask(__name__)
    app.config["TESTING"] = True
    app.register_blueprint(assets.bp)
    return app.test_client()


def url(version: str = assets.PLOTLY_JS_VERSION) -> str:
    return f"/assets/plotly-{version}.min.js"


def test_the_bundled_version_comes_gzipped_and_cached_for_a_year(assets_client):
    response = assets_client.get(url(), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["ETag"]
    body = gzip.decompress(response.data)
    assert body.lstrip().startswith(b"/**\n* plotly.js v" + assets.PLOTLY_JS_VERSION.encode())
    assert len(response.data) < len(body) / 3


def test_without_gzip_the_plain_file_comes(assets_client):
    response = assets_client.get(url(), headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data.lstrip().startswith(b"/**\n* plotly.js v")
    refused = assets_client.get(url(), headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    gzipped = assets_client.get(url(), headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["ETag"] != response.headers["ETag"]  # one ETag per representation


def test_a_known_etag_gets_304(assets_client):
    first = assets_client.get(url(), headers={"Accept-Encoding": "gzip"})
    again = assets_client.get(url(), headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("version", ["0.0.1", "latest", "4.1.1-evil", "..%2F..%2Fetc%2Fpasswd"])
def test_any_other_version_is_404(assets_client, version):
    if version == assets.PLOTLY_JS_VERSION:
        pytest.skip("that is the bundled version")
    assert assets_client.get(url(version)).status_code == 404


def test_plotly_url_names_the_bundled_version(assets_client):
    with assets_client.application.test_request_context():
        assert assets.plotly_url() == url()


def test_the_dashboard_stylesheet_matches_the_bundled_plotly():
    """Upgrade tripwire: the page supplies plotly.js's CSS itself (the CSP refuses the
    <style> plotly.js would inject), copied from this bundle, and marks MapLibre's sheet as present."""
    from tracker.config import ROOT

    plain, _, _ = assets.plotly_bundle()
    css = (ROOT / "static" / "css" / "vendor" / "plotly.css").read_text(encoding="utf-8")
    template = (ROOT / "templates" / "main" / "dashboard.html").read_text(encoding="utf-8")
    assert f"plotly.js {assets.PLOTLY_JS_VERSION}" in css
    assert ".js-plotly-plot .plotly .main-svg .draglayer { pointer-events:all; }" in css
    link = next(line for line in template.splitlines() if 'id="plotly.js-style-global"' in line)
    assert 'class="no-inline-styles"' in link and "filename='css/vendor/plotly.css'" in link
    marker = template.split('<template id="', 1)[1].split('"', 1)[0]
    assert f'document.getElementById("{marker}")'.encode() in plain

"""plotly.js served from the copy bundled inside the installed plotly package: no CDN.

The URL names the bundled plotly.js version, so the file is cached for a year and a
plotly upgrade changes the URL. Only that version is served; nothing here reads a path
from the request.
"""
from __future__ import annotations

import gzip
import hashlib
from functools import cache
from importlib import resources

from flask import Blueprint, Response, abort, request, url_for
from plotly.offline import get_plotlyjs_version

bp = Blueprint("assets", __name__, url_prefix="/assets")

PLOTLY_JS_VERSION: str = get_plotlyjs_version()
CACHE_CONTROL = "public, max-age=31536000, immutable"
CONTENT_TYPE = "application/javascript; charset=utf-8"


@cache
def plotly_bundle() -> tuple[bytes, bytes, str]:
    """The bundle as (plain bytes, gzip bytes, hash), read and compressed once per process."""
    plain = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    compressed = gzip.compress(plain, compresslevel=9, mtime=0)
    return plain, compressed, hashlib.sha256(plain).hexdigest()[:32]


def plotly_url() -> str:
    """Where pages load plotly.js from (needs an app or request context)."""
    return url_for("assets.plotly", version=PLOTLY_JS_VERSION)


@bp.get("/plotly-<version>.min.js")
def plotly(version: str):
    if version != PLOTLY_JS_VERSION:
        abort(404)
    plain, compressed, digest = plotly_bundle()
    gzipped = request.accept_encodings.quality("gzip") > 0
    # One ETag per representation: the gzip bytes are not the plain bytes.
    etag = f"{digest}-gz" if gzipped else digest
    headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304, headers=headers)
    else:
        response = Response(compressed if gzipped else plain, content_type=CONTENT_TYPE, headers=headers)
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    return response

"""plotly.js served from the copy bundled inside the installed plotly package: no CDN.

The URL names the bundled plotly.js version, so the file is cached for a year and a
plotly upgrade changes the URL. Only that version is served; nothing here reads a path
from the request.
"""
from __future__ import annotations

import gzip
import hashlib
import os
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


# --- Our static files and Bootstrap's: versioned URLs, cached for long --------------------
# Every url_for("static"/"bootstrap.static") gets ?v=<a hash of the file>, so a changed file
# has a new URL; a request that names its version is cached for a year, one without it
# (an old bookmark, a hand-typed path) keeps Flask's revalidation.

_STATIC_ENDPOINTS = {"static": None, "bootstrap.static": "bootstrap"}


def _file_version(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, read again only when its size or time
    changes (an edited stylesheet gets a new URL without a restart)."""
    path = _within(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


_resolved: dict[tuple[str, str], str] = {}


def _within(folder: str, filename: str) -> str | None:
    """The file's resolved path when it is a file inside ``folder``, kept once found (every page
    asks for the same few files, and resolving cost more than the rest of ``url_for``)."""
    from pathlib import Path

    found = _resolved.get((folder, filename))
    if found is not None:
        return found
    base = Path(folder).resolve()
    path = (base / filename).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    if len(_resolved) < 1024:
        _resolved[(folder, filename)] = str(path)
    return str(path)


@cache
def _digest(path: str, _mtime_ns: int, _size: int) -> str:
    from pathlib import Path

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _static_folder(endpoint: str) -> str | None:
    from flask import current_app

    blueprint = _STATIC_ENDPOINTS[endpoint]
    owner = current_app if blueprint is None else current_app.blueprints.get(blueprint)
    return owner.static_folder if owner is not None else None


@bp.app_url_defaults
def _version_static_urls(endpoint: str, values: dict) -> None:
    if endpoint in _STATIC_ENDPOINTS and "v" not in values and values.get("filename"):
        folder = _static_folder(endpoint)
        version = _file_version(folder, values["filename"]) if folder else None
        if version:
            values["v"] = version


@bp.after_app_request
def _cache_versioned_static(response: Response) -> Response:
    if request.endpoint in _STATIC_ENDPOINTS and request.args.get("v") and response.status_code in (200, 304):
        response.headers["Cache-Control"] = CACHE_CONTROL
    return response

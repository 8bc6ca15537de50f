"""Security and caching headers on every response.

The Content-Security-Policy allows scripts and styles only from our own origin: charts
come as JSON and are drawn by our own script, so no inline script is ever needed.
Nothing a page shows may be kept by a browser or proxy (pages show TOTP secrets,
temporary passwords, restricted fields); JSON is revalidated by ETag instead.
"""
from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def add_headers(response: Response) -> Response:
    """Each of ``HEADERS`` the response does not set itself (one pass over its headers, not six)."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    headers.extend([(name, value) for name, value in HEADERS if name.lower() not in present])
    return response


# Versioned or public files that set their own, long, Cache-Control.
CACHEABLE_ENDPOINTS = frozenset({"static", "bootstrap.static", "assets.plotly"})
JSON_CACHE_CONTROL = "private, no-cache"


def add_cache_headers(response: Response) -> Response:
    """``no-store`` on pages and files; ``private, no-cache`` with an ETag (and 304 for a
    matching If-None-Match) on JSON; static files keep what their route says."""
    if request.endpoint in CACHEABLE_ENDPOINTS:
        return response
    if response.mimetype == "application/json" and response.status_code in (200, 304) and not response.is_streamed:
        response.headers["Cache-Control"] = JSON_CACHE_CONTROL
        response.add_etag()
        return response.make_conditional(request)  # 304 only for GET and HEAD
    directives = {d.strip().lower() for d in response.headers.get("Cache-Control", "").split(",")}
    if "no-store" not in directives:  # e.g. an evidence download's "private, no-store" stays
        response.headers["Cache-Control"] = "no-store"
    return response


def add_production_headers(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register(app: Flask) -> None:
    app.after_request(add_headers)
    app.after_request(add_cache_headers)
    if app.config["TRACKER_ENV"] == "production":
        app.after_request(add_production_headers)

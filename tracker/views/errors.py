"""Error pages in the user's language (HTML) or JSON for JSON clients.

A database that cannot be reached, or stays locked past the busy timeout, answers 503 with
a page that needs no database: the transaction is rolled back, so nothing is half-written,
and a form's text stays in the browser (``keep-draft.js``) for the user to send again.
"""
from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect
from werkzeug.exceptions import HTTPException

from tracker.auth import is_api_request, safe_next, wants_json
from tracker.extensions import db, login_manager
from tracker.services import audit

PAGES = (400, 403, 404, 405, 413, 429, 500)
RETRY_AFTER_SECONDS = 30
# Forms whose typed text the browser keeps until the server has saved it (data-keep-draft).
KEEPS_TEXT = frozenset({"progress.new", "progress.edit"})
SQLITE_OUTAGES = ("locked", "busy", "unable to open", "disk i/o", "full", "readonly")


def register(app: Flask) -> None:
    def handle(error):
        code = error.code if isinstance(error, HTTPException) else 500
        if code >= 500:
            db.session.rollback()
        if code == 403:
            audit.bookkeep_refusal(current_user, request.endpoint)
        if is_api_request():
            from tracker.api import problems

            return problems.from_http(error if isinstance(error, HTTPException) else None, code)
        if wants_json():
            return jsonify(error=getattr(error, "name", "error").lower().replace(" ", "_")), code
        return render_template("errors/error.html", code=code), code

    for code in PAGES:
        app.register_error_handler(code, handle)
    app.register_error_handler(sa_exc.OperationalError, database_unavailable)
    app.register_error_handler(sa_exc.InterfaceError, database_unavailable)
    app.register_error_handler(sa_exc.TimeoutError, database_unavailable)  # no pooled connection in time


def _unavailable(error) -> bool:
    """SQLite calls a missing table an OperationalError too: that is a bug (500), not an outage."""
    original = getattr(error, "orig", None)
    if isinstance(original, sqlite3.OperationalError):
        message = str(original).lower()
        return any(sign in message for sign in SQLITE_OUTAGES)
    return True


def database_unavailable(error):
    """503, "try again", without touching the database: the user (if loaded) is read from what
    is already in memory, and the page is rendered as for a signed-out visitor."""
    if not _unavailable(error):
        raise error
    current_app.logger.error("database unavailable on %s %s: %s", request.method, request.path,
                             str(error).splitlines()[0] if str(error) else type(error).__name__)
    language = _language_without_database()
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is already gone; the server rolls back  # nosec B110
        pass
    g._login_user = login_manager.anonymous_user()  # base.html must not load the user again
    if is_api_request():
        from tracker.api import problems

        response = problems.response(503)
    elif wants_json():
        response = jsonify(error="service_unavailable")
    else:
        with force_locale(language):
            text_kept = request.method == "POST" and request.endpoint in KEEPS_TEXT
            response = current_app.make_response(
                render_template("errors/unavailable.html", text_kept=text_kept, again=_try_again_path()))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _try_again_path() -> str:
    """Where "try again" leads: this page for a GET; for a form sent by POST, the page it came from."""
    if request.method == "GET":
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""), request.path)
    return request.path


def _language_without_database() -> str:
    languages = current_app.config["LANGUAGES"]
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        try:
            chosen = inspect(user).dict.get("language")  # loaded values only: no query
        except sa_exc.NoInspectionAvailable:
            chosen = None
        if chosen in languages:
            return chosen
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default=languages[0]) or languages[0]

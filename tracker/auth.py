"""Flask-Login wiring: loading the user from a live server-side session, answering
signed-out requests, and safe redirects after sign-in."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError

from tracker.extensions import db, login_manager
from tracker.models import User
from tracker.models.base import utcnow
from tracker import clock
from tracker.queries import notifications as notification_queries
from tracker.services import sessions, tokens
from tracker.status import cache

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
# Our own server-side sessions replace Flask-Login's identifier check, which would also
# end a session when a phone moves between networks.
login_manager.session_protection = None


def lifetimes() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])


_signed_in = None


def _signed_in_statement():
    """The one statement of a signed-in request's own: the session and its user, the change
    counter (the request's cache ``version``) and the bell's number (built once, run with parameters)."""
    global _signed_in
    if _signed_in is None:
        _signed_in = sessions.with_user_statement(cache.counter_column().label("counter"),
                                                  notification_queries.unread_column().label("unread"))
    return _signed_in


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit() or bearer_token() is not None:  # a token, when given, decides alone
        return None
    token = session.get("sid")
    if not token:
        return None
    found = db.session.execute(_signed_in_statement(),
                               {"token_hash": sessions.hash_token(token), "user_id": int(user_id)}).first()
    if found is None:
        return None
    user, now = found[0], utcnow()
    if not user.active or not sessions.is_live(found, now, *lifetimes()):
        return None
    cache.read_with(found.counter)
    notification_queries.read_with_session(user.id, found.unread)
    try:
        if not sessions.touch(found.session_id, found.last_seen_at, now):
            return user
        db.session.commit()
    except OperationalError:  # a page's bookkeeping: a busy database only skips it
        db.session.rollback()
        current_app.logger.warning("session %s: last-seen time not recorded (database busy)", found.session_id)
    cache.forget_read()  # a new transaction: the counter is read again when asked
    return user


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def bearer_token() -> str | None:
    """The secret of ``Authorization: Bearer …`` on an API request, or None."""
    if not is_api_request():
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


@login_manager.request_loader
def load_user_from_token(_request) -> User | None:
    """An API request with a personal access token acts as the token's user (``g.api_token``)."""
    secret = bearer_token()
    if secret is None:
        return None
    row = tokens.find(secret)
    if row is None or not tokens.is_live(row, clock.today()):
        return None
    g.api_token = row
    if tokens.touch(row, utcnow()):  # bookkeeping, as a session's last-seen time
        row_id = row.id
        try:
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            current_app.logger.warning("token %s: last-used time not recorded (database busy)", row_id)
    return row.user


def wants_json() -> bool:
    path = request.path
    return path.endswith(".json") or path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


@login_manager.unauthorized_handler
def unauthorized():
    if is_api_request():
        from tracker.api import problems

        return problems.from_http(None, 401)
    if wants_json():
        response = jsonify(error="unauthorized")
        response.status_code = 401
        return response
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A local path to go to after signing in; anything else gives ``fallback``.

    Refuses other hosts, scheme tricks (``javascript:``), protocol-relative ``//`` and
    ``/\\`` (browsers read a backslash as a slash), and control characters.
    """
    if not target or len(target) > 2000:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target

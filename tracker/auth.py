"""Flask-Login wiring: loading the user, answering signed-out requests, safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from tracker.extensions import db, login_manager
from tracker.models import User

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def wants_json() -> bool:
    path = request.path
    return path.endswith(".json") or path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        response = jsonify(error="unauthorized")
        response.status_code = 401
        return response
    from flask import flash

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

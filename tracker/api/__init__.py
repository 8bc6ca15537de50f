"""The JSON API under ``/api/v1``: personal access tokens or a signed-in browser (reading),
request and response bodies validated against the schemas that generate its OpenAPI
document, errors as ``application/problem+json``, rate-limited per token.

Who may call what is decided in ``tracker.permissions.ENDPOINT_ACCESS`` (``ApiRule``) like
every other route; the views reuse the pages' queries and the progress form's service.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from tracker.api import problems
from tracker.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def rate_key() -> str:
    """Per token; a browser session counts per user, anyone else per address."""
    signed_in = current_user.is_authenticated  # loads the user, and the token (g.api_token) it came with
    token = g.get("api_token")
    if token is not None:
        return f"api-token:{token.id}"
    if signed_in:
        return f"api-user:{current_user.id}"
    return f"api-ip:{request.remote_addr or 'unknown'}"


# Token-authenticated writes carry no CSRF token; a browser session may only read, which
# permissions.gate enforces (ApiRule(write=True) needs a token), so no cookie-borne write gets through.
csrf.exempt(bp)
limiter.limit(_limit, key_func=rate_key)(bp)
bp.register_error_handler(problems.ApiProblem, problems.from_exception)
bp.register_error_handler(HTTPException, problems.handle_http)


def register(app) -> None:
    app.register_blueprint(bp)


from tracker.api import docs, documents, meetings, reads, updates  # noqa: E402, F401  (the routes, on ``bp``)

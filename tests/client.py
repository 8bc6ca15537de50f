"""Driving the test client like a person: the form's CSRF token, signing in."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.test import run_wsgi_app
from werkzeug.wsgi import get_current_url

from tests.factories import PASSWORD

class Client(FlaskClient):
    """Flask's test client, but the cookies a request sends and a response sets are matched by
    host and path without IRI-decoding the query string (werkzeug decodes the whole URL: ~5 ms
    for each request of the hostile walks that sends a megabyte; a cookie never looks at it)."""

    def _add_cookies_to_wsgi(self, environ) -> None:
        without = _without_query(environ)
        super()._add_cookies_to_wsgi(without)
        if "HTTP_COOKIE" in without:
            environ["HTTP_COOKIE"] = without["HTTP_COOKIE"]
        else:
            environ.pop("HTTP_COOKIE", None)

    def run_wsgi_app(self, environ, buffered: bool = False):
        self._add_cookies_to_wsgi(environ)
        rv = run_wsgi_app(self.application, environ, buffered=buffered)
        url = urlsplit(get_current_url(_without_query(environ)))
        self._update_cookies_from_response(url.hostname or "localhost", url.path, rv[2].getlist("Set-Cookie"))
        return rv


def _without_query(environ) -> dict:
    return {**environ, "QUERY_STRING": ""}


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    response = client.get(path)
    match = CSRF.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra})


LAZY_TABLE = re.compile(r'(<details class="chart-table[^"]*" data-src="([^"]+)">.*?)</details>', re.S)


def with_tables_open(client, page: str) -> str:
    """The dashboard as a reader sees it with every "view as table" opened: each fetched from
    its ``data-src`` and put inside its ``<details>``, as static/js/dashboard.js does."""
    def opened(match: re.Match) -> str:
        fragment = client.get(html.unescape(match.group(2)))
        assert fragment.status_code == 200, match.group(2)
        return match.group(1) + fragment.get_data(as_text=True) + "</details>"

    return LAZY_TABLE.sub(opened, page)


@dataclass(frozen=True)
class _SignedIn:
    """What one real sign-in of a role left on its browser, kept to sign that role in again."""
    user_id: int
    password_hash: str
    cookies: dict
    token: str
    ip: str | None
    user_agent: str | None


# (app, email) -> the first real sign-in of that account in this process.
_SIGNED_IN: dict = {}


def signed_in_as(app, client, email: str):
    """``client`` signed in to ``email``, as ``sign_in`` leaves it, for tests about something else.

    The first time in a process (per app and account) it is ``sign_in``, a real GET and POST of
    the form; its cookies and session token are kept. Afterwards, in a fresh client, the same
    rows are written inside the test's transaction (the server-side session under the kept
    token, the sign-in's audit event and last-sign-in time, through the services) and the kept
    cookies put on the client: the same database and browser state, without two requests.
    A client with cookies of its own, or an account that would not sign in with the password
    without a second step, goes through the form. Tests about signing in use ``sign_in``.
    Returns the sign-in's response, or None when no request was needed.
    """
    kept = _SIGNED_IN.get((app, email))
    fresh = not client._cookies
    if kept is None or not fresh or not _signs_in_as_before(kept, email):
        response = sign_in(client, email)
        if kept is None and fresh and response.status_code == 302:
            made = _keep(app, client)
            if made is not None:
                _SIGNED_IN[(app, email)] = made
        return response
    from tracker.extensions import db
    from tracker.models import User, UserSession
    from tracker.services import accounts, sessions

    with app.test_request_context(environ_base={"REMOTE_ADDR": kept.ip}):
        db.session.add(UserSession(user_id=kept.user_id, token_hash=sessions.hash_token(kept.token), ip=kept.ip,
                                   user_agent=kept.user_agent))
        accounts.record_login(db.session.get(User, kept.user_id), "password")
        db.session.commit()
    client._cookies.update(kept.cookies)
    return None


def _signs_in_as_before(kept: _SignedIn, email: str) -> bool:
    from tracker.extensions import db
    from tracker.models import User

    user = db.session.get(User, kept.user_id)
    return (user is not None and user.email == email and user.active and not user.totp_enabled
            and user.password_hash == kept.password_hash)


def _keep(app, client) -> _SignedIn | None:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import User, UserSession
    from tracker.services import sessions

    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    token = app.session_interface.get_signing_serializer(app).loads(cookie.value).get("sid")
    if token is None:  # a second step (two-factor) was asked for
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == sessions.hash_token(token)))
    user = db.session.get(User, row.user_id)
    return _SignedIn(user.id, user.password_hash, dict(client._cookies), token, row.ip, row.user_agent)

"""Driving the test client like a person: the form's CSRF token, signing in."""
from __future__ import annotations

import html
import re

from tests.factories import PASSWORD

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

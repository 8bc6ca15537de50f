"""Driving the test client like a person: the form's CSRF token, signing in."""
from __future__ import annotations

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

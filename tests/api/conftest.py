"""Fixtures of the API tests: a personal access token per account, as Authorization headers."""
from __future__ import annotations

import pytest

from tests.factories import ACCOUNTS, TODAY, user
from tracker.extensions import db
from tracker.services import tokens


def make_token(role: str = "officer", **options) -> str:
    """A token of the role's test account (``read_only``, ``expires_on``), committed; its secret."""
    made = tokens.create(user(ACCOUNTS[role].email), actor=None, today=TODAY, **options)
    db.session.commit()
    return made.secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture
def auth(app):
    """``auth("officer")`` → headers with a fresh token of that account."""

    def _auth(role: str = "officer", **options) -> dict:
        return bearer(make_token(role, **options))

    return _auth

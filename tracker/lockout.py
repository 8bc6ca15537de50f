"""Sign-in throttling that a stranger cannot turn against a known user.

Three limits on failed sign-ins, kept in Flask-Limiter's storage (memory, or Redis
shared by several processes):

- per account and *source*, a hard limit (``LOGIN_LIMIT_PER_ACCOUNT``, 5 per 15
  minutes): the source is the browser when it carries a valid known-device cookie for
  that account (set at each successful sign-in), otherwise the client address. Five
  wrong passwords lock that pair only: not the account's owner elsewhere, nor in the
  browser they signed in with before, even behind the same office address;
- per address, a hard limit over all accounts (``LOGIN_LIMIT_PER_ADDRESS``);
- per account, from anywhere, a growing delay (``domain.signin.account_delay``) once
  failures pass ``LOGIN_ACCOUNT_FREE_FAILURES``: an attempt that comes too soon is
  answered 429 with ``Retry-After`` and not checked. Known devices are exempt, so a
  guesser spread over many addresses is slowed and the owner still signs in.

The known-device cookie (OWASP's "device cookie") is signed with the app's secret and
holds a hash of the e-mail and a random nonce; it proves only that this browser signed
in to that account before.
"""
from __future__ import annotations

import hashlib
import math
import secrets
import time

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker.domain.signin import account_delay
from tracker.extensions import limiter

DEVICE_COOKIE = "tracker_device"
DEVICE_DAYS = 365
_SALT = "known-device"


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _cookie_name() -> str:
    return ("__Host-" if current_app.config.get("SESSION_COOKIE_SECURE") else "") + DEVICE_COOKIE


def known_device(email: str) -> str | None:
    """The nonce of this browser's valid known-device cookie for ``email`` (normalised), else ``None``."""
    value = request.cookies.get(_cookie_name())
    if not value or not email:
        return None
    try:
        data = _serializer().loads(value, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != _email_hash(email) or not isinstance(data.get("n"), str):
        return None
    return data["n"]


def remember_device(response: Response, email: str) -> Response:
    """Mark this browser as one that signed in to ``email`` (normalised); a fresh nonce each time."""
    value = _serializer().dumps({"e": _email_hash(email), "n": secrets.token_hex(8)})
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))
    response.set_cookie(_cookie_name(), value, max_age=DEVICE_DAYS * 86400, path="/", secure=secure,
                        httponly=True, samesite="Lax")
    return response


def source_key(email: str) -> str:
    """The per-account hard limit's key: account and known browser, or account and address."""
    nonce = known_device(email)
    source = f"device:{nonce}" if nonce else f"addr:{request.remote_addr or 'unknown'}"
    return f"login:{email[:254]}|{source}"


def _keys(email: str) -> tuple[str, str]:
    digest = _email_hash(email)
    return f"tracker/login-failures/{digest}", f"tracker/login-wait/{digest}"


def _settings() -> tuple[int, int, int, int]:
    config = current_app.config
    return (int(config["LOGIN_ACCOUNT_FREE_FAILURES"]), int(config["LOGIN_ACCOUNT_FIRST_DELAY"]),
            int(config["LOGIN_ACCOUNT_MAX_DELAY"]), int(config["LOGIN_ACCOUNT_WINDOW"]))


def wait_seconds(email: str) -> int:
    """Whole seconds before the account takes another attempt from an unknown browser; 0 when it may."""
    if not email or known_device(email):
        return 0
    storage = limiter.storage
    _, wait_key = _keys(email)
    if storage.get(wait_key) <= 0:
        return 0
    return max(1, math.ceil(storage.get_expiry(wait_key) - time.time()))


def record_failure(email: str) -> int:
    """Count a failed attempt against the account as a whole; the delay it now waits (seconds)."""
    if not email:
        return 0
    free, first, maximum, window = _settings()
    storage = limiter.storage
    failures_key, wait_key = _keys(email)
    failures = storage.incr(failures_key, window)
    delay = account_delay(failures, free, first, maximum)
    if delay:
        storage.clear(wait_key)
        storage.incr(wait_key, delay)
    return delay

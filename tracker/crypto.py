"""Secrets kept encrypted at rest: the key, and sealing and opening values with it.

TOTP secrets are encrypted with Fernet (AES-128-CBC and HMAC-SHA256, from the
``cryptography`` package) under a key from the environment: ``TRACKER_TOTP_KEY``, one
or more Fernet keys separated by commas (the first encrypts, all decrypt, so a key can
be rotated), or, when unset, a key derived with HKDF-SHA256 from the app's
``SECRET_KEY``. A copy of the database alone does not give anyone the secrets.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "derived_key", "totp_fernet", "seal", "open_sealed"]

_INFO = b"tracker: TOTP secrets at rest"


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from the app's secret key (used when ``TRACKER_TOTP_KEY`` is unset)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)


def totp_fernet(secret_key: str, totp_keys: str | None) -> MultiFernet:
    """The keys for TOTP secrets: ``totp_keys`` (comma-separated Fernet keys) or one derived from ``secret_key``.

    Raises ``ValueError`` for a malformed key, so a typo stops the app at the first use
    rather than sealing secrets nobody can open.
    """
    keys = [k.strip() for k in (totp_keys or "").split(",") if k.strip()]
    if not keys:
        keys = [derived_key(secret_key).decode("ascii")]
    return MultiFernet([Fernet(k) for k in keys])


def seal(fernet: MultiFernet, value: str) -> str:
    return fernet.encrypt(value.encode("utf-8")).decode("ascii")


def open_sealed(fernet: MultiFernet, token: str) -> str:
    """The plain value; ``InvalidToken`` when the key has changed or the value was tampered with."""
    return fernet.decrypt(token.encode("ascii")).decode("utf-8")

"""Personal access tokens: made (shown once), found by their hash, revoked, last use kept.

The token is ``trk_`` and 40 random URL-safe characters; the database keeps its SHA-256
only, so a leaked database hands out no token. Writes are audited; nothing commits here.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ApiToken, User
from tracker.models.base import utcnow
from tracker.services import audit

PREFIX = "trk_"
# Refresh last_used_at at most this often, so reads do not write on every request.
TOUCH_EVERY = timedelta(seconds=60)


class TokenError(ValueError):
    """A token cannot be made or revoked: ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NewToken:
    row: ApiToken
    secret: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(user: User, *, actor: User | None, read_only: bool = False, expires_on: date | None = None,
           name: str | None = None, today: date) -> NewToken:
    if not user.active:
        raise TokenError("user_inactive")
    if expires_on is not None and expires_on < today:
        raise TokenError("expires_in_past")
    secret = PREFIX + secrets.token_urlsafe(30)
    row = ApiToken(user_id=user.id, token_hash=_hash(secret), prefix=secret[:10], name=(name or "").strip() or None,
                   read_only=read_only, expires_on=expires_on)
    db.session.add(row)
    db.session.flush()
    audit.record("api_token_created", actor=actor, obj=row, user_id=user.id, read_only=read_only,
                 expires_on=expires_on.isoformat() if expires_on else None)
    return NewToken(row, secret)


def revoke(row: ApiToken, *, actor: User | None) -> bool:
    """Revoke the token; False when it was revoked already."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    audit.record("api_token_revoked", actor=actor, obj=row, user_id=row.user_id)
    return True


def find(secret: str | None) -> ApiToken | None:
    """The token row for a presented secret (live or not), or None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))


def is_live(row: ApiToken, today: date) -> bool:
    return row.revoked_at is None and (row.expires_on is None or today <= row.expires_on) and row.user.active


def touch(row: ApiToken, now: datetime) -> bool:
    """Bookkeeping of a request (as sessions' last-seen): True when the row changed and needs a commit."""
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
        return True
    return False


def of_user(user_id: int) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))

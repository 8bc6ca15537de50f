"""Server-side records of signed-in browsers: idle and absolute lifetimes, revocation.

The cookie carries a random token; the database keeps its SHA-256, so a leaked database
does not hand out sessions. Revoking a row ends that browser's session at its next request.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from tracker.extensions import db
from tracker.models import User, UserSession
from tracker.models.base import utcnow

# Refresh last_seen_at at most this often, so reads do not write on every request.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, ip: str | None, user_agent: str | None) -> str:
    """Open a session for ``user``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        user_id=user.id, token_hash=_hash(token), ip=ip, user_agent=(user_agent or "")[:300],
    ))
    return token


def find(token: str | None, user_id: int) -> UserSession | None:
    if not token:
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _hash(token), UserSession.user_id == user_id)
    )


def find_with_user(token: str | None, user_id: int) -> tuple[UserSession, User] | None:
    """``find`` and the session's user, in one statement (every signed-in request asks)."""
    if not token:
        return None
    found = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _hash(token), UserSession.user_id == user_id)
    ).first()
    return None if found is None else (found[0], found[1])


def is_live(row: UserSession, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
    return row.revoked_at is None and now - row.last_seen_at <= idle and now - row.created_at <= absolute


def touch(row: UserSession, now: datetime) -> bool:
    """Record activity; True when the row changed and needs a commit."""
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        return True
    return False


def revoke(token: str | None, user_id: int) -> None:
    row = find(token, user_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def revoke_all(user_id: int, keep_token: str | None = None) -> int:
    """End every live session of the user except ``keep_token``'s; returns how many."""
    stmt = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _hash(keep_token))
    return db.session.execute(stmt.values(revoked_at=utcnow())).rowcount or 0


def live_sessions(user_id: int, now: datetime, idle: timedelta, absolute: timedelta) -> list[UserSession]:
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    )
    return [r for r in rows if is_live(r, now, idle, absolute)]


def is_current(row: UserSession, token: str | None) -> bool:
    return bool(token) and row.token_hash == _hash(token)

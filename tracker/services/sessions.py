"""Server-side records of signed-in browsers: idle and absolute lifetimes, revocation.

The cookie carries a random token; the database keeps its SHA-256, so a leaked database
does not hand out sessions. Revoking a row ends that browser's session at its next request.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

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


def hash_token(token: str) -> str:
    return _hash(token)


def with_user_statement(*columns):
    """The statement every signed-in request runs: the session's user (``User``), the session's
    id and times (``session_id``, ``created_at``, ``last_seen_at``, ``revoked_at``) and any
    ``columns`` correlated to the user, for the bound ``token_hash`` and ``user_id``.

    Build it once and run it with parameters: a statement built anew each time costs more than
    its execution (SQLAlchemy derives its cache key from it on every build)."""
    return (
        select(User, UserSession.id.label("session_id"), UserSession.created_at, UserSession.last_seen_at,
               UserSession.revoked_at, *columns)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == bindparam("token_hash"), UserSession.user_id == bindparam("user_id"))
    )


def is_live(row: UserSession, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
    return row.revoked_at is None and now - row.last_seen_at <= idle and now - row.created_at <= absolute


def touch(session_id: int, last_seen_at: datetime, now: datetime) -> bool:
    """Record activity (at most every ``TOUCH_EVERY``); True when it wrote and needs a commit."""
    if now - last_seen_at >= TOUCH_EVERY:
        db.session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
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

"""Personal access tokens for the JSON API (``/api/v1``).

The token is shown once when it is made; only its SHA-256 is stored. A token acts for
its user with the user's role and scope, never more: a read-only token cannot write, a
revoked or expired one no longer authenticates.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import NFCString, utcnow
from tracker.models.users import User


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, to tell tokens apart on the profile page.
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(NFCString(120))
    read_only: Mapped[bool] = mapped_column(default=False)
    # The last (Vietnam) day the token works; None: until revoked.
    expires_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

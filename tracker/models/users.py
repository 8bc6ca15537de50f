"""Accounts: who signs in, with which role and scope."""
from __future__ import annotations

from datetime import datetime
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.codes import UserRole
from tracker.extensions import db
from tracker.models.base import CleanJSON, NFCString, one_of, utcnow
from tracker.models.organisations import Agency, Province


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(NFCString(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    cleared: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    # Reminder digests by e-mail; in-app notifications are always kept.
    email_reminders: Mapped[bool] = mapped_column(default=True)
    # What the report builder remembers: issuing agency, number, signer (see domain.report.Letterhead).
    report_letterhead: Mapped[dict | None] = mapped_column(CleanJSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set by an administrator's reset: the next sign-in must choose a new password.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    password_changed_at: Mapped[datetime | None]
    # Two-factor sign-in (TOTP). The secret is kept only while enrolment is pending or on,
    # encrypted (Fernet, tracker.crypto): read it with services.accounts.totp_secret().
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None]
    # The last 30-second step accepted, so a code cannot be replayed.
    totp_last_step: Mapped[int | None]

    province: Mapped[Province | None] = relationship()
    agency: Mapped[Agency | None] = relationship()

    __table_args__ = (
        one_of("role", UserRole),
        CheckConstraint("role != 'coordinator' OR province_id IS NOT NULL", name="coordinator_has_province"),
        CheckConstraint("role != 'officer' OR agency_id IS NOT NULL", name="officer_has_agency"),
    )

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def scope_label(self) -> str:
        if self.agency is not None:
            return self.agency.code
        if self.province is not None:
            return self.province.code
        return "*"


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()

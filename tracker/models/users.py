"""Accounts: who signs in, with which role and scope."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import NFCString, UTCDateTime, utcnow
from tracker.models.organisations import Agency, Province


class UserRole(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"  # đầu mối of one province
    OFFICER = "officer"  # cán bộ of one agency
    VIEWER = "viewer"  # leadership, read-only


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(NFCString(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    province: Mapped[Province | None] = relationship()
    agency: Mapped[Agency | None] = relationship()

    __table_args__ = (
        CheckConstraint("role IN ('admin', 'coordinator', 'officer', 'viewer')", name="role"),
        CheckConstraint("role != 'coordinator' OR province_id IS NOT NULL", name="coordinator_has_province"),
        CheckConstraint("role != 'officer' OR agency_id IS NOT NULL", name="officer_has_agency"),
    )

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

"""Provinces and agencies, with validity dates and the successions that link them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import NFCString, NFCText, ValidSpan


class Province(ValidSpan, db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(NFCString(120))
    name_en: Mapped[str | None] = mapped_column(NFCString(120))
    gso_code: Mapped[str | None] = mapped_column(String(3))

    agencies: Mapped[list[Agency]] = relationship(back_populates="province", order_by="Agency.name")
    successions: Mapped[list[ProvinceSuccession]] = relationship(
        foreign_keys="ProvinceSuccession.predecessor_id", back_populates="predecessor"
    )
    precursions: Mapped[list[ProvinceSuccession]] = relationship(
        foreign_keys="ProvinceSuccession.successor_id", back_populates="successor"
    )

    def __repr__(self) -> str:
        return f"<Province {self.code}>"


class ProvinceSuccession(db.Model):
    """``predecessor`` became (part of) ``successor`` on ``effective_date``."""

    __tablename__ = "province_successions"

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    legal_basis: Mapped[str | None] = mapped_column(NFCString(200))

    predecessor: Mapped[Province] = relationship(foreign_keys=[predecessor_id], back_populates="successions")
    successor: Mapped[Province] = relationship(foreign_keys=[successor_id], back_populates="precursions")

    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)


class Agency(ValidSpan, db.Model):
    """A department, office or other body of a province, valid for a span of time."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    name_en: Mapped[str | None] = mapped_column(NFCString(200))
    kind: Mapped[str] = mapped_column(String(20), default="department")
    note: Mapped[str | None] = mapped_column(NFCText)
    is_party_body: Mapped[bool] = mapped_column(Boolean, default=False)

    province: Mapped[Province] = relationship(back_populates="agencies")
    successions: Mapped[list[AgencySuccession]] = relationship(
        foreign_keys="AgencySuccession.predecessor_id", back_populates="predecessor"
    )
    precursions: Mapped[list[AgencySuccession]] = relationship(
        foreign_keys="AgencySuccession.successor_id", back_populates="successor"
    )

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class AgencySuccession(db.Model):
    """``predecessor`` handed its work (or a part of it) to ``successor`` on ``effective_date``."""

    __tablename__ = "agency_successions"

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    # merge: the whole agency goes on inside the successor; split: a part of its work does.
    kind: Mapped[str] = mapped_column(String(10), default="merge")
    legal_basis: Mapped[str | None] = mapped_column(NFCString(200))

    predecessor: Mapped[Agency] = relationship(foreign_keys=[predecessor_id], back_populates="successions")
    successor: Mapped[Agency] = relationship(foreign_keys=[successor_id], back_populates="precursions")

    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id"),
        CheckConstraint("kind IN ('merge', 'split', 'rename')", name="kind"),
    )

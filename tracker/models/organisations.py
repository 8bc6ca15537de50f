"""Provinces and agencies, with validity dates and the successions that link them."""
from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tracker.domain.codes import SuccessionKind
from tracker.extensions import db
from tracker.models.base import NFCString, ValidSpan, one_of


class Succeeding:
    """A province or an agency (``Province``, ``Agency``), with the successions of its class
    (``ProvinceSuccession``, ``AgencySuccession``) it handed its work on in and took work over in."""

    @declared_attr
    def successions(cls) -> Mapped[list[Any]]:
        succession = f"{cls.__name__}Succession"
        return relationship(succession, foreign_keys=f"{succession}.predecessor_id", back_populates="predecessor")

    @declared_attr
    def precursions(cls) -> Mapped[list[Any]]:
        succession = f"{cls.__name__}Succession"
        return relationship(succession, foreign_keys=f"{succession}.successor_id", back_populates="successor")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class Succession:
    """A succession between two bodies of the class its name begins with (``ProvinceSuccession``:
    provinces), kept in the table ``BODIES``: its columns, and its predecessor and successor."""

    BODIES: ClassVar[str]

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_date: Mapped[date]
    legal_basis: Mapped[str | None] = mapped_column(NFCString(200))

    @declared_attr
    def predecessor_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey(f"{cls.BODIES}.id"), index=True)

    @declared_attr
    def successor_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey(f"{cls.BODIES}.id"), index=True)

    @declared_attr
    def predecessor(cls) -> Mapped[Any]:
        body = cls.__name__.removesuffix("Succession")
        return relationship(body, foreign_keys=f"{cls.__name__}.predecessor_id", back_populates="successions")

    @declared_attr
    def successor(cls) -> Mapped[Any]:
        body = cls.__name__.removesuffix("Succession")
        return relationship(body, foreign_keys=f"{cls.__name__}.successor_id", back_populates="precursions")


class Province(ValidSpan, Succeeding, db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(NFCString(120))
    name_en: Mapped[str | None] = mapped_column(NFCString(120))
    gso_code: Mapped[str | None] = mapped_column(String(3))

    agencies: Mapped[list[Agency]] = relationship(back_populates="province", order_by="Agency.name")


class ProvinceSuccession(Succession, db.Model):
    """``predecessor`` became (part of) ``successor`` on ``effective_date``."""

    __tablename__ = "province_successions"
    BODIES = "provinces"

    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)


class Agency(ValidSpan, Succeeding, db.Model):
    """A department, office or other body of a province, valid for a span of time."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    name_en: Mapped[str | None] = mapped_column(NFCString(200))
    kind: Mapped[str] = mapped_column(String(20), default="department")
    note: Mapped[str | None]
    is_party_body: Mapped[bool] = mapped_column(default=False)

    province: Mapped[Province] = relationship(back_populates="agencies")


class AgencySuccession(Succession, db.Model):
    """``predecessor`` handed its work (or a part of it) to ``successor`` on ``effective_date``."""

    __tablename__ = "agency_successions"
    BODIES = "agencies"

    kind: Mapped[str] = mapped_column(String(10), default=SuccessionKind.MERGE.value)

    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id"),
        one_of("kind", SuccessionKind),
    )

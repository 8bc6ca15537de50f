"""Numeric targets (chỉ tiêu) of commitments, effective-dated: a change is a new row in force
from its day (a correction from the start), so any past date reads the target as it was."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.agreements import AgreementParty, Commitment
from tracker.models.base import NFCString, utcnow
from tracker.models.users import User


class CommitmentTarget(db.Model):
    """A yearly target of a commitment, for one side (``party``) or shared (None)."""

    __tablename__ = "commitment_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_parties.id"))
    year: Mapped[int]
    unit: Mapped[str] = mapped_column(NFCString(60))
    baseline: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float)
    effective_on: Mapped[date]
    reason: Mapped[str | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    commitment: Mapped[Commitment] = relationship()
    party: Mapped[AgreementParty | None] = relationship()
    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("year >= 1900 AND year <= 2199", name="year_range"),
        Index("ix_commitment_targets_in_force", "commitment_id", "year", "effective_on"),
    )

"""Changes to what a shared commitment's provinces hold in common (text, dates), proposed by one
province's coordinator and confirmed (or rejected) by another party's coordinator or an admin."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.codes import ProposalStatus
from tracker.extensions import db
from tracker.models.agreements import Commitment
from tracker.models.base import CleanJSON, one_of, utcnow
from tracker.models.users import User


class PlanProposal(db.Model):
    __tablename__ = "plan_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # field -> new value (dates as ISO text), the form's fields as the proposer saved them
    changes: Mapped[dict[str, Any]] = mapped_column(CleanJSON, default=dict)
    reason_code: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None]
    status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.PENDING.value, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    commitment: Mapped[Commitment] = relationship()
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (one_of("status", ProposalStatus),)

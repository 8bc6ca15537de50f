"""A partner province's confirmation of a shared commitment's completion (xác nhận của tỉnh bạn).

One row per (approved DONE update, other party province): awaiting, confirmed, disputed
(with a reason) or settled. ``disputed_at``/``withdrawn_at`` bound the dispute: between
them the update counts as not done (``domain.confirmation``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.confirmation import State
from tracker.extensions import db
from tracker.models.agreements import AgreementParty
from tracker.models.base import one_of, utcnow
from tracker.models.progress import ProgressUpdate
from tracker.models.users import User


class UpdateConfirmation(db.Model):
    __tablename__ = "update_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("agreement_parties.id"))  # the partner asked
    state: Mapped[str] = mapped_column(String(10), default=State.AWAITING.value, index=True)
    reason: Mapped[str | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who took the latest step
    at: Mapped[datetime | None]  # when
    disputed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    update: Mapped[ProgressUpdate] = relationship()
    party: Mapped[AgreementParty] = relationship()
    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        one_of("state", State),
        UniqueConstraint("update_id", "party_id", name="uq_update_confirmations_update_party"),
        Index("ix_update_confirmations_disputed", "disputed_at"),
    )

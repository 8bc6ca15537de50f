"""Meetings of an agreement's parties (hội nghị sơ kết, tổng kết, họp giao ban); their
conclusions are commitments pointing here (``Commitment.meeting_id``)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.meetings import MeetingKind
from tracker.extensions import db
from tracker.models.agreements import Agreement, Commitment
from tracker.models.base import NFCString, OneFile, one_of, utcnow
from tracker.models.users import User


class Meeting(OneFile, db.Model):
    """A meeting held under an agreement, with its minutes (biên bản), if any, as its file
    (``OneFile``), served only through ``meetings.minutes``; ``fsck`` and ``backup`` know its column.
    """

    __tablename__ = "meetings"
    FILE_KIND = "file_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(NFCString(200))
    chair: Mapped[str] = mapped_column(NFCString(200))
    participants: Mapped[str | None]
    is_demo: Mapped[bool] = mapped_column(default=False)
    file_kind: Mapped[str | None] = mapped_column(String(8))  # the minutes' (OneFile); ``kind`` is the meeting's
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship()
    created_by: Mapped[User | None] = relationship()
    conclusions: Mapped[list[Commitment]] = relationship(back_populates="meeting", order_by="Commitment.sort_key")

    __table_args__ = (
        one_of("kind", MeetingKind),
        Index("ix_meetings_register", "agreement_id", "held_on"),
    )

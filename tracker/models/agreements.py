"""Agreements, their parties, cooperation areas, commitments and agency assignments."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.codes import Role
from tracker.domain.text import code_sort_key, commitment_search_key
from tracker.extensions import db
from tracker.models.base import NFCString, one_of, utcnow
from tracker.models.organisations import Agency, Province

if TYPE_CHECKING:
    from tracker.models.meetings import Meeting


class Agreement(db.Model):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str]
    short_title: Mapped[str | None] = mapped_column(NFCString(200))
    kind: Mapped[str] = mapped_column(NFCString(60), default="Biên bản ghi nhớ")
    document_number: Mapped[str | None] = mapped_column(NFCString(60))
    signed_date: Mapped[date | None]
    signed_place: Mapped[str | None] = mapped_column(NFCString(200))
    # False until someone enters the number, date and place from the original document.
    signing_verified: Mapped[bool] = mapped_column(default=False)
    # Early warning: points a side may lag the share of its time elapsed (domain.risk).
    risk_margin: Mapped[int] = mapped_column(default=20, server_default="20")
    period_start: Mapped[date]
    period_end: Mapped[date | None]
    # "… và những năm tiếp theo": the agreement goes on after period_end.
    open_ended: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str | None]
    source: Mapped[str | None]
    # The signed memorandum as a file (PDF, DOCX, a scan), stored like evidence and served
    # only through ``agreements.source_file``; the facts copy implementing documents' own.
    source_file_name: Mapped[str | None] = mapped_column(NFCString(255))
    source_stored_name: Mapped[str | None] = mapped_column(String(80), unique=True, index=True)
    source_kind: Mapped[str | None] = mapped_column(String(8))
    source_content_type: Mapped[str | None] = mapped_column(String(120))
    source_size: Mapped[int | None] = mapped_column(BigInteger)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The next phase (giai đoạn tiếp theo): the agreement this one renews, and the day its
    # carried-over commitments left the predecessor's figures (services.renewal).
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), unique=True, index=True)
    renewed_on: Mapped[date | None]

    predecessor: Mapped[Agreement | None] = relationship(
        remote_side=[id], back_populates="successor", foreign_keys=[predecessor_id]
    )
    successor: Mapped[Agreement | None] = relationship(back_populates="predecessor", uselist=False)
    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", order_by="AgreementParty.position", cascade="all, delete-orphan"
    )
    areas: Mapped[list[CooperationArea]] = relationship(
        back_populates="agreement", order_by="CooperationArea.number", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("period_end IS NULL OR period_end >= period_start", name="period_range"),
    )

    @property
    def last_day(self) -> date | None:
        """Renewed: the eve of the next phase, the as-of day of this phase's final report (tổng kết)."""
        renewed_on = self.successor.renewed_on if self.successor is not None else None
        return renewed_on - timedelta(days=1) if renewed_on is not None else None


class AgreementParty(db.Model):
    """A province that signed the agreement, as it was then, with its signatory."""

    __tablename__ = "agreement_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    signatory_name: Mapped[str | None] = mapped_column(NFCString(120))
    signatory_title: Mapped[str | None] = mapped_column(NFCString(200))
    focal_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    province: Mapped[Province] = relationship()
    focal_agency: Mapped[Agency | None] = relationship()

    __table_args__ = (UniqueConstraint("agreement_id", "province_id"),)


class CooperationArea(db.Model):
    """A field (lĩnh vực) of an agreement; data, never an enum, since sources disagree."""

    __tablename__ = "cooperation_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(NFCString(300))
    name_en: Mapped[str | None] = mapped_column(NFCString(300))
    description: Mapped[str | None]
    provisional: Mapped[bool] = mapped_column(default=True)
    # Party building, defence and security: shown only to admins and cleared users.
    restricted: Mapped[bool] = mapped_column(default=False)

    agreement: Mapped[Agreement] = relationship(back_populates="areas")
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="area", order_by="Commitment.sort_key", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("agreement_id", "number"),)


class Commitment(db.Model):
    """A task (nhiệm vụ) under an area, with the source sentence it was taken from."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("cooperation_areas.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    # "7.10" sorts after "7.9": zero-padded parts of the code.
    sort_key: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str]
    description: Mapped[str | None]
    deliverable: Mapped[str | None]
    start_date: Mapped[date | None]
    due_date: Mapped[date | None]
    # The deadline as first set, kept when it is extended (gia hạn).
    original_due_date: Mapped[date | None]
    recurring: Mapped[bool] = mapped_column(default=False)
    source_text: Mapped[str | None]
    # Starter tasks derived from the press article, to be replaced by the official plan.
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Removed from the plan (soft delete): gone from figures and lists from this day on, kept before.
    removed_on: Mapped[date | None]
    # Folded copy of the texts for accent- and case-insensitive search (see domain.text.fold).
    search_text: Mapped[str] = mapped_column(default="")
    # A meeting's conclusion (kết luận): the meeting it came from (models.meetings).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Carried over from the previous phase: the original commitment, which left its own
    # agreement's figures on the renewal day (its ``removed_on``).
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), unique=True, index=True)

    area: Mapped[CooperationArea] = relationship(back_populates="commitments")
    carried_from: Mapped[Commitment | None] = relationship(
        remote_side=[id], back_populates="carried_over_to", foreign_keys=[carried_from_id]
    )
    carried_over_to: Mapped[Commitment | None] = relationship(back_populates="carried_from", uselist=False)
    meeting: Mapped[Meeting | None] = relationship(back_populates="conclusions")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="commitment", order_by="Assignment.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("area_id", "code"),
        CheckConstraint("NOT (recurring AND due_date IS NOT NULL)", name="recurring_has_no_due_date"),
        CheckConstraint(
            "start_date IS NULL OR due_date IS NULL OR due_date >= start_date", name="date_range"
        ),
        # The search (queries.commitments) matches folded terms anywhere in ``search_text``: on
        # PostgreSQL a trigram index serves those LIKE '%…%' (the folding is in the column); on
        # SQLite an FTS5 trigram table narrows them (models.search_index), and this plain index
        # serves the terms too short for it.
        Index("ix_commitments_search_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}),
    )

    @property
    def current_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.valid_to is None]

    def present_on(self, day: date) -> bool:
        return self.removed_on is None or day < self.removed_on

    @property
    def carried_over(self) -> bool:
        """Removed because it goes on as a commitment of the next phase (not dropped)."""
        return self.removed_on is not None and self.carried_over_to is not None


class Assignment(db.Model):
    """An agency's role on a commitment for one party province, over a span of time.

    When an agency is merged away the assignment is closed (``valid_to``) and a new one
    opens for the successor; ``agency_name`` keeps the name as it was when assigned.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("agreement_parties.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    agency_name: Mapped[str] = mapped_column(NFCString(200))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    note: Mapped[str | None]

    commitment: Mapped[Commitment] = relationship(back_populates="assignments")
    party: Mapped[AgreementParty] = relationship()
    agency: Mapped[Agency] = relationship()
    predecessor: Mapped[Assignment | None] = relationship(remote_side=[id])

    __table_args__ = (
        one_of("role", Role),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        # One current lead agency per party province and commitment.
        Index(
            "uq_assignments_current_lead",
            "commitment_id",
            "party_id",
            unique=True,
            sqlite_where=text("role = 'lead' AND valid_to IS NULL"),
            postgresql_where=text("role = 'lead' AND valid_to IS NULL"),
        ),
    )

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


@event.listens_for(Commitment, "before_insert")
@event.listens_for(Commitment, "before_update")
def _refresh_derived(mapper, connection, target: Commitment) -> None:
    target.sort_key = code_sort_key(target.code)
    target.search_text = commitment_search_key(target.code, target.title, target.description, target.deliverable,
                                               target.source_text)

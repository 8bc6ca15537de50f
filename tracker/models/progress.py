"""Progress updates with their evidence files, and deadline extensions.

An update is a draft while its agency works on it; once submitted its content never
changes. A coordinator approves or returns it; a correction is a new update that
supersedes the old one. Only approved updates count in status, dashboards and reports.
"""
from __future__ import annotations

from datetime import date, datetime
from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.codes import Role, UpdateStatus
from tracker.domain.status import Progress
from tracker.extensions import db
from tracker.models.agreements import AgreementParty, Commitment
from tracker.models.base import StoredFile, one_of, utcnow
from tracker.models.organisations import Agency
from tracker.models.users import User


class ProgressUpdate(db.Model):
    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("agreement_parties.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    # The agency's role on the commitment when it reported: only the lead's approved update sets the status.
    role: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=UpdateStatus.DRAFT.value, index=True)
    state: Mapped[str] = mapped_column(String(12))
    percent: Mapped[int]
    as_of: Mapped[date]
    results: Mapped[str | None]
    obstacles: Mapped[str | None]
    proposals: Mapped[str | None]
    next_steps: Mapped[str | None]
    reason: Mapped[str | None]
    # Optimistic lock for drafts: a save from a stale form is refused, never overwrites.
    version: Mapped[int] = mapped_column(default=1)
    # One record per form: a double click or a resent request finds the first one.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("progress_updates.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None] = mapped_column(index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_reason: Mapped[str | None]
    # The Decree 09 reporting period the as-of date falls in (e.g. "2025-H1"), and whether it came late.
    period_key: Mapped[str | None] = mapped_column(String(12), index=True)
    late: Mapped[bool] = mapped_column(default=False)
    # The measured value against the commitment's numeric target (chỉ tiêu), when it has one.
    actual: Mapped[float | None] = mapped_column(Float)

    commitment: Mapped[Commitment] = relationship()
    party: Mapped[AgreementParty] = relationship()
    agency: Mapped[Agency] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    supersedes: Mapped[ProgressUpdate | None] = relationship(remote_side=[id])
    evidence: Mapped[list[EvidenceFile]] = relationship(
        back_populates="update", order_by="EvidenceFile.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        one_of("status", UpdateStatus),
        one_of("state", Progress),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        one_of("role", Role),
        # The latest approved report per commitment and side, as of any date.
        Index("ix_progress_updates_approved", "commitment_id", "party_id", "status", "as_of"),
        # Who reported in a period's window (compliance, the dashboard's agencies).
        Index("ix_progress_updates_window", "as_of", "agency_id", "commitment_id"),
    )

    @property
    def is_editable(self) -> bool:
        return self.status == UpdateStatus.DRAFT


class EvidenceFile(StoredFile, db.Model):
    """A file attached to an update, stored under a generated name outside ``static/`` (``StoredFile``)."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # the file's (StoredFile)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    update: Mapped[ProgressUpdate] = relationship(back_populates="evidence")


class DeadlineExtension(db.Model):
    """Gia hạn: a deadline moved, with the reason; the commitment keeps its original due date."""

    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    old_due_date: Mapped[date | None]
    new_due_date: Mapped[date]
    reason: Mapped[str]
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The (Vietnam) day from which the new due date is in force: the day it was recorded,
    # or an earlier day an admin gave; ``domain.deadlines.FROM_THE_START`` for a correction.
    effective_on: Mapped[date]

    commitment: Mapped[Commitment] = relationship()
    actor: Mapped[User] = relationship()

    __table_args__ = (Index("ix_deadline_extensions_in_force", "commitment_id", "effective_on"),)


class SideStatus(db.Model):
    """A side's standing over a span of days, derived from its approved lead updates.

    One row per span: from the (Vietnam) day an approval changed the side's latest
    report until the next such day (exclusive; NULL while current). Dashboards and
    reports count in SQL over the rows valid on their date, so their cost does not grow
    with the number of updates. Rebuilt by ``tracker.status.spans`` whenever an approval
    lands; never edited by hand.
    """

    __tablename__ = "side_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("agreement_parties.id"))
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id"))
    state: Mapped[str] = mapped_column(String(12))
    percent: Mapped[int]
    report_as_of: Mapped[date]
    done_on: Mapped[date | None]
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]

    __table_args__ = (
        Index("ix_side_status_side", "commitment_id", "party_id", "effective_from"),
        Index("ix_side_status_current", "commitment_id", "party_id", unique=True,
              sqlite_where=text("effective_to IS NULL"), postgresql_where=text("effective_to IS NULL")),
        Index("ix_side_status_span", "effective_from", "effective_to"),
    )

"""Implementing documents (văn bản triển khai): what a province issued to carry out an agreement."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.documents import DocumentType
from tracker.domain.text import fold
from tracker.extensions import db
from tracker.models.agreements import Agreement, Commitment
from tracker.models.base import NFCString, OneFile, one_of, utcnow
from tracker.models.organisations import Province
from tracker.models.users import User

document_commitments = Table(
    "implementing_document_commitments",
    db.metadata,
    Column("document_id", Integer, ForeignKey("implementing_documents.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", Integer, ForeignKey("commitments.id"), primary_key=True, index=True),
)


class ImplementingDocument(OneFile, db.Model):
    """A plan, decision, directive or letter a party province issued, with the commitments it serves.

    The file, if any (``OneFile``), is served only through ``documents.download``.
    """

    __tablename__ = "implementing_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)  # the issuing side
    doc_type: Mapped[str] = mapped_column(String(12))
    number_symbol: Mapped[str] = mapped_column(NFCString(60))
    issued_on: Mapped[date]
    issuing_body: Mapped[str] = mapped_column(NFCString(200))
    subject: Mapped[str]
    # Folded number, symbol and subject for accent- and case-insensitive search (domain.text.fold).
    search_text: Mapped[str] = mapped_column(default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str | None] = mapped_column(String(8))  # the file's (OneFile)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Removed (soft delete, recorded by mistake or withdrawn): gone from the register and from
    # reports dated this day or later; earlier reports keep it. The reason is in the audit log.
    removed_on: Mapped[date | None]

    agreement: Mapped[Agreement] = relationship()
    province: Mapped[Province] = relationship()
    created_by: Mapped[User | None] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(secondary=document_commitments,
                                                         order_by="Commitment.sort_key")

    __table_args__ = (
        one_of("doc_type", DocumentType),
        Index("ix_implementing_documents_register", "agreement_id", "issued_on"),
    )

    def present_on(self, day: date) -> bool:
        return self.removed_on is None or day < self.removed_on


@event.listens_for(ImplementingDocument, "before_insert")
@event.listens_for(ImplementingDocument, "before_update")
def _refresh_search(mapper, connection, target: ImplementingDocument) -> None:
    target.search_text = fold(" ".join(p for p in (target.number_symbol, target.issuing_body, target.subject) if p))

"""Reads of implementing documents: the register per agreement, a commitment's documents, the report's list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, exists, not_, or_, select
from sqlalchemy.orm import selectinload

from tracker.domain.text import search_terms
from tracker.extensions import db
from tracker.models import (
    AgreementParty,
    Commitment,
    CooperationArea,
    ImplementingDocument,
    Province,
    ProvinceSuccession,
    document_commitments,
)
from tracker.queries.commitments import ListFilters, _like_escape


@dataclass(frozen=True)
class DocumentFilters(ListFilters):
    commitment: int | None = None


def _only_restricted():
    """The document serves commitments, and every one of them is in a restricted field."""
    link = document_commitments.c

    def serving(restricted: bool):
        return exists().where(link.document_id == ImplementingDocument.id,
                              Commitment.id == link.commitment_id, CooperationArea.id == Commitment.area_id,
                              CooperationArea.restricted.is_(restricted))
    return and_(serving(True), not_(serving(False)))


def _visible(stmt: Select, see_restricted: bool) -> Select:
    return stmt if see_restricted else stmt.where(not_(_only_restricted()))


def _loaded(stmt: Select) -> Select:
    return stmt.options(selectinload(ImplementingDocument.province), selectinload(ImplementingDocument.agreement),
                        selectinload(ImplementingDocument.commitments).selectinload(Commitment.area))


def search(filters: DocumentFilters, see_restricted: bool, page: int, per_page: int):
    """One page of the register, newest first: the search finds a number ("125/KH"), a body or a
    subject, accents and case aside (the commitment search's folding)."""
    stmt = select(ImplementingDocument).where(ImplementingDocument.removed_on.is_(None))
    if filters.agreement is not None:
        stmt = stmt.where(ImplementingDocument.agreement_id == filters.agreement)
    if filters.province is not None:
        stmt = stmt.where(ImplementingDocument.province_id == filters.province)
    if filters.commitment is not None:
        link = document_commitments.c
        stmt = stmt.where(exists().where(link.document_id == ImplementingDocument.id,
                                         link.commitment_id == filters.commitment))
    for term in search_terms(filters.q):
        stmt = stmt.where(ImplementingDocument.search_text.like(f"%{_like_escape(term)}%", escape="\\"))
    stmt = _loaded(_visible(stmt, see_restricted)).order_by(ImplementingDocument.issued_on.desc(),
                                                            ImplementingDocument.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def for_commitment(commitment_id: int) -> list[ImplementingDocument]:
    """The documents serving a commitment, oldest first, removed ones aside (who may see the commitment sees them)."""
    stmt = (select(ImplementingDocument).join(document_commitments)
            .where(document_commitments.c.commitment_id == commitment_id, ImplementingDocument.removed_on.is_(None))
            .order_by(ImplementingDocument.issued_on, ImplementingDocument.id)
            .options(selectinload(ImplementingDocument.province)))
    return list(db.session.scalars(stmt))


def for_report(agreement_id: int, as_of: date, see_restricted: bool,
               provinces: set[int] | None = None) -> list[ImplementingDocument]:
    """The agreement's documents issued by ``as_of`` (by ``provinces``, if given), oldest first:
    the report's "Tình hình triển khai"."""
    stmt = (select(ImplementingDocument).where(ImplementingDocument.agreement_id == agreement_id,
                                               ImplementingDocument.issued_on <= as_of,
                                               or_(ImplementingDocument.removed_on.is_(None),
                                                   ImplementingDocument.removed_on > as_of))
            .order_by(ImplementingDocument.issued_on, ImplementingDocument.id))
    if provinces is not None:
        stmt = stmt.where(ImplementingDocument.province_id.in_(provinces))
    return list(db.session.scalars(_visible(stmt, see_restricted)))


def sides(agreement_id: int) -> set[int]:
    """The provinces that may issue for the agreement: its parties and what they became (mergers)."""
    ids = set(db.session.scalars(select(AgreementParty.province_id).where(AgreementParty.agreement_id == agreement_id)))
    frontier = set(ids)
    while frontier:
        found = set(db.session.scalars(select(ProvinceSuccession.successor_id)
                                       .where(ProvinceSuccession.predecessor_id.in_(frontier))))
        frontier = found - ids
        ids |= frontier
    return ids


def province_menu(ids: set[int]) -> list[tuple[int, str]]:
    """(id, name) of the provinces, today's first; a former one named with its code."""
    rows = db.session.execute(select(Province.id, Province.name, Province.code, Province.valid_to)
                              .where(Province.id.in_(ids)).order_by(Province.valid_to.is_(None).desc(), Province.name))
    return [(p.id, p.name + ("" if p.valid_to is None else f" ({p.code})")) for p in rows]


def commitment_menu(agreement_id: int, see_restricted: bool) -> list[tuple[int, str]]:
    """(id, "code title") of the agreement's commitments in the plan, for the form's choice."""
    stmt = (select(Commitment.id, Commitment.code, Commitment.title).join(CooperationArea)
            .where(CooperationArea.agreement_id == agreement_id, Commitment.removed_on.is_(None))
            .order_by(CooperationArea.number, Commitment.sort_key))
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    return [(c.id, f"{c.code} {c.title}") for c in db.session.execute(stmt)]


def get(document_id: int) -> ImplementingDocument | None:
    return db.session.get(ImplementingDocument, document_id)

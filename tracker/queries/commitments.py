"""Reads of commitments: the filtered, searchable list and one commitment's details."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from tracker.domain.codes import Role
from tracker.domain.text import search_terms
from tracker.extensions import db
from tracker.status import sql as status_sql
from tracker.status import cache
from tracker.models import search_index
from tracker.models import (
    AgencySuccession,
    AuditEvent,
    AgreementParty,
    Assignment,
    Commitment,
    CooperationArea,
    ProvinceSuccession,
)


@dataclass(frozen=True)
class ListFilters:
    """What a searchable list filters on: words, an agreement, a province; each list adds its own."""

    q: str = ""
    agreement: int | None = None
    province: int | None = None


@dataclass(frozen=True)
class CommitmentFilters(ListFilters):
    area: int | None = None
    agency: int | None = None
    category: str | None = None  # a reporting category code, judged on ``as_of``
    as_of: date | None = None  # None: today
    due_within: int | None = None  # days from ``as_of``, unfinished commitments only
    field: int | None = None  # a field's number (1-9) in every agreement
    role: str | None = None  # with ``agency``: "lead" keeps what it leads now
    overdue: bool = False  # open and past the due date in force on ``as_of`` (dashboard.json's open_past_due)
    at_risk: bool = False  # a side at risk on ``as_of`` (domain.risk; dashboard.json's at_risk)
    meeting: int | None = None  # one meeting's conclusions (models.meetings)


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _lineage(succession, unit_id: int) -> set[int]:
    """The unit and every unit merged into it, transitively (one query a level; once a request)."""
    return set(cache.per_request("lineage", (succession.__tablename__, unit_id),
                                 lambda: frozenset(_walk_back(succession, unit_id))))


def _walk_back(succession, unit_id: int) -> set[int]:
    ids, frontier = {unit_id}, {unit_id}
    while frontier:
        rows = db.session.scalars(
            select(succession.predecessor_id).where(succession.successor_id.in_(frontier))
        ).all()
        frontier = set(rows) - ids
        ids |= frontier
    return ids


def province_lineage(province_id: int) -> set[int]:
    """The province and every province it absorbed."""
    return _lineage(ProvinceSuccession, province_id)


def agency_lineage(agency_id: int) -> set[int]:
    """The agency and the agencies merged into it."""
    return _lineage(AgencySuccession, agency_id)


def in_part_of_plan(stmt: Select, agreement: int | None, area: int | None, meeting: int | None) -> Select:
    """``stmt`` (its FROM has Commitment and CooperationArea) kept to the commitments of an
    agreement, of one of its fields, of a meeting's conclusions: each where given."""
    if agreement is not None:
        stmt = stmt.where(CooperationArea.agreement_id == agreement)
    if area is not None:
        stmt = stmt.where(Commitment.area_id == area)
    if meeting is not None:
        stmt = stmt.where(Commitment.meeting_id == meeting)
    return stmt


def _filtered(filters: CommitmentFilters, today: date | None = None) -> Select:
    stmt = select(Commitment).join(Commitment.area)
    as_of = filters.as_of or today
    # removed from the plan by then (soft delete): gone from the list; without a date, as of now
    stmt = stmt.where(status_sql.present_on(as_of) if as_of is not None else Commitment.removed_on.is_(None))
    stmt = in_part_of_plan(stmt, filters.agreement, filters.area, filters.meeting)
    if filters.field is not None:
        stmt = stmt.where(CooperationArea.number == filters.field)
    if filters.province is not None:
        # the commitments the province leads on the date: its sides, as every figure counts them
        provinces = province_lineage(filters.province)
        led = aliased(Assignment)
        held = select(led.commitment_id).join(AgreementParty, AgreementParty.id == led.party_id).where(
            AgreementParty.province_id.in_(provinces), led.role == Role.LEAD)
        if as_of is not None:  # that province's side on the date: it leads then (domain.md §4)
            held = held.where(led.valid_from <= as_of, or_(led.valid_to.is_(None), led.valid_to >= as_of))
        stmt = stmt.where(Commitment.id.in_(held.correlate(None)))
    if filters.agency is not None:
        agencies = agency_lineage(filters.agency)
        held = [Assignment.commitment_id == Commitment.id, Assignment.agency_id.in_(agencies)]
        if filters.role == Role.LEAD:  # it leads on the date (or now), as the dashboard's agencies panel counts
            held.append(status_sql.lead_held_on(as_of) if as_of is not None
                        else and_(Assignment.role == Role.LEAD, Assignment.valid_to.is_(None)))
        stmt = stmt.where(exists().where(*held))
    if (filters.category or filters.due_within or filters.overdue) and as_of is not None:
        if filters.province is not None:
            # every filter applies to that province's side, as the dashboard counts it
            rows = status_sql.sides(as_of).where(AgreementParty.province_id.in_(province_lineage(filters.province)))
        else:
            rows = status_sql.commitments(as_of)
        rows = rows.subquery()
        matching = select(rows.c.commitment_id)
        if filters.category:
            matching = matching.where(rows.c.category == filters.category)
        if filters.overdue:
            matching = matching.where(rows.c.open_past_due == 1)
        if filters.due_within:  # not finished, due (by the deadline in force) within the days
            matching = matching.where(rows.c.category.not_in(("done_on_time", "done_late")),
                                      rows.c.due_date.between(as_of, as_of + timedelta(days=filters.due_within)))
        stmt = stmt.where(Commitment.id.in_(matching.correlate(None)))
    if filters.at_risk and as_of is not None:  # any side at risk; with a province, that province's side
        sides = status_sql.sides(as_of)
        if filters.province is not None:
            sides = sides.where(AgreementParty.province_id.in_(province_lineage(filters.province)))
        sides = sides.subquery()
        stmt = stmt.where(Commitment.id.in_(select(sides.c.commitment_id).where(sides.c.at_risk == 1).correlate(None)))
    return _matching_text(stmt, search_terms(filters.q))


def _matching_text(stmt: Select, terms: list[str]) -> Select:
    """Every folded term anywhere in ``search_text``, as ``LIKE '%term%'``. On SQLite the FTS5
    trigram index (models.search_index) first narrows the rows to those holding the terms of
    three characters or more, so the ``LIKE`` reads only them; on PostgreSQL the pg_trgm index
    serves the ``LIKE`` itself."""
    if terms and db.session.get_bind().dialect.name == "sqlite":
        narrowed = search_index.candidates(terms)
        if narrowed is not None:
            stmt = stmt.where(narrowed)
    for term in terms:
        stmt = stmt.where(Commitment.search_text.like(f"%{_like_escape(term)}%", escape="\\"))
    return stmt


def search(filters: CommitmentFilters, see_restricted: bool, page: int, per_page: int, today: date | None = None):
    """One page of matching commitments, and how many restricted matches were left out."""
    stmt = _filtered(filters, today)
    hidden = 0
    if not see_restricted:
        hidden = hidden_restricted(filters.agreement, filters.as_of or today)
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    stmt = stmt.order_by(CooperationArea.agreement_id, CooperationArea.number, Commitment.sort_key).options(
        selectinload(Commitment.area).selectinload(CooperationArea.agreement),
        selectinload(Commitment.assignments).selectinload(Assignment.agency),
        selectinload(Commitment.assignments).selectinload(Assignment.party).selectinload(AgreementParty.province),
    )
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    return pagination, hidden


def hidden_restricted(agreement_id: int | None, as_of: date | None = None) -> int:
    """Restricted commitments of the agreement scope (one agreement, or all): the only number an
    uncleared user is told about restricted fields, on every page and in ``dashboard.json``
    (domain.md §4, "Restricted counts"). It never moves with a search, field, province, agency
    or category filter, which would tell what restricted commitments hold."""
    stmt = select(func.count(Commitment.id)).join(CooperationArea).where(CooperationArea.restricted.is_(True))
    # removed from the plan (soft delete) by the date, or by now: not in the scope
    stmt = stmt.where(status_sql.present_on(as_of) if as_of is not None else Commitment.removed_on.is_(None))
    if agreement_id is not None:
        stmt = stmt.where(CooperationArea.agreement_id == agreement_id)
    return db.session.scalar(stmt) or 0


def detail(commitment_id: int) -> Commitment | None:
    return db.session.scalar(
        select(Commitment)
        .where(Commitment.id == commitment_id)
        .options(
            selectinload(Commitment.area).selectinload(CooperationArea.agreement),
            selectinload(Commitment.assignments).selectinload(Assignment.agency),
            selectinload(Commitment.assignments).selectinload(Assignment.party).selectinload(AgreementParty.province),
        )
    )


_HEADING = None


def heading(commitment_id: int):
    """(code, title, restricted, last_event) of one commitment, one statement built once: what its
    page needs before its kept body (``views.commitments.detail``). ``last_event`` is the newest
    audit event's id: every service that changes data records one, so a page kept under it (and
    the change counter) is never shown after a change."""
    global _HEADING
    if _HEADING is None:
        newest = select(func.coalesce(func.max(AuditEvent.id), 0)).scalar_subquery()
        _HEADING = (select(Commitment.code, Commitment.title, CooperationArea.restricted, newest.label("last_event"))
                    .join(CooperationArea, CooperationArea.id == Commitment.area_id)
                    .where(Commitment.id == bindparam("commitment_id")))
    return db.session.execute(_HEADING, {"commitment_id": commitment_id}).first()


def for_agency(agency_id: int, see_restricted: bool) -> tuple[list[Assignment], int]:
    """The agency's assignments, current and past, and how many restricted were left out."""
    base = (
        select(Assignment)
        .join(Assignment.commitment)
        .join(Commitment.area)
        .where(Assignment.agency_id == agency_id)
    )
    hidden = 0
    if not see_restricted:
        hidden = hidden_restricted(None)  # never a count that tells what this agency holds there
        base = base.where(CooperationArea.restricted.is_(False))
    rows = db.session.scalars(
        base.order_by(
            Assignment.valid_to.is_not(None), CooperationArea.number, Commitment.sort_key, Assignment.role
        ).options(selectinload(Assignment.commitment).selectinload(Commitment.area))
    ).all()
    return list(rows), hidden


__all__ = ["CommitmentFilters", "agency_lineage", "detail", "for_agency", "heading", "hidden_restricted",
           "in_part_of_plan", "province_lineage", "search"]

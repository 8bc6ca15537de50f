"""Reads of an agreement's plan for the import template: its parties as today's provinces,
their agencies, and every commitment as it stands today (the check's snapshot, the export's rows).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.domain.codes import ProposalStatus, Role
from tracker.domain.plan_sheet import (
    AgencyInfo,
    CheckResult,
    Context,
    Existing,
    PartyInfo,
    check,
    columns,
    header_problems,
    rekey,
)
from tracker.domain.succession import Step
from tracker.extensions import db
from tracker.models import (Agency, AgencySuccession, Agreement, AgreementParty, Assignment, Commitment,
                            CooperationArea, PlanProposal, Province, ProvinceSuccession)
from tracker.queries.commitments import province_lineage
from tracker.queries.targets import in_force


def pending_proposals(commitment_id: int) -> list[PlanProposal]:
    return list(db.session.scalars(select(PlanProposal).where(PlanProposal.commitment_id == commitment_id,
                                                              PlanProposal.status == ProposalStatus.PENDING)
                                   .order_by(PlanProposal.id)))


def agreement_by_code(code: str) -> Agreement | None:
    return db.session.scalar(select(Agreement).where(Agreement.code == (code or "").strip()))


def today_province(province: Province, today: date) -> Province:
    """The province as it is today: followed through its (single) successor while it has ended."""
    seen = {province.id}
    while province.valid_to is not None and province.valid_to < today:
        nxt = db.session.scalars(select(ProvinceSuccession).where(
            ProvinceSuccession.predecessor_id == province.id, ProvinceSuccession.effective_date <= today)).all()
        if len(nxt) != 1 or nxt[0].successor_id in seen:
            return province
        province = db.session.get(Province, nxt[0].successor_id)
        seen.add(province.id)
    return province


def party_keys(agreement: Agreement, today: date) -> dict[int, str]:
    """Party id → the column key of its side: the code of its province as it is today."""
    return {p.id: today_province(p.province, today).code for p in agreement.parties}


def _parties(agreement: Agreement, today: date, editable_province_ids: set[int] | None) -> tuple[PartyInfo, ...]:
    parties = []
    for party in agreement.parties:
        now = today_province(party.province, today)
        provinces = province_lineage(now.id) | {party.province_id}
        agencies = db.session.scalars(select(Agency).where(Agency.province_id.in_(provinces)).order_by(Agency.code))
        editable = editable_province_ids is None or bool(provinces & editable_province_ids)
        parties.append(PartyInfo(
            key=now.code, codes=frozenset({now.code, party.province.code}),
            agencies=tuple(AgencyInfo(a.code, a.name, a.valid_from, a.valid_to) for a in agencies),
            editable=editable,
        ))
    return tuple(parties)


def commitments(agreement: Agreement, see_restricted: bool = True) -> list[Commitment]:
    """The agreement's commitments still in the plan, in field and code order (restricted
    fields only for who may see them)."""
    stmt = select(Commitment).join(Commitment.area)
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    return list(db.session.scalars(
        stmt.where(CooperationArea.agreement_id == agreement.id, Commitment.removed_on.is_(None))
        .order_by(CooperationArea.number, Commitment.sort_key)
        .options(selectinload(Commitment.area),
                 selectinload(Commitment.assignments).selectinload(Assignment.agency))
    ))


def existing(commitment: Commitment, keys: dict[int, str], today: date) -> Existing:
    lead: dict[str, str] = {}
    support: dict[str, set[str]] = {}
    for a in commitment.assignments:
        if a.valid_to is not None:
            continue
        if a.role == Role.LEAD:
            lead[keys[a.party_id]] = a.agency.code
        else:
            support.setdefault(keys[a.party_id], set()).add(a.agency.code)
    shared = sorted((t for t in in_force(commitment.id, today) if t.party_id is None),
                    key=lambda t: (t.effective_on, t.id))
    return Existing(
        code=commitment.code, field=commitment.area.number, title=commitment.title,
        description=commitment.description, deliverable=commitment.deliverable, start=commitment.start_date,
        due=commitment.due_date, recurring=commitment.recurring, source=commitment.source_text,
        lead=lead, support={k: frozenset(v) for k, v in support.items()},
        targets={t.year: t.value for t in shared}, target_unit=shared[-1].unit if shared else None,
    )


def _steps() -> dict[str, list[Step]]:
    rows = db.session.execute(
        select(Agency.code, AgencySuccession.effective_date, AgencySuccession.successor_id)
        .join(AgencySuccession, AgencySuccession.predecessor_id == Agency.id)
    ).all()
    codes = dict(db.session.execute(select(Agency.id, Agency.code)).all())
    steps: dict[str, list[Step]] = {}
    for code, effective, successor_id in rows:
        steps.setdefault(code, []).append(Step(codes[successor_id], effective))
    return steps


def context(agreement: Agreement, today: date, editable_province_ids: set[int] | None = None,
            see_restricted: bool = True) -> Context:
    """What ``domain.plan_sheet.check`` needs; ``editable_province_ids`` (a coordinator's
    provinces) marks the sides the importer may change, None for all. A user who may not
    see restricted fields cannot name them: they are unknown fields."""
    keys = party_keys(agreement, today)
    steps = _steps()
    return Context(
        parties=_parties(agreement, today, editable_province_ids),
        fields=frozenset(a.number for a in agreement.areas if see_restricted or not a.restricted),
        existing={c.code: existing(c, keys, today) for c in commitments(agreement, see_restricted)},
        steps_of=lambda code: steps.get(code, []),
        today=today,
        period_start=agreement.period_start,
    )


def check_file(agreement: Agreement, keys: list[str], rows: list[tuple[int, dict]], today: date,
               editable_province_ids: set[int] | None = None,
               see_restricted: bool = True) -> tuple[Context, CheckResult]:
    """The rows of a plan file (``exports.plan_sheet.read``) checked against the agreement today."""
    ctx = context(agreement, today, editable_province_ids, see_restricted)
    keys, rows = rekey(keys, rows, ctx.parties)
    result = check(rows, ctx)
    result.header_problems = header_problems(keys, [p.key for p in ctx.parties])
    return ctx, result


def export_rows(agreement: Agreement, today: date, see_restricted: bool = True,
                with_rows: bool = True) -> tuple[list[tuple[str, str]], list[dict]]:
    """The template's columns and one row per commitment (none for an empty template), agencies by code."""
    keys = party_keys(agreement, today)
    ordered = [keys[p.id] for p in agreement.parties]
    rows, years = [], {today.year}
    for c in commitments(agreement, see_restricted) if with_rows else ():
        old = existing(c, keys, today)
        years |= set(old.targets)
        row = {"field": old.field, "code": old.code, "title": old.title, "description": old.description,
               "deliverable": old.deliverable, "start": old.start,
               "due": "thường xuyên" if old.recurring else old.due, "source": old.source}
        for key in ordered:
            row[f"lead {key}"] = old.lead.get(key)
            row[f"support {key}"] = "; ".join(sorted(old.support.get(key, ()))) or None
        row["target_unit"] = old.target_unit
        row.update({f"target {year}": value for year, value in old.targets.items()})
        rows.append(row)
    return columns(ordered, years), rows


def party_by_key(agreement: Agreement, today: date) -> dict[str, AgreementParty]:
    keys = party_keys(agreement, today)
    return {keys[p.id]: p for p in agreement.parties}


__all__ = ["agreement_by_code", "check_file", "context", "export_rows", "party_by_key", "party_keys", "today_province"]

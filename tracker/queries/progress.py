"""Reads for progress reporting: standing of commitments as of a date, the inbox, reviews, timelines."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.domain.codes import Role
from tracker.clock import end_of_day_utc
from tracker.domain.periods import Frequency, period_for
from tracker.domain.deadlines import Deadline, DeadlineChange
from tracker.domain.status import (
    OVERDUE_FIRST,
    ApprovedReport,
    Category,
    DeadlineState,
    SideReport,
    Rollup,
    commitment_category,
    commitment_percent,
    deadline_state,
    latest_side_report,
    open_past_due,
    rollup,
)
from tracker.extensions import db
from tracker.status import sql as status_sql
from tracker.status.spans import disputes_of
from tracker.status.sql import lead_held_on
from tracker.domain.confirmation import counted_state
from tracker.models import (
    AgreementParty,
    Assignment,
    AuditEvent,
    Commitment,
    CooperationArea,
    DeadlineExtension,
    ProgressUpdate,
    UpdateStatus,
)


@dataclass(frozen=True)
class Standing:
    """Where a commitment stands on a date, from approved lead updates only (domain.md §4)."""

    category: Category
    percent: float | None
    deadline: DeadlineState
    sides: dict[int, SideReport | None]  # each side's party id → its lead's latest approved report
    due: date | None = None  # the due date in force on the date
    open_past_due: bool = False  # not done and past the due date in force, reported or not

    @property
    def differs(self) -> bool:
        """The sides do not all stand the same: pages show each side, never one merged percent."""
        return len({(r.state, r.percent) if r else None for r in self.sides.values()}) > 1


def approved_history(commitment_ids: list[int], as_of: date) -> dict[tuple[int, int], list[ApprovedReport]]:
    """Approved lead updates per (commitment, party), oldest first, approved by the end of ``as_of``."""
    if not commitment_ids:
        return {}
    rows = db.session.execute(
        select(ProgressUpdate.commitment_id, ProgressUpdate.party_id, ProgressUpdate.state,
               ProgressUpdate.percent, ProgressUpdate.as_of, ProgressUpdate.id)
        .where(
            ProgressUpdate.commitment_id.in_(commitment_ids),
            ProgressUpdate.status == UpdateStatus.APPROVED,
            ProgressUpdate.role == Role.LEAD,
            ProgressUpdate.as_of <= as_of,
            ProgressUpdate.reviewed_at < end_of_day_utc(as_of),
        )
        .order_by(ProgressUpdate.commitment_id, ProgressUpdate.party_id, ProgressUpdate.as_of,
                  ProgressUpdate.reviewed_at, ProgressUpdate.id)
    )
    disputes = disputes_of(commitment_ids)  # a partner's open dispute: that DONE counts as in progress
    history: dict[tuple[int, int], list[ApprovedReport]] = defaultdict(list)
    for commitment_id, party_id, state, percent, report_date, update_id in rows:
        counted = counted_state(update_id, state, disputes.get((commitment_id, party_id), ()), as_of)
        history[(commitment_id, party_id)].append(ApprovedReport(counted, percent, report_date))
    return history


def deadlines_of(commitments: list[Commitment]) -> dict[int, Deadline]:
    """Each commitment's deadline over time: its original due date and its effective-dated extensions."""
    changes: dict[int, list[DeadlineChange]] = defaultdict(list)
    extended = [c.id for c in commitments if c.original_due_date is not None]
    if extended:
        for cid, effective_on, new_due, order in db.session.execute(
            select(DeadlineExtension.commitment_id, DeadlineExtension.effective_on, DeadlineExtension.new_due_date,
                   DeadlineExtension.id).where(DeadlineExtension.commitment_id.in_(extended))
        ):
            changes[cid].append(DeadlineChange(effective_on, new_due, order))
    return {
        c.id: Deadline(base=c.original_due_date if c.original_due_date is not None else c.due_date,
                       recurring=c.recurring, changes=tuple(changes.get(c.id, ())))
        for c in commitments
    }


def sides_on(commitment_ids: list[int], as_of: date) -> dict[int, list[int]]:
    """The sides of each commitment on ``as_of``: parties holding a lead assignment then, in party order."""
    if not commitment_ids:
        return {}
    rows = db.session.execute(
        select(Assignment.commitment_id, Assignment.party_id).join(AgreementParty)
        .where(Assignment.commitment_id.in_(commitment_ids), lead_held_on(as_of))
        .distinct().order_by(Assignment.commitment_id, Assignment.party_id)
    )
    found: dict[int, list[int]] = defaultdict(list)
    for commitment_id, party_id in rows:
        found[commitment_id].append(party_id)
    return found


def standings(commitments: list[Commitment], as_of: date, due_soon_days: int = 7) -> dict[int, Standing]:
    """The standing of each commitment on ``as_of``: its sides are the parties leading it then."""
    ids = [c.id for c in commitments]
    history = approved_history(ids, as_of)
    side_ids = sides_on(ids, as_of)
    deadlines = deadlines_of(commitments)
    result = {}
    for c in commitments:
        sides = {pid: latest_side_report(history.get((c.id, pid), [])) for pid in side_ids.get(c.id, [])}
        keyed = {str(k): v for k, v in sides.items()}
        deadline = deadlines[c.id]
        done = [r.completed_on for r in sides.values() if r is not None and r.completed_on]
        done_on = max(done) if sides and len(done) == len(sides) else None
        result[c.id] = Standing(
            category=commitment_category(keyed, deadline, c.recurring, as_of),
            percent=commitment_percent(keyed),
            deadline=deadline_state(deadline.on(done_on or as_of), c.recurring, as_of, done_on, due_soon_days),
            sides=sides,
            due=deadline.on(as_of),
            open_past_due=open_past_due(keyed, deadline, c.recurring, as_of),
        )
    return result


def _party_ids(agreement_ids: list[int]) -> dict[int, list[int]]:
    rows = db.session.execute(
        select(AgreementParty.agreement_id, AgreementParty.id)
        .where(AgreementParty.agreement_id.in_(set(agreement_ids)))
        .order_by(AgreementParty.position)
    )
    parties: dict[int, list[int]] = defaultdict(list)
    for agreement_id, party_id in rows:
        parties[agreement_id].append(party_id)
    return parties


@dataclass(frozen=True)
class InboxItem:
    commitment: Commitment
    assignment: Assignment
    standing: Standing
    report_due: bool
    waiting_id: int | None = None  # the agency's submitted update awaiting review
    draft_id: int | None = None  # the agency's draft, to carry on with


def inbox(agency_ids: set[int], see_restricted: bool, today: date, role: str | None,
          due_soon_days: int = 7) -> list[tuple[Category, list[InboxItem]]]:
    """The commitments these agencies lead or support now, grouped by category, overdue first."""
    stmt = (
        select(Assignment)
        .join(Assignment.commitment).join(Commitment.area)
        .where(Assignment.agency_id.in_(agency_ids), Assignment.valid_to.is_(None))
        .options(selectinload(Assignment.commitment).selectinload(Commitment.area)
                 .selectinload(CooperationArea.agreement),
                 selectinload(Assignment.commitment).selectinload(Commitment.assignments).selectinload(Assignment.agency),
                 selectinload(Assignment.agency))
        .order_by(CooperationArea.number, Commitment.sort_key)
    )
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    if role in tuple(Role):
        stmt = stmt.where(Assignment.role == role)
    assignments = list(db.session.scalars(stmt))
    commitments = list({a.commitment_id: a.commitment for a in assignments}.values())
    standing = standings(commitments, today, due_soon_days)
    reported = _reported_in_period(assignments, today)
    waiting = _open_updates(assignments, UpdateStatus.SUBMITTED)
    drafts = _open_updates(assignments, UpdateStatus.DRAFT)
    groups: dict[Category, list[InboxItem]] = defaultdict(list)
    for a in assignments:
        s = standing[a.commitment_id]
        done = s.category in (Category.DONE_ON_TIME, Category.DONE_LATE)
        pair = (a.commitment_id, a.agency_id)
        groups[s.category].append(InboxItem(a.commitment, a, s, not done and pair not in reported,
                                            waiting.get(pair), drafts.get(pair)))
    return [(category, groups[category]) for category in OVERDUE_FIRST if groups.get(category)]


def _reported_in_period(assignments: list[Assignment], today: date) -> set[tuple[int, int]]:
    """(commitment, agency) pairs with a submitted or approved update dated in the open half-year."""
    if not assignments:
        return set()
    period = period_for(Frequency.HALF_YEAR, today)
    rows = db.session.execute(
        select(ProgressUpdate.commitment_id, ProgressUpdate.agency_id).where(
            ProgressUpdate.commitment_id.in_({a.commitment_id for a in assignments}),
            ProgressUpdate.status.in_((UpdateStatus.SUBMITTED, UpdateStatus.APPROVED)),
            ProgressUpdate.as_of.between(period.start, period.end),
        )
    )
    return {(c, a) for c, a in rows}


def _open_updates(assignments: list[Assignment], status: UpdateStatus) -> dict[tuple[int, int], int]:
    """(commitment, agency) → the latest update in ``status`` (submitted: awaiting review; or a draft)."""
    if not assignments:
        return {}
    rows = db.session.execute(
        select(ProgressUpdate.commitment_id, ProgressUpdate.agency_id, func.max(ProgressUpdate.id))
        .where(ProgressUpdate.commitment_id.in_({a.commitment_id for a in assignments}),
               ProgressUpdate.agency_id.in_({a.agency_id for a in assignments}), ProgressUpdate.status == status)
        .group_by(ProgressUpdate.commitment_id, ProgressUpdate.agency_id)
    )
    return {(c, a): update_id for c, a, update_id in rows}


def review_queue(province_ids: set[int] | None, see_restricted: bool) -> list[ProgressUpdate]:
    """Submitted updates awaiting review, oldest first; ``None`` provinces means all (admins)."""
    stmt = (
        select(ProgressUpdate)
        .join(ProgressUpdate.party).join(ProgressUpdate.commitment).join(Commitment.area)
        .where(ProgressUpdate.status == UpdateStatus.SUBMITTED)
        .options(selectinload(ProgressUpdate.commitment), selectinload(ProgressUpdate.agency),
                 selectinload(ProgressUpdate.author), selectinload(ProgressUpdate.evidence))
        .order_by(ProgressUpdate.submitted_at, ProgressUpdate.id)
    )
    if province_ids is not None:
        stmt = stmt.where(AgreementParty.province_id.in_(province_ids))
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    return list(db.session.scalars(stmt))


def updates_of(commitment_id: int) -> list[ProgressUpdate]:
    return list(db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.commitment_id == commitment_id)
        .options(selectinload(ProgressUpdate.agency), selectinload(ProgressUpdate.author),
                 selectinload(ProgressUpdate.reviewer), selectinload(ProgressUpdate.evidence))
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    ))


def events_of(commitment_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.commitment_id == commitment_id)
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    ))


def extensions_of(commitment_id: int) -> list[DeadlineExtension]:
    return list(db.session.scalars(
        select(DeadlineExtension).where(DeadlineExtension.commitment_id == commitment_id)
        .options(selectinload(DeadlineExtension.actor)).order_by(DeadlineExtension.id)
    ))


def by_id(update_id: int) -> ProgressUpdate | None:
    return db.session.get(ProgressUpdate, update_id)


def by_form_token(token: str) -> ProgressUpdate | None:
    return db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.form_token == token))


@dataclass(frozen=True)
class AgreementRollups:
    overall: Rollup
    by_area: dict[int, Rollup]
    by_party: dict[int, Rollup]  # each party province's side, from its own lead's reports


def agreement_rollups(agreement_id: int, as_of: date, see_restricted: bool) -> AgreementRollups:
    """Roll-ups of an agreement's commitments on ``as_of`` (the formula: domain.status.FORMULA_VI),
    counted in SQL by the status engine: commitments overall and by field, sides by party."""
    def scoped(rows):
        stmt = (select(rows.c.category, rows.c.percent, rows.c.area_id, *([rows.c.party_id] if "party_id" in rows.c else []))
                .select_from(rows).join(CooperationArea, CooperationArea.id == rows.c.area_id)
                .where(CooperationArea.agreement_id == agreement_id))
        return stmt if see_restricted else stmt.where(CooperationArea.restricted.is_(False))

    whole = db.session.execute(scoped(status_sql.commitments(as_of).subquery())).all()
    sides = db.session.execute(scoped(status_sql.sides(as_of).subquery())).all()
    by_area: dict[int, list] = defaultdict(list)
    for row in whole:
        by_area[row.area_id].append(row)
    by_party: dict[int, list] = {pid: [] for pid in _party_ids([agreement_id])[agreement_id]}
    for row in sides:
        by_party.setdefault(row.party_id, []).append(row)

    def rolled(rows) -> Rollup:
        return rollup([r.category for r in rows], [None if r.percent is None else float(r.percent) for r in rows])

    return AgreementRollups(
        overall=rolled(whole),
        by_area={area_id: rolled(rows) for area_id, rows in by_area.items()},
        by_party={pid: rolled(rows) for pid, rows in by_party.items()},
    )


def sides_at_risk(commitment_id: int, as_of: date) -> set[int]:
    """The parties of the commitment whose side is at risk on ``as_of`` (early warning, ``domain.risk``)."""
    rows = status_sql.sides(as_of, within=select(Commitment.id).where(Commitment.id == commitment_id)).subquery()
    return set(db.session.scalars(select(rows.c.party_id).where(rows.c.at_risk == 1)))

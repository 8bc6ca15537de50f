"""Who should be told what on a day: the notifications that should exist (made or not).

The rules are ``domain.reminders``; making the notifications is ``services.reminders.record``
and the daily job that does both is ``tracker.tasks.send_reminders``. Reads only.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, select

from tracker.domain.reminders import (
    AT_RISK,
    DUE_SOON,
    Draft,
    OVERDUE,
    RETURNED,
    REVIEW,
    at_risk_key,
    due_key,
    is_overdue,
    may_see,
    overdue_key,
    reminder_day,
    returned_key,
    review_key,
)
from tracker.extensions import db
from tracker.models import (
    Agreement,
    AgreementParty,
    Assignment,
    Commitment,
    CooperationArea,
    ProgressUpdate,
    UpdateStatus,
    User,
    UserRole,
)
from tracker.permissions import acting_agency_ids, acting_province_ids
from tracker.queries.compliance import MISSING, obligations
from tracker.status import periods
from tracker.status import sql as status_sql


class _People:
    """Active officers by the agencies they act for, coordinators by the provinces they act for."""

    def __init__(self, today: date):
        self.by_agency: dict[int, list[User]] = defaultdict(list)
        self.by_province: dict[int, list[User]] = defaultdict(list)
        users = db.session.scalars(
            select(User).where(User.active.is_(True), User.role.in_((UserRole.OFFICER, UserRole.COORDINATOR)))
            .order_by(User.id)
        ).all()
        for user in users:
            if user.role == UserRole.OFFICER:
                for agency_id in acting_agency_ids(user, today):
                    self.by_agency[agency_id].append(user)
            else:
                for province_id in acting_province_ids(user, today):
                    self.by_province[province_id].append(user)


def _period_drafts(agreement: Agreement, today: date, people: _People) -> list[Draft]:
    schedule = periods.schedule_of(agreement)
    restricted = set(db.session.scalars(select(CooperationArea.id).where(
        CooperationArea.agreement_id == agreement.id, CooperationArea.restricted.is_(True))))
    drafts = []
    for view in periods.periods_of(agreement, today):
        period = view.period
        days = None if view.closed else reminder_day(period.deadline, today, schedule.remind_days)
        overdue = is_overdue(period.deadline, today, view.closed)
        if days is None and not overdue:
            continue
        missing: dict[int, list] = defaultdict(list)
        for row in obligations(agreement.id, period):
            if row.status == MISSING:
                missing[row.agency_id].append(row)
        for agency_id, rows in missing.items():
            recipients = list(people.by_agency.get(agency_id, ()))
            if overdue:
                kind, key = OVERDUE, overdue_key(agreement.id, period.key, agency_id)
                recipients += people.by_province.get(rows[0].province_id, ())
            else:
                kind, key = DUE_SOON, due_key(agreement.id, period.key, agency_id, days)
            for user in recipients:
                visible = [r for r in rows if may_see(user, r.area_id in restricted)]
                if not visible:  # only restricted tasks are missing: say nothing at all
                    continue
                drafts.append(Draft(user.id, key, kind, period_key=period.key, days=days,
                                    commitment_id=visible[0].commitment_id if len(visible) == 1 else None))
    return drafts


def _returned_drafts() -> list[Draft]:
    """Each returned update tells its author once, unless a correction already supersedes it."""
    corrected = select(ProgressUpdate.supersedes_id).where(ProgressUpdate.supersedes_id.is_not(None))
    rows = db.session.execute(
        select(ProgressUpdate.id, ProgressUpdate.commitment_id, ProgressUpdate.period_key, User,
               CooperationArea.restricted)
        .join(User, User.id == ProgressUpdate.author_id)
        .join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .where(ProgressUpdate.status == UpdateStatus.RETURNED.value, User.active.is_(True),
               ProgressUpdate.id.not_in(corrected))
    )
    return [Draft(author.id, returned_key(uid), RETURNED, commitment_id=cid, update_id=uid, period_key=pk)
            for uid, cid, pk, author, restricted in rows if may_see(author, restricted)]


def _review_drafts(people: _People) -> list[Draft]:
    """Each submitted update tells the coordinators acting for its side's province once."""
    rows = db.session.execute(
        select(ProgressUpdate.id, ProgressUpdate.commitment_id, ProgressUpdate.period_key,
               AgreementParty.province_id, CooperationArea.restricted)
        .join(AgreementParty, AgreementParty.id == ProgressUpdate.party_id)
        .join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .where(ProgressUpdate.status == UpdateStatus.SUBMITTED.value)
    )
    return [Draft(user.id, review_key(uid), REVIEW, commitment_id=cid, update_id=uid, period_key=pk)
            for uid, cid, pk, province_id, restricted in rows
            for user in people.by_province.get(province_id, ()) if may_see(user, restricted)]


def plan(today: date) -> list[Draft]:
    """Every notification that should exist on ``today`` (made or not), in a stable order."""
    people = _People(today)
    drafts: list[Draft] = []
    for agreement in db.session.scalars(select(Agreement).order_by(Agreement.id)).all():
        drafts += _period_drafts(agreement, today, people)
    drafts += _returned_drafts()
    drafts += _review_drafts(people)
    drafts += _risk_drafts(today, people)
    return sorted(set(drafts))


def _risk_drafts(today: date, people: _People) -> list[Draft]:
    """Each side at risk (domain.risk) tells its lead agency's officers and its province's
    coordinators, once a month while it stays at risk."""
    sides = status_sql.sides(today).subquery()
    rows = db.session.execute(
        select(sides.c.commitment_id, sides.c.party_id, sides.c.province_id, Assignment.agency_id,
               CooperationArea.restricted)
        .join(Assignment, and_(Assignment.commitment_id == sides.c.commitment_id,
                               Assignment.party_id == sides.c.party_id, status_sql.lead_held_on(today)))
        .join(CooperationArea, CooperationArea.id == sides.c.area_id)
        .where(sides.c.at_risk == 1)
    )
    return [Draft(user.id, at_risk_key(cid, party_id, today), AT_RISK, commitment_id=cid)
            for cid, party_id, province_id, agency_id, restricted in rows
            for user in [*people.by_agency.get(agency_id, ()), *people.by_province.get(province_id, ())]
            if may_see(user, restricted)]

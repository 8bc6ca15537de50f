"""Reminders: what is due soon, overdue, returned or awaiting review becomes an in-app
notification (the bell) and, once a day, one e-mail digest per person, in their language.

``send(today)`` is the job behind ``flask reminders send``, run from cron every hour. Two
copies may run at once: every notification is inserted with ON CONFLICT DO NOTHING on
(user_id, dedupe_key), every digest on (user_id, digest_date), and only the run whose
digest row went in sends that mail. Unlike the other services, ``send`` commits, in short
steps and the digest row before the SMTP call, so that a mail once sent is never sent
again because a later step failed. The rules are the pure functions at the top; the
reads the bell and the notification pages need sit at the bottom.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tracker.domain.reminders import (  # noqa: F401  (the rules, re-exported for callers of this module)
    DUE_SOON,
    KINDS,
    LANGUAGES,
    OVERDUE,
    RETURNED,
    REVIEW,
    KeyParts,
    digest_subject,
    due_key,
    in_sentence,
    is_overdue,
    language_of,
    may_see,
    overdue_key,
    parse_dedupe_key,
    returned_key,
    review_key,
    reminder_day,
)
from tracker.extensions import db
from tracker.models import (
    Agreement,
    AgreementParty,
    Commitment,
    CooperationArea,
    Notification,
    ProgressUpdate,
    UpdateStatus,
    User,
)
from tracker.models.base import utcnow
from tracker.permissions import acting_agency_ids, acting_province_ids
from tracker.queries.compliance import MISSING, obligations
from tracker.services import mail, periods
from tracker.services.digests import (  # noqa: F401  (re-exported: the job and its tests use them)
    Digest,
    Item,
    compose,
    describe,
    format_day,
    write_digest,
)
from tracker.services.digests import _deliver, _digest_candidates
from tracker.services.once import _claim_writer, insert_new



# --- Who should be told what -----------------------------------------------------------

@dataclass(frozen=True, order=True)
class Draft:
    """A notification to make (if not made already)."""

    user_id: int
    dedupe_key: str
    kind: str
    commitment_id: int | None = None
    update_id: int | None = None
    period_key: str | None = None
    days: int | None = None


class _People:
    """Active officers by the agencies they act for, coordinators by the provinces they act for."""

    def __init__(self, today: date):
        self.by_agency: dict[int, list[User]] = defaultdict(list)
        self.by_province: dict[int, list[User]] = defaultdict(list)
        users = db.session.scalars(
            select(User).where(User.active.is_(True), User.role.in_(("officer", "coordinator"))).order_by(User.id)
        ).all()
        for user in users:
            if user.role == "officer":
                for agency_id in acting_agency_ids(user, today):
                    self.by_agency[agency_id].append(user)
            else:
                for province_id in acting_province_ids(user, today):
                    self.by_province[province_id].append(user)


def _period_drafts(agreement: Agreement, today: date, people: _People) -> list[Draft]:
    schedule = periods.schedule_for(agreement)
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
    return sorted(set(drafts))


def record(drafts: Sequence[Draft]) -> int:
    """Make the notifications not made yet; the number made."""
    now = utcnow()
    rows = [{"user_id": d.user_id, "kind": d.kind, "dedupe_key": d.dedupe_key, "commitment_id": d.commitment_id,
             "update_id": d.update_id, "period_key": d.period_key, "days": d.days, "created_at": now}
            for d in drafts]
    return len(insert_new(Notification.__table__, rows, ("user_id", "dedupe_key")))


# --- The job ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SendResult:
    closed: int  # periods closed automatically
    created: int  # notifications made
    sent: int  # digests sent, or written to the outbox, by this run


def close_due_periods(today: date) -> int:
    """``periods.close_due`` for every agreement, one transaction each; commits."""
    closed = 0
    db.session.commit()
    agreement_ids = list(db.session.scalars(select(Agreement.id).order_by(Agreement.id)))
    db.session.commit()
    for agreement_id in agreement_ids:
        _claim_writer()
        agreement = db.session.get(Agreement, agreement_id)
        try:
            with db.session.begin_nested():
                closed += len(periods.close_due(agreement, today))
        except IntegrityError:
            pass  # another run closed the same period at the same moment; its closure stands
        db.session.commit()
    return closed


def send(today: date, *, mailer: mail.Mailer | None = None) -> SendResult:
    """Close what is due, make the notifications due on ``today``, and send each person's digest.

    Mail goes through ``mailer`` or, by default, SMTP when ``TRACKER_MAIL_SERVER`` is set;
    without it the digest stays in the outbox table. Safe to run again and concurrently.
    """
    if mailer is None:
        mailer = mail.mailer_from(current_app.config)  # a bad setting fails here, before any work
    closed = close_due_periods(today)
    _claim_writer()
    created = record(plan(today))
    db.session.commit()
    candidates = _digest_candidates()
    db.session.commit()
    sent = 0
    try:
        for user_id in candidates:
            written = write_digest(user_id, today)
            if written is None:
                continue
            sent += 1
            if mailer is not None:
                _deliver(mailer, *written)
    finally:
        if mailer is not None:
            mailer.close()
    return SendResult(closed, created, sent)


# --- Small writes for the pages ---------------------------------------------------------

def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; the number marked. Does not commit."""
    result = db.session.execute(update(Notification)
                                .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                                .values(read_at=utcnow()))
    return result.rowcount or 0


def set_email_reminders(user: User, on: bool) -> None:
    """Turn the daily digest on or off; in-app notifications are always kept. Does not commit."""
    user.email_reminders = bool(on)

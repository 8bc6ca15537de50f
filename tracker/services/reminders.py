"""Reminders: what is due soon, overdue, returned or awaiting review becomes an in-app
notification (the bell) and, once a day, one e-mail digest per person, in their language.

The writes of ``tracker.tasks.send_reminders`` (the job behind ``flask reminders send``):
closing due periods, making the planned notifications (``queries.reminders.plan``) and
sending the digests. Two copies may run at once: every notification is inserted with ON
CONFLICT DO NOTHING on (user_id, dedupe_key), every digest on (user_id, digest_date), and
only the run whose digest row went in sends that mail. Unlike the other services, these
commit, in short steps and the digest row before the SMTP call, so that a mail once sent
is never sent again because a later step failed.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tracker.domain.reminders import (  # noqa: F401  (the rules, re-exported for callers of this module)
    DUE_SOON,
    KINDS,
    Draft,
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
from tracker.models import Agreement, Notification, User
from tracker.models.base import utcnow
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
from tracker.services.once import claim_writer, insert_new



def record(drafts: Sequence[Draft]) -> int:
    """Make the notifications not made yet; the number made. Does not commit."""
    now = utcnow()
    rows = [{"user_id": d.user_id, "kind": d.kind, "dedupe_key": d.dedupe_key, "commitment_id": d.commitment_id,
             "update_id": d.update_id, "period_key": d.period_key, "days": d.days, "created_at": now}
            for d in drafts]
    return len(insert_new(Notification.__table__, rows, ("user_id", "dedupe_key")))


# --- The job ---------------------------------------------------------------------------

def close_due_periods(today: date) -> int:
    """``periods.close_due`` for every agreement, one transaction each; commits."""
    closed = 0
    db.session.commit()
    agreement_ids = list(db.session.scalars(select(Agreement.id).order_by(Agreement.id)))
    db.session.commit()
    for agreement_id in agreement_ids:
        claim_writer()
        agreement = db.session.get(Agreement, agreement_id)
        try:
            with db.session.begin_nested():
                closed += len(periods.close_due(agreement, today))
        except IntegrityError:
            pass  # another run closed the same period at the same moment; its closure stands
        db.session.commit()
    return closed


def record_planned(plan: Callable[[], Sequence[Draft]]) -> int:
    """Take the write lock, make the notifications ``plan()`` lists, commit; the number made."""
    claim_writer()
    created = record(plan())
    db.session.commit()
    return created


def send_digests(today: date, mailer: mail.Mailer | None) -> int:
    """Write each person's digest of ``today`` once and hand it to ``mailer`` (None: the outbox
    keeps it); commits row by row; the number this run wrote."""
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
    return sent


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

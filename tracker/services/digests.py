"""Notifications described for people (the page and the mail), and the daily digest.

One digest per person per day, in their language: its outbox row goes in once (see
``services.once``) and only the run that inserted it sends the mail.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from babel.dates import format_date
from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from tracker.domain.codes import UserRole
from tracker.domain.periods import DEFAULT_RULE, DeadlineRule, Period, parse_key
from tracker.domain.reminders import (
    APPROVED,
    DUE_SOON,
    EXTENDED,
    OVERDUE,
    RETURNED,
    REVIEW,
    CONFIRM,
    DISPUTED,
    REPORT_READY,
    KeyParts,
    digest_subject,
    in_sentence,
    language_of,
    may_see,
    parse_dedupe_key,
)
from tracker.extensions import db
from tracker.i18n import DATE_FORMATS
from tracker.models import (
    Agency,
    Commitment,
    DeadlineExtension,
    Notification,
    OutboxMail,
    ProgressUpdate,
    ReportingSchedule,
    UpdateStatus,
    User,
)
from tracker.models.base import utcnow
from tracker.services import mail
from tracker.status.calendar import calendar as working_calendar
from tracker.services.once import claim_writer, insert_new

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def format_day(day: date | None, language: str) -> str:
    if day is None:
        return ""
    return format_date(day, DATE_FORMATS.get(language, DATE_FORMATS["vi"])["short"], locale=language)


# --- Describing notifications (the page and the mail) ----------------------------------

@dataclass(frozen=True)
class Item:
    """A notification with what it is about, ready for a page or a mail in either language."""

    id: int
    kind: str
    created_at: datetime
    unread: bool
    days: int | None
    period: Period | None
    period_key: str | None
    agency_name: str | None
    commitment_id: int | None
    commitment_code: str | None
    commitment_title: str | None
    update_id: int | None
    reason: str | None
    stale: bool  # awaited review but has been reviewed since
    endpoint: str
    values: dict
    new_due: date | None = None  # a deadline extended: the new due date

    def period_label(self, language: str) -> str:
        """The period as it reads inside a sentence: "năm 2026", "the second half of 2026"."""
        if self.period is None:
            return self.period_key or ""
        return in_sentence(self.period.label_en if language == "en" else self.period.label_vi, language)

    @property
    def deadline(self) -> date | None:
        return self.period.deadline if self.period else None


def _rules(agreement_ids: set[int]) -> dict[int, DeadlineRule]:
    if not agreement_ids:
        return {}
    rules = {}
    for s in db.session.scalars(select(ReportingSchedule).where(ReportingSchedule.agreement_id.in_(agreement_ids))):
        try:
            rules[s.agreement_id] = DeadlineRule(s.deadline_kind, s.deadline_value)
        except ValueError:
            continue
    return rules


def describe(notifications: Sequence[Notification], viewer: User) -> list[Item]:
    """Items for ``viewer``'s notifications, in the given order, leaving out any that name a
    restricted field the viewer may not see (their clearance may have been withdrawn)."""
    keys = {n.id: parse_dedupe_key(n.dedupe_key) for n in notifications}
    update_ids = {n.update_id for n in notifications if n.update_id}
    updates = {u.id: u for u in db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.id.in_(update_ids)).options(joinedload(ProgressUpdate.agency))
    )} if update_ids else {}
    commitment_ids = {n.commitment_id for n in notifications if n.commitment_id}
    commitment_ids |= {u.commitment_id for u in updates.values()}
    commitments = {c.id: c for c in db.session.scalars(
        select(Commitment).where(Commitment.id.in_(commitment_ids)).options(joinedload(Commitment.area))
    )} if commitment_ids else {}
    agency_ids = {k.agency_id for k in keys.values() if k and k.agency_id}
    agencies = dict(db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all()) \
        if agency_ids else {}
    extension_ids = {k.extension_id for k in keys.values() if k and k.extension_id}
    extensions = {e.id: e for e in db.session.scalars(
        select(DeadlineExtension).where(DeadlineExtension.id.in_(extension_ids)))} if extension_ids else {}
    rules = _rules({k.agreement_id for k in keys.values() if k and k.agreement_id})
    calendar = working_calendar() if any(n.period_key for n in notifications) else None

    items = []
    for n in notifications:
        key = keys[n.id] or KeyParts(n.kind)
        upd = updates.get(n.update_id) if n.update_id else None
        extension = extensions.get(key.extension_id) if n.kind == EXTENDED else None
        commitment = commitments.get(n.commitment_id or (upd.commitment_id if upd else None))
        if commitment is not None and not may_see(viewer, commitment.area.restricted):
            continue
        period = None
        if n.period_key and n.kind in (DUE_SOON, OVERDUE):
            try:
                period = parse_key(n.period_key, rules.get(key.agreement_id, DEFAULT_RULE), calendar)
            except ValueError:
                period = None
        if n.kind in (RETURNED, REVIEW, APPROVED, CONFIRM, DISPUTED) and n.update_id:
            endpoint, values = "progress.detail", {"update_id": n.update_id}
        elif n.kind == REPORT_READY and key.job_id:
            endpoint, values = "reports.job", {"job_id": key.job_id}
        elif commitment is not None:
            endpoint, values = "commitments.detail", {"commitment_id": commitment.id}
        elif viewer.role == UserRole.OFFICER:
            endpoint, values = "progress.inbox", {}
        elif key.agency_id:
            endpoint, values = "agencies.detail", {"agency_id": key.agency_id}
        else:
            endpoint, values = "notifications.index", {}
        items.append(Item(
            id=n.id, kind=n.kind, created_at=n.created_at, unread=n.read_at is None, days=n.days, period=period,
            period_key=n.period_key,
            agency_name=upd.agency.name if upd is not None else agencies.get(key.agency_id),
            commitment_id=commitment.id if commitment else None,
            commitment_code=commitment.code if commitment else None,
            commitment_title=commitment.title if commitment else None,
            update_id=n.update_id,
            reason=extension.reason if extension else upd.review_reason if upd is not None and n.kind == RETURNED
            else None,
            stale=n.kind == REVIEW and upd is not None and upd.status != UpdateStatus.SUBMITTED,
            endpoint=endpoint, values=values,
            new_due=extension.new_due_date if extension else None,
        ))
    return items


# --- The daily digest ------------------------------------------------------------------

# Pages the digest links to that exist only once the notifications blueprint is registered.
_FALLBACK_PATHS = {"notifications.index": "/notifications", "notifications.settings": "/notifications/settings"}


def base_url() -> str:
    return (current_app.config.get("TRACKER_BASE_URL") or os.environ.get("TRACKER_BASE_URL")
            or DEFAULT_BASE_URL).rstrip("/")


def external_url(endpoint: str, values: dict | None = None, base: str | None = None) -> str:
    """An absolute link under ``TRACKER_BASE_URL`` (no request needed)."""
    parts = urlsplit(base or base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    try:
        return adapter.build(endpoint, values or {}, force_external=True)
    except BuildError:
        return f"{parts.scheme or 'http'}://{parts.netloc}{parts.path.rstrip('/')}{_FALLBACK_PATHS.get(endpoint, '/')}"


@dataclass(frozen=True)
class Digest:
    to: str
    subject: str
    body: str
    language: str


def compose(user: User, items: Sequence[Item], today: date, base: str | None = None) -> Digest:
    """The digest mail of ``items`` for ``user``, in the user's language."""
    language = language_of(user)
    base = base or base_url()
    day_text = format_day(today, language)
    entries = [{"item": i, "url": external_url(i.endpoint, i.values, base), "period": i.period_label(language),
                "deadline": format_day(i.deadline, language),
                "new_due": format_day(i.new_due, language)} for i in items]
    template = current_app.jinja_env.get_template(f"mail/digest.{language}.txt")
    body = template.render(
        user=user, entries=entries, day=day_text, count=len(items),
        notifications_url=external_url("notifications.index", None, base),
        settings_url=external_url("notifications.settings", None, base),
    )
    return Digest(user.email, digest_subject(language, len(items), day_text), body.strip() + "\n", language)


def _pending(user_id: int) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.mailed_on.is_(None), Notification.read_at.is_(None))
        .order_by(Notification.created_at, Notification.id)
    ))


def _digest_candidates() -> list[int]:
    pending = exists().where(Notification.user_id == User.id, Notification.mailed_on.is_(None),
                             Notification.read_at.is_(None))
    return list(db.session.scalars(
        select(User.id).where(User.active.is_(True), User.email_reminders.is_(True), pending).order_by(User.id)))


def write_digest(user_id: int, today: date) -> tuple[int, Digest] | None:
    """Write today's digest for the user to the outbox and mark its notifications mailed.

    Pending means not mailed and not read yet (what the bell has shown and the user has
    opened needs no mail). Review items reviewed since are dropped but marked too. None
    when the user gets no digest today: nothing pending, e-mail off, or already written
    (by this run or another one: the unique (user, digest_date) decides). Commits.
    """
    claim_writer()
    user = db.session.get(User, user_id)
    result = None
    if (user is not None and user.active and user.email_reminders and db.session.scalar(
            select(OutboxMail.id).where(OutboxMail.user_id == user_id, OutboxMail.digest_date == today)) is None):
        pending = _pending(user_id)
        items = [i for i in describe(pending, user) if not i.stale]
        digest = compose(user, items, today) if items else None
        inserted = insert_new(OutboxMail.__table__, [{
            "user_id": user_id, "digest_date": today, "to_address": digest.to, "subject": digest.subject,
            "body": digest.body, "language": digest.language, "created_at": utcnow(),
        }], ("user_id", "digest_date")) if digest else []
        if pending and (inserted or digest is None):
            db.session.execute(update(Notification)
                               .where(Notification.id.in_([n.id for n in pending]), Notification.mailed_on.is_(None))
                               .values(mailed_on=today))
        if inserted:
            result = inserted[0], digest
    db.session.commit()
    return result


def _deliver(mailer: mail.Mailer, outbox_id: int, digest: Digest) -> None:
    """Hand one written digest to SMTP and note the outcome; it is never tried again."""
    try:
        mailer.send(mail.message(mailer.sender, digest.to, digest.subject, digest.body))
    except mail.MailError as exc:
        outcome = {"error": str(exc)[:2000]}
    else:
        outcome = {"sent_at": utcnow()}
    claim_writer()
    db.session.execute(update(OutboxMail).where(OutboxMail.id == outbox_id).values(**outcome))
    db.session.commit()

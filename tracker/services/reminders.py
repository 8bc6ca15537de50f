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

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from babel.dates import format_date
from flask import current_app
from sqlalchemy import exists, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from tracker.domain.periods import DEFAULT_RULE, DeadlineRule, Period, parse_key
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
from tracker.i18n import DATE_FORMATS
from tracker.models import (
    Agency,
    Agreement,
    AgreementParty,
    Commitment,
    CooperationArea,
    Notification,
    OutboxMail,
    ProgressUpdate,
    ReportingSchedule,
    UpdateStatus,
    User,
)
from tracker.models.base import utcnow
from tracker.permissions import acting_agency_ids, acting_province_ids
from tracker.queries.compliance import MISSING, obligations
from tracker.services import mail, periods

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
_CHUNK = 200  # rows per multi-row INSERT (well under SQLite's bound-parameter limit)


def format_day(day: date | None, language: str) -> str:
    if day is None:
        return ""
    return format_date(day, DATE_FORMATS.get(language, DATE_FORMATS["vi"])["short"], locale=language)


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


# --- Writing, once ---------------------------------------------------------------------

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _claim_writer() -> None:
    """Start the transaction with a write, so two runs on SQLite queue instead of failing.

    SQLite's BEGIN is deferred: a transaction that read first cannot later write once
    another has committed ("database is locked"). A write as the first statement takes
    the lock up front and waits ``busy_timeout`` for it. PostgreSQL needs nothing: its
    unique indexes make the second insert wait for the first and then do nothing.
    """
    if _dialect() == "sqlite":
        db.session.execute(text("UPDATE outbox_mail SET id = id WHERE 0"))


def insert_new(table, rows: Sequence[dict], conflict: Sequence[str]) -> list[int]:
    """Insert ``rows`` into ``table``, skipping those that break the unique ``conflict`` columns.

    Returns the ids of the rows this call inserted: a row another run inserted first,
    even one not yet committed, is not inserted again (PostgreSQL waits for that run
    to finish, SQLite for its write lock) and is not returned.
    """
    if not rows:
        return []
    dialect = _dialect()
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        stmt = insert(table).on_conflict_do_nothing(index_elements=list(conflict)).returning(table.c.id)
        ids: list[int] = []
        for start in range(0, len(rows), _CHUNK):
            ids += db.session.scalars(stmt.values(list(rows[start:start + _CHUNK]))).all()
        return ids
    ids = []  # other engines: one savepoint per row, a unique violation meaning "already there"
    for row in rows:
        try:
            with db.session.begin_nested():
                ids.append(db.session.execute(table.insert().values(**row).returning(table.c.id)).scalar_one())
        except IntegrityError:
            continue
    return ids


def record(drafts: Sequence[Draft]) -> int:
    """Make the notifications not made yet; the number made."""
    now = utcnow()
    rows = [{"user_id": d.user_id, "kind": d.kind, "dedupe_key": d.dedupe_key, "commitment_id": d.commitment_id,
             "update_id": d.update_id, "period_key": d.period_key, "days": d.days, "created_at": now}
            for d in drafts]
    return len(insert_new(Notification.__table__, rows, ("user_id", "dedupe_key")))


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
    rules = _rules({k.agreement_id for k in keys.values() if k and k.agreement_id})

    items = []
    for n in notifications:
        key = keys[n.id] or KeyParts(n.kind)
        upd = updates.get(n.update_id) if n.update_id else None
        commitment = commitments.get(n.commitment_id or (upd.commitment_id if upd else None))
        if commitment is not None and not may_see(viewer, commitment.area.restricted):
            continue
        period = None
        if n.period_key and n.kind in (DUE_SOON, OVERDUE):
            try:
                period = parse_key(n.period_key, rules.get(key.agreement_id, DEFAULT_RULE))
            except ValueError:
                period = None
        if n.kind in (RETURNED, REVIEW) and n.update_id:
            endpoint, values = "progress.detail", {"update_id": n.update_id}
        elif commitment is not None:
            endpoint, values = "commitments.detail", {"commitment_id": commitment.id}
        elif viewer.role == "officer":
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
            update_id=n.update_id, reason=upd.review_reason if upd is not None and n.kind == RETURNED else None,
            stale=n.kind == REVIEW and upd is not None and upd.status != UpdateStatus.SUBMITTED,
            endpoint=endpoint, values=values,
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
                "deadline": format_day(i.deadline, language)} for i in items]
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
    _claim_writer()
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
    _claim_writer()
    db.session.execute(update(OutboxMail).where(OutboxMail.id == outbox_id).values(**outcome))
    db.session.commit()


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

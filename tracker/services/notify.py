"""Telling people at the moment of the event: a report waits for review, was returned or
approved, a deadline moved.

Each function writes the bell's notifications in the caller's transaction (so they exist
exactly when the event does) and queues the mail: ``mail_job`` writes the person's digest
of the day, which is at most one mail a day (see ``services.digests``); what arrives after
today's digest was written is mailed in the next one. People who turned e-mail off get the
notification only. The dedupe keys are those of the daily run (``services.reminders``), so it
never tells the same thing twice. Never commits; the queued job does, after the request.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import or_, select

from tracker import clock, jobs
from tracker.domain.reminders import (
    APPROVED,
    CONFIRM,
    DISPUTED,
    EXTENDED,
    REPORT_READY,
    RETURNED,
    REVIEW,
    approved_key,
    confirm_key,
    disputed_key,
    extended_key,
    report_key,
    may_see,
    returned_key,
    review_key,
)
from tracker.extensions import db
from tracker.models import Agency, DeadlineExtension, Notification, ProgressUpdate, User
from tracker.models.base import utcnow
from tracker.permissions import acting_agency_ids, acting_province_ids
from tracker.services import mail
from tracker.services.digests import _deliver, write_digest
from tracker.services.once import insert_new

JOB = "tracker.services.notify:mail_job"


def _active(role: str, *where) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role == role, *where).order_by(User.id)))


def _coordinators_of(province_ids: set[int], today: date) -> list[User]:
    return [u for u in _active("coordinator") if acting_province_ids(u, today) & province_ids]


def _officers_of(agency_ids: set[int], today: date) -> list[User]:
    """Officers of these agencies, or of an agency since merged into one of them (only an ended
    agency has successors: the others are not read at all)."""
    ended = select(Agency.id).where(Agency.valid_to.is_not(None))
    candidates = _active("officer", or_(User.agency_id.in_(agency_ids), User.agency_id.in_(ended)))
    return [u for u in candidates if acting_agency_ids(u, today) & agency_ids]


def _tell(people: Iterable[User], kind: str, key: str, *, restricted: bool, actor: User | None,
          commitment_id: int | None, update_id: int | None = None, period_key: str | None = None) -> None:
    people = {u.id: u for u in people if u.active and may_see(u, restricted) and u != actor}
    if not people:
        return
    now = utcnow()
    insert_new(Notification.__table__, [
        {"user_id": uid, "kind": kind, "dedupe_key": key, "commitment_id": commitment_id, "update_id": update_id,
         "period_key": period_key, "days": None, "created_at": now} for uid in sorted(people)
    ], ("user_id", "dedupe_key"))
    mailed = sorted(uid for uid, u in people.items() if u.email_reminders)
    # Without an application (a script or test driving the services bare) no mail can be
    # rendered: the notification stays unmailed and the next daily digest carries it.
    if mailed and has_app_context():
        jobs.enqueue(JOB, mailed, clock.today().isoformat())


def _about(update: ProgressUpdate) -> dict:
    return {"restricted": update.commitment.area.restricted, "commitment_id": update.commitment_id,
            "update_id": update.id, "period_key": update.period_key}


def submitted(update: ProgressUpdate) -> None:
    """"Waiting for your review": the coordinators acting for the update's side."""
    reviewers = _coordinators_of({update.party.province_id}, clock.today())
    _tell(reviewers, REVIEW, review_key(update.id), actor=update.author, **_about(update))


def returned(update: ProgressUpdate) -> None:
    """The author hears that the report came back, with the reason (shown from the update)."""
    _tell([update.author], RETURNED, returned_key(update.id), actor=update.reviewer, **_about(update))


def approved(update: ProgressUpdate) -> None:
    _tell([update.author], APPROVED, approved_key(update.id), actor=update.reviewer, **_about(update))


def confirm_asked(update: ProgressUpdate, province_ids: set[int]) -> None:
    """"Please confirm": the coordinators of the partner provinces asked about a shared completion."""
    partners = _coordinators_of(province_ids, clock.today())
    _tell(partners, CONFIRM, confirm_key(update.id), actor=update.reviewer, **_about(update))


def disputed(update: ProgressUpdate, actor: User) -> None:
    """The reporting side hears of a dispute: its coordinators and the update's author."""
    people = _coordinators_of({update.party.province_id}, clock.today()) + [update.author]
    _tell(people, DISPUTED, disputed_key(update.id), actor=actor, **_about(update))


def extended(extension: DeadlineExtension) -> None:
    """Both sides of a commitment: the officers of its agencies and the coordinators of its provinces."""
    db.session.flush()  # the extension's id names the notification
    commitment, today = extension.commitment, clock.today()
    current = [a for a in commitment.assignments if a.valid_to is None]
    people = _officers_of({a.agency_id for a in current}, today)
    people += _coordinators_of({a.party.province_id for a in current}, today)
    _tell(people, EXTENDED, extended_key(extension.id), actor=extension.actor,
          restricted=commitment.area.restricted, commitment_id=commitment.id)


def report_ready(job) -> None:
    """The asker's bell says a background report (``ReportJob``) can be downloaded. Not mailed:
    the person is waiting on the progress page, and tomorrow's digest would come too late."""
    insert_new(Notification.__table__, [
        {"user_id": job.user_id, "kind": REPORT_READY, "dedupe_key": report_key(job.id), "commitment_id": None,
         "update_id": None, "period_key": None, "days": None, "created_at": utcnow(), "mailed_on": clock.today()}
    ], ("user_id", "dedupe_key"))


def mail_job(user_ids: list[int], day: str) -> None:
    """The job: each person's digest of ``day`` (if none was written yet), then SMTP if configured."""
    mailer = mail.mailer_from(current_app.config)
    today = date.fromisoformat(day)
    try:
        for user_id in user_ids:
            written = write_digest(user_id, today)
            if written is not None and mailer is not None:
                _deliver(mailer, *written)
    finally:
        if mailer is not None:
            mailer.close()

"""Scheduled work, at the level of views and commands: each task composes reads (``queries``)
and writes (``services``) as a view does, and is what the CLI, the worker and the schedule run.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker import exports
from tracker.domain.codes import JobStatus
from tracker.domain.reminders import language_of
from tracker.domain.report import Letterhead
from tracker.extensions import db
from tracker.models import ReportJob
from tracker.models.base import utcnow
from tracker.queries import reminders as planned
from tracker.queries import reports as report_queries
from tracker.services import mail, reminders, report_jobs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    closed: int  # periods closed automatically
    created: int  # notifications made
    sent: int  # digests sent, or written to the outbox, by this run


def send_reminders(today: date, *, mailer: mail.Mailer | None = None) -> SendResult:
    """Close what is due, make the notifications due on ``today``, and send each person's digest.

    Mail goes through ``mailer`` or, by default, SMTP when ``TRACKER_MAIL_SERVER`` is set;
    without it the digest stays in the outbox table. Safe to run again and concurrently.
    """
    if mailer is None:
        mailer = mail.mailer_from(current_app.config)  # a bad setting fails here, before any work
    closed = reminders.close_due_periods(today)
    created = reminders.record_planned(lambda: planned.plan(today))
    result = SendResult(closed, created, reminders.send_digests(today, mailer))
    clean_report_jobs(utcnow())
    db.session.commit()
    return result


def keep_standings(today: date) -> None:
    """The kept standings brought to ``today`` outside any request (a new day's rows refreshed,
    or the full rebuild queued when one is due); nothing for another day than today."""
    from tracker.status import standings

    standings.bring_up_to_date(today)


# --- Report documents built in the background (``reports.status`` above its in-request limit) ---

REPORT_JOB = "tracker.tasks:build_report"


def build_report(job_id: int) -> None:
    """The job: build the Word or PDF report a ``report_jobs`` row describes into ``REPORT_JOB_DIR``.

    Progress is committed as it moves (the progress page polls it); a failure is stored with a
    message in the asker's language and does not raise, so the queue does not retry it.
    """
    job = db.session.get(ReportJob, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return  # already taken by another run, or cleaned away
    report_jobs.start(job)
    db.session.commit()

    def tell(share: float) -> None:  # 0–10 % the data, 10–100 % the document
        if report_jobs.advance(job, 10 + 90 * share):
            db.session.commit()

    try:
        parameters = job.parameters
        scope = report_queries.scope_from(parameters)
        saved = dict(parameters.get("letterhead") or {})
        letterhead = Letterhead(**{**saved, "recipients": tuple(saved.get("recipients") or ())})
        report = report_queries.build(scope, date.fromisoformat(parameters["today"]), letterhead)
        tell(0)
        report_jobs.store_file(job, current_app.config["REPORT_JOB_DIR"], exports.filename(report, job.kind),
                               lambda out: exports.write(report, job.kind, out, progress=tell))
    except Exception as error:  # the asker must hear of it; the log keeps the details
        db.session.rollback()
        log.exception("report job %s failed", job_id)
        job = db.session.get(ReportJob, job_id)
        with force_locale(language_of(job.user)):
            message = (_("Văn bản hợp tác của báo cáo không còn.") if isinstance(error, report_queries.ReportError)
                       else _("Không lập được báo cáo do lỗi hệ thống. Hãy thử lại hoặc báo quản trị viên."))
        report_jobs.fail(job, message)
    db.session.commit()


def clean_report_jobs(now: datetime) -> int:
    """Report files (and their rows) older than ``REPORT_JOB_KEEP_DAYS``: regenerable, not kept."""
    return report_jobs.clean(current_app.config["REPORT_JOB_DIR"], now, current_app.config["REPORT_JOB_KEEP_DAYS"])

"""Scheduled work, at the level of views and commands: each task composes reads (``queries``)
and writes (``services``) as a view does, and is what the CLI, the worker and the schedule run.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from tracker.queries import reminders as planned
from tracker.services import mail, reminders


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
    return SendResult(closed, created, reminders.send_digests(today, mailer))

"""``flask --app tracker worker``: runs queued jobs and the reminders schedule (no cron needed).

Needs ``TRACKER_REDIS_URL``. Jobs run one at a time in this process (RQ's SimpleWorker), inside
this command's app; start several workers for more. A thread ticks the reminders schedule every
minute; the hour is claimed in Redis, so two workers never both run it.
"""
from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import jobs, redis_client, schedule


def _ticking(app, stop: threading.Event) -> None:
    while not stop.is_set():
        with app.app_context():
            try:
                schedule.tick()
            except Exception:  # Redis away for a moment: the next minute tries again
                app.logger.exception("reminders schedule: tick failed")
        stop.wait(schedule.CHECK_EVERY_SECONDS)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued now, then stop.")
@click.option("--no-schedule", is_flag=True, help="Run jobs only; another worker keeps the schedule.")
@with_appcontext
def worker_command(burst: bool, no_schedule: bool) -> None:
    """Run background jobs and the reminders schedule from the queue at TRACKER_REDIS_URL."""
    from rq import SimpleWorker

    connection = redis_client.connection()
    if connection is None:
        raise click.ClickException("TRACKER_REDIS_URL is not set: without it jobs run inside the app process")
    stop = threading.Event()
    if not no_schedule and current_app.config.get("SCHEDULE", True):
        if burst:
            schedule.tick()
        else:
            app = current_app._get_current_object()
            threading.Thread(target=_ticking, args=(app, stop), name="tracker-schedule", daemon=True).start()
    try:
        SimpleWorker([jobs.queue()], connection=connection).work(burst=burst, logging_level="WARNING")
    finally:
        stop.set()

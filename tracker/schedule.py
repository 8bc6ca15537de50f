"""The reminders schedule without cron: ``tasks.send_reminders(today)`` once an hour, as the README's
cron line did (it is safe to run again and concurrently: every row goes in ON CONFLICT DO NOTHING).

With Redis, ``flask --app tracker worker`` ticks every minute and the first worker to claim the
hour (``SET … NX`` in Redis) queues the run, so several workers never both run it. Without
Redis (``make run``), the first request of each hour claims it in this process and runs it in a
background thread: no thread in commands or tests, nothing to configure, and the request that
noticed is not kept waiting. Under TESTING, or with TRACKER_SCHEDULE=off (cron runs
``reminders send`` instead), nothing is scheduled here.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import date, datetime, timezone

from flask import Flask, current_app

from tracker import clock, jobs, redis_client

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 60
REMINDERS = "tracker.schedule:run_reminders"
_claimed: set[str] = set()
_lock = threading.Lock()
_next_check = 0.0


def run_reminders(day: str | None = None) -> None:
    """The job: what ``flask reminders send`` does for ``day`` (default: today in Vietnam), then
    the kept standings brought to today, so that the first dashboard of a new day (the run of
    the hour after Vietnam's midnight) finds them ready instead of refreshing them itself."""
    from tracker import tasks

    today = date.fromisoformat(day) if day else clock.today()
    tasks.send_reminders(today)
    tasks.keep_standings(today)


def slot(now: datetime | None = None) -> str:
    """The hour a run belongs to (UTC), e.g. ``2026-11-27T09``."""
    return (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H")


def claim(hour: str) -> bool:
    """True for exactly one caller per hour: across processes with Redis, else in this process."""
    connection = redis_client.connection()
    if connection is not None:
        return bool(connection.set(f"tracker:schedule:reminders:{hour}", "1", nx=True, ex=3 * 3600))
    with _lock:
        if hour in _claimed:
            return False
        _claimed.add(hour)
        return True


def tick(now: datetime | None = None) -> bool:
    """Queue this hour's reminders run unless someone has; True when this call queued it."""
    if not claim(slot(now)):
        return False
    jobs.enqueue(REMINDERS, clock.today().isoformat())
    return True


def _run_in_thread(app: Flask) -> None:
    with app.app_context():
        try:
            jobs.run(REMINDERS, (clock.today().isoformat(),))
        except Exception:  # nosec B110 # logged by jobs.run; the next hour tries again
            pass
        finally:
            from tracker.extensions import db

            db.session.remove()


def _on_request() -> None:
    """``before_request`` without Redis: at most one look a minute, one run an hour."""
    global _next_check
    now = time.monotonic()
    if now < _next_check:
        return
    with _lock:
        if now < _next_check:
            return
        _next_check = now + CHECK_EVERY_SECONDS
    if claim(slot()):
        app = current_app._get_current_object()
        threading.Thread(target=_run_in_thread, args=(app,), name="tracker-reminders", daemon=True).start()


def install(app: Flask) -> None:
    if app.config.get("TESTING") or app.config.get("REDIS_URL") or not app.config.get("SCHEDULE", True):
        return  # tests schedule nothing; with Redis the worker runs the schedule; or cron does
    app.before_request(_on_request)

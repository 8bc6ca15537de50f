"""Background jobs: one call, ``enqueue``, whatever runs them.

A job is a module-level function named by its dotted path (``"tracker.services.x:func"``) with
JSON-able arguments, so that a worker process can import and call it. It opens no transaction
of its own: the runner commits after it returns, or rolls back if it raises.

With ``TRACKER_REDIS_URL`` set, jobs go to an RQ queue in Redis and ``flask --app tracker
worker`` runs them (``tracker.worker``). Without it (the default, so ``make run`` needs
nothing) a job runs in this process. Either way, inside a request the job is handed over
after the view has returned (the view's transaction is committed by then, so the job sees
what the request wrote); elsewhere (commands, tests without a request) at once.
"""
from __future__ import annotations

import importlib
import logging

from flask import after_this_request, current_app, has_app_context, has_request_context

from . import redis_client
from .extensions import db

log = logging.getLogger(__name__)
QUEUE = "tracker"
JOB_TIMEOUT_SECONDS = 30 * 60  # a large Word or PDF report of a national-scale agreement set


def resolve(target: str):
    """The function a dotted ``module:function`` path names."""
    module_name, _, attribute = target.partition(":")
    if not module_name.startswith("tracker.") or not attribute:
        raise ValueError(f"not a tracker job: {target!r}")
    return getattr(importlib.import_module(module_name), attribute)


def run(target: str, args: tuple = (), kwargs: dict | None = None) -> None:
    """Call one job and commit its work; roll back and log if it fails."""
    function = resolve(target)
    try:
        function(*args, **(kwargs or {}))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", target)
        raise


def perform(target: str, args: list, kwargs: dict) -> None:
    """What the queue's worker calls: ``run`` inside the worker's app (made here if it has none)."""
    if has_app_context():
        try:
            run(target, tuple(args), kwargs)
        finally:
            db.session.remove()  # the next job starts from a fresh session
        return
    from tracker import create_app

    with create_app().app_context():
        perform(target, args, kwargs)


def queue():
    """The RQ queue when Redis is configured, else ``None`` (jobs run in this process)."""
    connection = redis_client.connection()
    if connection is None:
        return None
    from rq import Queue

    return Queue(QUEUE, connection=connection)


def _hand_over(target: str, args: tuple, kwargs: dict) -> None:
    jobs = queue()
    if jobs is not None:
        try:
            jobs.enqueue(perform, target, list(args), dict(kwargs), job_timeout=JOB_TIMEOUT_SECONDS)
            return
        except redis_client.RedisError as exc:  # the work is not lost: it runs here instead
            log.warning("queue unavailable, running %s in this process: %s", target, exc)
    run(target, args, kwargs)


def enqueue(target: str, *args, **kwargs) -> None:
    """Run ``target(*args, **kwargs)`` in the background (the queue's worker, or after this request)."""
    resolve(target)  # fail now, in the caller, on a wrong name
    if has_request_context():
        @after_this_request
        def _after(response):
            try:
                _hand_over(target, args, kwargs)
            except Exception:  # nosec B110 # logged in run(); the user's own request succeeded
                pass
            return response
        return
    _hand_over(target, args, kwargs)


def enqueue_long(target: str, *args) -> None:
    """``enqueue`` for a job of minutes (a large report): without a queue it runs in this process
    once the response has been sent, not before, so the person is not kept waiting for the page
    that shows its progress. With a queue, or outside a request, exactly ``enqueue``."""
    resolve(target)
    if not has_request_context() or queue() is not None:
        enqueue(target, *args)
        return
    app = current_app._get_current_object()

    @after_this_request
    def _after(response):
        response.call_on_close(lambda: _detached(app, target, args))
        return response


def _detached(app, target: str, args: tuple) -> None:
    with app.app_context():
        try:
            perform(target, list(args), {})
        except Exception:  # nosec B110 # logged in run(); the response has already gone
            pass

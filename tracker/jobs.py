"""Background jobs: one call, ``enqueue``, whatever runs them.

A job is a module-level function named by its dotted path (``"tracker.services.x:func"``) with
JSON-able arguments, so that a worker process can import and call it. It opens no transaction
of its own: the runner commits after it returns, or rolls back if it raises.

Without a queue configured (the default, so ``make run`` needs nothing) a job runs in this
process: inside a request, after the view has returned (the view's transaction is committed by
then); elsewhere (commands, tests without a request) at once.
"""
from __future__ import annotations

import importlib
import logging

from flask import after_this_request, has_request_context

from .extensions import db

log = logging.getLogger(__name__)


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


def enqueue(target: str, *args, **kwargs) -> None:
    """Run ``target(*args, **kwargs)`` in the background (here: after the current request)."""
    resolve(target)  # fail now, in the caller, on a wrong name
    if has_request_context():
        @after_this_request
        def _after(response):
            try:
                run(target, args, kwargs)
            except Exception:  # nosec B110 # logged in run(); the user's own request succeeded
                pass
            return response
        return
    run(target, args, kwargs)

"""Explicit invalidation of the cached figures: services call ``invalidate`` when they
change what the figures count (approvals, submissions, returns, deadlines, closures,
plan data). Cached figures are used only while their version equals ``change_counter``,
which every app process reads from the database.
"""
from __future__ import annotations

from sqlalchemy import insert, update

from tracker.extensions import db
from tracker.models import ChangeCounter


def invalidate() -> None:
    """Mark every cached figure stale, in the caller's transaction (it commits with the change)."""
    session = db.session
    if not session.execute(update(ChangeCounter).where(ChangeCounter.id == 1)
                           .values(value=ChangeCounter.value + 1)).rowcount:
        session.execute(insert(ChangeCounter).values(id=1, value=1))

"""Derived figures kept between requests, and the counter that says when they went stale.

Services call ``invalidate`` when they change what the figures count (approvals,
submissions, returns, deadlines, closures, plan data); it bumps ``change_counter`` in the
caller's transaction. Every cache entry is keyed by that counter's value, read from the
database once per request (``version``), so after a write through any process every process
computes afresh on its next request: no entry is ever served stale, and none needs deleting.

``remember`` is the one place that writes cache entries (the house rule allows a GET no other
write). They live in Redis when ``TRACKER_REDIS_URL`` is set, shared by every app process;
otherwise in this process's memory (a small LRU), which is right for one process and still
correct for several, each computing once. Nothing is written to the database on a read.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import g, has_request_context
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from tracker import redis_client
from tracker.extensions import db
from tracker.models import ChangeCounter

log = logging.getLogger(__name__)
MEMORY_ENTRIES = 256
REDIS_TTL_SECONDS = 24 * 3600  # entries of an old counter age out; a new counter never reads them
# Marks an entry kept as the text itself (a finished page body, a JSON document), not as JSON
# of it: decoding 50 KB of quoted HTML cost a kept page more than the rest of its cache read.
RAW = "\ue001"
# Set on a session whose transaction bumped the counter and has not ended: what it computes
# counts its own uncommitted change, and a rollback would give that counter value to other data.
BUMPED = "tracker_counter_bumped"
# Set with what a transaction changed, for the kept standings (``tracker.status.standings``):
# the commitments it named, or that it named none (everything is stale).
TOUCHED = "tracker_standings_touched"
EVERYTHING = "tracker_standings_everything"
PERIODS = "tracker_standings_periods"  # the reporting deadlines moved (the calendar, an agreement's dates)


def invalidate(commitments=None, *, periods: bool = False) -> None:
    """Mark every cached figure stale, in the caller's transaction (it commits with the change).

    ``commitments``: the ids of the commitments the change touched, whose kept standings are
    then recomputed as the transaction commits; without them every standing is recomputed on
    the next view (correct, slower: name them on frequent writes). ``periods``: the change
    moved the reporting deadlines alone (the working-day calendar, an agreement's dates):
    every agreement's period and reports owed are renewed as it commits, the commitments'
    standings kept (unless the half-year cut-offs moved with the earliest start)."""
    session = db.session
    if periods:
        session.info[PERIODS] = True
    elif commitments is None:
        session.info[EVERYTHING] = True
    else:
        session.info.setdefault(TOUCHED, set()).update(int(c) for c in commitments)
    # Once a transaction: a service that composes others (a renewal assigns each carried
    # commitment) would otherwise write the counter row once per part. A savepoint's rollback
    # drops BUMPED (``_transaction_ended``), a new transaction is another object: both bump again.
    transaction = session().get_transaction()
    if not (session.info.get(BUMPED) is transaction and transaction is not None):
        if not session.execute(update(ChangeCounter).where(ChangeCounter.id == 1)
                               .values(value=ChangeCounter.value + 1)).rowcount:
            session.execute(insert(ChangeCounter).values(id=1, value=1))
        session.info[BUMPED] = session().get_transaction()
    if has_request_context():
        g.pop("change_counter", None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _transaction_ended(session, *args) -> None:
    session.info.pop(BUMPED, None)


def version() -> int:
    """The change counter as this request sees it (one statement per request; 0 before any change)."""
    if has_request_context() and "change_counter" in g:
        return g.change_counter
    value = db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) or 0
    if has_request_context():
        g.change_counter = value
    return value


def per_request(name: str, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per request and change counter, for lookups a request repeats (a
    province's lineage, an agency's successors: each page row asks again); outside a request,
    every time. What it returns is shared: return something immutable."""
    if not has_request_context():
        return compute()
    memo = g.setdefault("per_request", {})
    full = (name, key, version())
    if full not in memo:
        memo[full] = compute()
    return memo[full]


def counter_column():
    """The counter as a column, for the statement every signed-in request runs anyway
    (``auth.load_user``): ``read_with(value)`` then makes it this request's ``version``."""
    return select(ChangeCounter.value).where(ChangeCounter.id == 1).scalar_subquery()


def read_with(value: int | None) -> None:
    """``version`` for the rest of the request, as read by ``counter_column`` (unless a bump
    in this transaction has already made it stale: ``invalidate`` drops it again)."""
    if has_request_context() and not db.session.info.get(BUMPED):
        g.change_counter = value or 0


def forget_read() -> None:
    """The transaction that read the counter ended (a commit): read it afresh when next asked."""
    if has_request_context():
        g.pop("change_counter", None)


def key_for(name: str, parts: tuple) -> str:
    """A stable key for ``parts`` (filters, dates, flags: anything with a faithful ``repr``)."""
    return f"{name}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:40]}"


class _Memory:
    def __init__(self, size: int):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def set(self, key: str, value: str) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


memory = _Memory(MEMORY_ENTRIES)


_scopes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _database_scope() -> str:
    """Entries of two databases never meet (tests, the bench's three databases in one Redis)."""
    bind = db.session.get_bind()
    engine = getattr(bind, "engine", bind)
    scope = _scopes.get(engine)
    if scope is None:
        scope = _scopes[engine] = hashlib.sha256(str(engine.url).encode()).hexdigest()[:12]
    return scope


def remember(name: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``'s JSON-able value for ``parts`` at the current change counter, computed at
    most once per counter (per process without Redis). The one writer of cache entries."""
    if db.session.info.get(BUMPED):
        value = compute()
        return value if isinstance(value, str) else json.loads(json.dumps(value))
    key = f"tracker:cache:{_database_scope()}:{version()}:{key_for(name, parts)}"
    connection = redis_client.connection()
    text = None
    try:
        text = connection.get(key) if connection is not None else memory.get(key)
    except redis_client.RedisError as exc:  # a cache that is down slows pages, it does not break them
        log.warning("cache unavailable: %s", exc)
        connection = None
    if text is not None:
        text = text.decode() if isinstance(text, bytes) else text
        return text[len(RAW):] if text.startswith(RAW) else json.loads(text)
    value = compute()
    text = (RAW + value if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    try:
        if connection is not None:
            connection.set(key, text, ex=REDIS_TTL_SECONDS)
        else:
            memory.set(key, text)
    except redis_client.RedisError as exc:
        log.warning("cache unavailable: %s", exc)
    return json.loads(text) if not isinstance(value, str) else value


def etag(name: str, parts: tuple) -> str:
    """An ETag for what ``remember(name, parts, …)`` holds now: it changes with the counter."""
    return hashlib.sha256(f"{_database_scope()}:{version()}:{key_for(name, parts)}".encode()).hexdigest()[:32]
from tracker.status import standings as _standings  # noqa: E402,F401 (registers the commit hook that refreshes them)

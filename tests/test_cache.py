"""The figure cache (tracker.status.cache): keyed by the change counter, in Redis when configured."""
import uuid

import pytest

from tests.apps import REDIS_TEST_URL as REDIS_URL
from tracker.extensions import db
from tracker.status import cache


def _redis_or_skip():
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except RedisError:
        pytest.skip(f"Redis is not running at {REDIS_URL}")


def test_an_entry_is_computed_once_per_counter(app):
    calls, parts = [], (uuid.uuid4().hex,)
    with app.test_request_context():
        assert cache.remember("t", parts, lambda: calls.append(1) or {"n": 1}) == {"n": 1}
        assert cache.remember("t", parts, lambda: calls.append(1) or {"n": 2}) == {"n": 1}
        tag = cache.etag("t", parts)
        cache.invalidate()
        db.session.commit()
    with app.test_request_context():  # the next request reads the new counter
        assert cache.remember("t", parts, lambda: calls.append(1) or {"n": 3}) == {"n": 3}
        assert cache.etag("t", parts) != tag
    assert len(calls) == 2


def test_redis_shares_entries_between_processes(app, monkeypatch):
    _redis_or_skip()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    parts = (uuid.uuid4().hex,)
    with app.test_request_context():
        assert cache.remember("t", parts, lambda: "first") == "first"
    cache.memory.clear()  # another process has nothing in memory
    with app.test_request_context():
        assert cache.remember("t", parts, lambda: "second") == "first"
    assert not cache.memory.entries


def test_a_cache_that_is_down_slows_pages_but_does_not_break_them(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    with app.test_request_context():
        assert cache.remember("t", (uuid.uuid4().hex,), lambda: {"ok": True}) == {"ok": True}


def _counter() -> int:
    from sqlalchemy import select

    from tracker.models import ChangeCounter

    return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) or 0


def test_the_counter_moves_once_a_transaction_and_again_after_a_rolled_back_savepoint(app):
    with app.test_request_context():
        start = _counter()
        cache.invalidate(commitments=[1])
        cache.invalidate(commitments=[2])  # a composed service: one write of the counter row
        assert _counter() == start + 1
        db.session.commit()
        cache.invalidate()  # the next transaction moves it again
        assert _counter() == start + 2
        db.session.commit()
        with db.session.begin_nested():
            cache.invalidate()
            assert _counter() == start + 3
            db.session.rollback()  # that move is undone
        cache.invalidate()  # and made again
        assert _counter() == start + 3
        db.session.commit()


def test_a_request_reads_a_lookup_once_until_the_counter_moves(app):
    calls = []
    with app.test_request_context():
        for _ in range(3):
            cache.per_request("t", (1,), lambda: calls.append(1) or frozenset({1}))
        assert len(calls) == 1
        cache.invalidate()
        assert cache.per_request("t", (1,), lambda: calls.append(1) or frozenset({2})) == {2}
        db.session.rollback()
    with app.test_request_context():  # another request asks again
        cache.per_request("t", (1,), lambda: calls.append(1) or frozenset({3}))
    assert len(calls) == 3
    cache.per_request("t", (1,), lambda: calls.append(1))  # outside a request, every time
    assert len(calls) == 4

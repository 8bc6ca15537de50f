"""The Redis connection (``TRACKER_REDIS_URL``), one per process; ``None`` when none is configured.

Shared by the caches (``tracker.status.cache``), the job queue (``tracker.jobs``) and, unless
``TRACKER_RATELIMIT_STORAGE_URL`` says otherwise, the sign-in throttle.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError

__all__ = ["RedisError", "connection", "url"]


def url() -> str | None:
    return (current_app.config.get("REDIS_URL") or None) if has_app_context() else None


def connection() -> Redis | None:
    address = url()
    if not address:
        return None
    clients = current_app.extensions.setdefault("tracker_redis", {})
    if address not in clients:
        clients[address] = Redis.from_url(address, socket_timeout=5, socket_connect_timeout=2)
    return clients[address]

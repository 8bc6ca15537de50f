"""Writing audit events: who did what, when, from where, with before and after."""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db, limiter
from tracker.models import AuditEvent, User

SECURITY = "security"
DATA = "data"


def client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    action: str,
    *,
    actor: User | None,
    category: str = SECURITY,
    obj: Any = None,
    commitment_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an event to the session; the caller's commit keeps it with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None,
        category=category,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        commitment_id=commitment_id,
        ip=client_ip(),
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(event)
    return event


# --- Bookkeeping: refused requests (ASVS 4.0.3 V7.2.2) ---------------------------------

REFUSED = "access_refused"
_log = logging.getLogger(__name__)


def _refusal_allowed(who: str, endpoint: str) -> bool:
    """At most one event per person (or address) and endpoint a minute, and an hourly cap per person.

    Counted in Flask-Limiter's storage (shared by processes when it is Redis), so an
    attacker who hammers forbidden pages cannot flood the log.
    """
    config = current_app.config
    storage = limiter.storage
    if storage.incr(f"tracker/refused/{who}/{endpoint}", int(config["AUDIT_REFUSAL_EVERY_SECONDS"])) > 1:
        return False
    return storage.incr(f"tracker/refused/{who}", 3600) <= int(config["AUDIT_REFUSALS_PER_HOUR"])


def bookkeep_refusal(actor: User | None, endpoint: str | None) -> bool:
    """Write the audit event of a request refused with 403, in its own commit; True if written.

    The one service that commits: the refused request has nothing of its own to save,
    so whatever it had flushed is rolled back first, then the event is committed alone.
    Rate-limited (``_refusal_allowed``). Bookkeeping must never break the answer: any
    failure (database, rate-limit storage) is logged and swallowed, the session left
    clean, and the caller answers 403 as it would have.
    """
    try:
        signed_in = actor is not None and getattr(actor, "is_authenticated", False)
        actor_id = actor.id if signed_in else None
        who = f"user:{actor_id}" if signed_in else f"ip:{client_ip() or 'unknown'}"
        if not _refusal_allowed(who, endpoint or "-"):
            return False
        db.session.rollback()
        record(REFUSED, actor=db.session.get(User, actor_id) if signed_in else None, endpoint=endpoint,
               method=request.method, path=request.path[:300])
        db.session.commit()
        return True
    except Exception as error:  # noqa: BLE001  (bookkeeping: whatever fails, the 403 is still answered)
        _log.warning("refused request not audited: %r", error)
        try:
            db.session.rollback()
        except SQLAlchemyError:  # the connection itself is gone; teardown discards the session
            pass
        return False

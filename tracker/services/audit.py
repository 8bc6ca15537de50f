"""Writing audit events: who did what, when, from where, with before and after."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from tracker.extensions import db
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

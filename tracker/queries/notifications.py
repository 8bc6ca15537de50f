"""Reads of notifications: the bell's count, the list, the administrators' outbox."""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event, exists, func, or_, select, true
from sqlalchemy.orm import Session

from tracker.domain.codes import UserRole
from tracker.domain.reminders import may_see
from tracker.extensions import db
from tracker.models import Commitment, CooperationArea, Notification, OutboxMail, User


def _visible_to(user: User):
    """SQL condition: the notification names no restricted field the user may not see."""
    if may_see(user, True):
        return true()
    return or_(Notification.commitment_id.is_(None), ~exists(_restricted_commitment()))


# The bell's number as read with the session at the start of a request (``auth.load_user``):
# (user id, count), dropped at any flush, so a request that changes notifications counts again.
READ_WITH_SESSION = "unread_read_with_session"


def _restricted_commitment():
    return (
        select(Commitment.id).join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .where(Commitment.id == Notification.commitment_id, CooperationArea.restricted.is_(True))
    )


def unread_column():
    """The bell's number as a column of a statement that selects ``User`` (correlated to it):
    ``_visible_to`` in SQL, ``may_see`` read from the user's row."""
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == User.id, Notification.read_at.is_(None),
               or_(User.role == UserRole.ADMIN, User.cleared.is_(True), Notification.commitment_id.is_(None),
                   ~exists(_restricted_commitment())))
        .correlate(User).scalar_subquery()
    )


def read_with_session(user_id: int, count: int) -> None:
    """Keep ``unread_column``'s value for the rest of the request (``unread_count`` answers it)."""
    setattr(g, READ_WITH_SESSION, (user_id, count))


@event.listens_for(Session, "after_flush")
def _changed(session, _context) -> None:
    if has_request_context():
        g.pop(READ_WITH_SESSION, None)


def unread_count(user: User) -> int:
    """The bell's number: one COUNT query, or the one read with the session this request."""
    if not getattr(user, "is_authenticated", False):
        return 0
    kept = g.get(READ_WITH_SESSION) if has_request_context() else None
    if kept is not None and kept[0] == user.id:
        return kept[1]
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None), _visible_to(user))) or 0


def notifications_page(user: User, page: int, per_page: int):
    """The user's notifications, newest first, paginated."""
    stmt = (select(Notification).where(Notification.user_id == user.id, _visible_to(user))
            .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def outbox_page(page: int, per_page: int):
    """Mail written or sent, newest first, for administrators."""
    stmt = select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)

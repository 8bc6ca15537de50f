"""Reads of notifications: the bell's count, the list, the administrators' outbox."""
from __future__ import annotations

from sqlalchemy import exists, func, or_, select, true

from tracker.domain.reminders import may_see
from tracker.extensions import db
from tracker.models import Commitment, CooperationArea, Notification, OutboxMail, User


def _visible_to(user: User):
    """SQL condition: the notification names no restricted field the user may not see."""
    if may_see(user, True):
        return true()
    restricted = (
        select(Commitment.id).join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .where(Commitment.id == Notification.commitment_id, CooperationArea.restricted.is_(True))
    )
    return or_(Notification.commitment_id.is_(None), ~exists(restricted))


def unread_count(user: User) -> int:
    """The bell's number: one COUNT query."""
    if not getattr(user, "is_authenticated", False):
        return 0
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

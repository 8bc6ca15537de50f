"""Reads of accounts and the audit log for the administration pages."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from tracker.domain.text import clean_line
from tracker.extensions import db
from tracker.models import AuditEvent, User


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def users(q: str = "", role: str = "", active: str = "", page: int = 1, per_page: int = 25):
    stmt = select(User).options(selectinload(User.agency), selectinload(User.province)).order_by(User.email)
    term, role = clean_line(q or "")[:200], clean_line(role or "")  # PostgreSQL refuses a NUL in a parameter
    if term:
        stmt = stmt.where(or_(User.email.ilike(_like(term), escape="\\"), User.name.ilike(_like(term), escape="\\")))
    if role:
        stmt = stmt.where(User.role == role)
    if active in ("0", "1"):
        stmt = stmt.where(User.active.is_(active == "1"))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def audit_events(category: str = "", action: str = "", page: int = 1, per_page: int = 50):
    # Filters as typed in the URL: cleaned as stored text is (PostgreSQL refuses a NUL in a parameter).
    category, action = clean_line(category or ""), clean_line(action or "")
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    if category:
        stmt = stmt.where(AuditEvent.category == category)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def events_about_user(user_id: int, limit: int = 20) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "User", AuditEvent.object_id == user_id)
        .order_by(AuditEvent.id.desc()).limit(limit)
    ))

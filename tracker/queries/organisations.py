"""Reads of provinces and agencies."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Agency


def agencies(province_id: int | None = None) -> list[Agency]:
    """Agencies, current and past, by code, with their province and successions loaded."""
    stmt = select(Agency).options(selectinload(Agency.province), selectinload(Agency.successions)).order_by(Agency.code)
    if province_id is not None:
        stmt = stmt.where(Agency.province_id == province_id)
    return list(db.session.scalars(stmt))

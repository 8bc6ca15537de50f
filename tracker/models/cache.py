"""The counter that says when derived figures went stale.

Services that change what the dashboard counts bump ``change_counter`` through
``tracker.status.cache.invalidate``; a figure cached (``tracker.status.cache``: Redis or memory) is
used only while its version equals the counter. Shared by every app process through the database.
"""
from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class ChangeCounter(db.Model):
    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)

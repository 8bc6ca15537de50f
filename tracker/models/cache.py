"""Derived figures kept between requests, and the counter that says when they went stale.

Services that change what the dashboard counts bump ``change_counter`` through
``tracker.status.cache.invalidate``; a cached figure is used only while its version
equals the counter. Shared by every app process through the database.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.models.base import UTCDateTime, utcnow


class ChangeCounter(db.Model):
    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class FigureCache(db.Model):
    __tablename__ = "figure_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Large report documents built in the background (``tasks.build_report``), one row per request.

The file lives in ``REPORT_JOB_DIR`` (beside the upload folder, never under ``static``) under
``stored_name``; it is regenerable, so the daily run removes files and rows older than
``REPORT_JOB_KEEP_DAYS`` and backups leave the folder out.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.codes import JobStatus, ReportJobKind
from tracker.extensions import db
from tracker.models.base import CleanJSON, one_of, utcnow
from tracker.models.users import User


class ReportJob(db.Model):
    __tablename__ = "report_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    # The report's scope and letterhead as the builder chose them (``tasks.build_report`` reads them).
    parameters: Mapped[dict[str, Any]] = mapped_column(CleanJSON)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # 0–100
    message: Mapped[str | None]
    stored_name: Mapped[str | None] = mapped_column(String(200))
    download_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    __table_args__ = (one_of("kind", ReportJobKind), one_of("status", JobStatus))

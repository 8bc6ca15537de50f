"""Report documents built in the background: the ``report_jobs`` row through its life.

``create`` (in the builder's request) → ``start`` → ``advance`` (0–100) → ``store`` (the file,
then the bell) or ``fail`` (a message in the asker's language); ``clean`` removes what is older
than the keeping time. Files go in ``REPORT_JOB_DIR`` under a random name, written to a
temporary file first so a half-built document is never offered. Never commits.
"""
from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, select

from tracker.domain.codes import JobStatus, ReportJobKind
from tracker.extensions import db
from tracker.models import Notification, ReportJob, User
from tracker.models.base import utcnow
from tracker.domain.reminders import report_key
from tracker.services import evidence as store
from tracker.services import notify


def create(user: User, kind: str, parameters: dict) -> ReportJob:
    job = ReportJob(user_id=user.id, kind=ReportJobKind(kind), parameters=parameters, status=JobStatus.QUEUED,
                    progress=0, created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def start(job: ReportJob) -> None:
    job.status, job.progress, job.message = JobStatus.RUNNING, 0, None


def advance(job: ReportJob, percent: int) -> bool:
    """Set the progress (never backwards, at most 99 until the file is stored); True if it moved."""
    percent = max(0, min(99, int(percent)))
    if percent <= job.progress:
        return False
    job.progress = percent
    return True


def store_file(job: ReportJob, folder: str | Path, download_name: str, write: Callable[[BinaryIO], None]) -> None:
    """Write the document with ``write(stream)`` and mark the job done; the asker's bell rings."""
    now = utcnow()
    stored_name = f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{job.kind}"
    target = store.path_for(stored_name, folder)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    job.stored_name, job.download_name, job.size = stored_name, download_name, target.stat().st_size
    job.status, job.progress, job.finished_at = JobStatus.DONE, 100, utcnow()
    notify.report_ready(job)


def fail(job: ReportJob, message: str) -> None:
    job.status, job.message, job.finished_at = JobStatus.FAILED, message, utcnow()


def path_of(job: ReportJob, folder: str | Path) -> Path | None:
    """The job's file if it is done and still there, else None."""
    if job.status != JobStatus.DONE or not job.stored_name:
        return None
    try:
        path = store.path_for(job.stored_name, folder)
    except ValueError:
        return None
    return path if path.is_file() else None


def clean(folder: str | Path, now: datetime, keep_days: int) -> int:
    """Remove the jobs (rows, files, their bell notices) made before ``now - keep_days``, and
    any file in ``folder`` older than that which no row names (a crash, a restored database).
    Returns how many jobs were removed."""
    cutoff = now - timedelta(days=keep_days)
    old = list(db.session.scalars(select(ReportJob).where(ReportJob.created_at < cutoff)))
    for job in old:
        if job.stored_name:
            try:
                store.path_for(job.stored_name, folder).unlink(missing_ok=True)
            except ValueError:
                pass
    if old:
        ids = [job.id for job in old]
        db.session.execute(delete(Notification).where(Notification.dedupe_key.in_([report_key(i) for i in ids])))
        db.session.execute(delete(ReportJob).where(ReportJob.id.in_(ids)))
    _remove_unnamed(Path(folder), cutoff)
    return len(old)


def _remove_unnamed(folder: Path, cutoff: datetime) -> None:
    if not folder.is_dir():
        return
    named = set(db.session.scalars(select(ReportJob.stored_name).where(ReportJob.stored_name.is_not(None))))
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not path.is_symlink() and relative not in named \
                and path.stat().st_mtime < cutoff.timestamp():
            path.unlink()

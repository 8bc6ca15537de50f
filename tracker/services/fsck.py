"""Evidence files against their rows: orphans (a file no row names) and missing files (a row
whose file is gone or no longer has its sha256); orphans can be moved to a quarantine folder.

Nothing here deletes a file. A crash between placing a file and committing its row leaves an
orphan; a file lost or changed on disk leaves a missing one. Files younger than ``grace`` are
left alone: a request may be about to commit the row that names them.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Agreement, EvidenceFile, ImplementingDocument, Meeting
from tracker.services import evidence as store
from tracker.services.backup import sha256_of

DEFAULT_GRACE = timedelta(minutes=15)
QUARANTINE_SUFFIX = "-quarantine"


@dataclass(frozen=True)
class Missing:
    stored_name: str
    evidence_id: int
    update_id: int
    reason: str  # "not_found" or "sha256_differs"
    document_id: int | None = None  # an implementing document's file (evidence_id and update_id are 0)
    agreement_id: int | None = None  # an agreement's signed memorandum (evidence_id and update_id are 0)
    meeting_id: int | None = None  # a meeting's minutes (evidence_id and update_id are 0)

    @property
    def owner(self) -> str:
        if self.agreement_id is not None:
            return f"agreement {self.agreement_id}"
        if self.meeting_id is not None:
            return f"meeting {self.meeting_id}"
        return (f"document {self.document_id}" if self.document_id is not None
                else f"evidence {self.evidence_id}, update {self.update_id}")


@dataclass
class FsckReport:
    orphans: list[str] = field(default_factory=list)  # relative to the upload folder
    missing: list[Missing] = field(default_factory=list)
    young: int = 0  # unnamed files left alone because they may still be committed
    quarantined: dict[str, Path] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.missing and all(name in self.quarantined for name in self.orphans)


def quarantine_dir(upload_dir: str | Path) -> Path:
    """Beside the upload folder (``uploads`` → ``uploads-quarantine``): never served, never backed up."""
    upload = Path(upload_dir)
    return upload.with_name(upload.name + QUARANTINE_SUFFIX)


def _files(upload: Path):
    """Every regular file under ``upload`` as a relative POSIX path; symlinks are not followed."""
    for folder, dirs, files in os.walk(upload, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            yield path.relative_to(upload).as_posix(), path


def check(upload_dir: str | Path, *, now: datetime | None = None, grace: timedelta = DEFAULT_GRACE) -> FsckReport:
    """Compare the upload folder with every ``EvidenceFile`` row, implementing document's file,
    agreement's signed memorandum and meeting's minutes (read through ``db.session``).

    Staging leftovers (``.staging/*``) older than ``grace`` count as orphans too: a request
    that died before cleaning up left them.
    """
    upload = Path(upload_dir)
    now = now or datetime.now(timezone.utc)
    cutoff = (now - grace).timestamp()
    report = FsckReport()
    rows = db.session.execute(
        select(EvidenceFile.id, EvidenceFile.update_id, EvidenceFile.stored_name, EvidenceFile.sha256)
        .order_by(EvidenceFile.id)
    ).all()
    documents = db.session.execute(
        select(ImplementingDocument.id, ImplementingDocument.stored_name, ImplementingDocument.sha256)
        .where(ImplementingDocument.stored_name.is_not(None)).order_by(ImplementingDocument.id)
    ).all()
    agreements = db.session.execute(
        select(Agreement.id, Agreement.source_stored_name, Agreement.source_sha256)
        .where(Agreement.source_stored_name.is_not(None)).order_by(Agreement.id)
    ).all()
    minutes = db.session.execute(
        select(Meeting.id, Meeting.stored_name, Meeting.sha256)
        .where(Meeting.stored_name.is_not(None)).order_by(Meeting.id)
    ).all()
    named = {row.stored_name for row in (*rows, *documents, *minutes)}
    named |= {row.source_stored_name for row in agreements}
    owned = [(row.stored_name, row.sha256, (row.id, row.update_id, None, None, None)) for row in rows]
    owned += [(row.stored_name, row.sha256, (0, 0, row.id, None, None)) for row in documents]
    owned += [(row.source_stored_name, row.source_sha256, (0, 0, None, row.id, None)) for row in agreements]
    owned += [(row.stored_name, row.sha256, (0, 0, None, None, row.id)) for row in minutes]
    for stored_name, sha256, owner in owned:
        try:
            path = store.path_for(stored_name, upload)
        except ValueError:
            path = None
        if path is None or not path.is_file():
            report.missing.append(Missing(stored_name, owner[0], owner[1], "not_found", *owner[2:]))
        elif sha256_of(path) != sha256:
            report.missing.append(Missing(stored_name, owner[0], owner[1], "sha256_differs", *owner[2:]))
    if upload.is_dir():
        for relative, path in _files(upload):
            if relative in named:
                continue
            if path.lstat().st_mtime > cutoff:
                report.young += 1
            else:
                report.orphans.append(relative)
    return report


def quarantine(report: FsckReport, upload_dir: str | Path, *, now: datetime | None = None) -> Path:
    """Move every orphan of ``report`` into ``<uploads>-quarantine/<UTC time>/``, keeping its path."""
    upload = Path(upload_dir)
    now = now or datetime.now(timezone.utc)
    target = quarantine_dir(upload) / f"{now:%Y%m%dT%H%M%SZ}"
    for relative in report.orphans:
        destination = target / relative
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.move(upload / relative, destination)  # a rename on one file system, copy-then-remove across
        report.quarantined[relative] = destination
    return target

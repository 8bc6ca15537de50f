"""Taking an attached file off a draft (a submitted update's files never change).

The row goes in the caller's transaction, with an audit event; the file itself is
deleted by the caller after the commit (``evidence.path_for``), and if that fails it is
an orphan ``flask fsck`` finds. Never commits.
"""
from __future__ import annotations

from tracker.extensions import db
from tracker.models import EvidenceFile, UpdateStatus, User
from tracker.services import audit


class NotADraft(ValueError):
    """The file belongs to an update that was submitted already."""


def remove(item: EvidenceFile, actor: User) -> str:
    """Remove the file from its draft; the stored name, for the caller to delete after committing."""
    update = item.update
    if update.status != UpdateStatus.DRAFT:
        raise NotADraft(update.status)
    stored_name = item.stored_name
    audit.record("evidence_removed", actor=actor, category=audit.DATA, obj=update,
                 commitment_id=update.commitment_id,
                 before={"file": item.original_name, "sha256": item.sha256}, after=None)
    update.evidence.remove(item)
    db.session.delete(item)
    return stored_name

"""Test data with overridable defaults: the accounts, users, commitments, updates and approvals
tests build on. Every argument has a default that gives the common case; a test names only
what it is about. Fixtures stay in conftest.py; these are plain functions to import.
"""
from __future__ import annotations

import io
import secrets
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

from sqlalchemy import select

from tracker import clock
from tracker.extensions import db
from tracker.services import accounts

# The suite's "today" in Vietnam: tests/conftest.py fixes tracker.clock.today to it, so no
# test depends on the day it runs. A module that needs another day sets its own autouse
# fixture (monkeypatch.setattr(clock, "today", ...)), which runs after the global one.
TODAY = date(2026, 11, 26)

PASSWORD = "Hồ-Gươm-mùa-thu-2026"
# One account per role, scoped to today's provinces and agencies (created once per app).
ACCOUNTS = {
    "admin": accounts.NewUser(email="admin@example.com", role="admin", name="Quản trị"),
    "coordinator": accounts.NewUser(email="daumoi@example.com", role="coordinator", name="Đầu mối TN", province="TN"),
    "officer": accounts.NewUser(email="canbo@example.com", role="officer", name="Cán bộ STC", agency="TN-STC"),
    "viewer": accounts.NewUser(email="lanhdao@example.com", role="viewer", name="Lãnh đạo"),
    "cleared_viewer": accounts.NewUser(email="lanhdao.mat@example.com", role="viewer", name="Lãnh đạo", cleared=True),
}

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def user(email: str = "admin@example.com"):
    from tracker.models import User

    return db.session.scalar(select(User).where(User.email == email))


def agreement(code: str = "TN-BG-2023"):
    """The seeded memorandum (Thái Nguyên - Bắc Giang, now Bắc Ninh)."""
    from tracker.models import Agreement

    return db.session.scalar(select(Agreement).where(Agreement.code == code))


@contextmanager
def cheap_hashes():
    """New passwords hashed with the test apps' cheap method (``tests.apps.TEST_HASH_METHOD``)
    where no app context says so: tests make users outside one, where the service falls back to
    scrypt (~0.25 s CPU for the hash, and as much again for each sign-in of that user)."""
    from tests.apps import TEST_HASH_METHOD

    with mock.patch.object(accounts, "hash_method", lambda: TEST_HASH_METHOD):
        yield


def make_user(email: str, role: str = "viewer", *, name: str | None = None, agency: str | None = None,
              province: str | None = None, language: str = "vi", cleared: bool = False, password: str = PASSWORD,
              **changes):
    """A user made through the accounts service (committed); ``changes`` set columns afterwards."""
    with cheap_hashes():
        made = accounts.create_user(accounts.NewUser(email=email, role=role, name=name or email.split("@")[0],
                                                     agency=agency, province=province, language=language,
                                                     cleared=cleared), password)
    for column, value in changes.items():
        setattr(made, column, value)
    db.session.commit()
    return made


def officer_commitment():
    """A commitment (not restricted, with a due date) that today's Sở Tài chính Thái Nguyên leads."""
    from tracker.models import Agency, Assignment, Commitment, CooperationArea

    agency = db.session.scalar(select(Agency).where(Agency.code == "TN-STC"))
    return db.session.scalar(
        select(Commitment).join(Commitment.area).join(Assignment, Assignment.commitment_id == Commitment.id)
        .where(Assignment.agency_id == agency.id, Assignment.valid_to.is_(None), Assignment.role == "lead",
               CooperationArea.restricted.is_(False), Commitment.due_date.is_not(None))
        .order_by(Commitment.id)
    )


def make_update(app, commitment, *, email="canbo@example.com", submit=True, state="in_progress", percent=40,
                as_of=None, results="Đã họp liên ngành", evidence=False, token=None):
    """An update written through the service, as the officer would, with an optional PDF."""
    from werkzeug.datastructures import FileStorage

    from tracker.models import EvidenceFile
    from tracker.permissions import reportable_assignments
    from tracker.services import evidence as store
    from tracker.services import progress

    author = user(email)
    today = clock.today()
    assignment = reportable_assignments(author, commitment, today)[0]
    update = progress.create(
        commitment, assignment, author,
        progress.UpdateData(state=state, percent=str(percent), as_of=as_of or today, results=results),
        submit=submit, form_token=token or secrets.token_hex(8), today=today,
    )
    if evidence:
        upload_dir = app.config["UPLOAD_DIR"]
        staged = store.stage(FileStorage(io.BytesIO(PDF_BYTES), filename="Biên bản họp.pdf"), upload_dir, 10_000_000)
        update.evidence.append(EvidenceFile(
            original_name=staged.original_name, stored_name=store.place(staged, upload_dir),
            kind=staged.kind, content_type=staged.content_type, size=staged.size, sha256=staged.sha256,
            uploader_id=author.id,
        ))
    db.session.commit()
    return update


def approve(commitment, state: str = "in_progress", percent: int = 40, as_of: date | None = None,
            at: datetime | None = None, *, party_id: int | None = None, reviewer=None, results: str | None = None,
            today: date | None = None) -> list:
    """Each current lead of ``commitment`` (or only ``party_id``'s) reports ``state``/``percent``
    as of ``as_of`` and is approved at ``at``; the sides' spans are refreshed and committed.

    Defaults: as of today, approved at noon today (Vietnam), by the administrator, submitted on
    ``today`` (default: 30 days after ``as_of``, so no period deadline makes it late by accident).
    """
    from tracker.services import progress
    from tracker.status import spans

    as_of = as_of or clock.today()
    at = at or clock.start_of_day_utc(as_of) + timedelta(hours=12)
    reviewer = reviewer or user("admin@example.com")
    updates = []
    for lead in [a for a in commitment.assignments if a.valid_to is None and a.role == "lead"
                 and (party_id is None or a.party_id == party_id)]:
        update = progress.create(commitment, lead, reviewer, progress.UpdateData(state, str(percent), as_of,
                                                                                 results=results),
                                 submit=True, form_token=f"t{lead.id}-{as_of}-{state}-{at.isoformat()}",
                                 today=today or as_of + timedelta(days=30))
        progress.approve(update, reviewer)
        update.reviewed_at = at
        spans.refresh_side(update.commitment_id, update.party_id)
        updates.append(update)
    db.session.commit()
    return updates


def shared_commitments():
    """Commitments (not restricted) led today by two or more party provinces, in id order."""
    from tracker.models import Commitment, CooperationArea

    return [c for c in db.session.scalars(select(Commitment).join(Commitment.area)
                                          .where(CooperationArea.restricted.is_(False)).order_by(Commitment.id))
            if len({a.party_id for a in c.assignments if a.role == "lead" and a.valid_to is None}) >= 2]


def partner_done(commitment, coordinator_email: str = "daumoi@example.com"):
    """The side of ``commitment`` other than the coordinator's province reports it done (approved);
    returns that update and the request to the coordinator's province to confirm it."""
    from tracker.models import UpdateConfirmation
    from tracker.permissions import acting_province_ids

    mine = acting_province_ids(user(coordinator_email), clock.today())
    other = next(a.party_id for a in commitment.assignments
                 if a.role == "lead" and a.valid_to is None and a.party.province_id not in mine)
    from tracker.services import progress

    lead = next(a for a in commitment.assignments if a.valid_to is None and a.role == "lead" and a.party_id == other)
    admin = user("admin@example.com")
    today = clock.today()
    update = progress.create(commitment, lead, admin, progress.UpdateData("done", "100", today),
                             submit=True, form_token=secrets.token_hex(8), today=today)
    progress.approve(update, admin)  # made again and again in one transaction: a fresh form token each time
    db.session.commit()
    row = db.session.scalar(select(UpdateConfirmation).where(UpdateConfirmation.update_id == update.id))
    return update, row

"""Demonstration progress on the seeded agreement, added by ``flask users demo`` with the demo
accounts: partner confirmation (a shared commitment completed by one side and confirmed by the
other, another disputed with a reason) and the early warning (a few demonstration commitments
given a later deadline, so that on today's date some sides are at risk and one is on track).

Only on demonstration commitments (``is_demo``) of an agreement with no progress yet, through
the same services a person would use (reports, approval, confirmation, deadline extension);
every text written is marked "[Minh họa]". Flush, never commit.
"""
from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.domain.codes import Role, UserRole
from tracker.extensions import db
from tracker.models import Agreement, Commitment, ProgressUpdate, UpdateConfirmation, User
from tracker.services import confirmation, progress
from tracker.status import spans
from tracker.status.cache import invalidate

MARK = "[Minh họa]"
# (share of each later side's report, or None for no report): the early-warning picture.
WARNING_REPORTS = ((35, None), (70, 50), (90, 85))
DISPUTE_REASON = f"{MARK} Chưa có biên bản nghiệm thu chung của hai tỉnh; đề nghị bổ sung trước khi xác nhận."


# What the demonstration added: "reports", "confirmed", "disputed", "extended" -> how many.
DemoProgress = Counter[str]


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _coordinators() -> dict[int, User]:
    """The active coordinator of each province (the demo accounts: one a province)."""
    rows = db.session.scalars(select(User).where(User.role == UserRole.COORDINATOR.value, User.active.is_(True))
                              .order_by(User.id))
    out: dict[int, User] = {}
    for user in rows:
        out.setdefault(user.province_id, user)
    return out


def _leads(commitment: Commitment) -> list:
    """Today's lead assignments, one a side, in party order."""
    leads = {a.party_id: a for a in commitment.current_assignments if a.role == Role.LEAD.value}
    return sorted(leads.values(), key=lambda a: a.party.position)


def _report(commitment: Commitment, lead, author: User, reviewer: User, state: str, percent: int, as_of: date,
            results: str) -> ProgressUpdate:
    update = progress.create(commitment, lead, author, progress.UpdateData(state, str(percent), as_of,
                                                                           results=f"{MARK} {results}"),
                             submit=True, form_token=f"demo-{commitment.id}-{lead.party_id}-{state}", today=as_of)
    progress.approve(update, reviewer)
    spans.refresh_side(commitment.id, lead.party_id)
    return update


def demonstrate(agreement: Agreement, admin: User, today: date) -> DemoProgress | None:
    """Add the demonstration; None (nothing written) when the agreement already has progress, or
    lacks the shared demonstration commitments and the coordinators of both sides."""
    if db.session.scalar(select(func.count(ProgressUpdate.id)).join(Commitment)
                         .where(Commitment.area.has(agreement_id=agreement.id))):
        return None
    coordinators = _coordinators()
    shared = [c for area in agreement.areas if not area.restricted for c in area.commitments
              if c.is_demo and c.removed_on is None and len(_leads(c)) >= 2
              and all(_successor_coordinator(lead, coordinators) is not None for lead in _leads(c))]
    dated = [c for c in shared if c.due_date is not None and not c.recurring]
    if len(shared) < 2 or len(dated) < 2 + len(WARNING_REPORTS):
        return None
    done: DemoProgress = Counter()
    _partner_confirmation(dated[0], dated[1], coordinators, admin, today, done)
    _early_warning(dated[2:2 + len(WARNING_REPORTS)], coordinators, admin, today, done)
    return done


def _successor_coordinator(lead, coordinators: dict[int, User]) -> User | None:
    """The coordinator acting for the lead's side today: its province's, or its successor's (mergers)."""
    province = lead.party.province
    seen = set()
    while province is not None and province.id not in seen:
        if province.id in coordinators:
            return coordinators[province.id]
        seen.add(province.id)
        province = next((s.successor for s in province.successions), None)
    return None


def _partner_confirmation(confirmed: Commitment, disputed: Commitment, coordinators, admin: User, today: date,
                          done: DemoProgress) -> None:
    for commitment, (reporting, partner) in ((confirmed, _leads(confirmed)[:2]),
                                             (disputed, list(reversed(_leads(disputed)[:2])))):
        author = _successor_coordinator(reporting, coordinators)
        update = _report(commitment, reporting, author, admin, "done", 100, today - timedelta(days=20),
                         "Đã hoàn thành phần việc của tỉnh, gửi tỉnh bạn xác nhận.")
        done["reports"] += 1
        row = db.session.scalar(select(UpdateConfirmation).where(UpdateConfirmation.update_id == update.id,
                                                                 UpdateConfirmation.party_id == partner.party_id))
        if row is None:
            continue
        other = _successor_coordinator(partner, coordinators)
        if commitment is confirmed:
            confirmation.confirm(row, other)
            done["confirmed"] += 1
        else:
            confirmation.dispute(row, other, DISPUTE_REASON)
            done["disputed"] += 1


def _early_warning(commitments: list[Commitment], coordinators, admin: User, today: date, done: DemoProgress) -> None:
    """Each commitment's deadline moves to about seven months from today (its start kept), so two
    thirds and more of its time has passed: a side far behind (or silent) is at risk today."""
    new_due = _end_of_month(today + timedelta(days=200))
    for commitment, shares in zip(commitments, WARNING_REPORTS):
        if commitment.start_date is None:
            commitment.start_date = commitment.area.agreement.period_start
        progress.extend_deadline(commitment, admin, new_due, f"{MARK} Gia hạn để minh họa cảnh báo sớm "
                                 "(nguy cơ chậm tiến độ).", today=today)
        done["extended"] += 1
        for lead, share in zip(_leads(commitment), shares):
            if share is None:
                continue
            author = _successor_coordinator(lead, coordinators)
            _report(commitment, lead, author, admin, "in_progress", share, today - timedelta(days=7),
                    f"Đã thực hiện khoảng {share} % khối lượng công việc.")
            done["reports"] += 1
    invalidate()

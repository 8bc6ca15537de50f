"""Partner confirmation of a shared completion: asking, confirming, disputing, withdrawing.

The rules come from ``domain.confirmation``. A dispute and its withdrawal rebuild the
side's spans, so every surface that counts (cards, charts, lists, reports, the API) sees
the disputed completion as not done from the dispute's day. Every step is audited and
told to the people concerned. Never commits.
"""
from __future__ import annotations

from sqlalchemy import select

from tracker import clock
from tracker.domain.codes import Role
from tracker.domain.confirmation import Action, State, needs_reason, next_state, partners_to_ask
from tracker.domain.problems import Problems
from tracker.extensions import db
from tracker.models import ProgressUpdate, UpdateConfirmation, User
from tracker.models.base import utcnow
from tracker.services import audit, notify
from tracker.status import spans as status
from tracker.status.cache import invalidate


class ConfirmationError(Problems):
    """A problem with what was typed, by field (``reason``: ``reason_required``)."""


def _leads_today(update: ProgressUpdate) -> set[int]:
    today = clock.today()
    return {a.party_id for a in update.commitment.assignments
            if a.role == Role.LEAD and a.valid_from <= today and (a.valid_to is None or a.valid_to >= today)}


def _step(row: UpdateConfirmation, action: Action, actor: User | None, **details) -> None:
    before = row.state
    row.state = next_state(row.state, action).value
    row.actor = actor
    row.at = utcnow()
    audit.record(f"confirmation_{action.value}", actor=actor, category=audit.DATA, obj=row.update,
                 commitment_id=row.update.commitment_id, before={"state": before},
                 after={"state": row.state, "party_id": row.party_id}, **details)


def ask(update: ProgressUpdate, reviewer: User) -> list[UpdateConfirmation]:
    """After ``update`` is approved: earlier open requests of its side are replaced, and if it
    reports a shared commitment done, the other party provinces are asked to confirm."""
    if update.role != Role.LEAD:
        return []
    older = db.session.scalars(
        select(UpdateConfirmation).join(ProgressUpdate, ProgressUpdate.id == UpdateConfirmation.update_id)
        .where(ProgressUpdate.commitment_id == update.commitment_id, ProgressUpdate.party_id == update.party_id,
               ProgressUpdate.id != update.id,
               UpdateConfirmation.state.in_([State.AWAITING.value, State.DISPUTED.value]))
    )
    for row in older:
        _step(row, Action.REPLACE, reviewer, replaced_by=update.id)
    partners = partners_to_ask(update.state, update.role, update.party_id, _leads_today(update))
    rows = [UpdateConfirmation(update=update, party_id=pid, state=State.AWAITING.value) for pid in partners]
    if not rows:
        return []
    db.session.add_all(rows)
    db.session.flush()
    audit.record("confirmation_requested", actor=reviewer, category=audit.DATA, obj=update,
                 commitment_id=update.commitment_id, after={"party_ids": partners})
    notify.confirm_asked(update, {r.party.province_id for r in rows})
    invalidate(commitments=[update.commitment_id])
    return rows


def confirm(row: UpdateConfirmation, actor: User) -> None:
    _step(row, Action.CONFIRM, actor)
    db.session.flush()
    invalidate(commitments=[row.update.commitment_id])


def dispute(row: UpdateConfirmation, actor: User, reason: str | None) -> None:
    """The partner disputes: from today the completion counts as not done, until withdrawn or replaced."""
    if needs_reason(Action.DISPUTE, reason):
        raise ConfirmationError({"reason": "reason_required"})
    _step(row, Action.DISPUTE, actor, reason=reason.strip())
    row.reason = reason.strip()
    row.disputed_at = row.at
    status.refresh_side(row.update.commitment_id, row.update.party_id)
    notify.disputed(row.update, actor)


def withdraw(row: UpdateConfirmation, actor: User) -> None:
    """The disputing coordinator withdraws: the completion counts again from today."""
    _step(row, Action.WITHDRAW, actor)
    row.withdrawn_at = row.at
    status.refresh_side(row.update.commitment_id, row.update.party_id)

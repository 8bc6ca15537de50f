"""Writing reporting periods: storing an agreement's schedule and closing its periods.

Reading them (the schedule, which periods exist, the one an update reports for) is
``tracker.status.periods``. Closing records a ``PeriodClosure`` and freezes every side's
standing in ``PeriodSnapshot``: the period's reports read the snapshot and never change.
A period also closes by itself ``auto_close_days`` after its deadline, frozen as it stood
at the end of that day. Services flush and audit; the caller commits.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select

from tracker.extensions import db
from tracker.models import Agreement, AgreementParty, Commitment, CooperationArea, PeriodClosure, PeriodSnapshot, ReportingSchedule, SideStatus, User
from tracker.services import audit
from tracker.status.cache import invalidate
from tracker.status.periods import PeriodView, default_schedule, periods_of
from tracker.status.sql import valid_on


def ensure_schedule(agreement: Agreement) -> ReportingSchedule:
    """Store the agreement's schedule (the Decree 09 default) if it has none; made with the agreement."""
    stored = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == agreement.id))
    if stored is None:
        stored = default_schedule(agreement.id)
        db.session.add(stored)
        db.session.flush()
    return stored


def _snapshot(closure: PeriodClosure, agreement_id: int, day: date) -> None:
    rows = db.session.execute(
        select(Commitment.id, AgreementParty.id, SideStatus.update_id, SideStatus.state, SideStatus.percent,
               SideStatus.done_on)
        .select_from(Commitment)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(AgreementParty, AgreementParty.agreement_id == CooperationArea.agreement_id)
        .outerjoin(SideStatus, and_(SideStatus.commitment_id == Commitment.id, SideStatus.party_id == AgreementParty.id,
                                    valid_on(day)))
        .where(CooperationArea.agreement_id == agreement_id)
    )
    db.session.execute(PeriodSnapshot.__table__.insert(), [
        {"closure_id": closure.id, "commitment_id": c, "party_id": p, "update_id": u, "state": s, "percent": pc,
         "done_on": d}
        for c, p, u, s, pc, d in rows
    ])


def close(agreement: Agreement, view: PeriodView, actor: User | None, today: date, *, automatic: bool = False) -> PeriodClosure:
    """Close the period and freeze its standings as they are now (or at the automatic closing day)."""
    if view.closure is not None:
        return view.closure
    automatic = automatic or view.closes_on < today  # past its closing day: frozen as of that day
    day = view.closes_on if automatic else today
    closure = PeriodClosure(agreement_id=agreement.id, period_key=view.period.key, closed_on=day,
                            closed_by_id=actor.id if actor else None, automatic=automatic)
    db.session.add(closure)
    db.session.flush()
    _snapshot(closure, agreement.id, day)
    invalidate(commitments=[])  # its reports print the snapshot; no standing of today changes
    audit.record("period_closed", actor=actor, category=audit.DATA, obj=closure, period=view.period.key,
                 automatic=automatic)
    return closure


def close_due(agreement: Agreement, today: date) -> list[PeriodClosure]:
    """Close the periods whose automatic closing day has passed (safe to run again)."""
    return [close(agreement, v, None, today, automatic=True)
            for v in periods_of(agreement, today) if v.closure is None and v.closes_on < today]

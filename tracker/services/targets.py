"""Setting a commitment's numeric target: a new effective-dated row with its reason, audited."""
from __future__ import annotations

from datetime import date

from tracker.domain.deadlines import FROM_THE_START
from tracker.extensions import db
from tracker.models import AgreementParty, Commitment, CommitmentTarget, User
from tracker.services import audit
from tracker.services.plan_edit import CORRECTION, PlanEditError
from tracker.status.cache import invalidate


def set_target(commitment: Commitment, party: AgreementParty | None, *, year: int, unit: str, value: float,
               baseline: float | None, reason_code: str, reason: str, actor: User, today: date) -> CommitmentTarget:
    """In force from today (a correction of a mistyped target: from the start); earlier days keep the old one."""
    if value is None or value < 0:
        raise PlanEditError({"value": "value_invalid"})
    target = CommitmentTarget(commitment=commitment, party=party, year=year, unit=unit.strip(), value=value,
                              baseline=baseline, reason=reason, actor=actor,
                              effective_on=FROM_THE_START if reason_code == CORRECTION else today)
    db.session.add(target)
    db.session.flush()
    audit.record("target_set", actor=actor, category=audit.DATA, obj=target, commitment_id=commitment.id,
                 reason=reason, year=year, unit=target.unit, value=value, baseline=baseline,
                 side=party.province.code if party else None, effective_on=target.effective_on.isoformat())
    invalidate(commitments=[commitment.id])
    return target

"""Who owed a report for a period and how it was met, as SQL (the compliance page, the
dashboard's card, and the kept standings: ``tracker.status.standings``).

An agency owes a report for each commitment it leads (as assigned at the period's end)
unless the commitment was already finished or dropped when the period began, or is not
due to start until after the period. Submitted means an update of that agency on that
commitment, dated in the period's window, submitted; on time means by the end of the
deadline day, Vietnam time.
"""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from tracker.clock import end_of_day_utc
from tracker.domain.codes import Role
from tracker.domain.periods import Period
from tracker.models import Agency, AgreementParty, Assignment, Commitment, CooperationArea, ProgressUpdate
from tracker.status.built import built_once
from tracker.status.sql import spans_held_on

ON_TIME, LATE, MISSING = "on_time", "late", "missing"


@built_once
def owed(agreement_id: int | set[int], period: Period, *, see_restricted: bool = True,
         province_ids: set[int] | None = None, area_id: int | None = None, agency_ids: set[int] | None = None,
         meeting_id: int | None = None, within=None):
    """The statement of every (lead agency, commitment) owing a report for ``period``: agency id,
    name and province, commitment id, code, title and area, the assignment's id, the first
    submission's time (NULL: none), the agreement and whether the field is restricted. ``within``: only these commitments (ids)."""
    of_agreement = (CooperationArea.agreement_id.in_(agreement_id) if isinstance(agreement_id, set)
                    else CooperationArea.agreement_id == agreement_id)
    # The agreement's commitments only: the two reads below would otherwise scan every agreement's rows.
    in_scope = select(Commitment.id).join(CooperationArea, CooperationArea.id == Commitment.area_id).where(of_agreement)
    if within is not None:
        in_scope = in_scope.where(Commitment.id.in_(within))
    held = spans_held_on(period.start, in_scope)
    finished_before = select(held.c.commitment_id).where(held.c.state.in_(("done", "dropped"))).group_by(
        held.c.commitment_id)
    first_submission = (
        select(ProgressUpdate.commitment_id, ProgressUpdate.agency_id,
               func.min(ProgressUpdate.submitted_at).label("submitted_at"))
        .where(ProgressUpdate.submitted_at.is_not(None), ProgressUpdate.as_of.between(period.start, period.end),
               ProgressUpdate.commitment_id.in_(in_scope))
        .group_by(ProgressUpdate.commitment_id, ProgressUpdate.agency_id)
        .subquery()
    )
    stmt = (
        select(Assignment.agency_id, Agency.name, Agency.province_id, Commitment.id, Commitment.code, Commitment.title,
               Commitment.area_id, Assignment.id, first_submission.c.submitted_at, CooperationArea.agreement_id,
               CooperationArea.restricted)
        .select_from(Assignment)
        .join(Commitment, Commitment.id == Assignment.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(Agency, Agency.id == Assignment.agency_id)
        .join(AgreementParty, AgreementParty.id == Assignment.party_id)
        .outerjoin(first_submission, and_(first_submission.c.commitment_id == Commitment.id,
                                          first_submission.c.agency_id == Assignment.agency_id))
        .where(
            of_agreement,
            Assignment.role == Role.LEAD,
            Assignment.valid_from <= period.end,
            or_(Assignment.valid_to.is_(None), Assignment.valid_to >= period.end),
            or_(Commitment.start_date.is_(None), Commitment.start_date <= period.end),
            Commitment.id.not_in(finished_before),
        )
        .order_by(Agency.name, Commitment.sort_key)
    )
    if within is not None:
        stmt = stmt.where(Commitment.id.in_(within))
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    if area_id is not None:
        stmt = stmt.where(Commitment.area_id == area_id)
    if meeting_id is not None:
        stmt = stmt.where(Commitment.meeting_id == meeting_id)
    if province_ids is not None:
        stmt = stmt.where(AgreementParty.province_id.in_(province_ids) | Agency.province_id.in_(province_ids))
    if agency_ids is not None:
        stmt = stmt.where(Assignment.agency_id.in_(agency_ids))
    return stmt


def judged(submitted, period: Period) -> str:
    """On time, late or missing: a first submission's time against the period's deadline."""
    if submitted is None:
        return MISSING
    deadline = end_of_day_utc(period.deadline)
    submitted = submitted if submitted.tzinfo else submitted.replace(tzinfo=deadline.tzinfo)
    return ON_TIME if submitted < deadline else LATE

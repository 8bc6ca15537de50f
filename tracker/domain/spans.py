"""A side's standing as spans of days, from its approved updates in order of approval.

On any date the standing is the latest report (by as-of date, then approval) among the
updates approved by that date. Each approval day can change it; between two such days
it holds. ``spans`` turns the approvals into those stretches, for a table that SQL can
count over without reading every update.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from tracker.domain.confirmation import Dispute, as_disputed, change_days
from tracker.domain.status import ApprovedReport, SideReport, latest_side_report


@dataclass(frozen=True)
class Approval:
    update_id: int
    state: str
    percent: int
    as_of: date
    approved_on: date  # the Vietnam day of approval
    approved_at: datetime


@dataclass(frozen=True)
class Span:
    update_id: int
    report: SideReport
    effective_from: date
    effective_to: date | None  # exclusive; None while current


def spans(approvals: list[Approval], disputes: Sequence[Dispute] = ()) -> list[Span]:
    """Stretches of days with one standing each, oldest first; days without change are merged.

    A partner's dispute (``domain.confirmation``) changes the standing on the day it is
    raised and on the day it is withdrawn: in between, the disputed DONE counts as in progress.
    """
    ordered = sorted(approvals, key=lambda a: (a.approved_on, a.approved_at, a.update_id))
    if not ordered:
        return []
    first = ordered[0].approved_on
    days = sorted({a.approved_on for a in ordered} | {d for d in change_days(disputes) if d > first})
    result: list[Span] = []
    for i, day in enumerate(days):
        known = sorted((a for a in ordered if a.approved_on <= day), key=lambda a: (a.as_of, a.approved_at, a.update_id))
        known = as_disputed(known, disputes, day)
        report = latest_side_report(ApprovedReport(a.state, a.percent, a.as_of) for a in known)
        latest_id = known[-1].update_id
        end = days[i + 1] if i + 1 < len(days) else None
        if result and result[-1].report == report and result[-1].update_id == latest_id:
            result[-1] = Span(latest_id, report, result[-1].effective_from, end)  # nothing changed that day
        else:
            result.append(Span(latest_id, report, day, end))
    return result

"""Building the status report's data (``domain.report.StatusReport``) for a scope and a date.

A report *as of* a date counts the side-status spans valid that day: only updates
approved by then. A report for a *closed period* reads the period's frozen snapshot, so
it never changes; an open period shows today's approved standing, judged at the
period's cut-off. Aggregation in SQL; one pass over the rows for the annex.
"""
from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from tracker.domain.codes import Role, UpdateStatus
from tracker.domain.meetings import title as meeting_title
from tracker.clock import end_of_day_utc, start_of_day_utc
from tracker.domain.periods import Frequency, period_for
from tracker.domain.report import (
    AnnexRow,
    ChangeRow,
    Counts,
    Letterhead,
    SideLine,
    StatusReport,
    UpdateRow,
    not_done_reason,
    short_province,
)
from tracker.domain.status import CATEGORY_ORDER
from tracker.extensions import db
from tracker.postgresql import large_read
from tracker.queries.report_sections import documents_of, meetings_of, origins_of
from tracker.models import (Agency, Agreement, AgreementParty, Assignment, Commitment, CooperationArea,
                            DeadlineExtension, Meeting, ProgressUpdate, User)
from tracker.status import sql as status_sql
from tracker.queries import confirmations as confirmation_queries
from tracker.queries.commitments import agency_lineage, hidden_restricted, province_lineage
from tracker.status import periods as period_service


@dataclass(frozen=True)
class Scope:
    agreement: Agreement | None  # None: every agreement (as-of reports only)
    as_of: date | None = None
    period_key: str | None = None
    province: int | None = None
    areas: tuple[int, ...] = ()
    agency: int | None = None
    see_restricted: bool = False


def scope_parameters(scope: Scope) -> dict:
    """The scope as JSON (a background job's ``parameters``); ``scope_from`` reads it back."""
    return {"agreement": scope.agreement.id if scope.agreement else None,
            "as_of": scope.as_of.isoformat() if scope.as_of else None, "period": scope.period_key,
            "province": scope.province, "areas": list(scope.areas), "agency": scope.agency,
            "see_restricted": scope.see_restricted}


def scope_from(parameters: dict) -> Scope:
    """The scope ``scope_parameters`` wrote; ``ReportError`` if its agreement is gone."""
    agreement = None
    if parameters.get("agreement") is not None:
        agreement = db.session.get(Agreement, parameters["agreement"])
        if agreement is None:
            raise ReportError(str(parameters["agreement"]))
    as_of = parameters.get("as_of")
    return Scope(agreement=agreement, as_of=date.fromisoformat(as_of) if as_of else None,
                 period_key=parameters.get("period"), province=parameters.get("province"),
                 areas=tuple(parameters.get("areas") or ()), agency=parameters.get("agency"),
                 see_restricted=bool(parameters.get("see_restricted")))


class ReportError(ValueError):
    """The period asked for does not exist for this agreement."""


def _scoped(stmt, scope: Scope):
    if scope.agreement is not None:
        stmt = stmt.where(CooperationArea.agreement_id == scope.agreement.id)
    if scope.areas:
        stmt = stmt.where(Commitment.area_id.in_(scope.areas))
    if not scope.see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    if scope.agency is not None:
        stmt = stmt.where(Commitment.id.in_(
            select(Assignment.commitment_id).where(Assignment.agency_id.in_(agency_lineage(scope.agency)))))
    return stmt


def _counts(pairs) -> Counts:
    counts = {c.value: 0 for c in CATEGORY_ORDER}
    for category, n in pairs:
        counts[category] += n
    return Counts(counts)


@dataclass(frozen=True)
class _Frame:
    judged_on: date
    source: object  # the spans (or snapshot) the categories are read from
    cutoff: object
    period_label: str | None
    window_start: date | None
    window: tuple[date, date]
    provinces: object


def _frame(scope: Scope, today: date) -> _Frame:
    agreement = scope.agreement
    cutoff = end_of_day_utc(scope.as_of or today)
    if scope.period_key:
        if agreement is None:
            raise ReportError(scope.period_key)
        view = period_service.find(agreement, scope.period_key, today)
        if view is None:
            raise ReportError(scope.period_key)
        period = view.period
        judged_on = min(period.end, today)
        if view.closure:
            source, cutoff = status_sql.snapshot_of(view.closure.id), view.closure.closed_at
        elif view.frozen_on:  # past its automatic closing day: as it stood at the end of that day
            source, cutoff = status_sql.spans_on(view.frozen_on), end_of_day_utc(view.frozen_on)
        else:
            source = status_sql.spans_on(today)
        return _Frame(judged_on, source, cutoff, period.label_vi, period.start, (period.start, period.end),
                      province_lineage(scope.province) if scope.province else None)
    judged_on = scope.as_of or today
    half = period_for(Frequency.HALF_YEAR, judged_on)
    return _Frame(judged_on, status_sql.spans_on(judged_on), cutoff, None, None, (half.start, judged_on),
                  province_lineage(scope.province) if scope.province else None)


def _items(scope: Scope, frame: _Frame):
    """The annex's rows: categories per commitment (or per the chosen province's side), in SQL."""
    if frame.provinces is None:
        rows = status_sql.commitments(frame.judged_on, frame.source).subquery()
    else:
        rows = (status_sql.sides(frame.judged_on, frame.source)
                .where(AgreementParty.province_id.in_(frame.provinces)).subquery())
    # Plain columns, not ORM objects: a report may hold every commitment of 300 agreements.
    # The due date is the one in force on the report's date: a later extension is not seen.
    return _scoped(select(Commitment.id, Commitment.code, Commitment.title, rows.c.due_date,
                          Commitment.original_due_date, Commitment.recurring, Commitment.deliverable,
                          CooperationArea.number, CooperationArea.name, rows.c.category, rows.c.percent,
                          Commitment.carried_from_id,
                          Meeting.kind.label("meeting_kind"), Meeting.held_on.label("meeting_held_on"))
                   .select_from(rows).join(Commitment, Commitment.id == rows.c.commitment_id)
                   .join(CooperationArea, CooperationArea.id == Commitment.area_id)
                   .outerjoin(Meeting, Meeting.id == Commitment.meeting_id), scope)


def row_count(scope: Scope, today: date) -> int:
    """How many rows ``build`` would put in the annex (one COUNT): whether a document fits a request."""
    return db.session.scalar(select(func.count()).select_from(_items(scope, _frame(scope, today)).subquery())) or 0


def build(scope: Scope, today: date, letterhead: Letterhead | None = None) -> StatusReport:
    """The report of ``scope`` on ``today``. The cyclic garbage collector pauses meanwhile: the
    hundreds of thousands of rows it makes hold no cycles, and scanning them again and again
    took a quarter of a national report's time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        large_read(db.session)  # PostgreSQL: no JIT, plans for every row (tracker.postgresql says why)
        return _build(scope, today, letterhead)
    finally:
        if paused:
            gc.enable()


def _build(scope: Scope, today: date, letterhead: Letterhead | None) -> StatusReport:
    agreement = scope.agreement
    frame = _frame(scope, today)
    judged_on, source, cutoff, window, provinces = (frame.judged_on, frame.source, frame.cutoff, frame.window,
                                                    frame.provinces)
    items = db.session.execute(_items(scope, frame).order_by(CooperationArea.agreement_id, CooperationArea.number,
                                             Commitment.sort_key)).all()
    hidden = 0 if scope.see_restricted else hidden_restricted(agreement.id if agreement else None, judged_on)
    # Sides: each party's category and the latest approved results (no id lists: scoped joins).
    side_rows = _sides(judged_on, source, scope)
    by_province = _by_province(agreement, side_rows, provinces)
    results = {r.update_id: r.results or "" for r in side_rows if r.update_id}
    party_names = _party_names({r.party_id for r in side_rows}, judged_on)
    sides_of = defaultdict(list)
    for r in sorted(side_rows, key=lambda r: r.party_id):
        sides_of[r.commitment_id].append(r)

    assignments = _assignments_on(scope, judged_on)
    origins = origins_of({c.carried_from_id for c in items if c.carried_from_id})
    disputed = defaultdict(list)  # sides whose completion a partner province disputes on the date
    for commitment_id, party_id in db.session.execute(confirmation_queries.disputed_on(judged_on)):
        disputed[commitment_id].append(party_id)
    annex, by_area = [], defaultdict(list)
    for number, c in enumerate(items, start=1):
        by_area[(c.number, c.name)].append(c.category)
        held = assignments.get(c.id, [])
        text = [f"{party_names.get(r.party_id, '')}: {results[r.update_id]}"
                for r in sides_of[c.id] if results.get(r.update_id)]
        sides = tuple(SideLine(short_province(party_names.get(r.party_id, "")), r.category, r.state,
                               None if r.percent is None else float(r.percent)) for r in sides_of[c.id])
        notes = [origins[c.carried_from_id]] if c.carried_from_id in origins else []
        if c.meeting_kind:
            notes.append(f"Kết luận {meeting_title(c.meeting_kind, c.meeting_held_on)}")
        if c.original_due_date and c.due_date != c.original_due_date:
            notes.append(f"Gia hạn từ {c.original_due_date:%d/%m/%Y}")
        if risky := [short_province(party_names.get(r.party_id, "")) for r in sides_of[c.id] if r.at_risk]:
            notes.append(f"Nguy cơ chậm tiến độ ({', '.join(risky)})")  # the early warning on the date
        if any(r.state == "dropped" for r in sides_of[c.id]):
            notes.append("Dừng thực hiện")
        if (why := not_done_reason(sides)) and provinces is None:
            notes.append(why)
        for party_id in sorted(disputed.get(c.id, ())):
            name = short_province(party_names.get(party_id) or _party_names({party_id}, judged_on).get(party_id, ""))
            notes.append(f"Tỉnh bạn không xác nhận hoàn thành của {name}")
        annex.append(AnnexRow(
            number=number, code=c.code, area_number=c.number, area_name=c.name, task=c.title,
            lead_agencies=tuple(a.agency_name for a in held if a.role == Role.LEAD),
            support_agencies=tuple(a.agency_name for a in held if a.role == Role.SUPPORT),
            due_date=c.due_date, original_due_date=c.original_due_date, recurring=c.recurring,
            deliverable=c.deliverable, result="\n".join(text), category=c.category,
            percent=None if c.percent is None else float(c.percent), notes="; ".join(notes), sides=sides,
        ))
    summary = _counts((row.category, 1) for row in items)
    del items, side_rows, sides_of, results, assignments  # freed before the updates are read: a lower peak
    return StatusReport(
        agreement_code=agreement.code if agreement else "tat-ca",
        agreement_title=agreement.title if agreement else "Các văn bản hợp tác liên tỉnh",
        as_of=judged_on, issued_on=today,
        period_label=frame.period_label, window_start=frame.window_start, scope_label=_scope_label(agreement, scope),
        provinces=tuple(name for name, _ in by_province),
        summary=summary, by_province=tuple(by_province),
        by_area=tuple((n, name, _counts((c, 1) for c in cats)) for (n, name), cats in sorted(by_area.items())),
        rows=tuple(annex), updates=tuple(_updates(scope, window, cutoff)),
        changes=tuple(_changes(scope, window, cutoff)),
        hidden_restricted=hidden or 0, letterhead=letterhead or Letterhead(),
        **documents_of(agreement, judged_on, scope, provinces),
        meetings=meetings_of(agreement, judged_on, scope),
    )


def _sides(judged_on, source, scope: Scope):
    stmt = _scoped(status_sql.sides(judged_on, source, extra_columns=(ProgressUpdate.results,)), scope)
    stmt = stmt.outerjoin(ProgressUpdate, ProgressUpdate.id == stmt.selected_columns.update_id)
    return list(db.session.execute(stmt.execution_options(yield_per=5000)))


def _by_province(agreement, side_rows, provinces):
    """Counts of each province's sides (by the party's province; today's name beside an old one)."""
    from tracker.models import Province, ProvinceSuccession

    wanted = {r.province_id for r in side_rows if provinces is None or r.province_id in provinces}
    if agreement is not None:
        order = [p.province_id for p in agreement.parties if p.province_id in wanted]
    else:
        order = sorted(wanted)
    names = dict(db.session.execute(select(Province.id, Province.name).where(Province.id.in_(wanted))).all())
    later = defaultdict(list)
    for pred, succ_name in db.session.execute(
        select(ProvinceSuccession.predecessor_id, Province.name)
        .join(Province, Province.id == ProvinceSuccession.successor_id)
        .where(ProvinceSuccession.predecessor_id.in_(wanted))
    ):
        later[pred].append(succ_name)
    tallies = defaultdict(list)
    for r in side_rows:
        tallies[r.province_id].append(r.category)
    result = []
    for pid in order:
        name = names.get(pid, "") + "".join(f" (nay là {n})" for n in later[pid] if n != names.get(pid))
        result.append((name, _counts((c, 1) for c in tallies[pid])))
    return result


def _party_names(party_ids, day: date) -> dict[int, str]:
    """Each party's province by its name on ``day``: Bắc Giang's side is Bắc Ninh's from 1 July 2025."""
    from tracker.models import Province, ProvinceSuccession

    if not party_ids:
        return {}
    names = dict(db.session.execute(select(Province.id, Province.name)).all())
    successor = {pred: (succ, on) for pred, succ, on in db.session.execute(
        select(ProvinceSuccession.predecessor_id, ProvinceSuccession.successor_id, ProvinceSuccession.effective_date))}
    found = {}
    for party_id, province_id in db.session.execute(
            select(AgreementParty.id, AgreementParty.province_id).where(AgreementParty.id.in_(party_ids))):
        seen = {province_id}
        while province_id in successor and successor[province_id][1] <= day and successor[province_id][0] not in seen:
            province_id = successor[province_id][0]
            seen.add(province_id)
        found[party_id] = names.get(province_id, "")
    return found


_Held = NamedTuple("_Held", [("party_id", int), ("role", str), ("agency_name", str)])


def _assignments_on(scope: Scope, day):
    """Assignments in force on ``day`` (the names as they were then), by commitment; before the
    first assignments began (a report dated early), the first ones."""
    found = defaultdict(list)
    base = _scoped(select(Assignment.commitment_id, Assignment.party_id, Assignment.role, Assignment.agency_name)
                   .join(Commitment, Commitment.id == Assignment.commitment_id)
                   .join(CooperationArea, CooperationArea.id == Commitment.area_id), scope)
    shared: dict[str, str] = {}  # a national report holds 120,000 assignments of 2,000 agency names
    for a in db.session.execute(base.where(Assignment.valid_from <= day,
                                           or_(Assignment.valid_to.is_(None), Assignment.valid_to >= day))
                                .order_by(Assignment.party_id, Assignment.id).execution_options(yield_per=5000)):
        found[a.commitment_id].append(_Held(a.party_id, shared.setdefault(a.role, a.role),
                                            shared.setdefault(a.agency_name, a.agency_name)))
    for a in db.session.execute(base.where(Assignment.predecessor_id.is_(None), Assignment.valid_from > day)):
        if not any(x.party_id == a.party_id and x.role == a.role for x in found[a.commitment_id]):
            found[a.commitment_id].append(_Held(a.party_id, a.role, a.agency_name))
    return found



def _updates(scope: Scope, window, cutoff) -> list[UpdateRow]:
    """Approved updates in the window, read in batches; repeated texts (titles, agency names)
    share one string, since a national report lists a hundred thousand of them."""
    from tracker.models import Province

    names = dict(db.session.execute(select(Province.id, Province.name)).all())
    u = ProgressUpdate
    stmt = (_scoped(
        select(u.role, u.state, u.percent, u.as_of, u.reviewed_at, u.results, u.obstacles, u.proposals, u.next_steps,
               Commitment.code, Commitment.title, Agency.name, AgreementParty.province_id)
        .join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(Agency, Agency.id == ProgressUpdate.agency_id)
        .join(AgreementParty, AgreementParty.id == ProgressUpdate.party_id), scope)
        .where(ProgressUpdate.status == UpdateStatus.APPROVED,
               ProgressUpdate.as_of.between(*window), ProgressUpdate.reviewed_at < cutoff)
        .order_by(Commitment.sort_key, ProgressUpdate.as_of, ProgressUpdate.id)
        .execution_options(yield_per=5000))
    shared: dict[str, str] = {}
    one = lambda text: text if text is None else shared.setdefault(text, text)  # noqa: E731
    return [UpdateRow(one(r.code), one(r.title), names.get(r.province_id, ""), one(r.name), one(r.role),
                      one(r.state), r.percent, r.as_of, r.reviewed_at, one(r.results), one(r.obstacles),
                      one(r.proposals), one(r.next_steps))
            for r in db.session.execute(stmt)]


def _changes(scope: Scope, window, cutoff) -> list[ChangeRow]:
    changes = []
    for e, code, actor in db.session.execute(_scoped(
        select(DeadlineExtension, Commitment.code, User.name).join(Commitment).join(CooperationArea).join(User), scope)
        .where(DeadlineExtension.created_at < cutoff, DeadlineExtension.effective_on.between(*window))
    ):
        old = e.old_due_date.strftime("%d/%m/%Y") if e.old_due_date else "—"
        changes.append(ChangeRow(e.created_at, "extension", code,
                                 f"Gia hạn từ {old} đến {e.new_due_date:%d/%m/%Y}", e.reason, actor))
    for u, code, actor in db.session.execute(_scoped(
        select(ProgressUpdate, Commitment.code, User.name).join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
        .join(CooperationArea, CooperationArea.id == Commitment.area_id)
        .join(User, User.id == ProgressUpdate.reviewer_id), scope)
        .where(ProgressUpdate.status == UpdateStatus.RETURNED, ProgressUpdate.reviewed_at < cutoff,
               ProgressUpdate.reviewed_at >= start_of_day_utc(window[0]),
               ProgressUpdate.reviewed_at < end_of_day_utc(window[1]))
    ):
        changes.append(ChangeRow(u.reviewed_at, "return", code, f"Trả lại báo cáo #{u.id}", u.review_reason, actor))
    earlier = aliased(Assignment)
    for valid_from, name, previous, code in db.session.execute(_scoped(
        select(Assignment.valid_from, Assignment.agency_name, earlier.agency_name, Commitment.code)
        .join(earlier, earlier.id == Assignment.predecessor_id)
        .join(Commitment, Commitment.id == Assignment.commitment_id).join(CooperationArea), scope)
        .where(Assignment.valid_from.between(*window))
    ):
        changes.append(ChangeRow(end_of_day_utc(valid_from), "reassignment", code,
                                 f"Chuyển từ {previous} sang {name}", "Sắp xếp tổ chức bộ máy", None))
    return sorted(changes, key=lambda c: c.at)


def _scope_label(agreement, scope: Scope) -> str:
    parts = []
    if agreement is None:
        parts.append("tất cả văn bản hợp tác")
    elif scope.province:
        parts.append(next((p.province.name for p in agreement.parties if p.province_id in province_lineage(scope.province)),
                          "một tỉnh"))
    else:
        parts.append("cả hai tỉnh" if len(agreement.parties) == 2 else "tất cả các bên")
    parts.append(f"{len(scope.areas)} lĩnh vực" if scope.areas else "tất cả lĩnh vực")
    if scope.agency:
        agency = db.session.get(Agency, scope.agency)
        if agency:
            parts.append(agency.name)
    return "; ".join(parts)


__all__ = ["ReportError", "Scope", "build", "row_count", "scope_from", "scope_parameters"]

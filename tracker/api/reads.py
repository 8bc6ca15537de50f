"""Reading: agreements, commitments (the list's filters and query), the dashboard's figures,
reporting periods and agencies. Each view: load, check, answer; the queries are the pages'."""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from tracker.domain.codes import UpdateStatus
from tracker import clock
from tracker.api import bp
from tracker.api import schemas as s
from tracker.api import serialize
from tracker.api.spec import answers, spec
from tracker.domain.dashboard import Filters, figures_json
from tracker.extensions import db
from tracker.models import Agreement
from tracker.permissions import can_view_update, load_commitment, sees_restricted
from tracker.queries import agreements as agreement_queries
from tracker.queries import confirmations as confirmation_queries
from tracker.queries import commitments as queries
from tracker.queries import dashboard as dashboard_queries
from tracker.queries import documents as document_queries
from tracker.queries import organisations as organisation_queries
from tracker.queries import progress as progress_queries
from tracker.queries import targets as target_queries
from tracker.status import periods as period_service

TAGS = ("read",)


def _agreement_body(agreement: Agreement, counts: dict[int, int] | None = None) -> dict:
    counts = agreement_queries.commitment_counts(agreement.id) if counts is None else counts
    return serialize.agreement(agreement, counts, sees_restricted(current_user))


@bp.get("/agreements")
@spec.validate(query=s.NoQuery, resp=answers(s.AgreementList), tags=TAGS)
def agreements():
    """Every agreement with its parties (as at signing and now), fields and focal agencies."""
    counts = agreement_queries.commitment_counts(None)
    return {"items": [_agreement_body(a, counts) for a in agreement_queries.every_detail()]}


@bp.get("/agreements/<int:agreement_id>")
@spec.validate(query=s.NoQuery, resp=answers(s.Agreement, found=True), tags=TAGS)
def agreement(agreement_id: int):
    """One agreement."""
    return _agreement_body(agreement_queries.detail(agreement_id) or abort(404))


@bp.get("/commitments")
@spec.validate(resp=answers(s.CommitmentPage), tags=TAGS)
def commitments(query: s.CommitmentQuery):
    """The commitment list: the same filters and query as the /commitments page, a page at a time."""
    today = clock.today()
    filters = queries.CommitmentFilters(
        q=query.q, agreement=query.agreement, area=query.area, province=query.province, agency=query.agency,
        category=query.category, as_of=query.as_of, due_within=int(query.due_within) if query.due_within else None,
        field=query.field, role=query.role, overdue=query.overdue == "1",
        at_risk=query.risk == "at_risk", meeting=query.meeting)
    pagination, hidden = queries.search(filters, sees_restricted(current_user), query.page, query.per_page, today)
    as_of = filters.as_of or today
    standing = progress_queries.standings(pagination.items, as_of, current_app.config["DUE_SOON_DAYS"])
    return {"items": [serialize.commitment(c, standing[c.id]) for c in pagination.items], "page": query.page,
            "per_page": query.per_page, "total": pagination.total or 0, "pages": pagination.pages,
            "hidden_restricted": hidden, "as_of": as_of.isoformat()}


@bp.get("/commitments/<int:commitment_id>")
@spec.validate(query=s.NoQuery, resp=answers(s.CommitmentDetail, found=True), tags=TAGS)
def commitment(commitment_id: int):
    """One commitment: assignments, each side's standing, the latest approved update."""
    c = load_commitment(commitment_id)
    today = clock.today()
    standing = progress_queries.standings([c], today, current_app.config["DUE_SOON_DAYS"])[c.id]
    approved = next((u for u in progress_queries.updates_of(c.id) if u.status == UpdateStatus.APPROVED), None)
    at_risk = progress_queries.sides_at_risk(c.id, today)
    return {**serialize.commitment(c, standing), "description": c.description, "deliverable": c.deliverable,
            "start_date": serialize.day(c.start_date), "original_due_date": serialize.day(c.original_due_date),
            "source_text": c.source_text, "is_demo": c.is_demo, "at_risk": bool(at_risk),
            "sides": serialize.sides(c, standing, at_risk, confirmation_queries.side_states(c.id)),
            "removed_on": serialize.day(c.removed_on),
            "carried_over_to_id": c.carried_over_to.id if c.carried_over_to else None,
            "latest_approved_update": serialize.update(approved) if approved else None,
            "disputed": c.id in confirmation_queries.disputed_commitments([c.id]),
            "document_ids": [d.id for d in document_queries.for_commitment(c.id)],
            "targets": [{"year": t.year, "party_id": t.party.id if t.party else None, "unit": t.unit,
                         "baseline": t.baseline, "value": t.value, "prorated": float(t.prorated),
                         "actual": t.actual, "state": t.state.value} for t in target_queries.for_commitment(c, today)]}


@bp.get("/commitments/<int:commitment_id>/updates")
@spec.validate(query=s.NoQuery, resp=answers(s.UpdateList, found=True), tags=TAGS)
def updates(commitment_id: int):
    """A commitment's progress updates, newest first: drafts only to those who may see them."""
    c = load_commitment(commitment_id)
    today = clock.today()
    return {"items": [serialize.update(u) for u in progress_queries.updates_of(c.id)
                      if can_view_update(current_user, u, today)]}


@bp.get("/dashboard")
@spec.validate(resp=answers(s.Dashboard), tags=TAGS)
def dashboard(query: s.DashboardQuery):
    """The dashboard's figures: the same code and the same answer as /dashboard.json."""
    filters = Filters(agreement=query.agreement, as_of=query.as_of, province=query.province,
                      area=query.field if query.field is not None else query.area, agency=query.agency,
                      meeting=query.meeting)
    return figures_json(dashboard_queries.cached_build(filters, clock.today(), sees_restricted(current_user)))


@bp.get("/periods")
@spec.validate(resp=answers(s.PeriodList, found=True), tags=TAGS)
def periods(query: s.PeriodQuery):
    """An agreement's reporting periods (default: the newest agreement), with deadlines and closing days."""
    newest = agreement_queries.all_agreements()
    agreement = db.session.get(Agreement, query.agreement) if query.agreement else (newest[0] if newest else None)
    if agreement is None:
        abort(404)
    views = period_service.periods_of(agreement, clock.today())
    return {"agreement_id": agreement.id, "items": [serialize.period(v) for v in views]}


@bp.get("/agencies")
@spec.validate(resp=answers(s.AgencyList), tags=TAGS)
def agencies(query: s.AgencyQuery):
    """Agencies, current and past, with their successors."""
    return {"items": [serialize.agency(a) for a in organisation_queries.agencies(query.province)]}

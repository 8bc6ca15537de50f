"""The commitment list with filters and search, and one commitment."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from tracker.forms.commitments import CommitmentFilterForm
from tracker import clock, params
from tracker.forms.auth import LogoutForm
from tracker.plan_messages import field_label
from tracker.permissions import (
    can_decide,
    can_extend_deadline,
    can_view_update,
    reportable_assignments,
    require_view_area,
    sees_restricted,
)
from tracker.queries import commitments as queries
from tracker.queries import confirmations as confirmation_queries
from tracker.queries import documents as document_queries
from tracker.queries import progress as progress_queries
from tracker.queries import plan as plan_queries
from tracker.queries import targets as target_queries

bp = Blueprint("commitments", __name__)


@bp.get("/commitments")
def index():
    form = CommitmentFilterForm(request.args, meta={"csrf": False})
    form.load_choices()
    filters = form.filters()
    pagination, hidden = queries.search(
        filters, sees_restricted(current_user), params.arg_page(), current_app.config["PAGE_SIZE"], clock.today()
    )
    standing = progress_queries.standings(pagination.items, filters.as_of or clock.today(),
                                          current_app.config["DUE_SOON_DAYS"])
    return render_template("commitments/index.html", form=form, pagination=pagination, hidden=hidden,
                           standing=standing,
                           disputed=confirmation_queries.disputed_commitments([c.id for c in pagination.items]))


def _visible_updates(commitment_id: int, today) -> list:
    return [u for u in progress_queries.updates_of(commitment_id) if can_view_update(current_user, u, today)]


@bp.get("/commitments/<int:commitment_id>")
def detail(commitment_id: int):
    commitment = queries.detail(commitment_id) or abort(404)
    require_view_area(commitment.area)
    today = clock.today()
    return render_template(
        "commitments/detail.html",
        commitment=commitment,
        standing=progress_queries.standings([commitment], today, current_app.config["DUE_SOON_DAYS"])[commitment.id],
        updates=_visible_updates(commitment.id, today),
        previous_updates=_visible_updates(commitment.carried_from_id, today) if commitment.carried_from_id else [],
        events=progress_queries.events_of(commitment.id),
        extensions=progress_queries.extensions_of(commitment.id),
        documents=document_queries.for_commitment(commitment.id),
        can_report=bool(reportable_assignments(current_user, commitment, today)),
        can_extend=can_extend_deadline(current_user, commitment, today),
        targets=target_queries.for_commitment(commitment, today),
        proposals=[(p, can_decide(current_user, p, today)) for p in plan_queries.pending_proposals(commitment.id)],
        decide_form=LogoutForm(), proposal_field=field_label,
        disputed=bool(confirmation_queries.disputed_commitments([commitment.id])),
    )

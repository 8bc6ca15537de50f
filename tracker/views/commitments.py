"""The commitment list with filters and search, and one commitment."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from werkzeug.datastructures import MultiDict

from tracker.forms.commitments import CommitmentFilterForm, field_names
from tracker import clock, i18n, params
from tracker.layout import kept_body
from tracker.status import cache
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
LIST_ARGS = field_names(CommitmentFilterForm) | set(CommitmentFilterForm.EXTRA_ARGS)


@bp.get("/commitments")
def index():
    """The body is kept finished per filters, clearance, day, language and change counter: every
    filter, the search and the page number are query parameters (normalised: ``params.normalised``),
    and nothing else of the viewer shows in the list."""
    args = params.normalised(LIST_ARGS, {"page": "1"}, CommitmentFilterForm.ACCEPTS)
    key = (args, sees_restricted(current_user), clock.today(), i18n.language(), request.script_root)
    body = cache.remember("commitments.html", key, lambda: _list_body(MultiDict(args)))
    return render_template("commitments/index_page.html", body=Markup(body))  # nosec B704 # our own template


def _list_body(args: MultiDict) -> str:
    form = CommitmentFilterForm(args, meta={"csrf": False})
    form.load_choices()
    filters = form.filters()
    pagination, hidden = queries.search(
        filters, sees_restricted(current_user), params.arg_page(args=args), current_app.config["PAGE_SIZE"],
        clock.today()
    )
    standing = progress_queries.standings(pagination.items, filters.as_of or clock.today(),
                                          current_app.config["DUE_SOON_DAYS"])
    return render_template("commitments/index.html", form=form, pagination=pagination, hidden=hidden,
                           standing=standing, args=args,
                           disputed=confirmation_queries.disputed_commitments([c.id for c in pagination.items]))


def _visible_updates(commitment_id: int, today) -> list:
    return [u for u in progress_queries.updates_of(commitment_id) if can_view_update(current_user, u, today)]


@bp.get("/commitments/<int:commitment_id>")
def detail(commitment_id: int):
    """The page body is kept finished per commitment, viewer, day, language and data version
    (the change counter and the last audit event: every write to what the page shows audits)."""
    head = queries.heading(commitment_id) or abort(404)
    if head.restricted and not sees_restricted(current_user):
        abort(404)  # as require_view_area: a restricted field's commitment does not exist for them
    user = current_user
    viewer = (user.id, user.role, user.cleared, user.agency_id, user.province_id)
    key = (commitment_id, viewer, clock.today(), i18n.language(), request.script_root, head.last_event)
    return render_template("commitments/detail_page.html", heading=f"{head.code} · {head.title}",
                           body=kept_body("commitment.html", key, lambda: _body(commitment_id)))


def _body(commitment_id: int) -> str:
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

"""The commitment list with filters and search, and one commitment."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from tracker.forms.commitments import CommitmentFilterForm
from tracker.permissions import require_view_area, sees_restricted
from tracker.queries import commitments as queries

bp = Blueprint("commitments", __name__)


@bp.get("/commitments")
def index():
    form = CommitmentFilterForm(request.args, meta={"csrf": False})
    form.load_choices()
    filters = form.filters()
    page = request.args.get("page", 1, type=int)
    pagination, hidden = queries.search(
        filters, sees_restricted(current_user), max(page, 1), current_app.config["PAGE_SIZE"]
    )
    return render_template("commitments/index.html", form=form, pagination=pagination, hidden=hidden)


@bp.get("/commitments/<int:commitment_id>")
def detail(commitment_id: int):
    commitment = queries.detail(commitment_id) or abort(404)
    require_view_area(commitment.area)
    return render_template("commitments/detail.html", commitment=commitment)

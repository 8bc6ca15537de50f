"""An agreement with its parties and fields; one field with its commitments."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, send_file
from flask_login import current_user

from tracker import clock
from tracker.domain.status import CATEGORY_ORDER
from tracker.extensions import db
from tracker.models import Agreement, CooperationArea
from tracker.permissions import require_view_area, sees_restricted
from tracker.queries import agreements as queries
from tracker.queries import commitments as commitment_queries
from tracker.queries import progress as progress_queries
from tracker.services import evidence as evidence_store

bp = Blueprint("agreements", __name__)


@bp.get("/agreements/<int:agreement_id>")
def detail(agreement_id: int):
    agreement = queries.detail(agreement_id) or abort(404)
    counts = queries.commitment_counts(agreement_id)
    cleared = sees_restricted(current_user)
    areas = [a for a in agreement.areas if cleared or not a.restricted]
    hidden = [a for a in agreement.areas if a not in areas]
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        rollups=progress_queries.agreement_rollups(agreement.id, clock.today(), cleared),
        categories=CATEGORY_ORDER,
        areas=areas,
        counts=counts,
        hidden_areas=len(hidden),
        hidden_commitments=sum(counts.get(a.id, 0) for a in hidden),
        total=sum(counts.get(a.id, 0) for a in areas),
    )


@bp.get("/areas/<int:area_id>")
def area(area_id: int):
    area = db.session.get(CooperationArea, area_id) or abort(404)
    require_view_area(area)
    pagination, _hidden = commitment_queries.search(
        commitment_queries.CommitmentFilters(area=area.id), see_restricted=True, page=1, per_page=500
    )
    standing = progress_queries.standings(pagination.items, clock.today(), current_app.config["DUE_SOON_DAYS"])
    return render_template("agreements/area.html", area=area, commitments=pagination.items, standing=standing)


@bp.get("/agreements/<int:agreement_id>/source")
def source_file(agreement_id: int):
    """The signed memorandum's file, offered for download under its original name."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or not agreement.source_stored_name:
        abort(404)
    path = evidence_store.path_for(agreement.source_stored_name, current_app.config["UPLOAD_DIR"])
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=agreement.source_content_type, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = evidence_store.content_disposition(agreement.source_file_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response

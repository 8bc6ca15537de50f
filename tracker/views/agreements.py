"""An agreement with its parties and fields; one field with its commitments; the next phase (renewal)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock
from tracker.domain.status import CATEGORY_ORDER
from tracker.extensions import db
from tracker.downloads import send_stored
from tracker.forms.renewal import RenewForm
from tracker.models import Agreement, CooperationArea
from tracker.permissions import require_view_area, sees_restricted
from tracker.plan_messages import edit_errors
from tracker.queries import agreements as queries
from tracker.queries import commitments as commitment_queries
from tracker.queries import progress as progress_queries
from tracker.services import renewal

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
    return send_stored(agreement.source_stored_name, agreement.source_content_type, agreement.source_file_name)


@bp.route("/agreements/<int:agreement_id>/renew", methods=["GET", "POST"])
def renew(agreement_id: int):
    """The next phase: the new agreement's details and the commitments that go on, previewed;
    ``confirm`` writes it."""
    old = queries.detail(agreement_id) or abort(404)
    today, result = clock.today(), None
    try:
        form = RenewForm(data=None if request.method == "POST" else renewal.defaults(old, today))
    except renewal.RenewalError as exc:
        form = RenewForm(data={"renewed_on": today, "period_start": today})
        edit_errors(form, {"renewed_on": next(iter(exc.problems.values()))})
    if not form.errors and (request.method == "GET" or form.validate_on_submit()):
        try:
            result = renewal.preview(old, form.values(), today)
        except renewal.RenewalError as exc:  # the parties follow from the renewal date: their problem is its
            edit_errors(form, {("renewed_on" if k == "parties" else k): v for k, v in exc.problems.items()})
    if result is not None and request.form.get("confirm") == "1":
        chosen = {int(v) for v in request.form.getlist("carry") if v.isdigit()}
        new = renewal.apply(result, chosen, current_user)
        db.session.commit()
        flash(_("Đã chuyển sang giai đoạn tiếp theo: %(code)s, %(n)s nhiệm vụ tiếp nối.", code=new.code,
                n=len([c for c in result.open if c.commitment.id in chosen])), "success")
        return redirect(url_for("agreements.detail", agreement_id=new.id))
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template("agreements/renew.html", agreement=old, form=form, result=result), status

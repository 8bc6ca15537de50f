"""A commitment's numeric targets (chỉ tiêu): the list with target against actual, and setting
one. Admins set shared targets; a coordinator sets their province's side's."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.domain.codes import UserRole
from tracker import clock
from tracker.extensions import db
from tracker.forms import choices
from tracker.forms.plan_edit import TargetForm
from tracker.models import Commitment
from tracker.permissions import can_edit_side, require_view_commitment
from tracker.plan_messages import edit_errors
from tracker.queries import targets as queries
from tracker.services import plan_edit, targets as service
from tracker.views.plan_edit import reason_from

bp = Blueprint("targets", __name__)


@bp.route("/commitments/<int:commitment_id>/targets", methods=["GET", "POST"])
def index(commitment_id: int):
    commitment = db.session.get(Commitment, commitment_id) or abort(404)
    require_view_commitment(commitment)
    today = clock.today()
    sides = [p for p in commitment.area.agreement.parties if can_edit_side(current_user, p, today)] or abort(403)
    form = TargetForm()
    shared = [("", _("Chung cho các tỉnh"))] if current_user.role == UserRole.ADMIN else []
    form.side.choices = choices(shared + [(str(p.id), p.province.name) for p in sides])
    if form.validate_on_submit():
        party = next((p for p in sides if str(p.id) == form.side.data), None)
        if party is None and not shared:
            abort(403)
        try:
            service.set_target(commitment, party, year=form.year.data, unit=form.unit.data, value=form.value.data,
                               baseline=form.baseline.data, reason_code=form.reason.data,
                               reason=reason_from(form) or plan_edit.reason_of(None, None), actor=current_user, today=today)
        except plan_edit.PlanEditError as exc:
            edit_errors(form, exc.problems)
        else:
            db.session.commit()
            flash(_("Đã lưu chỉ tiêu năm %(y)s.", y=form.year.data), "success")
            return redirect(url_for("targets.index", commitment_id=commitment.id))
    return render_template("plan/targets.html", commitment=commitment, form=form,
                           lines=queries.for_commitment(commitment, today))

"""Recording a reorganisation in the UI (admins): preview what moves, then apply it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock
from sqlalchemy import select

from tracker.extensions import db
from tracker.forms.plan_edit import ReorganiseForm, SplitForm
from tracker.models import Agency
from tracker.queries.commitments import province_lineage
from tracker.services import reorganise as service

bp = Blueprint("reorganise", __name__)


@bp.route("/admin/reorganise", methods=["GET", "POST"])
def index():
    form, result = ReorganiseForm(), None
    if form.validate_on_submit():
        try:
            result = service.plan(form.from_codes.data.split(","), form.to_code.data.strip(), form.on.data,
                                  clock.today())
        except service.ReorganisationError as exc:
            form.from_codes.errors = [_("Không ghi nhận được: %(reason)s", reason=str(exc))]
        else:
            if form.confirm.data == "1":
                service.apply(result, current_user)
                db.session.commit()
                flash(_("Đã ghi nhận việc sắp xếp: %(n)s phân công, %(u)s người dùng, %(p)s báo cáo chuyển sang %(to)s.",
                        n=len(result.assignments), u=len(result.users), p=len(result.updates),
                        to=result.target.name), "success")
                return redirect(url_for("registers.agencies" if result.kind == "agency" else "registers.provinces"))
    return render_template("plan/reorganise.html", form=form, result=result)


def _successors(source: Agency, day) -> list[Agency]:
    """Agencies a split can hand work to: those of the same provinces, valid on the day."""
    provinces = province_lineage(source.province_id)
    rows = db.session.scalars(select(Agency).where(Agency.province_id.in_(provinces), Agency.id != source.id)
                              .order_by(Agency.name))
    return [a for a in rows if a.is_valid_on(day)]


@bp.route("/admin/agencies/<int:agency_id>/split", methods=["GET", "POST"])
def split(agency_id: int):
    """A split, commitment by commitment: each open assignment gets its successor (or stays)."""
    source = db.session.get(Agency, agency_id) or abort(404)
    form = SplitForm()
    successors = {str(a.id): a for a in _successors(source, clock.today())}
    if form.validate_on_submit():
        chosen = {int(k[3:]): successors[v] for k, v in request.form.items()
                  if k.startswith("to-") and k[3:].isdigit() and v in successors}
        try:
            moved = service.split(source, chosen, form.on.data, clock.today(), current_user)
        except service.ReorganisationError as exc:
            form.on.errors = [_("Không ghi nhận được: %(reason)s", reason=str(exc))]
        else:
            db.session.commit()
            flash(_("Đã chuyển %(n)s phân công của %(name)s.", n=moved, name=source.name), "success")
            return redirect(url_for("reorganise.split", agency_id=source.id))
    return render_template("plan/split.html", form=form, source=source, successors=successors.values(),
                           assignments=service.open_assignments(source))

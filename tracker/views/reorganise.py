"""Recording a reorganisation in the UI (admins): preview what moves, then apply it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock
from tracker.extensions import db
from tracker.forms.plan_edit import ReorganiseForm
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

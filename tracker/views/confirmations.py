"""Partner confirmation (xác nhận của tỉnh bạn): the partner province's coordinator confirms or
disputes a shared completion, and may withdraw a dispute. Load → check → act → respond."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock
from tracker.extensions import db
from tracker.forms.progress import ConfirmForm, DisputeForm
from tracker.permissions import On, confirmation_for, load_update
from tracker.services import confirmation as service

bp = Blueprint("confirmations", __name__)


def _back(update_id: int):
    return redirect(request.form.get("next") == "reviews" and url_for("progress.reviews")
                    or url_for("progress.detail", update_id=update_id))


@bp.post("/updates/<int:update_id>/confirm")
def confirm(update_id: int):
    update = load_update(update_id, On.CONFIRM)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.confirm(confirmation_for(current_user, update, clock.today(), "awaiting"), current_user)
    db.session.commit()
    flash(_("Đã xác nhận hoàn thành."), "success")
    return _back(update_id)


@bp.post("/updates/<int:update_id>/dispute")
def dispute(update_id: int):
    from tracker.views.progress import render_detail

    update = load_update(update_id, On.CONFIRM)
    form = DisputeForm()
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        return render_detail(update, dispute_form=form, status=400)
    service.dispute(confirmation_for(current_user, update, clock.today(), "awaiting"), current_user, form.reason.data)
    db.session.commit()
    flash(_("Đã gửi ý kiến không xác nhận hoàn thành; nhiệm vụ chưa được tính là hoàn thành."), "warning")
    return _back(update_id)


@bp.post("/updates/<int:update_id>/withdraw-dispute")
def withdraw(update_id: int):
    update = load_update(update_id, On.WITHDRAW)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.withdraw(confirmation_for(current_user, update, clock.today(), "disputed"), current_user)
    db.session.commit()
    flash(_("Đã rút ý kiến không xác nhận; hoàn thành được tính lại."), "success")
    return _back(update_id)

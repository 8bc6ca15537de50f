"""Partner confirmation (xác nhận của tỉnh bạn): the partner province's coordinator confirms or
disputes a shared completion, and may withdraw a dispute. Load → check → act → respond."""
from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock
from tracker.extensions import db
from tracker.forms.progress import ConfirmForm, DisputeForm
from tracker.permissions import On, confirmation_for, load_update
from tracker.services import confirmation as service
from tracker.views.progress import after_review, refused, render_detail

bp = Blueprint("confirmations", __name__)


def _settle(update_id: int, action: On, state: str, act, message: str):
    """Confirm or withdraw (a form with nothing but its token): the partner's open confirmation
    in ``state`` goes to ``act``, then commit, ``message`` and back."""
    update = load_update(update_id, action)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    act(confirmation_for(current_user, update, clock.today(), state), current_user)
    db.session.commit()
    flash(message, "success")
    return after_review(update_id)


@bp.post("/updates/<int:update_id>/confirm")
def confirm(update_id: int):
    return _settle(update_id, On.CONFIRM, "awaiting", service.confirm, _("Đã xác nhận hoàn thành."))


@bp.post("/updates/<int:update_id>/dispute")
def dispute(update_id: int):
    update = load_update(update_id, On.CONFIRM)
    form = DisputeForm()
    if refused(form):
        return render_detail(update, dispute_form=form, status=400)
    service.dispute(confirmation_for(current_user, update, clock.today(), "awaiting"), current_user, form.reason.data)
    db.session.commit()
    flash(_("Đã gửi ý kiến không xác nhận hoàn thành; nhiệm vụ chưa được tính là hoàn thành."), "warning")
    return after_review(update_id)


@bp.post("/updates/<int:update_id>/withdraw-dispute")
def withdraw(update_id: int):
    return _settle(update_id, On.WITHDRAW, "disputed", service.withdraw,
                   _("Đã rút ý kiến không xác nhận; hoàn thành được tính lại."))

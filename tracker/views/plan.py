"""The plan import page: download the template, upload, preview errors by row, confirm.

Coordinators import their province's side only; admins the whole plan. The uploaded file
waits server-side under a token between the preview and the confirmation.
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from tracker.domain.codes import UserRole
from tracker import clock, params
from tracker.exports import plan_sheet
from tracker.extensions import db
from tracker.forms.plan import PlanConfirmForm, PlanUploadForm
from tracker.models import Agreement
from tracker.permissions import acting_province_ids, sees_restricted
from tracker.plan_messages import FILE_ERRORS, column_label, message
from tracker.queries import agreements as agreement_queries
from tracker.queries import plan as plan_queries
from tracker.services import plan_import, plan_uploads

bp = Blueprint("plan", __name__)
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


def _editable():
    return None if current_user.role == UserRole.ADMIN else acting_province_ids(current_user, clock.today())


def _check(agreement: Agreement, filename: str, data: bytes):
    """(context, result) of the file, or raises ``plan_sheet.SheetError``."""
    keys, rows = plan_sheet.read(filename, data)
    return plan_queries.check_file(agreement, keys, rows, clock.today(), _editable(), sees_restricted(current_user))


def _upload_form() -> PlanUploadForm:
    form = PlanUploadForm()
    form.agreement.choices = [(a.id, a.short_title or a.title) for a in agreement_queries.all_agreements()]
    if request.method == "GET":
        form.agreement.data = params.arg_id("agreement") or (form.agreement.choices or [(None, "")])[0][0]
    return form


@bp.route("/plan/import", methods=["GET", "POST"])
def import_plan():
    if request.method == "POST" and request.form.get("token"):
        return _confirm()
    form, preview = _upload_form(), None
    if form.validate_on_submit():
        agreement = db.session.get(Agreement, form.agreement.data) or abort(404)
        filename, data = secure_filename(form.file.data.filename or "") or "plan.xlsx", form.file.data.read()
        try:
            ctx, result = _check(agreement, filename, data)
        except plan_sheet.SheetError as exc:
            form.file.errors.append(str(FILE_ERRORS.get(str(exc), exc)))
        else:
            token = plan_uploads.stage(data, filename, current_user.id, agreement.id) if result.ok else None
            confirm = PlanConfirmForm(token=token, remove_missing="1" if form.remove_missing.data else "")
            preview = {"agreement": agreement, "result": result, "ctx": ctx, "confirm": confirm, "filename": filename,
                       "remove": result.missing if form.remove_missing.data else []}
    return render_template("plan/import.html", form=form, preview=preview, message=message, column_label=column_label)


def _confirm():
    form = PlanConfirmForm()
    staged = plan_uploads.load(form.token.data, current_user.id) if form.validate_on_submit() else None
    if staged is None:
        flash(_("Tệp đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."), "error")
        return redirect(url_for("plan.import_plan"))
    agreement = db.session.get(Agreement, staged.agreement_id) or abort(404)
    ctx, result = _check(agreement, staged.filename, staged.data)
    if not result.ok:  # the plan changed since the preview
        flash(_("Kế hoạch đã thay đổi kể từ lúc xem trước; hãy tải tệp lên lại để kiểm tra."), "error")
        return redirect(url_for("plan.import_plan", agreement=agreement.id))
    summary = plan_import.apply(agreement, result, ctx, current_user, remove_missing=bool(form.remove_missing.data),
                                filename=staged.filename)
    db.session.commit()
    plan_uploads.discard(staged.token)
    flash(_("Đã nhập kế hoạch: %(c)s nhiệm vụ mới, %(u)s cập nhật, %(n)s không đổi, %(r)s gỡ khỏi kế hoạch.",
            c=summary.created, u=summary.updated, n=summary.unchanged, r=summary.removed), "success")
    return redirect(url_for("commitments.index", agreement=agreement.id))


@bp.get("/plan/template.<fmt>")
def template(fmt: str):
    if fmt not in MIME:
        abort(404)
    agreement_id = params.arg_id("agreement")
    agreement = (agreement_id and db.session.get(Agreement, agreement_id)) or abort(404)
    cols, rows = plan_queries.export_rows(agreement, clock.today(), sees_restricted(current_user),
                                          with_rows=request.args.get("current") == "1")
    out = io.BytesIO()
    (plan_sheet.write_xlsx if fmt == "xlsx" else plan_sheet.write_csv)(cols, rows, out)
    out.seek(0)
    name = f"ke-hoach-{agreement.code}.{fmt}" if rows else f"mau-ke-hoach-{agreement.code}.{fmt}"
    return send_file(out, as_attachment=True, download_name=name, mimetype=MIME[fmt])

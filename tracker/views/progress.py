"""Progress reporting: the officer's inbox, the progress form, review, deadlines, evidence.

Each view loads its object with one call (``permissions.load_commitment`` / ``load_update``),
asks a service to act, commits and answers; the form's messages live in ``forms.progress``.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from tracker import clock, params
from tracker.domain.evidence import EvidenceProblem
from tracker.downloads import send_stored
from tracker.extensions import db
from tracker.forms import choices
from tracker.forms.progress import (
    PROBLEM_MESSAGES,
    ApproveForm,
    ConfirmForm,
    DisputeForm,
    ExtendForm,
    ProgressUpdateForm,
    ReturnForm,
    evidence_message,
    parse_version,
)
from tracker.labels import role_label
from tracker.models import EvidenceFile, ProgressUpdate, Role, UpdateStatus, UserRole
from tracker.permissions import (
    On,
    acting_agency_ids,
    acting_province_ids,
    can_confirm,
    can_edit_update,
    can_review,
    can_withdraw,
    load_commitment,
    load_update,
    reportable_assignments,
    sees_restricted,
)
from tracker.queries import confirmations as confirmation_queries
from tracker.queries import progress as queries
from tracker.queries import targets as target_queries
from tracker.services import evidence as evidence_store
from tracker.services import progress as service
from tracker.views.recording import uploads_of

bp = Blueprint("progress", __name__)


@bp.get("/my")
def inbox():
    role = request.args.get("role") if request.args.get("role") in tuple(Role) else None
    today = clock.today()
    groups = queries.inbox(acting_agency_ids(current_user, today), sees_restricted(current_user), today, role,
                           current_app.config["DUE_SOON_DAYS"])
    return render_template("progress/inbox.html", groups=groups, role=role)


def _data(form: ProgressUpdateForm) -> service.UpdateData:
    return service.UpdateData(
        state=form.state.data or "", percent=form.percent.data, as_of=form.as_of.data,
        results=form.clean("results"), obstacles=form.clean("obstacles"), proposals=form.clean("proposals"),
        next_steps=form.clean("next_steps"), reason=form.clean("reason"), actual=form.actual.data,
    )


def _add_error(field, message) -> None:
    field.errors = list(field.errors) + [str(message)]


def _save(form: ProgressUpdateForm, act) -> tuple[object, int | None]:
    """Run ``act()`` (a service call), commit, and answer the detail page; on a refusal, put
    the message beside its field and answer (None, status). Nothing stays on a failure: the
    rollback removes any file placed. What was typed stays in the form."""
    try:
        update = act()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()  # also deletes the files placed for this update
        return None, _refusal(form, exc)
    session["saved_form"] = request.path  # the next page tells the browser to drop its copy
    flash(_("Đã gửi báo cáo để duyệt.") if update.status == UpdateStatus.SUBMITTED else _("Đã lưu bản nháp."),
          "success")
    return redirect(url_for("progress.detail", update_id=update.id)), None


def _refusal(form: ProgressUpdateForm, exc: Exception) -> int:
    """The message for a refused save, beside its field; the status code; re-raise the unexpected."""
    if isinstance(exc, service.ProgressError):
        for name, code in exc.problems.items():
            _add_error(getattr(form, name, form.state), PROBLEM_MESSAGES.get(code, code))
        return 400
    if isinstance(exc, EvidenceProblem):
        _add_error(form.evidence, evidence_message(exc, current_app.config["EVIDENCE_MAX_BYTES"]))
        return 400
    if isinstance(exc, service.StaleDraft):
        form.version.data = str(exc.current.version)
        flash(_("Bản nháp đã được người khác lưu sau khi bạn mở biểu mẫu. Nội dung của bạn chưa được lưu: "
                "hãy so sánh với bản đã lưu bên dưới rồi lưu lại."), "danger")
        return 409
    if isinstance(exc, evidence_store.StorageError):
        current_app.logger.error("upload folder refused a write: %s", exc)
        _add_error(form.evidence, _(
            "Không lưu được tệp minh chứng: thư mục lưu trữ của hệ thống đã đầy hoặc không ghi được. "
            "Báo cáo chưa được lưu; nội dung bạn nhập vẫn được giữ nguyên. Hãy thử lại sau ít phút "
            "hoặc báo cho quản trị hệ thống."))
        return 503
    raise exc


def _form_page(form, commitment, update, supersedes, status: int | None = None, conflict=None):
    """The form again; after a POST, files chosen must be chosen again (browsers do not keep them)."""
    if request.method == "POST" and any(getattr(f, "filename", "") for f in (form.evidence.data or [])):
        flash(_("Nội dung bạn nhập vẫn được giữ nguyên; riêng tệp minh chứng cần chọn lại."), "warning")
    return render_template("progress/form.html", form=form, commitment=commitment, update=update,
                           supersedes=supersedes, conflict=conflict,
                           targets=target_queries.in_force(commitment.id, clock.today())), \
        status or (400 if form.errors else (409 if conflict else 200))


def _new_form(options, supersedes) -> ProgressUpdateForm:
    """The form, with today's date and a token against double submission; a correction starts
    from the update it corrects."""
    form = ProgressUpdateForm()
    form.assignment.choices = choices((a.id, f"{a.agency.name} — {role_label(a.role)}") for a in options)
    if request.method == "GET":
        form.form_token.data = secrets.token_urlsafe(24)
        form.as_of.data = clock.today()
        if supersedes is not None:
            for name in service.CONTENT_FIELDS:
                getattr(form, name).data = getattr(supersedes, name)
            form.percent.data = str(supersedes.percent)
            form.assignment.data = str(next((a.id for a in options if a.agency_id == supersedes.agency_id),
                                            options[0].id))
    return form


@bp.route("/commitments/<int:commitment_id>/progress/new", methods=["GET", "POST"])
def new(commitment_id: int):
    commitment = load_commitment(commitment_id, On.REPORT)
    options = reportable_assignments(current_user, commitment, clock.today())
    supersedes = _superseded(commitment, params.parse_id(request.values.get("supersedes")), options)
    form, status = _new_form(options, supersedes), None
    if form.validate_on_submit():
        token = form.form_token.data or secrets.token_urlsafe(24)
        if (existing := queries.by_form_token(token)) is not None:  # the same form again: a double click
            return redirect(url_for("progress.detail", update_id=existing.id))
        assignment = next((a for a in options if str(a.id) == form.assignment.data), options[0])
        try:
            done, status = _save(form, lambda: service.report(
                commitment, assignment, current_user, _data(form), uploads_of(form.evidence.data),
                submit=form.action.data == "submit", form_token=token, today=clock.today(), supersedes=supersedes))
        except IntegrityError:  # a unique key refused it: the same form a moment ago, or another write
            done, status = _same_form_or_raced(token)
        if done is not None:
            return done
    return _form_page(form, commitment, None, supersedes, status)


def _same_form_or_raced(token: str) -> tuple[object, int | None]:
    """After a unique key refused the save: the page of the same form saved by a parallel request
    a moment ago; else another write raced this one on the same rows, nothing of it was saved, and
    the form is answered again with what was typed (409) to send once more."""
    existing = queries.by_form_token(token)
    if existing is not None:
        return redirect(url_for("progress.detail", update_id=existing.id)), None
    flash(_("Một thay đổi khác vừa được lưu cùng lúc nên báo cáo của bạn chưa được lưu. "
            "Nội dung bạn nhập vẫn được giữ nguyên: hãy gửi lại."), "danger")
    return None, 409


def _superseded(commitment, update_id: int | None, options):
    if not update_id:
        return None
    old = db.session.get(ProgressUpdate, update_id)
    if old is None or old.commitment_id != commitment.id or old.status == UpdateStatus.DRAFT:
        abort(404)
    if old.agency_id not in {a.agency_id for a in options}:
        abort(403)
    return old


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
def edit(update_id: int):
    update = load_update(update_id, On.EDIT)
    form = ProgressUpdateForm(obj=update if request.method == "GET" else None)
    del form.assignment
    if request.method == "GET":
        form.percent.data, form.version.data = str(update.percent), str(update.version)
    status = conflict = None
    if form.validate_on_submit():
        try:
            done, status = _save(form, lambda: service.revise(
                update, current_user, _data(form), uploads_of(form.evidence.data), submit=form.action.data == "submit",
                version=parse_version(form.version.data) or 0, today=clock.today()))
        except service.NotEditable:
            flash(_("Báo cáo đã được gửi nên không sửa được nữa; hãy lập báo cáo bổ sung."), "danger")
            done = redirect(url_for("progress.detail", update_id=update.id))
        if done is not None:
            return done
    elif form.version.errors:  # a broken or tampered form: show the saved draft; a second save compares to it
        conflict, form.version.data = update, str(update.version)
    conflict = update if status == 409 else conflict
    return _form_page(form, update.commitment, update, update.supersedes, status, conflict)


@bp.get("/updates/<int:update_id>")
def detail(update_id: int):
    return render_detail(load_update(update_id))


def render_detail(update: ProgressUpdate, return_form: ReturnForm | None = None, status: int = 200, *,
                  dispute_form: DisputeForm | None = None):
    today = clock.today()
    options = reportable_assignments(current_user, update.commitment, today)
    return render_template(
        "progress/detail.html", update=update, return_form=return_form or ReturnForm(), approve_form=ApproveForm(),
        confirmations=confirmation_queries.of_update(update.id), confirm_form=ConfirmForm(),
        dispute_form=dispute_form or DisputeForm(), can_confirm=can_confirm(current_user, update, today),
        can_withdraw=can_withdraw(current_user, update, today),
        can_review=can_review(current_user, update, today), can_edit=can_edit_update(current_user, update, today),
        can_revise=update.status != UpdateStatus.DRAFT and any(a.agency_id == update.agency_id for a in options),
        superseded_by=[u for u in queries.updates_of(update.commitment_id) if u.supersedes_id == update.id],
    ), status


def after_review(update_id: int):
    """Back to the review queue when the decision was taken there, else to the update."""
    return redirect(request.form.get("next") == "reviews" and url_for("progress.reviews")
                    or url_for("progress.detail", update_id=update_id))


def refused(form) -> bool:
    """Whether a decision's form was refused for what was typed (to show again, 400); a missing
    or stale CSRF token is answered 400 at once."""
    if form.validate_on_submit():
        return False
    if form.errors.get("csrf_token"):
        abort(400)
    return True


@bp.post("/updates/<int:update_id>/approve")
def approve(update_id: int):
    update = load_update(update_id, On.REVIEW)
    if not ApproveForm().validate_on_submit():
        abort(400)
    service.approve(update, current_user)
    db.session.commit()
    flash(_("Đã duyệt báo cáo."), "success")
    return after_review(update.id)


@bp.post("/updates/<int:update_id>/return", endpoint="return_update")
def return_update(update_id: int):
    update = load_update(update_id, On.REVIEW)
    form = ReturnForm()
    if refused(form):
        if request.form.get("next") == "reviews":  # stay in the queue, the message beside that report
            return _render_reviews(refused=update.id, refused_form=form, status=400)
        return render_detail(update, form, 400)
    service.return_(update, current_user, form.reason.data)
    db.session.commit()
    flash(_("Đã trả lại báo cáo cho cơ quan chỉnh sửa."), "info")
    return after_review(update.id)


@bp.get("/reviews")
def reviews():
    return _render_reviews()


def _render_reviews(refused: int | None = None, refused_form: ReturnForm | None = None, status: int = 200):
    """The review queue; ``refused``: the report whose return was refused, with its form's message."""
    today = clock.today()
    provinces = None if current_user.role == UserRole.ADMIN else acting_province_ids(current_user, today)
    queue = queries.review_queue(provinces, sees_restricted(current_user))
    partner = current_user.role == UserRole.COORDINATOR  # only a partner province's coordinator answers
    return render_template(
        "progress/reviews.html", queue=queue, approve_form=ApproveForm(), return_form=ReturnForm(),
        confirm_form=ConfirmForm(),
        to_confirm=confirmation_queries.pending_for(provinces, sees_restricted(current_user)) if partner else [],
        disputing=confirmation_queries.pending_for(provinces, sees_restricted(current_user), "disputed")
        if partner else [], refused=refused, refused_form=refused_form), status


@bp.route("/commitments/<int:commitment_id>/deadline", methods=["GET", "POST"])
def extend(commitment_id: int):
    commitment = load_commitment(commitment_id, On.EXTEND)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            backdated = form.effective_on.data if current_user.role == UserRole.ADMIN else None
            service.extend_deadline(commitment, current_user, form.new_due_date.data, form.reason.data or "",
                                    today=clock.today(), effective_on=backdated)
        except service.ProgressError as exc:
            db.session.rollback()
            for name, code in exc.problems.items():
                _add_error(getattr(form, name), PROBLEM_MESSAGES[code])
        else:
            db.session.commit()
            flash(_("Đã gia hạn nhiệm vụ."), "success")
            return redirect(url_for("commitments.detail", commitment_id=commitment.id))
    return render_template("progress/extend.html", form=form, commitment=commitment,
                           extensions=queries.extensions_of(commitment.id)), 400 if form.errors else 200


@bp.get("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    item = db.session.get(EvidenceFile, evidence_id) or abort(404)
    load_update(item.update_id)  # who may see the update may download its files
    return send_stored(item.stored_name, item.content_type, item.original_name)

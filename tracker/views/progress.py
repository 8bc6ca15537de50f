"""Progress reporting: the officer's inbox, the progress form, review, deadlines, evidence."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from tracker import clock, params
from tracker.domain.evidence import EvidenceProblem
from tracker.extensions import db
from tracker.forms.progress import (
    PROBLEM_MESSAGES,
    ApproveForm,
    ExtendForm,
    ProgressUpdateForm,
    ReturnForm,
    parse_version,
)
from tracker.forms import choices
from tracker.labels import role_label
from tracker.models import EvidenceFile, ProgressUpdate, UserRole
from tracker.permissions import (
    acting_agency_ids,
    acting_province_ids,
    can_edit_update,
    can_extend_deadline,
    can_review,
    can_view_update,
    reportable_assignments,
    require_view_commitment,
    sees_restricted,
)
from tracker.queries import commitments as commitment_queries
from tracker.queries import progress as queries
from tracker.services import evidence as evidence_store
from tracker.services import progress as service

bp = Blueprint("progress", __name__)


@bp.get("/my")
def inbox():
    role = request.args.get("role") if request.args.get("role") in ("lead", "support") else None
    today = clock.today()
    groups = queries.inbox(acting_agency_ids(current_user, today), sees_restricted(current_user), today, role,
                           current_app.config["DUE_SOON_DAYS"])
    return render_template("progress/inbox.html", groups=groups, role=role)


def _load_commitment(commitment_id: int):
    commitment = commitment_queries.detail(commitment_id) or abort(404)
    require_view_commitment(commitment)
    return commitment


def _data(form: ProgressUpdateForm) -> service.UpdateData:
    return service.UpdateData(
        state=form.state.data or "", percent=form.percent.data, as_of=form.as_of.data,
        results=form.clean("results"), obstacles=form.clean("obstacles"), proposals=form.clean("proposals"),
        next_steps=form.clean("next_steps"), reason=form.clean("reason"),
    )


def _show_problems(form: ProgressUpdateForm, problems: dict[str, str]) -> None:
    for name, code in problems.items():
        field = getattr(form, name, form.state)
        field.errors = list(field.errors) + [str(PROBLEM_MESSAGES.get(code, code))]


def _stage_files(form: ProgressUpdateForm) -> list:
    """Check every chosen file before anything is saved; a bad one refuses the whole form."""
    staged = []
    files = [f for f in (form.evidence.data or []) if getattr(f, "filename", "")]
    try:
        for upload in files:
            staged.append(evidence_store.stage(upload, current_app.config["UPLOAD_DIR"],
                                               current_app.config["EVIDENCE_MAX_BYTES"]))
    except EvidenceProblem as problem:
        for s in staged:
            evidence_store.discard(s)
        form.evidence.errors = list(form.evidence.errors) + [evidence_message(problem)]
        return None
    except evidence_store.StorageError:
        for s in staged:
            evidence_store.discard(s)
        raise
    return staged


def _storage_failed(form: ProgressUpdateForm, error: OSError) -> int:
    """The upload folder is full or unwritable: nothing was saved; say so beside the files, keep the text."""
    current_app.logger.error("upload folder refused a write: %s", error)
    form.evidence.errors = list(form.evidence.errors) + [_(
        "Không lưu được tệp minh chứng: thư mục lưu trữ của hệ thống đã đầy hoặc không ghi được. "
        "Báo cáo chưa được lưu; nội dung bạn nhập vẫn được giữ nguyên. Hãy thử lại sau ít phút "
        "hoặc báo cho quản trị hệ thống.")]
    return 503


def evidence_message(problem: EvidenceProblem) -> str:
    messages = {
        "no_name": _("Tệp không có tên."),
        "extension_not_allowed": _("Tệp %(name)s: chỉ nhận PDF, DOCX, XLSX, ODT, JPG, PNG.", name=problem.filename),
        "empty": _("Tệp %(name)s rỗng.", name=problem.filename),
        "too_large": _("Tệp %(name)s vượt quá %(mb)s MB.", name=problem.filename,
                       mb=current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024)),
        "content_mismatch": _("Tệp %(name)s có nội dung không đúng với loại tệp (phần mở rộng).", name=problem.filename),
        "unpacked_too_large": _("Tệp %(name)s khi giải nén quá lớn hoặc bị nén bất thường, có thể là tệp độc hại; "
                                "vui lòng lưu lại tệp bằng Word hoặc Excel rồi tải lên.", name=problem.filename),
    }
    return messages.get(problem.code, problem.code)


def _attach(update: ProgressUpdate, staged: list, placed: list[str]) -> None:
    """Place each staged file and add its row; ``placed`` grows file by file, so a failure
    half-way still tells the caller which files to remove."""
    for s in staged:
        stored = evidence_store.place(s, current_app.config["UPLOAD_DIR"])
        placed.append(stored)
        update.evidence.append(EvidenceFile(
            original_name=s.original_name, stored_name=stored, kind=s.kind, content_type=s.content_type,
            size=s.size, sha256=s.sha256, uploader_id=current_user.id,
        ))


def _assignment_choices(form: ProgressUpdateForm, options) -> None:
    form.assignment.choices = choices(
        (a.id, f"{a.agency.name} — {role_label(a.role)}") for a in options
    )


def _files_lost_note(form: ProgressUpdateForm) -> None:
    if any(getattr(f, "filename", "") for f in (form.evidence.data or [])):
        flash(_("Nội dung bạn nhập vẫn được giữ nguyên; riêng tệp minh chứng cần chọn lại."), "warning")


@bp.route("/commitments/<int:commitment_id>/progress/new", methods=["GET", "POST"])
def new(commitment_id: int):
    commitment = _load_commitment(commitment_id)
    today = clock.today()
    options = reportable_assignments(current_user, commitment, today)
    if not options:
        abort(403)
    supersedes = _superseded(commitment, params.parse_id(request.values.get("supersedes")), options)
    form = ProgressUpdateForm()
    _assignment_choices(form, options)
    status = None
    if request.method == "GET":
        form.form_token.data = secrets.token_urlsafe(24)
        form.as_of.data = today
        if supersedes is not None:
            for name in service.CONTENT_FIELDS:
                getattr(form, name).data = getattr(supersedes, name)
            form.percent.data = str(supersedes.percent)
            form.assignment.data = str(next((a.id for a in options if a.agency_id == supersedes.agency_id), options[0].id))
    if form.validate_on_submit():
        existing = queries.by_form_token(form.form_token.data or "")
        if existing is not None:  # the same form again: a double click or a resent request
            return redirect(url_for("progress.detail", update_id=existing.id))
        assignment = next((a for a in options if str(a.id) == form.assignment.data), options[0])
        try:
            staged = _stage_files(form)
            if staged is not None:
                update = _write(staged, lambda: service.create(
                    commitment, assignment, current_user, _data(form), submit=form.action.data == "submit",
                    form_token=form.form_token.data or secrets.token_urlsafe(24), today=today, supersedes=supersedes))
                return _saved(update)
        except service.ProgressError as exc:
            _show_problems(form, exc.problems)
        except IntegrityError:
            existing = queries.by_form_token(form.form_token.data or "")
            if existing is None:
                raise
            return redirect(url_for("progress.detail", update_id=existing.id))
        except evidence_store.StorageError as exc:
            status = _storage_failed(form, exc)
        _files_lost_note(form)
    return render_template("progress/form.html", form=form, commitment=commitment, update=None,
                           supersedes=supersedes, conflict=None), status or (400 if form.errors else 200)


def _write(staged: list, save) -> ProgressUpdate:
    """Run ``save`` (a service call that adds or changes an update), attach the staged files
    and commit; if anything fails, nothing stays: no row, no file (staged or placed)."""
    placed: list[str] = []
    with evidence_store.held(staged):
        try:
            update = save()
            _attach(update, staged, placed)
            db.session.commit()
            return update
        except BaseException:
            try:
                db.session.rollback()  # may fail too when the database is gone; the files go regardless
            finally:
                for stored in placed:
                    evidence_store.path_for(stored, current_app.config["UPLOAD_DIR"]).unlink(missing_ok=True)
            raise


def _saved(update: ProgressUpdate):
    session["saved_form"] = request.path  # the next page tells the browser to drop its copy
    flash(_("Đã gửi báo cáo để duyệt.") if update.status == "submitted" else _("Đã lưu bản nháp."), "success")
    return redirect(url_for("progress.detail", update_id=update.id))


def _superseded(commitment, update_id: int | None, options):
    if not update_id:
        return None
    old = db.session.get(ProgressUpdate, update_id)
    if old is None or old.commitment_id != commitment.id or old.status == "draft":
        abort(404)
    if old.agency_id not in {a.agency_id for a in options}:
        abort(403)
    return old


def _load_update(update_id: int) -> ProgressUpdate:
    update = db.session.get(ProgressUpdate, update_id) or abort(404)
    if not can_view_update(current_user, update, clock.today()):
        abort(404 if update.status == "draft" or update.commitment.area.restricted else 403)
    return update


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
def edit(update_id: int):
    update = _load_update(update_id)
    today = clock.today()
    if not can_edit_update(current_user, update, today):
        abort(403)
    form = ProgressUpdateForm(obj=update if request.method == "GET" else None)
    del form.assignment
    if request.method == "GET":
        form.percent.data = str(update.percent)
        form.version.data = str(update.version)
    conflict = status = None
    if form.validate_on_submit():
        try:
            staged = _stage_files(form)
            if staged is not None:
                version = parse_version(form.version.data) or 0
                _write(staged, lambda: service.save(update, current_user, _data(form),
                                                    submit=form.action.data == "submit", version=version, today=today))
                return _saved(update)
        except service.ProgressError as exc:
            _show_problems(form, exc.problems)
        except service.StaleDraft as exc:
            conflict = exc.current
            form.version.data = str(conflict.version)
            flash(_("Bản nháp đã được người khác lưu sau khi bạn mở biểu mẫu. Nội dung của bạn chưa được lưu: "
                    "hãy so sánh với bản đã lưu bên dưới rồi lưu lại."), "danger")
        except service.NotEditable:
            flash(_("Báo cáo đã được gửi nên không sửa được nữa; hãy lập báo cáo bổ sung."), "danger")
            return redirect(url_for("progress.detail", update_id=update.id))
        except evidence_store.StorageError as exc:
            status = _storage_failed(form, exc)
    elif form.version.errors:  # a broken or tampered form: show the saved draft; a second save compares to it
        conflict = update
        form.version.data = str(update.version)
    if request.method == "POST":
        _files_lost_note(form)
    return render_template("progress/form.html", form=form, commitment=update.commitment, update=update,
                           supersedes=update.supersedes, conflict=conflict), \
        status or (400 if form.errors else (409 if conflict else 200))


@bp.get("/updates/<int:update_id>")
def detail(update_id: int):
    update = _load_update(update_id)
    return _render_detail(update, ReturnForm())


def _render_detail(update: ProgressUpdate, return_form: ReturnForm, status: int = 200):
    today = clock.today()
    options = reportable_assignments(current_user, update.commitment, today)
    return render_template(
        "progress/detail.html", update=update, return_form=return_form, approve_form=ApproveForm(),
        can_review=can_review(current_user, update, today), can_edit=can_edit_update(current_user, update, today),
        can_revise=update.status != "draft" and any(a.agency_id == update.agency_id for a in options),
        superseded_by=[u for u in queries.updates_of(update.commitment_id) if u.supersedes_id == update.id],
    ), status


@bp.post("/updates/<int:update_id>/approve")
def approve(update_id: int):
    update = _load_update(update_id)
    if not ApproveForm().validate_on_submit():
        abort(400)
    if not can_review(current_user, update, clock.today()):
        abort(403)
    service.approve(update, current_user)
    db.session.commit()
    flash(_("Đã duyệt báo cáo."), "success")
    return redirect(request.form.get("next") == "reviews" and url_for("progress.reviews")
                    or url_for("progress.detail", update_id=update.id))


@bp.post("/updates/<int:update_id>/return", endpoint="return_update")
def return_update(update_id: int):
    update = _load_update(update_id)
    form = ReturnForm()
    if not can_review(current_user, update, clock.today()):
        abort(403)
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        return _render_detail(update, form, 400)
    service.return_(update, current_user, form.reason.data)
    db.session.commit()
    flash(_("Đã trả lại báo cáo cho cơ quan chỉnh sửa."), "info")
    return redirect(request.form.get("next") == "reviews" and url_for("progress.reviews")
                    or url_for("progress.detail", update_id=update.id))


@bp.get("/reviews")
def reviews():
    today = clock.today()
    provinces = None if current_user.role == "admin" else acting_province_ids(current_user, today)
    queue = queries.review_queue(provinces, sees_restricted(current_user))
    return render_template("progress/reviews.html", queue=queue, approve_form=ApproveForm(), return_form=ReturnForm())


@bp.route("/commitments/<int:commitment_id>/deadline", methods=["GET", "POST"])
def extend(commitment_id: int):
    commitment = _load_commitment(commitment_id)
    if not can_extend_deadline(current_user, commitment, clock.today()):
        abort(403)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            backdated = form.effective_on.data if current_user.role == UserRole.ADMIN else None
            service.extend_deadline(commitment, current_user, form.new_due_date.data, form.reason.data or "",
                                    today=clock.today(), effective_on=backdated)
        except service.ProgressError as exc:
            db.session.rollback()
            for name, code in exc.problems.items():
                getattr(form, name).errors = list(getattr(form, name).errors) + [str(PROBLEM_MESSAGES[code])]
        else:
            db.session.commit()
            flash(_("Đã gia hạn nhiệm vụ."), "success")
            return redirect(url_for("commitments.detail", commitment_id=commitment.id))
    return render_template("progress/extend.html", form=form, commitment=commitment,
                           extensions=queries.extensions_of(commitment.id)), 400 if form.errors else 200


@bp.get("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    item = db.session.get(EvidenceFile, evidence_id) or abort(404)
    _load_update(item.update_id)  # who may see the update may download its files
    path = evidence_store.path_for(item.stored_name, current_app.config["UPLOAD_DIR"])
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=item.content_type, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = evidence_store.content_disposition(item.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response

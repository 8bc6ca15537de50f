"""Implementing documents (văn bản triển khai): the register, recording, correcting and removing
one (coordinators their province's, admins any side's), downloading its file."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.domain.codes import UserRole
from tracker import clock, params
from tracker.downloads import send_stored
from tracker.extensions import db
from tracker.forms import choices
from tracker.forms.documents import DocumentFilterForm, DocumentForm, DocumentRemoveForm
from tracker.models import Agreement
from tracker.permissions import can_view_document, issuing_provinces, sees_restricted
from tracker.queries import agreements as agreement_queries
from tracker.queries import documents as queries
from tracker.services import documents as service
from tracker.views.recording import recorded, uploads_of

bp = Blueprint("documents", __name__)


@bp.get("/documents")
def index():
    form = DocumentFilterForm(request.args, meta={"csrf": False})
    form.agreement.choices = choices([(None, _("Tất cả"))] + sorted(agreement_queries.menu()))
    filters = queries.DocumentFilters(q=form.q.data or "", agreement=form.agreement.data)
    cleared = sees_restricted(current_user)
    pagination = queries.search(filters, cleared, params.arg_page(), current_app.config["PAGE_SIZE"])
    writable = current_user.role in (UserRole.ADMIN, UserRole.COORDINATOR)
    return render_template("documents/index.html", form=form, pagination=pagination, writable=writable,
                           see_restricted=cleared, editable=_editable_ids(pagination.items),
                           new_for=filters.agreement or next(iter(agreement_queries.menu()), (None,))[0])


def _agreement() -> Agreement:
    """The agreement named by ``?agreement=``, else the newest one."""
    agreement_id = params.arg_id("agreement") or next(iter(agreement_queries.menu()), (None,))[0]
    return db.session.get(Agreement, agreement_id or 0) or abort(404)


def _editable_ids(documents) -> set[int]:
    """The documents (of those shown) the user may correct and remove."""
    sides: dict[int, set[int]] = {}
    for d in documents:
        if d.agreement_id not in sides:
            sides[d.agreement_id] = issuing_provinces(current_user, queries.sides(d.agreement_id), clock.today())
    return {d.id for d in documents if d.province_id in sides[d.agreement_id]}


def _record(form: DocumentForm, agreement: Agreement, provinces: set[int], document=None, data=None) -> int | None:
    """Ask the service (a new document, or ``document`` corrected with ``data``), commit; on a
    refusal, the message beside its field and 400 (503: storage)."""
    write, row = (service.create, agreement) if document is None else (service.update, document)
    data = form.document_data() if document is None else data
    uploads = uploads_of([form.file.data])
    return recorded(form, form.file, lambda: write(row, data, current_user, sides=provinces, today=clock.today(),
                                                   uploads=uploads), service.DocumentError)[1]


@bp.route("/documents/new", methods=["GET", "POST"])
def new():
    agreement = _agreement()
    provinces = issuing_provinces(current_user, queries.sides(agreement.id), clock.today()) or abort(403)
    form = DocumentForm()
    form.load_choices(queries.province_menu(provinces),
                      queries.commitment_menu(agreement.id, sees_restricted(current_user)))
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit() and (status := _record(form, agreement, provinces)) is None:
        flash(_("Đã ghi nhận văn bản triển khai."), "success")
        return redirect(url_for("documents.index", agreement=agreement.id))
    return render_template("documents/form.html", form=form, agreement=agreement), status


def _own(document_id: int):
    """The document and the provinces the user may issue for; 404 unseen or removed, 403 another side's."""
    document = queries.get(document_id)
    if document is None or document.removed_on is not None or not can_view_document(current_user, document):
        abort(404)
    provinces = issuing_provinces(current_user, queries.sides(document.agreement_id), clock.today())
    if document.province_id not in provinces:
        abort(403)
    return document, provinces


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
def edit(document_id: int):
    document, provinces = _own(document_id)
    form = DocumentForm(obj=document)
    menu = queries.commitment_menu(document.agreement_id, sees_restricted(current_user))
    form.load_choices(queries.province_menu(provinces), menu)
    if not form.is_submitted():
        form.commitments.data = [c.id for c in document.commitments]
    kept = tuple(c.id for c in document.commitments if c.id not in {i for i, _ in menu})  # not offered: unchanged
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit() and (status := _record(
            form, document.agreement, provinces, document,
            replace(form.document_data(), commitment_ids=form.document_data().commitment_ids + kept))) is None:
        flash(_("Đã lưu văn bản triển khai."), "success")
        return redirect(url_for("documents.index", agreement=document.agreement_id))
    return render_template("documents/form.html", form=form, agreement=document.agreement, document=document,
                           remove_form=DocumentRemoveForm()), status


@bp.post("/documents/<int:document_id>/remove")
def remove(document_id: int):
    document, provinces = _own(document_id)
    form = DocumentRemoveForm()
    if not form.validate_on_submit():
        flash(_("Nhập lý do gỡ văn bản."), "danger")
        return redirect(url_for("documents.edit", document_id=document.id))
    service.remove(document, current_user, clock.today(), reason=form.reason_text.data, sides=provinces)
    db.session.commit()
    flash(_("Đã gỡ văn bản %(number)s khỏi danh mục từ hôm nay.", number=document.number_symbol), "success")
    return redirect(url_for("documents.index", agreement=document.agreement_id))


@bp.get("/documents/<int:document_id>/file")
def download(document_id: int):
    document = queries.get(document_id)
    if document is None or not document.stored_name or not can_view_document(current_user, document):
        abort(404)
    return send_stored(document.stored_name, document.content_type, document.original_name)

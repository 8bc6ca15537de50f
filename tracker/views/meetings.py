"""Meetings (hội nghị sơ kết, tổng kết, họp giao ban): the register, recording one with its
conclusions, one meeting with its conclusions' status, and its minutes."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock, params
from tracker.domain.codes import UserRole
from tracker.extensions import db
from tracker.forms import choices
from tracker.forms.meetings import MeetingFilterForm, MeetingForm
from tracker.models import Agreement
from tracker.permissions import can_edit_side, can_view_meeting, sees_restricted
from tracker.queries import agreements as agreement_queries
from tracker.queries import confirmations as confirmation_queries
from tracker.queries import meetings as queries
from tracker.queries import progress as progress_queries
from tracker.services import evidence as evidence_store
from tracker.services import meetings as service
from tracker.views.recording import recorded, uploads_of

bp = Blueprint("meetings", __name__)


@bp.get("/meetings")
def index():
    form = MeetingFilterForm(request.args, meta={"csrf": False})
    form.agreement.choices = choices([(None, _("Tất cả"))] + sorted(agreement_queries.menu()))
    lines = [line for line in queries.register(form.agreement.data, clock.today(), sees_restricted(current_user))
             if can_view_meeting(current_user, line.meeting)]  # one on restricted fields only: for the cleared
    writable = current_user.role in (UserRole.ADMIN, UserRole.COORDINATOR)
    return render_template("meetings/index.html", form=form, lines=lines, writable=writable,
                           new_for=form.agreement.data or next(iter(agreement_queries.menu()), (None,))[0])


def _agreement() -> Agreement:
    """The agreement named by ``?agreement=``, else the newest one."""
    agreement_id = params.arg_id("agreement") or next(iter(agreement_queries.menu()), (None,))[0]
    return db.session.get(Agreement, agreement_id or 0) or abort(404)


def _record(form: MeetingForm, agreement: Agreement, allowed: dict[int, set[int]]) -> int:
    """Ask the service, commit: the meeting's id; on a refusal, the messages beside their fields
    and minus the status, -400 (-503: storage)."""
    uploads = uploads_of([form.minutes.data])
    meeting, status = recorded(form, form.minutes, lambda: service.create(
        agreement, form.meeting_data(), current_user, allowed=allowed, today=clock.today(), uploads=uploads),
        service.MeetingError)
    return meeting.id if meeting is not None else -status


def _allowed(menu: list[tuple[int, int, str]]) -> dict[int, set[int]]:
    """Party id → the agencies the user may name on that side (the form's menu)."""
    allowed: dict[int, set[int]] = {}
    for party_id, agency_id, _label in menu:
        allowed.setdefault(party_id, set()).add(agency_id)
    return allowed


@bp.route("/meetings/new", methods=["GET", "POST"])
def new():
    agreement, today = _agreement(), clock.today()
    parties = [p for p in agreement.parties if can_edit_side(current_user, p, today)] or abort(403)
    menu = queries.agency_menu(parties, today)
    form = MeetingForm()
    form.load_choices(queries.area_menu(agreement, sees_restricted(current_user)), menu)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        outcome = _record(form, agreement, _allowed(menu))
        if outcome > 0:
            flash(_("Đã ghi nhận cuộc họp và các kết luận."), "success")
            return redirect(url_for("meetings.detail", meeting_id=outcome))
        status = -outcome
    return render_template("meetings/form.html", form=form, agreement=agreement), status


@bp.get("/meetings/<int:meeting_id>")
def detail(meeting_id: int):
    meeting = queries.get(meeting_id) or abort(404)
    if not can_view_meeting(current_user, meeting):
        abort(404)
    today = clock.today()
    conclusions = queries.conclusions(meeting.id, today, sees_restricted(current_user))
    return render_template(
        "meetings/detail.html", meeting=meeting, commitments=conclusions,
        standing=progress_queries.standings(conclusions, today, current_app.config["DUE_SOON_DAYS"]),
        disputed=confirmation_queries.disputed_commitments([c.id for c in conclusions]))


@bp.get("/meetings/<int:meeting_id>/minutes")
def minutes(meeting_id: int):
    meeting = queries.get(meeting_id)
    if meeting is None or not meeting.stored_name or not can_view_meeting(current_user, meeting):
        abort(404)
    path = evidence_store.path_for(meeting.stored_name, current_app.config["UPLOAD_DIR"])
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=meeting.content_type, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = evidence_store.content_disposition(meeting.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response

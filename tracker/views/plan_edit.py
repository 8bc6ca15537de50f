"""Plan forms: agreements (parties, signatories), fields, commitments, and their assignments.

Admins edit everything; a coordinator edits the assignments of their province's side only.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker import clock
from tracker.domain.evidence import EvidenceProblem
from tracker.extensions import db
from tracker.forms import choices
from tracker.forms.plan_edit import REASONS, AgreementForm, AreaForm, AssignmentForm, CommitmentForm, EndAssignmentForm, RemoveForm
from tracker.forms.auth import LogoutForm
from tracker.models import (Agency, Agreement, AgreementParty, Assignment, Commitment, CooperationArea, PlanProposal,
                            Province)
from tracker.permissions import (
    can_decide,
    can_edit_shared,
    can_edit_side,
    can_propose,
    load_commitment,
    require_view_commitment,
)
from tracker.plan_messages import EDIT_MESSAGES, edit_errors
from tracker.queries.commitments import province_lineage
from tracker.services import evidence, plan_edit
from tracker.views.recording import file_refused, uploads_of

bp = Blueprint("plan_edit", __name__)
AGREEMENT_FIELDS = ("code", "kind", "title", "short_title", "document_number", "signed_date", "signed_place",
                    "signing_verified", "risk_margin", "period_start", "period_end", "open_ended")
AREA_FIELDS = ("number", "name", "name_en", "provisional", "restricted")
COMMITMENT_FIELDS = plan_edit.COMMITMENT_FIELDS


def _data(form, names) -> dict:
    return {n: (getattr(form, n).data if getattr(form, n).data not in ("",) else None) for n in names}


def _agreement_data(form) -> dict:
    """The agreement's fields; a margin left empty stays as it was (20 on a new agreement)."""
    data = _data(form, AGREEMENT_FIELDS)
    if data["risk_margin"] is None:
        del data["risk_margin"]
    return data


def reason_from(form) -> str | None:
    """The chosen reason's words with the free text, or None when nothing was chosen."""
    labels = {code: str(label) for code, label in REASONS}
    if not form.reason.data:
        return None
    if form.reason.data not in labels:
        raise plan_edit.PlanEditError({"reason": "reason_required"})
    return plan_edit.reason_of(form.reason.data, form.reason_text.data, labels.get(form.reason.data))


def _agreement_form(agreement: Agreement | None) -> AgreementForm:
    form = AgreementForm(obj=agreement)
    provinces = db.session.scalars(select(Province).order_by(Province.valid_to.is_not(None), Province.name))
    options = choices([("", "—")] + [(str(p.id), f"{p.name} ({p.code})") for p in provinces])
    for i, entry in enumerate(form.parties.entries):
        entry.form.province.choices = options
        if agreement is not None and not form.is_submitted() and i < len(agreement.parties):
            party = agreement.parties[i]
            entry.form.province.data = str(party.province_id)
            entry.form.signatory_name.data, entry.form.signatory_title.data = party.signatory_name, party.signatory_title
    return form


def _parties(form) -> list:
    out = []
    for entry in form.parties.entries:
        province = db.session.get(Province, int(entry.form.province.data)) if (entry.form.province.data or "").isdigit() else None
        if province is not None:
            out.append((province, entry.form.signatory_name.data or None, entry.form.signatory_title.data or None))
    return out


def saved(form, act, message, target):
    """Run ``act()`` (a plan service), commit, flash ``message(result)`` and redirect to
    ``target(result)``; on a refusal, its problems go beside the fields (a refused file beside
    ``form.source_file``) and None comes back."""
    try:
        result = act()
    except plan_edit.PlanEditError as exc:
        db.session.rollback()
        edit_errors(form, exc.problems)
        return None
    except (EvidenceProblem, evidence.StorageError) as exc:
        db.session.rollback()  # also removes a file placed
        file_refused(form.source_file, exc)
        return None
    db.session.commit()
    if message is not None:
        flash(message(result), "success")
    return redirect(target(result))


def saved_or_form(form, act, message, target, template: str, **context):
    """A valid POST goes to ``saved`` and its redirect is the answer; otherwise (or refused) the
    form's page, ``template`` with ``context``."""
    if form.validate_on_submit() and (done := saved(form, act, message, target)):
        return done
    return render_template(template, form=form, **context)


@bp.route("/agreements/new", methods=["GET", "POST"])
@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
def agreement_form(agreement_id: int | None = None):
    agreement = db.session.get(Agreement, agreement_id) or abort(404) if agreement_id else None
    form = _agreement_form(agreement)
    return saved_or_form(
        form, lambda: plan_edit.save_agreement(agreement, _agreement_data(form), _parties(form), current_user,
                                               uploads_of([form.source_file.data])),
        lambda a: _("Đã lưu văn bản %(code)s.", code=a.code), lambda a: url_for("agreements.detail", agreement_id=a.id),
        "plan/agreement_form.html", agreement=agreement)


@bp.route("/agreements/<int:agreement_id>/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
def area_form(agreement_id: int | None = None, area_id: int | None = None):
    area = db.session.get(CooperationArea, area_id) or abort(404) if area_id else None
    agreement = area.agreement if area else (db.session.get(Agreement, agreement_id) or abort(404))
    form = AreaForm(obj=area)
    return saved_or_form(
        form, lambda: plan_edit.save_area(agreement, area, _data(form, AREA_FIELDS), current_user),
        lambda saved: _("Đã lưu lĩnh vực %(n)s.", n=saved.number),
        lambda saved: url_for("agreements.detail", agreement_id=agreement.id),
        "plan/area_form.html", agreement=agreement, area=area)


@bp.route("/areas/<int:area_id>/commitments/new", methods=["GET", "POST"])
def commitment_new(area_id: int):
    area = db.session.get(CooperationArea, area_id) or abort(404)
    form = CommitmentForm()
    return saved_or_form(
        form, lambda: plan_edit.create_commitment(area, _data(form, COMMITMENT_FIELDS), current_user),
        lambda c: _("Đã thêm nhiệm vụ %(code)s; hãy phân công cơ quan chủ trì.", code=c.code),
        lambda c: url_for("plan_edit.assignments", commitment_id=c.id),
        "plan/commitment_form.html", area=area, commitment=None)


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
def commitment_edit(commitment_id: int):
    """Admins (or the only province on it) change the shared fields; another coordinator proposes."""
    commitment = load_commitment(commitment_id)
    direct = can_edit_shared(current_user, commitment, clock.today())
    if not direct and not can_propose(current_user, commitment, clock.today()):
        abort(403)
    form = CommitmentForm(obj=commitment)
    return saved_or_form(
        form, lambda: _save_or_propose(commitment, form, direct), None,
        lambda _result: url_for("commitments.detail", commitment_id=commitment.id),
        "plan/commitment_form.html", area=commitment.area, commitment=commitment, remove_form=RemoveForm(), direct=direct)


def _save_or_propose(commitment: Commitment, form, direct: bool) -> None:
    data = _data(form, COMMITMENT_FIELDS)
    if direct:
        plan_edit.edit_commitment(commitment, data, form.reason.data, reason_from(form), current_user, clock.today())
        flash(_("Đã lưu nhiệm vụ %(code)s.", code=commitment.code), "success")
    elif plan_edit.propose(commitment, data, form.reason.data, reason_from(form), current_user):
        flash(_("Đã gửi đề xuất thay đổi; thay đổi có hiệu lực khi tỉnh bạn xác nhận."), "success")


@bp.post("/proposals/<int:proposal_id>/decide")
def proposal_decide(proposal_id: int):
    proposal = db.session.get(PlanProposal, proposal_id) or abort(404)
    require_view_commitment(proposal.commitment)
    if not can_decide(current_user, proposal, clock.today()):
        abort(403)
    confirm = request.form.get("decision") == "confirm"
    try:
        if not LogoutForm().validate_on_submit():
            abort(400)
        plan_edit.decide(proposal, current_user, clock.today(), confirm=confirm)
    except plan_edit.PlanEditError as exc:
        db.session.rollback()
        flash(_("Không áp dụng được đề xuất: %(reason)s", reason=", ".join(
            str(EDIT_MESSAGES.get(c, c)) for c in exc.problems.values())), "error")
    else:
        db.session.commit()
        flash(_("Đã xác nhận đề xuất.") if confirm else _("Đã từ chối đề xuất."), "success")
    return redirect(url_for("commitments.detail", commitment_id=proposal.commitment_id))


@bp.post("/commitments/<int:commitment_id>/removal")
def commitment_remove(commitment_id: int):
    """Remove from the plan (soft) or, with ``restore``, put back; a stale form changes nothing."""
    commitment = load_commitment(commitment_id)
    form = RemoveForm()
    if (not form.validate_on_submit() or bool(form.restore.data) != (commitment.removed_on is not None)
            or commitment.carried_over):  # it goes on in the next phase: restoring it would count it twice
        flash(_("Nhập lý do."), "error")
        return redirect(url_for("plan_edit.commitment_edit", commitment_id=commitment.id))
    if commitment.removed_on is None:
        plan_edit.remove_commitment(commitment, current_user, clock.today(), reason=form.reason_text.data)
        message = _("Đã gỡ nhiệm vụ %(code)s khỏi kế hoạch từ hôm nay.", code=commitment.code)
    else:
        plan_edit.restore_commitment(commitment, current_user, clock.today(), reason=form.reason_text.data)
        message = _("Đã khôi phục nhiệm vụ %(code)s.", code=commitment.code)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("plan_edit.commitment_edit", commitment_id=commitment.id))


@bp.post("/agreements/<int:agreement_id>/retire-demo")
def retire_demo(agreement_id: int):
    """Remove the demonstration commitments (soft, from today) once the real plan is in."""
    agreement = db.session.get(Agreement, agreement_id) or abort(404)
    if not RemoveForm().validate_on_submit():
        flash(_("Nhập lý do."), "error")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    n = plan_edit.retire_demo(agreement, current_user, clock.today(), RemoveForm().reason_text.data)
    db.session.commit()
    flash(_("Đã gỡ %(n)s nhiệm vụ minh họa khỏi kế hoạch.", n=n), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


def _sides(commitment: Commitment) -> list[AgreementParty]:
    today = clock.today()
    return [p for p in commitment.area.agreement.parties if can_edit_side(current_user, p, today)]


def _agency_choices(parties) -> list:
    today = clock.today()
    out = [("", "—")]
    for party in parties:
        agencies = db.session.scalars(select(Agency).where(
            Agency.province_id.in_(province_lineage(party.province_id) | _later(party.province_id))).order_by(Agency.name))
        out += [(str(a.id), f"{a.name} ({a.code})") for a in agencies if a.is_valid_on(today)]
    return choices(out)


def _later(province_id: int) -> set[int]:
    from tracker.queries.plan import today_province

    now = today_province(db.session.get(Province, province_id), clock.today())
    return province_lineage(now.id)


def _chosen(form, sides):
    """The side and agency the form names; an agency outside that province is a field error."""
    party = next((p for p in sides if str(p.id) == form.party.data), None) or abort(403)
    agency = db.session.get(Agency, int(form.agency.data)) if form.agency.data.isdigit() else None
    if agency is None or agency.province_id not in province_lineage(party.province_id) | _later(party.province_id):
        form.agency.errors = [_("Cơ quan không thuộc tỉnh đã chọn.")]
        return party, None
    return party, agency


@bp.route("/commitments/<int:commitment_id>/assignments", methods=["GET", "POST"])
def assignments(commitment_id: int):
    commitment = load_commitment(commitment_id)
    sides = _sides(commitment) or abort(403)
    form = AssignmentForm()
    form.party.choices = choices([(str(p.id), p.province.name) for p in sides])
    form.agency.choices = _agency_choices(sides)
    if form.validate_on_submit():
        party, agency = _chosen(form, sides)
        try:
            if agency is not None:
                plan_edit.assign(commitment, party, form.role.data, agency,
                                 reason_from(form) or plan_edit.reason_of(None, None), current_user, clock.today())
                db.session.commit()
                flash(_("Đã phân công %(name)s từ hôm nay.", name=agency.name), "success")
                return redirect(url_for("plan_edit.assignments", commitment_id=commitment.id))
        except plan_edit.PlanEditError as exc:
            edit_errors(form, exc.problems)
    return render_template("plan/assignments.html", commitment=commitment, form=form, end_form=EndAssignmentForm(),
                           editable={p.id for p in sides})


@bp.post("/assignments/<int:assignment_id>/end")
def assignment_end(assignment_id: int):
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    require_view_commitment(assignment.commitment)
    if not can_edit_side(current_user, assignment.party, clock.today()) or assignment.valid_to is not None:
        abort(403)
    form = EndAssignmentForm()
    try:
        reason = reason_from(form) if form.validate_on_submit() else None
        plan_edit.end_assignment(assignment, reason or plan_edit.reason_of(None, None), current_user, clock.today())
    except plan_edit.PlanEditError:
        flash(_("Chọn lý do thay đổi (và ghi rõ khi chọn “Khác”)."), "error")
    else:
        db.session.commit()
        flash(_("Đã kết thúc phân công từ hôm nay."), "success")
    return redirect(url_for("plan_edit.assignments", commitment_id=assignment.commitment_id))

"""User administration and the audit log, for administrators only (see permissions)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import params
from tracker.extensions import db
from tracker.forms.accounts import ACCOUNT_MESSAGES, AuditFilterForm, UserFilterForm, UserForm
from tracker.forms.auth import LogoutForm
from tracker.models import User
from tracker.queries import accounts as queries
from tracker.services import accounts

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _field_error(form, exc: accounts.AccountError) -> None:
    target = getattr(form, exc.field or "email", form.email)
    target.errors = list(target.errors) + [ACCOUNT_MESSAGES.get(exc.code, str(exc))]


@bp.get("/users")
def users():
    form = UserFilterForm(request.args, meta={"csrf": False})
    pagination = queries.users(form.q.data or "", form.role.data or "", form.active.data or "", params.arg_page())
    return render_template("admin/users.html", form=form, pagination=pagination, action_form=LogoutForm())


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    form.load_choices()
    if form.validate_on_submit():
        temporary = accounts.generated_password()
        try:
            user = accounts.create_user(
                accounts.NewUser(
                    email=form.email.data, role=form.role.data, name=form.name.data,
                    province=form.province.data or None, agency=form.agency.data or None,
                    cleared=form.cleared.data, language=form.language.data,
                ),
                temporary, actor=current_user, must_change=True,
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            return render_template("admin/temporary_password.html", user=user, password=temporary, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    form.load_choices()
    del form.email
    if request.method == "GET":
        form.province.data = user.province.code if user.province and user.role == "coordinator" else ""
        form.agency.data = user.agency.code if user.agency else ""
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user, current_user, name=form.name.data, role=form.role.data,
                province=form.province.data or None, agency=form.agency.data or None,
                cleared=form.cleared.data, active=form.active.data,
            )
            user.language = form.language.data
        except accounts.AccountError as exc:
            db.session.rollback()
            target = getattr(form, exc.field or "role", form.role)
            target.errors = list(target.errors) + [ACCOUNT_MESSAGES.get(exc.code, str(exc))]
        else:
            db.session.commit()
            flash(_("Đã lưu tài khoản %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, events=queries.events_about_user(user.id),
                           action_form=LogoutForm())


@bp.post("/users/<int:user_id>/reset")
def user_reset(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if not LogoutForm().validate_on_submit():
        abort(400)
    temporary = accounts.reset_password(user, current_user)
    db.session.commit()
    return render_template("admin/temporary_password.html", user=user, password=temporary, created=False)


@bp.get("/audit")
def audit():
    form = AuditFilterForm(request.args, meta={"csrf": False})
    pagination = queries.audit_events(form.category.data or "", form.action.data or "", params.arg_page())
    return render_template("admin/audit.html", form=form, pagination=pagination)

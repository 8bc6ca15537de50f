"""Everyone's own account: name, language, password, two-factor sign-in, sessions."""
from __future__ import annotations

import io

import time

import segno
from markupsafe import Markup
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from tracker import i18n
from tracker.auth import lifetimes
from tracker.layout import kept_body
from tracker.extensions import db
from tracker.forms.accounts import (
    ACCOUNT_MESSAGES,
    PasswordForm,
    ProfileForm,
    TwoFactorBeginForm,
    TokenForm,
    TwoFactorConfirmForm,
    TwoFactorDisableForm,
)
from tracker.forms.auth import LogoutForm
from tracker.models import UserRole
from tracker.models.base import utcnow
from tracker.permissions import needs_two_factor_enrolment
from tracker import clock
from tracker.models import ApiToken
from tracker.services import accounts, audit, sessions, tokens

bp = Blueprint("profile", __name__, url_prefix="/profile")


@bp.route("", methods=["GET", "POST"])
def index():
    """A GET's body is kept finished per what it shows of the user (their row's fields; an agency
    or province renamed bumps the change counter) and the page's language."""
    if request.method == "GET":
        user = current_user
        parts = (user.id, user.email, user.name, user.language, user.role, user.cleared, user.agency_id,
                 user.province_id, i18n.language(), request.script_root)
        return render_template("profile/index.html", body=kept_body(
            "profile.html", parts, lambda: render_template("profile/_index.html", form=ProfileForm(obj=user))))
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.language = form.language.data
        session["lang"] = form.language.data
        db.session.commit()
        flash(_("Đã lưu thông tin cá nhân."), "success")
        return redirect(url_for("profile.index"))
    return render_template("profile/index.html", body=Markup(render_template("profile/_index.html", form=form)))  # nosec B704 # our own template


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.AccountError as exc:
            target = form.current if exc.field == "current" else form.new
            target.errors.append(ACCOUNT_MESSAGES.get(exc.code, str(exc)))
        else:
            # A password change ends every other session; this one gets a new token.
            sessions.revoke_all(current_user.id)
            session["sid"] = sessions.start(current_user, request.remote_addr, request.headers.get("User-Agent"))
            db.session.commit()
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất."), "success")
            return redirect(url_for("main.index"))
    return render_template("profile/password.html", form=form)


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor():
    """Off → a button starts enrolment (a POST makes the secret); begun → QR and code; on → disable."""
    if current_user.totp_enabled:
        return _two_factor_on(TwoFactorDisableForm(prefix="disable"))
    begin, confirm = TwoFactorBeginForm(prefix="begin"), TwoFactorConfirmForm(prefix="confirm")
    if begin.submit.data and begin.validate_on_submit():
        accounts.totp_begin(current_user)
        db.session.commit()
        return redirect(url_for("profile.two_factor"))
    secret = accounts.totp_secret(current_user)
    if secret is not None and confirm.submit.data and confirm.validate_on_submit():
        if accounts.totp_confirm(current_user, confirm.code.data, time.time()):
            db.session.commit()
            flash(_("Đã bật xác thực hai bước. Từ lần đăng nhập sau, bạn cần nhập mã từ ứng dụng."), "success")
            return redirect(url_for("profile.two_factor"))
        confirm.code.errors.append(_("Mã xác thực không đúng. Hãy kiểm tra giờ trên điện thoại và thử lại."))
    return render_template("profile/two_factor.html", enabled=False, begin=begin, confirm=confirm, secret=secret,
                           required=needs_two_factor_enrolment(current_user))


def _two_factor_on(disable: TwoFactorDisableForm):
    required = current_app.config["TRACKER_ENV"] == "production" and current_user.role == UserRole.ADMIN
    if disable.submit.data and disable.validate_on_submit():
        if required:
            abort(403)
        if accounts.authenticate(current_user.email, disable.password.data) is None:
            disable.password.errors.append(ACCOUNT_MESSAGES["wrong_current"])
            db.session.commit()  # the failed attempt counts towards the lockout
        else:
            accounts.totp_disable(current_user, current_user)
            db.session.commit()
            flash(_("Đã tắt xác thực hai bước."), "info")
            return redirect(url_for("profile.two_factor"))
    return render_template("profile/two_factor.html", enabled=True, disable=disable, required=required)


@bp.get("/two-factor/qr.svg")
def two_factor_qr():
    """The enrolment QR code, drawn here (segno): the secret never leaves the server otherwise."""
    if current_user.totp_enabled or not current_user.totp_secret_encrypted:
        abort(404)
    uri = accounts.totp_uri(current_user, current_app.config["TOTP_ISSUER"])
    svg = io.BytesIO()  # a standalone file: with its xmlns (svg_inline leaves it out, and <img> then draws nothing)
    segno.make(uri, error="m").save(svg, kind="svg", xmldecl=False, scale=5, border=2)
    return Response(svg.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.get("/sessions", endpoint="sessions")
def sessions_page():
    rows = sessions.live_sessions(current_user.id, utcnow(), *lifetimes())
    token = session.get("sid")
    return render_template(
        "profile/sessions.html", rows=rows, is_current=lambda r: sessions.is_current(r, token), form=LogoutForm()
    )


@bp.post("/sessions/sign-out-everywhere")
def sign_out_everywhere():
    if not LogoutForm().validate_on_submit():
        abort(400)
    count = sessions.revoke_all(current_user.id)
    audit.record("sessions_revoked", actor=current_user, obj=current_user, count=count)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất khỏi mọi thiết bị."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/tokens", methods=["GET", "POST"])
def api_tokens():
    """Personal access tokens for the JSON API: made here, the secret shown once on this answer only."""
    form, made = TokenForm(), None
    if form.validate_on_submit():
        try:
            made = tokens.create(current_user, actor=current_user, read_only=form.read_only.data,
                                 expires_on=form.expires_on.data, name=form.name.data, today=clock.today())
        except tokens.TokenError:
            form.expires_on.errors.append(_("Ngày hết hạn không được trước hôm nay."))
        else:
            db.session.commit()
    return render_template("profile/tokens.html", form=form, made=made, rows=tokens.of_user(current_user.id),
                           revoke_form=LogoutForm(), today=clock.today()), 400 if form.errors else 200


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if not LogoutForm().validate_on_submit():
        abort(400)
    tokens.revoke(row, actor=current_user)
    db.session.commit()
    flash(_("Đã thu hồi mã truy cập %(prefix)s…", prefix=row.prefix), "info")
    return redirect(url_for("profile.api_tokens"))

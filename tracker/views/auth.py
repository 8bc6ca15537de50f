"""Signing in and out, and the language switch."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tracker.auth import safe_next
from tracker.extensions import db
from tracker.forms.auth import LanguageForm, LoginForm, LogoutForm
from tracker.services import accounts

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, url_for("main.index")))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session on sign-in
            login_user(user)
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("main.index")))
        form.password.errors.append(_("Thư điện tử hoặc mật khẩu không đúng."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if not LogoutForm().validate_on_submit():
        abort(400)
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        current_user.language = form.lang.data
        db.session.commit()
    return redirect(safe_next(form.next.data, url_for("main.index")))

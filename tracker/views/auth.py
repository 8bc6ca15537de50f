"""Signing in (password, then a two-factor code when enrolled) and out; the language switch."""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tracker import lockout
from tracker.auth import safe_next
from tracker.extensions import db, limiter
from tracker.forms.auth import CodeForm, LanguageForm, LoginForm, LogoutForm
from tracker.models import User
from tracker.services import accounts, audit, sessions

bp = Blueprint("auth", __name__)

PENDING = "pending_sign_in"
PENDING_SECONDS = 300
# The routes with a rate limit, besides the API's (limited as a whole blueprint). Any other
# request skips Flask-Limiter's per-request resolution of limits (some 300 Python calls for
# none); tests/views/test_auth.py checks that every limited view is named here.
LIMITED_ENDPOINTS = frozenset({"auth.login", "auth.login_code"})
LIMITED_BLUEPRINTS = frozenset({"api"})


@limiter.request_filter
def _has_no_limit() -> bool:
    return request.endpoint not in LIMITED_ENDPOINTS and request.blueprint not in LIMITED_BLUEPRINTS


def _failed(response) -> bool:
    """Only failed attempts count towards the limits: success answers with a redirect, and an
    attempt turned away by the account-wide delay was never checked."""
    return response.status_code != 302 and not g.get("login_not_checked")


def _account_key() -> str:
    """Per account *and* address (or known browser): a stranger's failures lock only the stranger."""
    return lockout.source_key(accounts.normalise_email(request.form.get("email", "")))


def _address_key() -> str:
    return "login-ip:" + (request.remote_addr or "unknown")


def _on_breach(limit) -> None:
    audit.record("login_locked", actor=None, email=accounts.normalise_email(request.form.get("email", ""))[:254],
                 limit=str(limit.limit))
    db.session.commit()


def _account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def complete_sign_in(user: User, method: str, next_url: str | None):
    """A fresh session for the user: old cookie contents dropped, a new server-side record."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    if language in current_app.config["LANGUAGES"]:
        user.language = language  # chosen on the sign-in page: it sticks for the user too
    login_user(user)
    session["sid"] = sessions.start(user, request.remote_addr, request.headers.get("User-Agent"))
    session.permanent = True
    accounts.record_login(user, method)
    db.session.commit()
    return lockout.remember_device(redirect(safe_next(next_url, url_for("main.index"))), user.email)


def _locked_out(form: LoginForm, wait: int):
    """The account waits after many failures: say how long, without checking the password."""
    g.login_not_checked = True
    form.password.errors.append(_("Tài khoản này vừa bị đăng nhập sai nhiều lần. Vui lòng đợi %(n)s giây "
                                  "rồi thử lại.", n=wait))
    # Flask-Limiter rewrites Retry-After as int(later of ours and its own reset - now),
    # which rounds ours down: one second more comes out as ``wait``.
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait + 1)}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed, on_breach=_on_breach)
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"], deduct_when=_failed, on_breach=_on_breach)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, url_for("main.index")))
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        if wait := lockout.wait_seconds(email):
            return _locked_out(form, wait)
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None and user.totp_enabled:
            session[PENDING] = {"user_id": user.id, "at": time.time(), "next": form.next.data or ""}
            db.session.commit()
            return redirect(url_for("auth.login_code"))
        if user is not None:
            return complete_sign_in(user, "password", form.next.data)
        delay = lockout.record_failure(email)
        if delay:
            audit.record("login_delayed", actor=None, email=email[:254], seconds=delay)
        db.session.commit()  # keep the audit event of the failure
        form.password.errors.append(_("Thư điện tử hoặc mật khẩu không đúng."))
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_account_limit, key_func=lambda: f"code:{session.get(PENDING, {}).get('user_id')}",
               methods=["POST"], deduct_when=_failed, on_breach=_on_breach)
def login_code():
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        flash(_("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."), "warning")
        return redirect(url_for("auth.login"))
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.active:
        abort(400)
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.totp_verify(user, form.code.data, time.time()):
            return complete_sign_in(user, "password+totp", pending.get("next"))
        audit.record("login_failed", actor=None, obj=user, reason="totp")
        db.session.commit()
        form.code.errors.append(_("Mã xác thực không đúng hoặc đã được dùng."))
    return render_template("auth/code.html", form=form)


@bp.post("/logout")
def logout():
    if not LogoutForm().validate_on_submit():
        abort(400)
    sessions.revoke(session.get("sid"), current_user.id)
    db.session.commit()
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

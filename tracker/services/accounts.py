"""Accounts: creating and changing users, passwords, two-factor codes, signing in.

Every security-relevant change writes an audit event. Nothing here commits.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from functools import lru_cache

import pyotp
from flask import current_app, has_app_context
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import crypto
from tracker.domain import emails, passwords
from tracker.domain.passwords import password_problems
from tracker.extensions import db
from tracker.models import Agency, Province, User, UserRole
from tracker.models.base import utcnow
from tracker.services import audit

# Werkzeug's default (scrypt). The test configuration names a cheap method instead
# (PASSWORD_HASH_METHOD): a suite that signs in thousands of times must not spend its
# minutes in scrypt. Existing hashes carry their method, so checking needs no setting.
DEFAULT_HASH_METHOD = "scrypt"

PASSWORD_PROBLEMS_EN = {
    passwords.TOO_SHORT: f"at least {passwords.MIN_LENGTH} characters are needed",
    passwords.TOO_LONG: f"at most {passwords.MAX_LENGTH} characters are allowed",
    passwords.TOO_EASY: "too easy to guess (common, or built from the name or e-mail)",
}


class AccountError(ValueError):
    """A user cannot be created or changed as asked; the message says why (English, for the CLI)."""

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.field = field
        self.code = code


@dataclass(frozen=True)
class NewUser:
    email: str
    role: str
    name: str | None = None
    province: str | None = None
    agency: str | None = None
    cleared: bool = False
    language: str = "vi"


def normalise_email(email: str) -> str:
    return emails.normalise(email)


def hash_method() -> str:
    """The configured hashing method for new passwords (scrypt unless the app says otherwise)."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_HASH_METHOD
    return DEFAULT_HASH_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=hash_method())


@lru_cache(maxsize=4)
def dummy_hash(method: str) -> str:
    """A hash of a random password, checked when the e-mail is unknown so that the answer
    takes about as long as for a known e-mail with a wrong password: same method, same cost."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def check_password_strength(password: str, email: str, name: str) -> None:
    problems = password_problems(password, (email, name))
    if problems:
        raise AccountError(
            "weak password: " + "; ".join(PASSWORD_PROBLEMS_EN[p] for p in problems), "password", problems[0]
        )


def _scope(role: UserRole, province_code: str | None, agency_code: str | None):
    province = agency = None
    if province_code:
        province = db.session.scalar(select(Province).where(Province.code == province_code))
        if province is None:
            raise AccountError(f"unknown province code {province_code!r}", "province", "unknown_province")
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise AccountError(f"unknown agency code {agency_code!r}", "agency", "unknown_agency")
    if role == UserRole.COORDINATOR and province is None:
        raise AccountError("a coordinator needs --province", "province", "province_required")
    if role == UserRole.OFFICER and agency is None:
        raise AccountError("an officer needs --agency", "agency", "agency_required")
    if role == UserRole.OFFICER:
        province = agency.province
    if role in (UserRole.ADMIN, UserRole.VIEWER):
        province = agency = None
    if role == UserRole.COORDINATOR:
        agency = None
    return province, agency


def _role(value: str) -> UserRole:
    try:
        return UserRole(value)
    except ValueError:
        raise AccountError(
            f"unknown role {value!r}; choose one of {', '.join(r.value for r in UserRole)}", "role", "unknown_role"
        ) from None


def create_user(new: NewUser, password: str, actor: User | None = None, must_change: bool = False) -> User:
    """Validate and add a user; raises ``AccountError`` with a one-line reason."""
    email = normalise_email(new.email)
    local = email.rpartition("@")[0]
    if not emails.is_valid(email):  # the sign-in form's rule, so whoever is created can sign in
        raise AccountError(f"invalid e-mail address: {new.email!r}", "email", "invalid_email")
    role = _role(new.role)
    if db.session.scalar(select(func.count(User.id)).where(User.email == email)):
        raise AccountError(f"a user with e-mail {email} already exists", "email", "duplicate_email")
    province, agency = _scope(role, new.province, new.agency)
    name = (new.name or local).strip()
    check_password_strength(password, email, name)
    user = User(
        email=email, name=name, password_hash=hash_password(password), role=role.value,
        province=province, agency=agency, cleared=new.cleared, language=new.language, active=True,
        must_change_password=must_change,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", actor=actor, obj=user, email=email, role=role.value, scope=user.scope_label,
                 cleared=new.cleared)
    return user


def update_user(user: User, actor: User, *, name: str, role: str, province: str | None, agency: str | None,
                cleared: bool, active: bool) -> None:
    """Change role, scope, clearance or activity; role and scope changes are audited with before/after."""
    role_ = _role(role)
    province_, agency_ = _scope(role_, province, agency)
    before = {"role": user.role, "scope": user.scope_label, "cleared": user.cleared, "active": user.active}
    if user.id == actor.id and (role_ != UserRole.ADMIN or not active):
        raise AccountError("you cannot remove your own administrator rights", "role", "self_demotion")
    user.name = name.strip() or user.name
    user.role, user.province, user.agency = role_.value, province_, agency_
    user.cleared, user.active = cleared, active
    db.session.flush()
    after = {"role": user.role, "scope": user.scope_label, "cleared": user.cleared, "active": user.active}
    if before["active"] and not active:
        audit.record("user_deactivated", actor=actor, obj=user)
        from tracker.services import sessions

        sessions.revoke_all(user.id)
    elif not before["active"] and active:
        audit.record("user_reactivated", actor=actor, obj=user)
    changed = {k: [before[k], after[k]] for k in ("role", "scope", "cleared") if before[k] != after[k]}
    if changed:
        audit.record("user_role_changed", actor=actor, obj=user, changes=changed)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; the same work either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(dummy_hash(hash_method()), password or "")
        audit.record("login_failed", actor=None, email=normalise_email(email)[:254], reason="unknown_email")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        audit.record("login_failed", actor=None, obj=user, reason="inactive" if user.active is False else "password")
        return None
    return user


def record_login(user: User, method: str) -> None:
    user.last_login_at = utcnow()
    audit.record("login_succeeded", actor=user, obj=user, method=method)


def change_password(user: User, current: str | None, new: str, *, check_current: bool = True) -> None:
    if check_current and not check_password_hash(user.password_hash, current or ""):
        raise AccountError("current password is wrong", "current", "wrong_current")
    if check_password_hash(user.password_hash, new):
        raise AccountError("the new password must differ from the current one", "new", "same_password")
    check_password_strength(new, user.email, user.name)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    audit.record("password_changed", actor=user, obj=user)


def reset_password(user: User, actor: User) -> str:
    """An administrator's reset: a temporary password, changed at the next sign-in."""
    temporary = generated_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    from tracker.services import sessions

    sessions.revoke_all(user.id)
    audit.record("password_reset", actor=actor, obj=user)
    return temporary


def generated_password() -> str:
    return secrets.token_urlsafe(12)


# --- Two-factor sign-in (TOTP, RFC 6238) ----------------------------------------------

def _totp_fernet():
    return crypto.totp_fernet(current_app.config["SECRET_KEY"], current_app.config.get("TOTP_KEYS"))


def totp_secret(user: User) -> str | None:
    """The user's TOTP secret in plain text (it is stored encrypted); None if there is none or it
    cannot be opened: the key changed (keep ``TRACKER_TOTP_KEY``, or the secret key it is derived
    from, with the database; rotate by listing the new key first)."""
    if not user.totp_secret_encrypted:
        return None
    try:
        return crypto.open_sealed(_totp_fernet(), user.totp_secret_encrypted)
    except crypto.InvalidToken:
        logging.getLogger(__name__).error("user %s: TOTP secret cannot be decrypted with the configured key",
                                          user.id)
        return None


def totp_begin(user: User) -> str:
    """Start enrolment: a fresh secret, not active until a code confirms it."""
    secret = pyotp.random_base32()
    user.totp_secret_encrypted = crypto.seal(_totp_fernet(), secret)
    user.totp_enabled_at = None
    user.totp_last_step = None
    return secret


def totp_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(totp_secret(user)).provisioning_uri(name=user.email, issuer_name=issuer)


def totp_verify(user: User, code: str, now_ts: float) -> bool:
    """Check a 6-digit code (one step of clock drift allowed); a used step never works twice."""
    secret = totp_secret(user)
    if not secret:
        return False
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return False
    totp = pyotp.TOTP(secret)
    step = int(now_ts // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if candidate <= (user.totp_last_step or -1):
            continue
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            user.totp_last_step = candidate
            return True
    return False


def totp_confirm(user: User, code: str, now_ts: float) -> bool:
    if user.totp_enabled or not totp_verify(user, code, now_ts):
        return False
    user.totp_enabled_at = utcnow()
    audit.record("two_factor_enabled", actor=user, obj=user)
    return True


def totp_disable(user: User, actor: User | None) -> None:
    """Two-factor off: by the user, an admin, or (``actor`` None) the command line."""
    user.totp_secret_encrypted = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    audit.record("two_factor_disabled", actor=actor, obj=user)

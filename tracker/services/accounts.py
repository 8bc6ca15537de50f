"""Accounts: creating users, checking passwords, signing in."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.domain.passwords import password_problems
from tracker.extensions import db
from tracker.models import Agency, Province, User, UserRole
from tracker.models.base import utcnow

# A hash of a random password, checked when the e-mail is unknown so that the answer
# takes about as long as for a known e-mail with a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user cannot be created as asked; the message says why."""


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
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, Werkzeug's default


def create_user(new: NewUser, password: str) -> User:
    """Validate and add a user; raises ``AccountError`` with a one-line reason."""
    email = normalise_email(new.email)
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"invalid e-mail address: {new.email!r}")
    try:
        role = UserRole(new.role)
    except ValueError:
        raise AccountError(
            f"unknown role {new.role!r}; choose one of {', '.join(r.value for r in UserRole)}"
        ) from None
    if db.session.scalar(select(func.count(User.id)).where(User.email == email)):
        raise AccountError(f"a user with e-mail {email} already exists")
    province = agency = None
    if new.province:
        province = db.session.scalar(select(Province).where(Province.code == new.province))
        if province is None:
            raise AccountError(f"unknown province code {new.province!r}")
    if new.agency:
        agency = db.session.scalar(select(Agency).where(Agency.code == new.agency))
        if agency is None:
            raise AccountError(f"unknown agency code {new.agency!r}")
    if role == UserRole.COORDINATOR and province is None:
        raise AccountError("a coordinator needs --province")
    if role == UserRole.OFFICER and agency is None:
        raise AccountError("an officer needs --agency")
    if role == UserRole.OFFICER and province is None:
        province = agency.province
    name = (new.name or email.split("@")[0]).strip()
    problems = password_problems(password, (email, name))
    if problems:
        raise AccountError("weak password: " + "; ".join(problems))
    user = User(
        email=email, name=name, password_hash=hash_password(password), role=role.value,
        province=province, agency=agency, cleared=new.cleared, language=new.language, active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; same work either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email or "")))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def generated_password() -> str:
    return secrets.token_urlsafe(12)

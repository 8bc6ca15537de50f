"""Who may see and do what: every view asks here, and the request gate enforces sign-in.

The roles issue grows this into the full matrix; the rules already here are the ones the
read-only pages need: sign-in for everything but the public endpoints, and restricted
areas (Party building, defence and security) only for admins and cleared users.
"""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from tracker.models import CooperationArea, User, UserRole

# Endpoints a signed-out visitor may reach. Everything else needs a signed-in user.
PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static", "main.healthz", "auth.login", "auth.set_language"})


def is_public(endpoint: str | None) -> bool:
    return endpoint is None or endpoint in PUBLIC_ENDPOINTS


def sees_restricted(user: User) -> bool:
    """Admins and users given clearance see restricted areas."""
    return bool(user.is_authenticated and (user.role == UserRole.ADMIN or user.cleared))


def can_view_area(user: User, area: CooperationArea) -> bool:
    return user.is_authenticated and (not area.restricted or sees_restricted(user))


def require_view_area(area: CooperationArea) -> None:
    """Restricted areas answer 404 to users who may not know they exist."""
    if not can_view_area(current_user, area):
        abort(404)


def gate():
    """``before_request``: anything not public needs a signed-in user."""
    if is_public(request.endpoint):
        return None
    if not current_user.is_authenticated:
        from tracker.extensions import login_manager

        return login_manager.unauthorized()
    return None

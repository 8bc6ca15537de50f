"""Who may see and do what. Every route has a rule here; every view asks here.

Two layers, both decided on the server:
- ``ENDPOINT_ACCESS``: which roles may reach each endpoint at all. The request gate
  enforces it before any view runs; an endpoint missing from the table is refused, and a
  test walks ``app.url_map`` so a new route cannot ship without a decision.
- object rules (``can_view_commitment``, ``can_review`` …) for scope: an officer's agency,
  a coordinator's province, clearance for restricted fields. A view loads its object with
  one call, ``load_commitment(id, action)`` or ``load_update(id, action)``, which answers
  404 to whoever may not know the object exists and 403 to whoever may see it but not act.

An agency merged away hands its users' scope to its successor: scope follows the
succession chain up to today, so nobody edits accounts after a reorganisation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum

from flask import abort, current_app, g, has_request_context, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.domain.codes import UserRole
from tracker import clock
from tracker.extensions import db, login_manager
from tracker.models import (
    Agency,
    AgencySuccession,
    Assignment,
    Commitment,
    CooperationArea,
    ProgressUpdate,
    Province,
    ProvinceSuccession,
    UpdateStatus,
    User,
)


class Access(Enum):
    PUBLIC = frozenset()
    SIGNED_IN = frozenset(UserRole)
    ADMIN = frozenset({UserRole.ADMIN})
    REVIEWER = frozenset({UserRole.ADMIN, UserRole.COORDINATOR})
    REPORTER = frozenset({UserRole.ADMIN, UserRole.COORDINATOR, UserRole.OFFICER})
    OFFICER = frozenset({UserRole.OFFICER})

    @property
    def roles(self) -> frozenset[str]:
        return self.value


@dataclass(frozen=True)
class ApiRule:
    """A JSON API route (``/api/v1``): the roles (``access``) and the credential it takes.

    Reading takes a personal access token or a signed-in browser session; ``write`` takes a
    token that is not read-only, never a browser session (so a cookie-borne request, which
    carries no CSRF token on the API, cannot write).
    """

    access: Access
    write: bool = False

    @property
    def roles(self) -> frozenset[str]:
        return self.access.roles


API_READ = ApiRule(Access.SIGNED_IN)
API_REPORT = ApiRule(Access.REPORTER, write=True)

# The one table of route decisions. A route missing here is refused (and fails the tests).
ENDPOINT_ACCESS: dict[str, Access | ApiRule] = {
    "static": Access.PUBLIC,
    "bootstrap.static": Access.PUBLIC,
    "main.healthz": Access.PUBLIC,
    "auth.login": Access.PUBLIC,
    "auth.login_code": Access.PUBLIC,  # the second step; the view requires a pending sign-in
    "auth.set_language": Access.PUBLIC,
    "auth.logout": Access.SIGNED_IN,
    "main.index": Access.SIGNED_IN,
    "main.dashboard_json": Access.SIGNED_IN,
    "main.figures": Access.SIGNED_IN,
    "main.table": Access.SIGNED_IN,
    "assets.plotly": Access.PUBLIC,
    "agreements.detail": Access.SIGNED_IN,
    "agreements.area": Access.SIGNED_IN,
    "commitments.index": Access.SIGNED_IN,
    "commitments.detail": Access.SIGNED_IN,
    "agencies.detail": Access.SIGNED_IN,
    "profile.index": Access.SIGNED_IN,
    "profile.password": Access.SIGNED_IN,
    "profile.two_factor": Access.SIGNED_IN,
    "profile.two_factor_qr": Access.SIGNED_IN,
    "profile.sessions": Access.SIGNED_IN,
    "profile.sign_out_everywhere": Access.SIGNED_IN,
    "profile.api_tokens": Access.SIGNED_IN,
    "profile.revoke_token": Access.SIGNED_IN,
    "admin.users": Access.ADMIN,
    "admin.user_new": Access.ADMIN,
    "admin.user_edit": Access.ADMIN,
    "admin.user_reset": Access.ADMIN,
    "admin.audit": Access.ADMIN,
    "admin.calendar": Access.ADMIN,
    "admin.calendar_remove": Access.ADMIN,
    "progress.inbox": Access.OFFICER,
    "progress.new": Access.REPORTER,
    "progress.detail": Access.SIGNED_IN,
    "progress.edit": Access.REPORTER,
    "progress.evidence": Access.SIGNED_IN,
    "drafts.remove_evidence": Access.REPORTER,  # the view checks the draft is the user's side
    "progress.reviews": Access.REVIEWER,
    "progress.approve": Access.REVIEWER,
    "progress.return_update": Access.REVIEWER,
    "progress.extend": Access.REVIEWER,
    "notifications.index": Access.SIGNED_IN,
    "notifications.read": Access.SIGNED_IN,
    "notifications.settings": Access.SIGNED_IN,
    "notifications.outbox": Access.ADMIN,
    "reports.builder": Access.SIGNED_IN,
    "reports.status": Access.SIGNED_IN,
    "periods.index": Access.SIGNED_IN,
    "periods.close": Access.REVIEWER,
    "periods.board": Access.SIGNED_IN,
    "periods.board_xlsx": Access.SIGNED_IN,
    "api.openapi": Access.PUBLIC,
    "api.docs": Access.PUBLIC,
    "api.agreements": API_READ,
    "api.agreement": API_READ,
    "api.commitments": API_READ,
    "api.commitment": API_READ,
    "api.updates": API_READ,
    "api.submit_update": API_REPORT,
    "api.dashboard": API_READ,
    "api.periods": API_READ,
    "api.agencies": API_READ,
    "plan.import_plan": Access.REVIEWER,
    "plan.template": Access.REVIEWER,
    "registers.provinces": Access.ADMIN,
    "registers.agencies": Access.ADMIN,
    "plan_edit.agreement_form": Access.ADMIN,
    "plan_edit.area_form": Access.ADMIN,
    "plan_edit.commitment_new": Access.ADMIN,
    "plan_edit.commitment_edit": Access.ADMIN,
    "plan_edit.commitment_remove": Access.ADMIN,
    "plan_edit.assignments": Access.REVIEWER,  # a coordinator: their province's side only
    "plan_edit.assignment_end": Access.REVIEWER,
    "reorganise.index": Access.ADMIN,
}

# What a user who must first change their password (or enrol 2FA) may still reach.
SETUP_ENDPOINTS = frozenset({
    "static", "bootstrap.static", "assets.plotly", "auth.logout", "auth.set_language",
    "profile.password", "profile.two_factor", "profile.two_factor_qr",
})


def access_for(endpoint: str | None) -> Access | ApiRule | None:
    return ENDPOINT_ACCESS.get(endpoint) if endpoint else None


def role_allowed(user: User, access: Access) -> bool:
    return access is Access.PUBLIC or (user.is_authenticated and user.role in access.roles)


def needs_two_factor_enrolment(user: User) -> bool:
    """Admins must use two-factor sign-in in production."""
    return (
        current_app.config["TRACKER_ENV"] == "production" and user.role == UserRole.ADMIN and not user.totp_enabled
    )


def gate():
    """``before_request``: the endpoint's rule, sign-in, and set-up steps, in that order."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404 handler answers
        return None
    access = access_for(endpoint)
    if access is None:
        current_app.logger.error("refused %s: endpoint has no rule in permissions.ENDPOINT_ACCESS", endpoint)
        abort(403)
    api = access if isinstance(access, ApiRule) else None
    access = api.access if api else access
    if access is Access.PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if endpoint not in SETUP_ENDPOINTS:
        if current_user.must_change_password or needs_two_factor_enrolment(current_user):
            if api:
                abort(403)
            if current_user.must_change_password:
                return redirect(url_for("profile.password"))
            return redirect(url_for("profile.two_factor"))
    if not role_allowed(current_user, access):
        abort(403)
    if api:
        api_credential_allowed(api)
    return None


def api_credential_allowed(rule: ApiRule) -> None:
    """Writes need a token that may write; a browser session (no token) reads only."""
    token = g.get("api_token")
    if rule.write or request.method not in ("GET", "HEAD", "OPTIONS"):
        if token is None:
            abort(403, description="token-required")
        if token.read_only:
            abort(403, description="read-only-token")


# --- Restricted fields --------------------------------------------------------------

def sees_restricted(user: User) -> bool:
    """Admins and users given clearance see restricted areas (Party building, defence)."""
    return bool(user.is_authenticated and (user.role == UserRole.ADMIN or user.cleared))


def can_view_area(user: User, area: CooperationArea) -> bool:
    return user.is_authenticated and (not area.restricted or sees_restricted(user))


def can_view_commitment(user: User, commitment: Commitment) -> bool:
    return can_view_area(user, commitment.area)


def require_view_area(area: CooperationArea) -> None:
    """Restricted areas answer 404 to users who may not know they exist."""
    if not can_view_area(current_user, area):
        abort(404)


def require_view_commitment(commitment: Commitment) -> None:
    require_view_area(commitment.area)


# --- Scope: agencies and provinces, through their successions -----------------------

def _follow(unit, succession, start_id: int, today: date) -> set[int]:
    """The unit (a Province or an Agency) and, while it has ended by ``today``, its single
    successor, transitively; ``succession`` is the matching succession model."""
    # One request asks the same chain several times (the page, its menu, each row): ask the database once.
    cache = g.setdefault("succession_chains", {}) if has_request_context() else {}
    key = (unit.__name__, start_id, today)
    if key not in cache:
        cache[key] = frozenset(_walk(unit, succession, start_id, today))
    return set(cache[key])


def _walk(unit, succession, start_id: int, today: date) -> set[int]:
    ids, current = {start_id}, start_id
    while True:
        ended = db.session.scalar(select(unit.valid_to).where(unit.id == current))
        if ended is None or ended >= today:
            return ids
        nxt = list(db.session.scalars(select(succession.successor_id).where(
            succession.predecessor_id == current, succession.effective_date <= today)))
        if len(nxt) != 1 or nxt[0] in ids:  # none, a split, or a loop: a person must decide
            return ids
        current = nxt[0]
        ids.add(current)


def acting_agency_ids(user: User, today: date) -> set[int]:
    """The agencies an officer acts for: their own and its successors up to today."""
    if user.agency_id is None:
        return set()
    return _follow(Agency, AgencySuccession, user.agency_id, today)


def acting_province_ids(user: User, today: date) -> set[int]:
    """The provinces a coordinator acts for: their own, its successor, and what both absorbed."""
    if user.province_id is None:
        return set()
    from tracker.queries.commitments import province_lineage

    ids: set[int] = set()
    for province_id in _follow(Province, ProvinceSuccession, user.province_id, today):
        ids |= province_lineage(province_id)
    return ids


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.role == UserRole.ADMIN


# --- Progress reporting and review ---------------------------------------------------

def reportable_assignments(user: User, commitment: Commitment, today: date) -> list[Assignment]:
    """The current assignments of the commitment the user may report for.

    Officers: those of their agency (or its successor). Coordinators: those of their
    province's side. Admins: all. Restricted fields need clearance first.
    """
    if not user.is_authenticated or not can_view_commitment(user, commitment):
        return []
    current = [a for a in commitment.assignments if a.valid_to is None]
    if user.role == UserRole.ADMIN:
        return current
    if user.role == UserRole.OFFICER:
        agencies = acting_agency_ids(user, today)
        return [a for a in current if a.agency_id in agencies]
    if user.role == UserRole.COORDINATOR:
        provinces = acting_province_ids(user, today)
        return [a for a in current if a.party.province_id in provinces]
    return []


def _same_side(user: User, update: ProgressUpdate, today: date) -> bool:
    if user.role == UserRole.OFFICER:
        return update.agency_id in acting_agency_ids(user, today)
    if user.role == UserRole.COORDINATOR:
        return update.party.province_id in acting_province_ids(user, today)
    return False


def can_view_update(user: User, update: ProgressUpdate, today: date) -> bool:
    """Anyone who may see the commitment sees submitted updates; drafts stay with their side."""
    if not can_view_commitment(user, update.commitment):
        return False
    if update.status != UpdateStatus.DRAFT:
        return True
    return user.role == UserRole.ADMIN or update.author_id == user.id or _same_side(user, update, today)


def can_edit_update(user: User, update: ProgressUpdate, today: date) -> bool:
    return update.status == UpdateStatus.DRAFT and can_view_update(user, update, today) and (
        user.role == UserRole.ADMIN or update.author_id == user.id or _same_side(user, update, today)
    )


def can_review(user: User, update: ProgressUpdate, today: date) -> bool:
    """The coordinator of the update's province (or an admin) reviews submitted updates."""
    if update.status != UpdateStatus.SUBMITTED or not can_view_commitment(user, update.commitment):
        return False
    if user.role == UserRole.ADMIN:
        return True
    return user.role == UserRole.COORDINATOR and update.party.province_id in acting_province_ids(user, today)


def can_extend_deadline(user: User, commitment: Commitment, today: date) -> bool:
    if not can_view_commitment(user, commitment) or commitment.recurring:
        return False
    if user.role == UserRole.ADMIN:
        return True
    if user.role != UserRole.COORDINATOR:
        return False
    provinces = acting_province_ids(user, today)
    return any(a.party.province_id in provinces for a in commitment.assignments)


def can_close_period(user: User, agreement, today: date) -> bool:
    """Admins, and the coordinators of a party province, close an agreement's periods."""
    if user.role == UserRole.ADMIN:
        return True
    if user.role != UserRole.COORDINATOR:
        return False
    provinces = acting_province_ids(user, today)
    return any(p.province_id in provinces for p in agreement.parties)


# --- One call per view: load the object and decide ---------------------------------------

class On(StrEnum):
    """What a view is about to do with the object it loads."""

    VIEW = "view"
    REPORT = "report"  # a commitment: write a progress update for it
    EXTEND = "extend"  # a commitment: extend its deadline
    EDIT = "edit"  # an update: change the draft
    REVIEW = "review"  # an update: approve or return it


def load_commitment(commitment_id: int, action: On = On.VIEW) -> Commitment:
    """The commitment, or abort: 404 if missing or in a field the user may not know of,
    403 if they may see it but not do ``action``."""
    from tracker.queries.commitments import detail

    commitment = detail(commitment_id) or abort(404)
    require_view_commitment(commitment)
    today = clock.today()
    allowed = {On.VIEW: lambda: True,
               On.REPORT: lambda: bool(reportable_assignments(current_user, commitment, today)),
               On.EXTEND: lambda: can_extend_deadline(current_user, commitment, today)}[action]
    if not allowed():
        abort(403)
    return commitment


def load_update(update_id: int, action: On = On.VIEW) -> ProgressUpdate:
    """The update, or abort: 404 if missing, a draft of someone else's side or in a field the
    user may not know of; 403 if they may see it but not do ``action``."""
    update = db.session.get(ProgressUpdate, update_id) or abort(404)
    today = clock.today()
    if not can_view_update(current_user, update, today):
        abort(404 if update.status == UpdateStatus.DRAFT or update.commitment.area.restricted else 403)
    allowed = {On.VIEW: lambda: True, On.EDIT: lambda: can_edit_update(current_user, update, today),
               On.REVIEW: lambda: can_review(current_user, update, today)}[action]
    if not allowed():
        abort(403)
    return update

# --- Plan editing --------------------------------------------------------------------


def can_edit_side(user: User, party, today: date) -> bool:
    """Admins edit every side's assignments; a coordinator only their province's side."""
    if user.role == "admin":
        return True
    return user.role == "coordinator" and party.province_id in acting_province_ids(user, today)

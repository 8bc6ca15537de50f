"""Who may see and do what. Every route has a rule here; every view asks here.

Two layers, both decided on the server:
- ``ENDPOINT_ACCESS``: which roles may reach each endpoint at all. The request gate
  enforces it before any view runs; an endpoint missing from the table is refused, and a
  test walks ``app.url_map`` so a new route cannot ship without a decision.
- object rules (``can_view_commitment``, ``can_report``, ``can_review`` …) that views call
  with the loaded object, for scope: an officer's agency, a coordinator's province,
  clearance for restricted fields.

An agency merged away hands its users' scope to its successor: scope follows the
succession chain up to today, so nobody edits accounts after a reorganisation.
"""
from __future__ import annotations

from datetime import date
from enum import Enum

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

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
    SIGNED_IN = frozenset({"admin", "coordinator", "officer", "viewer"})
    ADMIN = frozenset({"admin"})
    REVIEWER = frozenset({"admin", "coordinator"})
    REPORTER = frozenset({"admin", "coordinator", "officer"})
    OFFICER = frozenset({"officer"})

    @property
    def roles(self) -> frozenset[str]:
        return self.value


# The one table of route decisions. A route missing here is refused (and fails the tests).
ENDPOINT_ACCESS: dict[str, Access] = {
    "static": Access.PUBLIC,
    "bootstrap.static": Access.PUBLIC,
    "main.healthz": Access.PUBLIC,
    "auth.login": Access.PUBLIC,
    "auth.login_code": Access.PUBLIC,  # the second step; the view requires a pending sign-in
    "auth.set_language": Access.PUBLIC,
    "auth.logout": Access.SIGNED_IN,
    "main.index": Access.SIGNED_IN,
    "main.dashboard_json": Access.SIGNED_IN,
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
    "plan.import_plan": Access.REVIEWER,
    "plan.template": Access.REVIEWER,
    "registers.provinces": Access.ADMIN,
    "registers.agencies": Access.ADMIN,
    "plan_edit.agreement_form": Access.ADMIN,
    "plan_edit.area_form": Access.ADMIN,
    "plan_edit.commitment_new": Access.ADMIN,
    "plan_edit.commitment_edit": Access.REVIEWER,  # a coordinator proposes; the view decides
    "plan_edit.proposal_decide": Access.REVIEWER,
    "plan_edit.commitment_remove": Access.ADMIN,
    "plan_edit.assignments": Access.REVIEWER,  # a coordinator: their province's side only
    "plan_edit.assignment_end": Access.REVIEWER,
    "reorganise.index": Access.ADMIN,
    "reorganise.split": Access.ADMIN,
    "plan_edit.retire_demo": Access.ADMIN,
    "targets.index": Access.REVIEWER,  # a coordinator: their province's side only
}

# What a user who must first change their password (or enrol 2FA) may still reach.
SETUP_ENDPOINTS = frozenset({
    "static", "bootstrap.static", "assets.plotly", "auth.logout", "auth.set_language",
    "profile.password", "profile.two_factor", "profile.two_factor_qr",
})


def access_for(endpoint: str | None) -> Access | None:
    return ENDPOINT_ACCESS.get(endpoint) if endpoint else None


def role_allowed(user: User, access: Access) -> bool:
    return access is Access.PUBLIC or (user.is_authenticated and user.role in access.roles)


def needs_two_factor_enrolment(user: User) -> bool:
    """Admins must use two-factor sign-in in production."""
    return (
        current_app.config["TRACKER_ENV"] == "production" and user.role == "admin" and not user.totp_enabled
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
    if access is Access.PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if endpoint not in SETUP_ENDPOINTS:
        if current_user.must_change_password:
            return redirect(url_for("profile.password"))
        if needs_two_factor_enrolment(current_user):
            return redirect(url_for("profile.two_factor"))
    if not role_allowed(current_user, access):
        abort(403)
    return None


# --- Restricted fields --------------------------------------------------------------

def sees_restricted(user: User) -> bool:
    """Admins and users given clearance see restricted areas (Party building, defence)."""
    return bool(user.is_authenticated and (user.role == "admin" or user.cleared))


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
    return user.is_authenticated and user.role == "admin"


# --- Progress reporting and review ---------------------------------------------------

def reportable_assignments(user: User, commitment: Commitment, today: date) -> list[Assignment]:
    """The current assignments of the commitment the user may report for.

    Officers: those of their agency (or its successor). Coordinators: those of their
    province's side. Admins: all. Restricted fields need clearance first.
    """
    if not user.is_authenticated or not can_view_commitment(user, commitment):
        return []
    current = [a for a in commitment.assignments if a.valid_to is None]
    if user.role == "admin":
        return current
    if user.role == "officer":
        agencies = acting_agency_ids(user, today)
        return [a for a in current if a.agency_id in agencies]
    if user.role == "coordinator":
        provinces = acting_province_ids(user, today)
        return [a for a in current if a.party.province_id in provinces]
    return []


def _same_side(user: User, update: ProgressUpdate, today: date) -> bool:
    if user.role == "officer":
        return update.agency_id in acting_agency_ids(user, today)
    if user.role == "coordinator":
        return update.party.province_id in acting_province_ids(user, today)
    return False


def can_view_update(user: User, update: ProgressUpdate, today: date) -> bool:
    """Anyone who may see the commitment sees submitted updates; drafts stay with their side."""
    if not can_view_commitment(user, update.commitment):
        return False
    if update.status != UpdateStatus.DRAFT:
        return True
    return user.role == "admin" or update.author_id == user.id or _same_side(user, update, today)


def can_edit_update(user: User, update: ProgressUpdate, today: date) -> bool:
    return update.status == UpdateStatus.DRAFT and can_view_update(user, update, today) and (
        user.role == "admin" or update.author_id == user.id or _same_side(user, update, today)
    )


def can_review(user: User, update: ProgressUpdate, today: date) -> bool:
    """The coordinator of the update's province (or an admin) reviews submitted updates."""
    if update.status != UpdateStatus.SUBMITTED or not can_view_commitment(user, update.commitment):
        return False
    if user.role == "admin":
        return True
    return user.role == "coordinator" and update.party.province_id in acting_province_ids(user, today)


def can_extend_deadline(user: User, commitment: Commitment, today: date) -> bool:
    if not can_view_commitment(user, commitment) or commitment.recurring:
        return False
    if user.role == "admin":
        return True
    if user.role != "coordinator":
        return False
    provinces = acting_province_ids(user, today)
    return any(a.party.province_id in provinces for a in commitment.assignments)


def can_close_period(user: User, agreement, today: date) -> bool:
    """Admins, and the coordinators of a party province, close an agreement's periods."""
    if user.role == "admin":
        return True
    if user.role != "coordinator":
        return False
    provinces = acting_province_ids(user, today)
    return any(p.province_id in provinces for p in agreement.parties)


# --- Plan editing --------------------------------------------------------------------


def can_edit_side(user: User, party, today: date) -> bool:
    """Admins edit every side's assignments; a coordinator only their province's side."""
    if user.role == "admin":
        return True
    return user.role == "coordinator" and party.province_id in acting_province_ids(user, today)


def _holding_provinces(commitment: Commitment) -> set[int]:
    """The party provinces with an assignment on the commitment now."""
    return {a.party.province_id for a in commitment.assignments if a.valid_to is None}


def can_edit_shared(user: User, commitment: Commitment, today: date) -> bool:
    """What the provinces hold in common: admins, or a coordinator whose province is the only one on it."""
    if user.role == "admin":
        return True
    holding = _holding_provinces(commitment)
    return user.role == "coordinator" and bool(holding) and holding <= acting_province_ids(user, today)


def can_propose(user: User, commitment: Commitment, today: date) -> bool:
    """A coordinator of a province on a shared commitment proposes; another side confirms."""
    return (user.role == "coordinator" and can_view_commitment(user, commitment)
            and bool(_holding_provinces(commitment) & acting_province_ids(user, today)))


def can_decide(user: User, proposal, today: date) -> bool:
    """Admins, or a coordinator of another province on the commitment, confirm or reject a proposal."""
    if proposal.status != "pending" or not can_view_commitment(user, proposal.commitment):
        return False
    if user.role == "admin":
        return True
    if user.role != "coordinator" or user.id == proposal.proposer_id:
        return False
    mine = acting_province_ids(user, today)
    theirs = acting_province_ids(proposal.proposer, today)
    return bool((_holding_provinces(proposal.commitment) - theirs) & mine)

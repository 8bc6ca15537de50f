"""Who may see and do what. Every route has a rule here; every view asks here.

Two layers, both decided on the server:
- ``ENDPOINT_ACCESS`` (the table, in ``tracker.access``): which roles may reach each
  endpoint at all. ``gate`` enforces it before any view runs; an endpoint missing from the
  table is refused, and a test walks ``app.url_map`` so a new route cannot ship without a decision.
- object rules (``can_view_commitment``, ``can_review`` …) for scope: an officer's agency,
  a coordinator's province, clearance for restricted fields. A view loads its object with
  one call, ``load_commitment(id, action)`` or ``load_update(id, action)``, which answers
  404 to whoever may not know the object exists and 403 to whoever may see it but not act.

An agency merged away hands its users' scope to its successor: scope follows the
succession chain up to today, so nobody edits accounts after a reorganisation.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import clock
from tracker.access import (  # noqa: F401  (the table and its vocabulary, read here and by tests as permissions.*)
    API_READ,
    API_REPORT,
    ENDPOINT_ACCESS,
    SETUP_ENDPOINTS,
    Access,
    ApiRule,
)
from tracker.domain.codes import ProposalStatus, UserRole
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
    UpdateConfirmation,
    UpdateStatus,
    User,
)
from tracker.status import cache


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


def register(app) -> None:
    """Pages ask the server's own access functions: no template decides access a second time."""
    app.jinja_env.globals.update(sees_restricted=sees_restricted, can_view_area=can_view_area)


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
    return set(cache.per_request("succession_chain", (unit.__name__, start_id, today),
                                 lambda: frozenset(_walk(unit, succession, start_id, today))))


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


def confirmation_for(user: User, update: ProgressUpdate, today: date, state: str) -> UpdateConfirmation | None:
    """The partner province's request about ``update`` that this coordinator answers, in ``state``
    (``awaiting``: confirm or dispute; ``disputed``: withdraw). Only a coordinator of the partner."""
    if (user.role != UserRole.COORDINATOR or update.status != UpdateStatus.APPROVED
            or not can_view_commitment(user, update.commitment)):
        return None
    provinces = acting_province_ids(user, today)
    rows = db.session.scalars(select(UpdateConfirmation).where(UpdateConfirmation.update_id == update.id,
                                                               UpdateConfirmation.state == state))
    return next((r for r in rows if r.party.province_id in provinces), None)


def can_confirm(user: User, update: ProgressUpdate, today: date) -> bool:
    """The coordinator of a partner province asked about a shared completion confirms or disputes it."""
    return confirmation_for(user, update, today, "awaiting") is not None


def can_withdraw(user: User, update: ProgressUpdate, today: date) -> bool:
    """The disputing province's coordinator withdraws the dispute."""
    return confirmation_for(user, update, today, "disputed") is not None


def can_extend_deadline(user: User, commitment: Commitment, today: date) -> bool:
    if not can_view_commitment(user, commitment) or commitment.recurring or not commitment.present_on(today):
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
    CONFIRM = "confirm"  # an update: a partner province confirms or disputes its completion
    WITHDRAW = "withdraw"  # an update: the partner withdraws its dispute


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
               On.REVIEW: lambda: can_review(current_user, update, today),
               On.CONFIRM: lambda: can_confirm(current_user, update, today),
               On.WITHDRAW: lambda: can_withdraw(current_user, update, today)}[action]
    if not allowed():
        abort(403)
    return update

# --- Plan editing --------------------------------------------------------------------


def can_edit_side(user: User, party, today: date) -> bool:
    """Admins edit every side's assignments; a coordinator only their province's side."""
    if user.role == UserRole.ADMIN:
        return True
    return user.role == UserRole.COORDINATOR and party.province_id in acting_province_ids(user, today)


def _holding_provinces(commitment: Commitment) -> set[int]:
    """The party provinces with an assignment on the commitment now."""
    return {a.party.province_id for a in commitment.assignments if a.valid_to is None}


def can_edit_shared(user: User, commitment: Commitment, today: date) -> bool:
    """What the provinces hold in common: admins, or a coordinator whose province is the only one on it."""
    if user.role == UserRole.ADMIN:
        return True
    holding = _holding_provinces(commitment)
    return user.role == UserRole.COORDINATOR and bool(holding) and holding <= acting_province_ids(user, today)


def can_propose(user: User, commitment: Commitment, today: date) -> bool:
    """A coordinator of a province on a shared commitment proposes; another side confirms."""
    return (user.role == UserRole.COORDINATOR and can_view_commitment(user, commitment)
            and bool(_holding_provinces(commitment) & acting_province_ids(user, today)))


def can_decide(user: User, proposal, today: date) -> bool:
    """Admins, or a coordinator of another province on the commitment, confirm or reject a proposal."""
    if proposal.status != ProposalStatus.PENDING or not can_view_commitment(user, proposal.commitment):
        return False
    if user.role == UserRole.ADMIN:
        return True
    if user.role != UserRole.COORDINATOR or user.id == proposal.proposer_id:
        return False
    mine = acting_province_ids(user, today)
    theirs = acting_province_ids(proposal.proposer, today)
    return bool((_holding_provinces(proposal.commitment) - theirs) & mine)


# --- Implementing documents ----------------------------------------------------------


def issuing_provinces(user: User, sides: set[int], today: date) -> set[int]:
    """The agreement's sides (``sides``) a user may record documents for: admins all, a
    coordinator their province's (as it was and is now); others none."""
    if user.role == UserRole.ADMIN:
        return set(sides)
    return set(sides) & acting_province_ids(user, today) if user.role == UserRole.COORDINATOR else set()


def can_view_meeting(user: User, meeting) -> bool:
    """A meeting whose conclusions are all in restricted fields is for those who see them
    (as a document serving only such commitments)."""
    return sees_restricted(user) or not (meeting.conclusions and all(c.area.restricted for c in meeting.conclusions))


def can_view_document(user: User, document) -> bool:
    """A document serving only commitments of restricted fields is for those who see them."""
    return sees_restricted(user) or not (document.commitments and all(c.area.restricted for c in document.commitments))


def load_report_job(job_id: int):
    """A background report: only the person who asked for it, or an administrator; else 404
    (another person's report is not even said to exist)."""
    from tracker.models import ReportJob

    job = db.session.get(ReportJob, job_id)
    if job is None or (job.user_id != current_user.id and current_user.role != UserRole.ADMIN):
        abort(404)
    return job

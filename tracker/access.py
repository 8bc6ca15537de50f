"""The table of route decisions: which roles may reach each endpoint at all.

``permissions.gate`` enforces it before any view runs; an endpoint missing here is refused,
and ``tests/test_permissions.py`` walks ``app.url_map`` so a new route cannot ship without a
line here. The object rules (scope, restricted fields) are in ``permissions``.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tracker.domain.codes import UserRole


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
    "agreements.source_file": Access.SIGNED_IN,  # whoever sees the agreement (every signed-in user)
    "agreements.renew": Access.ADMIN,  # the next phase (giai đoạn tiếp theo), previewed then confirmed
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
    # The partner province's coordinator (the object rule: permissions.can_confirm / can_withdraw).
    "confirmations.confirm": Access.REVIEWER,
    "confirmations.dispute": Access.REVIEWER,
    "confirmations.withdraw": Access.REVIEWER,
    "notifications.index": Access.SIGNED_IN,
    "notifications.read": Access.SIGNED_IN,
    "notifications.settings": Access.SIGNED_IN,
    "notifications.outbox": Access.ADMIN,
    "reports.builder": Access.SIGNED_IN,
    "reports.status": Access.SIGNED_IN,
    # Background reports: anyone who may download a report; the job itself only to its asker or an admin.
    "reports.job_new": Access.SIGNED_IN,
    "reports.job": Access.SIGNED_IN,
    "reports.job_json": Access.SIGNED_IN,
    "reports.job_file": Access.SIGNED_IN,
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
    "api.documents": API_READ,  # the register; documents of restricted fields only for the cleared
    "api.meetings": API_READ,
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
    "documents.index": Access.SIGNED_IN,
    "documents.new": Access.REVIEWER,  # a coordinator: their province's documents only
    "documents.edit": Access.REVIEWER,  # whoever could record it: its province's coordinator, an admin
    "documents.remove": Access.REVIEWER,  # the same, with a reason (soft: reports before today keep it)
    "documents.download": Access.SIGNED_IN,  # the view hides what only restricted fields' readers may see
    "meetings.index": Access.SIGNED_IN,  # conclusions in restricted fields counted only for who sees them
    "meetings.new": Access.REVIEWER,  # a coordinator: their province's agencies only
    "meetings.detail": Access.SIGNED_IN,
    "meetings.minutes": Access.SIGNED_IN,
}

# What a user who must first change their password (or enrol 2FA) may still reach.
SETUP_ENDPOINTS = frozenset({
    "static", "bootstrap.static", "assets.plotly", "auth.logout", "auth.set_language",
    "profile.password", "profile.two_factor", "profile.two_factor_qr",
})

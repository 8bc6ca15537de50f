"""The permission matrix: every endpoint × every role × a signed-out visitor.

EXPECTED is written here, independently of tracker/permissions.py. A route added to the
app without a line here, or without a rule in permissions.ENDPOINT_ACCESS, fails.
"""
import re
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select

from tests.client import csrf_token
from tests.conftest import shared_transaction
from tests.factories import make_update, officer_commitment, partner_done, shared_commitments
from tests.factories import user as row_user
from tracker.extensions import db
from tracker.models import Agency, Agreement, CalendarDay, PlanProposal, User
from tracker.permissions import ENDPOINT_ACCESS, acting_agency_ids, acting_province_ids
from tracker.services import confirmation

ROLES = ("admin", "coordinator", "officer", "viewer")
EVERYONE = frozenset(ROLES)
PUBLIC = "public"
# endpoint: (method, path template, who may use it)
EXPECTED = {
    "static": ("GET", "/static/css/app.css", PUBLIC),
    "assets.plotly": ("GET", "{plotly_src}", PUBLIC),
    "bootstrap.static": ("GET", "/bootstrap/static/css/bootstrap.min.css", PUBLIC),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.login_code": ("GET", "/login/code", PUBLIC),
    "auth.set_language": ("POST", "/language", PUBLIC),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "main.index": ("GET", "/", EVERYONE),
    "main.dashboard_json": ("GET", "/dashboard.json", EVERYONE),
    "main.figures": ("GET", "/dashboard/figures.json", EVERYONE),
    "main.table": ("GET", "/dashboard/tables/by_field", EVERYONE),
    "agreements.detail": ("GET", "/agreements/{agreement_id}", EVERYONE),
    "agreements.area": ("GET", "/areas/{area_id}", EVERYONE),
    "agreements.source_file": ("GET", "/agreements/{agreement_id}/source", EVERYONE),
    "agreements.renew": ("GET", "/agreements/{agreement_id}/renew", {"admin"}),
    "commitments.index": ("GET", "/commitments", EVERYONE),
    "commitments.detail": ("GET", "/commitments/{commitment_id}", EVERYONE),
    "agencies.detail": ("GET", "/agencies/{agency_id}", EVERYONE),
    "profile.index": ("GET", "/profile", EVERYONE),
    "profile.password": ("GET", "/profile/password", EVERYONE),
    "profile.two_factor": ("GET", "/profile/two-factor", EVERYONE),
    "profile.two_factor_qr": ("GET", "/profile/two-factor/qr.svg", EVERYONE),
    "profile.sessions": ("GET", "/profile/sessions", EVERYONE),
    "profile.sign_out_everywhere": ("POST", "/profile/sessions/sign-out-everywhere", EVERYONE),
    "admin.users": ("GET", "/admin/users", {"admin"}),
    "admin.user_new": ("GET", "/admin/users/new", {"admin"}),
    "admin.user_edit": ("GET", "/admin/users/{user_id}", {"admin"}),
    "admin.user_reset": ("POST", "/admin/users/{user_id}/reset", {"admin"}),
    "admin.audit": ("GET", "/admin/audit", {"admin"}),
    "admin.calendar": ("GET", "/admin/calendar?year=2026", {"admin"}),
    "admin.calendar_remove": ("POST", "/admin/calendar/{calendar_day_id}/remove", {"admin"}),
    "progress.inbox": ("GET", "/my", {"officer"}),
    "progress.new": ("GET", "/commitments/{commitment_id}/progress/new", {"admin", "coordinator", "officer"}),
    "progress.detail": ("GET", "/updates/{update_id}", EVERYONE),
    "progress.edit": ("GET", "/updates/{draft_id}/edit", {"admin", "coordinator", "officer"}),
    "progress.evidence": ("GET", "/evidence/{evidence_id}", EVERYONE),
    "drafts.remove_evidence": ("POST", "/evidence/{draft_evidence_id}/remove", {"admin", "coordinator", "officer"}),
    "progress.reviews": ("GET", "/reviews", {"admin", "coordinator"}),
    "progress.approve": ("POST", "/updates/{update_id}/approve", {"admin", "coordinator"}),
    "progress.return_update": ("POST", "/updates/{update_id}/return", {"admin", "coordinator"}),
    "progress.extend": ("GET", "/commitments/{commitment_id}/deadline", {"admin", "coordinator"}),
    # The partner province's coordinator only (the test coordinator is Thái Nguyên's; Bắc Ninh reported).
    "confirmations.confirm": ("POST", "/updates/{confirm_update_id}/confirm", {"coordinator"}),
    "confirmations.dispute": ("POST", "/updates/{confirm_update_id}/dispute", {"coordinator"}),
    "confirmations.withdraw": ("POST", "/updates/{disputed_update_id}/withdraw-dispute", {"coordinator"}),
    "notifications.index": ("GET", "/notifications", EVERYONE),
    "notifications.read": ("POST", "/notifications/read", EVERYONE),
    "notifications.settings": ("GET", "/notifications/settings", EVERYONE),
    "notifications.outbox": ("GET", "/admin/outbox", {"admin"}),
    "reports.builder": ("GET", "/reports", EVERYONE),
    "reports.status": ("GET", "/reports/status.csv?agreement={agreement_id}", EVERYONE),
    # A small scope: answered with the file's link (tests/views/test_report_jobs.py queues large ones).
    "reports.job_new": ("POST", "/reports/jobs?fmt=docx&agreement={agreement_id}", EVERYONE),
    # The role's own finished job (another person's answers 404: tests/views/test_report_jobs.py).
    "reports.job": ("GET", "/reports/jobs/{report_job_id}", EVERYONE),
    "reports.job_json": ("GET", "/reports/jobs/{report_job_id}.json", EVERYONE),
    "reports.job_file": ("GET", "/reports/jobs/{report_job_id}/file", EVERYONE),
    "periods.index": ("GET", "/periods?agreement={agreement_id}", EVERYONE),
    "periods.close": ("POST", "/periods/{agreement_id}/2025-H1/close", {"admin", "coordinator"}),
    "periods.board": ("GET", "/compliance?agreement={agreement_id}&period=2025-H1", EVERYONE),
    "periods.board_xlsx": ("GET", "/compliance.xlsx?agreement={agreement_id}&period=2025-H1", EVERYONE),
    "profile.api_tokens": ("GET", "/profile/tokens", EVERYONE),
    "profile.revoke_token": ("POST", "/profile/tokens/{token_id}/revoke", EVERYONE),
    "api.openapi": ("GET", "/api/v1/openapi.json", PUBLIC),
    "api.docs": ("GET", "/api/v1/docs", PUBLIC),
    "api.agreements": ("GET", "/api/v1/agreements", EVERYONE),
    "api.agreement": ("GET", "/api/v1/agreements/{agreement_id}", EVERYONE),
    "api.commitments": ("GET", "/api/v1/commitments", EVERYONE),
    "api.commitment": ("GET", "/api/v1/commitments/{commitment_id}", EVERYONE),
    "api.updates": ("GET", "/api/v1/commitments/{commitment_id}/updates", EVERYONE),
    # A signed-in browser reads the API but never writes through it (tests/api/test_auth.py: tokens do).
    "api.submit_update": ("POST", "/api/v1/commitments/{commitment_id}/updates", frozenset()),
    "api.dashboard": ("GET", "/api/v1/dashboard", EVERYONE),
    "api.periods": ("GET", "/api/v1/periods", EVERYONE),
    "api.agencies": ("GET", "/api/v1/agencies", EVERYONE),
    "api.documents": ("GET", "/api/v1/documents", EVERYONE),
    "api.meetings": ("GET", "/api/v1/meetings", EVERYONE),
    "plan.import_plan": ("GET", "/plan/import", {"admin", "coordinator"}),
    "plan.template": ("GET", "/plan/template.xlsx?agreement={agreement_id}", {"admin", "coordinator"}),
    "registers.provinces": ("GET", "/admin/provinces", {"admin"}),
    "registers.agencies": ("GET", "/admin/agencies", {"admin"}),
    "plan_edit.agreement_form": ("GET", "/agreements/new", {"admin"}),
    "plan_edit.area_form": ("GET", "/agreements/{agreement_id}/areas/new", {"admin"}),
    "plan_edit.commitment_new": ("GET", "/areas/{area_id}/commitments/new", {"admin"}),
    "plan_edit.commitment_edit": ("GET", "/commitments/{commitment_id}/edit", {"admin", "coordinator"}),
    "plan_edit.commitment_remove": ("POST", "/commitments/{commitment_id}/removal", {"admin"}),
    "plan_edit.assignments": ("GET", "/commitments/{commitment_id}/assignments", {"admin", "coordinator"}),
    "plan_edit.assignment_end": ("POST", "/assignments/{assignment_id}/end", {"admin", "coordinator"}),
    "plan_edit.proposal_decide": ("POST", "/proposals/{proposal_id}/decide", {"admin", "coordinator"}),
    "reorganise.index": ("GET", "/admin/reorganise", {"admin"}),
    "reorganise.split": ("GET", "/admin/agencies/{agency_id}/split", {"admin"}),
    "plan_edit.retire_demo": ("POST", "/agreements/{agreement_id}/retire-demo", {"admin"}),
    "targets.index": ("GET", "/commitments/{commitment_id}/targets", {"admin", "coordinator"}),
    "documents.index": ("GET", "/documents", EVERYONE),
    "documents.new": ("GET", "/documents/new?agreement={agreement_id}", {"admin", "coordinator"}),
    "documents.download": ("GET", "/documents/{document_id}/file", EVERYONE),
    # The fixture's document is Thái Nguyên's (as it was): the test coordinator's province.
    "documents.edit": ("GET", "/documents/{document_id}/edit", {"admin", "coordinator"}),
    "documents.remove": ("POST", "/documents/{document_id}/remove", {"admin", "coordinator"}),
    "meetings.index": ("GET", "/meetings", EVERYONE),
    "meetings.new": ("GET", "/meetings/new?agreement={agreement_id}", {"admin", "coordinator"}),
    "meetings.detail": ("GET", "/meetings/{meeting_id}", EVERYONE),
    "meetings.minutes": ("GET", "/meetings/{meeting_id}/minutes", EVERYONE),
}

# Pages reached after a step on another page (the QR code exists once enrolment has begun).
PREPARE = {"profile.two_factor_qr": ("/profile/two-factor", {"begin-submit": "1"})}


def _plotly_src(app):
    from tracker.views.assets import plotly_url

    with app.test_request_context():
        return plotly_url()


# What a GET may write: the bookkeeping the house allows, each through one named helper
# (the session's last-seen touch, the audit of a refused request, cache entries, and the kept
# standings a new day refreshes: ``status.standings.bring_up_to_date``, their one writer on a read).
BOOKKEEPING = {"user_sessions", "audit_events", "change_counter", "standings", "standing_cutoffs", "standing_state",
               "standing_periods", "standing_counts"}
_WRITE = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


@contextmanager
def tables_written(engine):
    """The tables an INSERT, UPDATE or DELETE touched while the block ran."""
    written: set[str] = set()

    def watch(conn, cursor, statement, parameters, context, executemany):
        match = _WRITE.match(statement)
        if match:
            written.add(match.group(1))

    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield written
    finally:
        event.remove(engine, "before_cursor_execute", watch)


def url_ids(app):
    agreement = db.session.scalar(select(Agreement))
    area = next(a for a in agreement.areas if not a.restricted)
    commitment = officer_commitment()
    submitted = make_update(app, commitment, evidence=True)
    draft = make_update(app, commitment, submit=False, evidence=True)
    declared = CalendarDay(day=date(2026, 2, 21), kind="working_day", reason="Làm bù")
    db.session.add(declared)
    proposal = PlanProposal(commitment=commitment, changes={"title": "Đề xuất"}, reason="Đề xuất",
                            proposer=db.session.scalar(select(User).where(User.email == "admin@example.com")))
    db.session.add(proposal)
    document = _document(app, agreement, commitment)
    _source_file(app, agreement)
    meeting = _meeting(app, agreement)
    first, second = shared_commitments()[:2]
    to_confirm, _row = partner_done(first)
    disputed, row = partner_done(second)
    confirmation.dispute(row, row_user("daumoi@example.com"), "Chưa nghiệm thu")
    db.session.commit()
    return {
        "confirm_update_id": to_confirm.id,
        "disputed_update_id": disputed.id,
        "agreement_id": agreement.id,
        "area_id": area.id,
        "commitment_id": commitment.id,
        "update_id": submitted.id,
        "draft_id": draft.id,
        "plotly_src": _plotly_src(app),
        "evidence_id": submitted.evidence[0].id,
        "draft_evidence_id": draft.evidence[0].id,
        "agency_id": db.session.scalar(select(Agency.id).where(Agency.code == "TN-STC")),
        "user_id": db.session.scalar(select(User.id).where(User.email == "lanhdao@example.com")),
        "calendar_day_id": declared.id,
        "assignment_id": next(a.id for a in commitment.assignments if a.valid_to is None),
        "proposal_id": proposal.id,
        "document_id": document.id,
        "meeting_id": meeting.id,
        "job_id": _own_report_job(app, "admin"),  # the background report routes of the walks
    }


def _document(app, agreement, commitment):
    """An implementing document with its file, serving an unrestricted commitment."""
    import io

    from werkzeug.datastructures import FileStorage

    from tests.factories import PDF_BYTES, TODAY
    from tracker.models import ImplementingDocument
    from tracker.queries import documents as document_queries
    from tracker.services import documents, evidence

    made = db.session.scalar(select(ImplementingDocument).where(ImplementingDocument.stored_name.is_not(None),
                                                                ImplementingDocument.removed_on.is_(None)))
    if made is not None:  # url_ids is asked again on the same app (tests/hostile); a removed one is made again
        return made
    sides = document_queries.sides(agreement.id)
    pdf = FileStorage(io.BytesIO(PDF_BYTES), filename="ke-hoach.pdf")
    data = documents.DocumentData(province_id=min(sides), doc_type="plan", number_symbol="125/KH-UBND",
                                  issued_on=date(2024, 3, 5), issuing_body="UBND tỉnh", subject="Triển khai",
                                  commitment_ids=(commitment.id,))
    uploads = evidence.Uploads.of([pdf], app.config["UPLOAD_DIR"], app.config["EVIDENCE_MAX_BYTES"])
    return documents.create(agreement, data, None, sides=sides, today=TODAY, uploads=uploads)


def _source_file(app, agreement):
    """The agreement's signed memorandum as a file, so its download is served."""
    import io

    from werkzeug.datastructures import FileStorage

    from tests.factories import PDF_BYTES
    from tracker.services import evidence, plan_edit

    if agreement.source_stored_name:  # url_ids is asked again on the same app (tests/hostile)
        return
    pdf = FileStorage(io.BytesIO(PDF_BYTES), filename="Biên bản ghi nhớ.pdf")
    uploads = evidence.Uploads.of([pdf], app.config["UPLOAD_DIR"], app.config["EVIDENCE_MAX_BYTES"])
    parties = [(p.province, p.signatory_name, p.signatory_title) for p in agreement.parties]
    data = {"code": agreement.code, "period_start": agreement.period_start}
    plan_edit.save_agreement(agreement, data, parties, None, uploads)


def _meeting(app, agreement):
    """A meeting with its minutes and one conclusion in an unrestricted field."""
    import io

    from werkzeug.datastructures import FileStorage

    from tests.factories import PDF_BYTES, TODAY
    from tracker.models import Meeting
    from tracker.services import evidence, meetings

    made = db.session.scalar(select(Meeting).where(Meeting.stored_name.is_not(None)))
    if made is not None:  # url_ids is asked again on the same app (tests/hostile)
        return made
    party = agreement.parties[0]
    lead = db.session.scalar(select(Agency.id).where(Agency.code == "TN-STC"))
    area = next(a for a in agreement.areas if not a.restricted)
    data = meetings.MeetingData(kind="so_ket", held_on=date(2026, 6, 15), place="Thái Nguyên", chair="Chủ tịch",
                                conclusions=(meetings.ConclusionData(area.id, "Kết luận", date(2026, 12, 31),
                                                                     leads=((party.id, lead),)),))
    pdf = FileStorage(io.BytesIO(PDF_BYTES), filename="bien-ban.pdf")
    uploads = evidence.Uploads.of([pdf], app.config["UPLOAD_DIR"], app.config["EVIDENCE_MAX_BYTES"])
    return meetings.create(agreement, data, None, allowed={party.id: {lead}}, today=TODAY, uploads=uploads)


def _own_token(role: str) -> int:
    """A token of the role's account: its owner may revoke it."""
    from tests.factories import ACCOUNTS, TODAY, user
    from tracker.services import tokens

    made = tokens.create(user(ACCOUNTS[role].email), actor=None, today=TODAY)
    db.session.commit()
    return made.row.id


def _own_report_job(app, role: str) -> int:
    """A finished background report of the role's account, with its file."""
    from tests.factories import ACCOUNTS, user
    from tracker.services import report_jobs

    job = report_jobs.create(user(ACCOUNTS[role].email), "docx", {"agreement": None})
    report_jobs.store_file(job, app.config["REPORT_JOB_DIR"], "bao-cao.docx", lambda out: out.write(b"PK\x03\x04"))
    db.session.commit()
    return job.id


def test_every_route_has_a_rule_and_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ENDPOINT_ACCESS) == set(), "routes without a rule in permissions.ENDPOINT_ACCESS"
    assert endpoints - set(EXPECTED) == set(), "routes without a line in this test's EXPECTED"
    assert set(EXPECTED) - endpoints == set(), "EXPECTED names routes that no longer exist"


@pytest.fixture(scope="module")
def matrix_ids(app):
    """``url_ids``' objects, made once for the module: each test of the matrix runs in a
    savepoint of the module's transaction, so it sees them as made, whatever the tests
    before it posted (rolled back after each)."""
    with shared_transaction(app, lambda: url_ids(app), keep_standings=True) as ids:
        yield ids


@pytest.mark.parametrize("role", (None, *ROLES))
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_matrix(app, matrix_ids, client, login_as, endpoint, role):
    method, template, allowed = EXPECTED[endpoint]
    ids = dict(matrix_ids)
    if "{token_id}" in template:  # the role's own: made for the routes that name one
        ids["token_id"] = _own_token(role or "admin")
    if "{report_job_id}" in template:
        ids["report_job_id"] = _own_report_job(app, role or "admin")
    if role:
        login_as(role)
        if endpoint in PREPARE:
            page, form = PREPARE[endpoint]
            client.post(page, data={**form, "csrf_token": csrf_token(client, page)}).close()
    path = template.format(**ids)
    if method == "POST":
        token = csrf_token(client, "/login" if role is None else "/profile")
        response = client.post(path, data={"csrf_token": token, "lang": "vi", "reason": "Bổ sung số liệu"})
    else:
        with app.app_context():
            engine = db.engine
        with tables_written(engine) as written:
            response = client.get(path)
            response.get_data()
        assert written <= BOOKKEEPING, f"GET {path} wrote to {sorted(written - BOOKKEEPING)}"
    response.get_data()
    response.close()
    location = response.headers.get("Location", "")
    if allowed == PUBLIC:
        assert response.status_code not in (401, 403) and not location.startswith("/login?"), response.status_code
    elif role is None and (path.split("?")[0].endswith(".json") or path.startswith("/api/")):
        assert response.status_code == 401  # JSON clients get 401, not a redirect
    elif role is None:
        assert response.status_code == 302 and location.startswith("/login?next="), (response.status_code, location)
    elif role in allowed:
        assert response.status_code not in (401, 403, 404), response.status_code
        assert not location.startswith("/login?next="), location
    else:
        assert response.status_code == 403, response.status_code


def test_unknown_endpoint_is_refused_fail_closed(app, login_as, monkeypatch):
    monkeypatch.delitem(ENDPOINT_ACCESS, "commitments.index")
    assert login_as("admin").get("/commitments").status_code == 403


def test_scope_follows_mergers_to_successors(app):
    """An officer of the old Sở Kế hoạch và Đầu tư acts for Sở Tài chính, then today's one."""
    old = db.session.scalar(select(Agency).where(Agency.code == "TN97-SKHDT"))
    officer = User(email="old@example.com", name="Cũ", password_hash="x", role="officer", agency_id=old.id)
    codes = lambda ids: {db.session.get(Agency, i).code for i in ids}  # noqa: E731
    assert codes(acting_agency_ids(officer, date(2024, 6, 1))) == {"TN97-SKHDT"}
    assert codes(acting_agency_ids(officer, date(2025, 4, 1))) == {"TN97-SKHDT", "TN97-STC"}
    assert codes(acting_agency_ids(officer, date(2026, 11, 25))) == {"TN97-SKHDT", "TN97-STC", "TN-STC"}


def test_coordinator_scope_covers_the_merged_province(app):
    from tracker.models import Province

    bg = db.session.scalar(select(Province).where(Province.code == "BG97"))
    coordinator = User(email="bg@example.com", name="BG", password_hash="x", role="coordinator", province_id=bg.id)
    ids = acting_province_ids(coordinator, date(2026, 11, 25))
    codes = {db.session.get(Province, i).code for i in ids}
    assert codes == {"BG97", "BN", "BN97"}

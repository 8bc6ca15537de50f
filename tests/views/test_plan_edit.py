"""Plan forms and registers: a second agreement made entirely in the UI, deadlines and
assignments changed with a reason from today, soft removal and restore, and a coordinator
held to their province's side."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import TODAY, officer_commitment
from tracker.extensions import db
from tracker.models import Agency, Agreement, AgreementParty, Assignment, AuditEvent, Commitment, DeadlineExtension, Province
from tracker.status import sql as status_sql


def post(client, path, data, form_page=None):
    return client.post(path, data={"csrf_token": csrf_token(client, form_page or path), **data})


def test_a_second_agreement_is_made_in_the_ui_and_shows_on_the_dashboard(login_as):
    client = login_as("admin")
    r = post(client, "/admin/provinces", {"code": "LS", "name": "Tỉnh Lạng Sơn", "valid_from": "1997-01-01"})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    r = post(client, "/admin/agencies", {"code": "LS-SCT", "name": "Sở Công Thương tỉnh Lạng Sơn", "province": "LS",
                                         "kind": "department", "succession_kind": "merge"})
    assert r.status_code == 302
    bn, ls = (db.session.scalar(select(Province.id).where(Province.code == c)) for c in ("BN", "LS"))
    r = post(client, "/agreements/new", {
        "code": "BN-LS-2026", "kind": "Chương trình hợp tác", "title": "Chương trình hợp tác Bắc Ninh - Lạng Sơn",
        "short_title": "Hợp tác Bắc Ninh – Lạng Sơn", "period_start": "2026-01-01", "period_end": "2030-12-31",
        "parties-0-province": str(bn), "parties-0-signatory_name": "Nguyễn Văn A",
        "parties-1-province": str(ls), "parties-1-signatory_name": "Trần Văn B",
        "parties-2-province": "", "parties-3-province": ""})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == "BN-LS-2026"))
    assert [p.province.code for p in agreement.parties] == ["BN", "LS"] and not agreement.signing_verified
    assert post(client, f"/agreements/{agreement.id}/areas/new", {"number": "1", "name": "Thương mại biên giới"}).status_code == 302
    area = agreement.areas[0]
    r = post(client, f"/areas/{area.id}/commitments/new", {"code": "1.1", "title": "Hội chợ thương mại biên giới",
                                                           "start_date": "2026-03-01", "due_date": "2026-10-31"})
    assert r.status_code == 302
    commitment = area.commitments[0]
    for party, agency in zip(agreement.parties, ("BN-SCT", "LS-SCT")):
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency))
        r = post(client, f"/commitments/{commitment.id}/assignments", {
            "party": str(party.id), "role": "lead", "agency": str(agency_id), "reason": "direction"})
        assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    body = client.get(f"/dashboard.json?agreement={agreement.id}").get_json()
    assert body["total"] == 1 and body["categories"]["no_report"] == 1
    assert set(body["sides"]) == {"BN", "LS"}
    assert "Hợp tác Bắc Ninh – Lạng Sơn" in client.get("/").get_data(as_text=True)


def test_a_coordinator_cannot_edit_the_other_province_side(login_as):
    commitment = officer_commitment()  # Thái Nguyên and Bắc Ninh both lead it
    other = next(a for a in commitment.assignments if a.valid_to is None and a.role == "lead" and a.party.province.code == "BG97")
    own = next(a for a in commitment.assignments if a.valid_to is None and a.role == "lead" and a.party.province.code == "TN97")
    client = login_as("coordinator")
    page = client.get(f"/commitments/{commitment.id}/assignments").get_data(as_text=True)
    assert f'value="{own.party_id}"' in page and f'value="{other.party_id}"' not in page
    bn_agency = db.session.scalar(select(Agency.id).where(Agency.code == "BN-SXD"))
    r = post(client, f"/commitments/{commitment.id}/assignments", {
        "party": str(other.party_id), "role": "lead", "agency": str(bn_agency), "reason": "direction"})
    assert r.status_code == 403
    r = post(client, f"/assignments/{other.id}/end", {"reason": "direction"}, f"/commitments/{commitment.id}/assignments")
    assert r.status_code == 403
    db.session.expire_all()
    assert db.session.get(Assignment, other.id).valid_to is None
    # their own side: a new lead from today, the old one closed yesterday, with the reason audited
    tn_agency = db.session.scalar(select(Agency.id).where(Agency.code == "TN-SXD"))
    r = post(client, f"/commitments/{commitment.id}/assignments", {
        "party": str(own.party_id), "role": "lead", "agency": str(tn_agency), "reason": "other"})
    assert r.status_code == 200 and "Khác" in r.get_data(as_text=True)  # "other" needs its words
    r = post(client, f"/commitments/{commitment.id}/assignments", {
        "party": str(own.party_id), "role": "lead", "agency": str(tn_agency), "reason": "other",
        "reason_text": "Theo quyết định phân công lại"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, own.id).valid_to == TODAY - timedelta(days=1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment_changed"))
    assert "Theo quyết định phân công lại" in event.details["reason"]


def test_a_deadline_change_needs_a_reason_and_leaves_past_reports_alone(login_as):
    commitment = officer_commitment()
    old_due = commitment.due_date
    client = login_as("admin")
    form = {"code": commitment.code, "title": commitment.title, "start_date": commitment.start_date.isoformat(),
            "due_date": "2027-12-31"}
    r = post(client, f"/commitments/{commitment.id}/edit", form)
    assert r.status_code == 200 and "Chọn lý do thay đổi" in r.get_data(as_text=True)
    assert post(client, f"/commitments/{commitment.id}/edit", {**form, "reason": "request"}).status_code == 302
    extension = db.session.scalar(select(DeadlineExtension).where(DeadlineExtension.commitment_id == commitment.id))
    assert extension.effective_on == TODAY and extension.old_due_date == old_due
    due = lambda day: db.session.execute(  # noqa: E731
        select(status_sql.due_on(day)).where(Commitment.id == commitment.id)).scalar()
    assert due(TODAY) == date(2027, 12, 31) and due(TODAY - timedelta(days=1)) == old_due


def test_removal_is_soft_and_can_be_undone(login_as):
    commitment = officer_commitment()
    client = login_as("admin")
    r = post(client, f"/commitments/{commitment.id}/removal", {"reason_text": "Trùng với nhiệm vụ khác"},
             f"/commitments/{commitment.id}/edit")
    assert r.status_code == 302
    now = {r.commitment_id for r in db.session.execute(status_sql.commitments(TODAY))}
    before = {r.commitment_id for r in db.session.execute(status_sql.commitments(date(2026, 6, 1)))}
    assert commitment.id not in now and commitment.id in before
    listing = client.get(f"/commitments?q={commitment.code}").get_data(as_text=True)
    assert f'/commitments/{commitment.id}"' not in listing
    stale = post(client, f"/commitments/{commitment.id}/removal", {"reason_text": "Bấm hai lần"},
                 f"/commitments/{commitment.id}/edit")
    assert stale.status_code == 302 and db.session.get(Commitment, commitment.id).removed_on == TODAY
    r = post(client, f"/commitments/{commitment.id}/removal", {"reason_text": "Gỡ nhầm", "restore": "1"},
             f"/commitments/{commitment.id}/edit")
    assert r.status_code == 302
    db.session.expire_all()
    restored = db.session.get(Commitment, commitment.id)
    assert restored.removed_on is None
    assert {a.agency.code for a in restored.current_assignments if a.role == "lead"} >= {"TN-STC"}
    assert commitment.id in {r.commitment_id for r in db.session.execute(status_sql.commitments(TODAY))}


def test_registers_record_the_predecessor(login_as):
    client = login_as("admin")
    r = post(client, "/admin/agencies", {"code": "TN-SNV2", "name": "Sở Nội vụ (mới)", "province": "TN",
                                         "kind": "department", "valid_from": "2027-01-01",
                                         "predecessor": "TN-SNV", "succession_kind": "rename"})
    assert r.status_code == 302
    old = db.session.scalar(select(Agency).where(Agency.code == "TN-SNV"))
    assert old.valid_to == date(2026, 12, 31) and old.successions[0].successor.code == "TN-SNV2"
    r = post(client, "/admin/agencies", {"code": "tn-snv2", "name": "X", "province": "TN", "kind": "department",
                                         "succession_kind": "merge"})
    assert r.status_code == 200 and "Mã này đã được dùng" in r.get_data(as_text=True)
    assert db.session.scalar(select(AgreementParty).limit(1)) is not None


def test_a_reorganisation_is_previewed_then_applied_in_the_ui(login_as):
    client = login_as("admin")
    form = {"from_codes": "TN-STC", "to_code": "TN-SXD", "on": TODAY.isoformat()}
    page = post(client, "/admin/reorganise", form).get_data(as_text=True)
    assert "Ghi nhận việc sắp xếp" in page and "canbo@example.com" in page
    assert db.session.scalar(select(Agency.valid_to).where(Agency.code == "TN-STC")) is None
    assert post(client, "/admin/reorganise", {**form, "confirm": "1"}).status_code == 302
    assert db.session.scalar(select(Agency.valid_to).where(Agency.code == "TN-STC")) == TODAY - timedelta(days=1)
    page = post(client, "/admin/reorganise", {**form, "from_codes": "NOPE"}).get_data(as_text=True)
    assert "unknown code NOPE" in page


def test_demonstration_commitments_are_retired_in_one_step(login_as):
    agreement_id = db.session.scalar(select(Agreement.id).where(Agreement.code == "TN-BG-2023"))
    client = login_as("admin")
    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "Gỡ các nhiệm vụ minh họa" in page
    r = post(client, f"/agreements/{agreement_id}/retire-demo", {"reason_text": "Đã nhập kế hoạch chính thức"},
             f"/agreements/{agreement_id}")
    assert r.status_code == 302
    demo = db.session.scalars(select(Commitment).where(Commitment.is_demo.is_(True))).all()
    assert len(demo) == 29 and all(c.removed_on == TODAY for c in demo)
    assert client.get(f"/dashboard.json?agreement={agreement_id}").get_json()["total"] == 0
    past = client.get(f"/dashboard.json?agreement={agreement_id}&as_of=2026-06-01").get_json()
    assert past["total"] == 29


def test_a_split_hands_work_over_commitment_by_commitment(login_as):
    source = db.session.scalar(select(Agency).where(Agency.code == "TN-STC"))
    open_ = [a for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == source.id,
                                                                   Assignment.valid_to.is_(None)))]
    assert len(open_) >= 2
    first, second = open_[0], open_[1]
    sxd = db.session.scalar(select(Agency).where(Agency.code == "TN-SXD"))
    client = login_as("admin")
    page = client.get(f"/admin/agencies/{source.id}/split").get_data(as_text=True)
    assert f'name="to-{first.id}"' in page
    r = post(client, f"/admin/agencies/{source.id}/split", {"on": TODAY.isoformat(), f"to-{first.id}": str(sxd.id)})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, first.id).valid_to == TODAY - timedelta(days=1)
    assert db.session.get(Assignment, second.id).valid_to is None  # not chosen: stays
    assert any(a.agency_id == sxd.id and a.valid_from == TODAY for a in db.session.get(Assignment, first.id).commitment.assignments)


def test_removed_restricted_commitments_leave_the_hidden_count_from_their_removal(login_as):
    agreement_id = db.session.scalar(select(Agreement.id).where(Agreement.code == "TN-BG-2023"))
    viewer = login_as("viewer")
    before = viewer.get(f"/dashboard.json?agreement={agreement_id}").get_json()["hidden_restricted"]
    restricted = db.session.scalars(select(Commitment).join(Commitment.area)
                                    .where(Commitment.area.has(restricted=True))).first()
    from tracker.services import plan_edit
    from tests.factories import user

    plan_edit.remove_commitment(restricted, user(), TODAY, reason="Trùng")
    db.session.commit()
    assert viewer.get(f"/dashboard.json?agreement={agreement_id}").get_json()["hidden_restricted"] == before - 1
    past = viewer.get(f"/dashboard.json?agreement={agreement_id}&as_of=2026-06-01").get_json()
    assert past["hidden_restricted"] == before


def test_a_shared_change_is_proposed_by_one_coordinator_and_confirmed_by_the_other(login_as, client):
    from tests.factories import make_user
    from tracker.models import PlanProposal

    commitment = officer_commitment()  # Thái Nguyên and Bắc Ninh both on it
    old_title = commitment.title
    tn = login_as("coordinator")
    form = {"code": commitment.code, "title": "Nội dung đề xuất mới", "start_date": commitment.start_date.isoformat(),
            "due_date": commitment.due_date.isoformat()}
    assert "Gửi đề xuất" in tn.get(f"/commitments/{commitment.id}/edit").get_data(as_text=True)
    assert post(tn, f"/commitments/{commitment.id}/edit", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Commitment, commitment.id).title == old_title  # not until confirmed
    proposal = db.session.scalar(select(PlanProposal).where(PlanProposal.commitment_id == commitment.id))
    assert proposal.status == "pending" and proposal.changes == {"title": "Nội dung đề xuất mới"}
    page = tn.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert "Nội dung đề xuất mới" in page and "decision" not in page  # the proposer cannot confirm
    assert post(tn, f"/proposals/{proposal.id}/decide", {"decision": "confirm"}, f"/commitments/{commitment.id}").status_code == 403
    tn.post("/logout", data={"csrf_token": csrf_token(tn, "/profile")})
    make_user("daumoi.bn@example.com", "coordinator", province="BN")
    from tests.client import sign_in

    assert sign_in(client, "daumoi.bn@example.com").status_code == 302
    page = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert 'value="confirm"' in page
    assert post(client, f"/proposals/{proposal.id}/decide", {"decision": "confirm"}, f"/commitments/{commitment.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Commitment, commitment.id).title == "Nội dung đề xuất mới"
    assert db.session.get(PlanProposal, proposal.id).status == "confirmed"

"""Progress reporting as officials use it: the form, its rules, the workflow, evidence, review."""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.client import csrf_token, sign_in
from tests.factories import PDF_BYTES, TODAY, make_update, officer_commitment
from tracker.extensions import db
from tracker.models import Agency, Assignment, AuditEvent, Commitment, CooperationArea, EvidenceFile, ProgressUpdate
from tracker.queries.progress import standings

IN_FUTURE = (TODAY + timedelta(days=1)).isoformat()


def form_token(html):
    return re.search(r'name="form_token" type="hidden" value="([^"]+)"', html).group(1)


def new_form(client, commitment):
    html = client.get(f"/commitments/{commitment.id}/progress/new").get_data(as_text=True)
    return {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
        "form_token": form_token(html),
        "assignment": re.search(r'name="assignment" value="(\d+)"|<option[^>]*value="(\d+)"', html).group(1)
        or re.search(r'<option[^>]*value="(\d+)"', html).group(1),
    }


def fields(**overrides):
    values = {
        "state": "in_progress", "percent": "45", "as_of": TODAY.isoformat(),
        "results": "Đã tổ chức hội nghị xúc tiến đầu tư chung tại Hà Nội.",
        "obstacles": "Mặt bằng khu công nghiệp chưa giải phóng xong.",
        "proposals": "Đề nghị bố trí vốn đối ứng.", "next_steps": "Hoàn thiện hồ sơ trình UBND tỉnh.",
        "reason": "", "action": "submit",
    }
    values.update(overrides)
    return values


def count_updates():
    return db.session.scalar(select(func.count(ProgressUpdate.id)))


def test_officer_submits_and_the_update_is_frozen(login_as):
    client = login_as("officer")
    commitment = officer_commitment()
    response = client.post(f"/commitments/{commitment.id}/progress/new",
                           data={**new_form(client, commitment), **fields()})
    assert response.status_code == 302
    update = db.session.scalar(select(ProgressUpdate).order_by(ProgressUpdate.id.desc()))
    from tracker.domain.periods import Frequency, period_for

    assert update.status == "submitted" and update.percent == 45
    assert update.period_key == period_for(Frequency.HALF_YEAR, TODAY).key
    assert update.results == "Đã tổ chức hội nghị xúc tiến đầu tư chung tại Hà Nội."
    assert client.get(f"/updates/{update.id}/edit").status_code == 403  # submitted: never changes


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"percent": "45.5"}, "Tỷ lệ hoàn thành là số nguyên từ 0 đến 100"),
        ({"percent": "abc"}, "Tỷ lệ hoàn thành là số nguyên từ 0 đến 100"),
        ({"percent": "101"}, "Tỷ lệ hoàn thành phải từ 0 đến 100."),
        ({"percent": ""}, "Nhập tỷ lệ hoàn thành (0-100)."),
        ({"state": "done", "percent": "90"}, "Nhiệm vụ hoàn thành thì tỷ lệ phải là 100 %."),
        ({"state": "dropped", "reason": "  "}, "Nêu lý do khi tạm dừng hoặc dừng thực hiện."),
        ({"state": "paused"}, "Nêu lý do khi tạm dừng hoặc dừng thực hiện."),
        ({"as_of": IN_FUTURE}, "Ngày số liệu không được sau ngày hôm nay."),
        ({"as_of": "2022-12-31"}, "Ngày số liệu không được trước ngày bắt đầu thực hiện văn bản hợp tác."),
        ({"state": ""}, "Chọn tình trạng thực hiện."),
    ],
)
def test_rules_answer_with_a_message_and_keep_the_typed_text(login_as, overrides, message):
    client = login_as("officer")
    commitment = officer_commitment()
    before = count_updates()
    response = client.post(f"/commitments/{commitment.id}/progress/new",
                           data={**new_form(client, commitment), **fields(**overrides)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "Đã tổ chức hội nghị xúc tiến đầu tư chung tại Hà Nội." in html
    assert "Mặt bằng khu công nghiệp chưa giải phóng xong." in html
    assert count_updates() == before


def test_messages_in_english(login_as):
    client = login_as("officer")
    token = csrf_token(client, "/")
    client.post("/language", data={"lang": "en", "csrf_token": token})
    commitment = officer_commitment()
    html = client.post(f"/commitments/{commitment.id}/progress/new",
                       data={**new_form(client, commitment), **fields(percent="45.5")}).get_data(as_text=True)
    assert "whole number" in html


def test_double_post_makes_one_record(login_as):
    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields()}
    before = count_updates()
    first = client.post(f"/commitments/{commitment.id}/progress/new", data=data)
    second = client.post(f"/commitments/{commitment.id}/progress/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count_updates() == before + 1


def test_a_write_racing_the_report_keeps_what_was_typed_to_send_again(login_as, monkeypatch):
    """A unique key refusing the save for another reason than the same form (a parallel write
    on the same rows) saves nothing and answers the form again, typed text kept; sent again, it is
    stored once."""
    from sqlalchemy.exc import IntegrityError

    from tracker.services import progress as service

    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields()}
    before = count_updates()
    real = service.report

    def raced(*args, **kwargs):
        real(*args, **kwargs)
        raise IntegrityError("INSERT", {}, Exception("duplicate key value violates unique constraint"))

    monkeypatch.setattr(service, "report", raced)
    response = client.post(f"/commitments/{commitment.id}/progress/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and count_updates() == before
    assert "chưa được lưu" in html and "Mặt bằng khu công nghiệp chưa giải phóng xong." in html
    assert form_token(html) == data["form_token"]
    monkeypatch.setattr(service, "report", real)
    again = client.post(f"/commitments/{commitment.id}/progress/new", data=data)
    assert again.status_code == 302 and count_updates() == before + 1


def test_draft_return_resubmit_approve_path(app, login_as):
    commitment = officer_commitment()
    officer = login_as("officer")
    # save a draft
    officer.post(f"/commitments/{commitment.id}/progress/new",
                 data={**new_form(officer, commitment), **fields(action="save")})
    draft = db.session.scalar(select(ProgressUpdate).order_by(ProgressUpdate.id.desc()))
    assert draft.status == "draft"
    # submit it from the edit form
    html = officer.get(f"/updates/{draft.id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = officer.post(f"/updates/{draft.id}/edit", data={
        **fields(percent="50"), "csrf_token": token, "version": str(draft.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, draft.id).status == "submitted"

    # the coordinator returns it with a reason (required)
    coordinator = app.test_client()
    sign_in(coordinator, "daumoi@example.com")
    queue = coordinator.get("/reviews").get_data(as_text=True)
    assert f"/updates/{draft.id}" in queue
    token = csrf_token(coordinator, "/reviews")
    refused = coordinator.post(f"/updates/{draft.id}/return", data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 400 and "Nêu lý do trả lại" in refused.get_data(as_text=True)
    coordinator.post(f"/updates/{draft.id}/return", data={"csrf_token": token, "reason": "Thiếu số liệu vốn"})
    db.session.expire_all()
    returned = db.session.get(ProgressUpdate, draft.id)
    assert returned.status == "returned" and returned.review_reason == "Thiếu số liệu vốn"

    # the officer revises: a new update that supersedes the returned one, prefilled
    html = officer.get(f"/commitments/{commitment.id}/progress/new?supersedes={draft.id}").get_data(as_text=True)
    assert "Thiếu số liệu vốn" in html and 'value="50"' in html
    data = {**new_form(officer, commitment), **fields(percent="60", results="Bổ sung số liệu vốn")}
    officer.post(f"/commitments/{commitment.id}/progress/new?supersedes={draft.id}", data=data)
    revision = db.session.scalar(select(ProgressUpdate).order_by(ProgressUpdate.id.desc()))
    assert revision.supersedes_id == draft.id and revision.status == "submitted"

    # before approval nothing counts
    assert standings([commitment], TODAY)[commitment.id].category == "no_report"
    coordinator.post(f"/updates/{revision.id}/approve", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, revision.id).status == "approved"
    standing = standings([db.session.get(Commitment, commitment.id)], TODAY)[commitment.id]
    assert standing.category in ("in_progress_on_time", "in_progress_overdue") and standing.percent == 60

    # every step is in the commitment's timeline, with who
    actions = [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.commitment_id == commitment.id).order_by(AuditEvent.id))]
    assert actions == ["update_created", "update_saved", "update_submitted", "update_returned",
                       "update_created", "update_submitted", "update_approved"]
    page = officer.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert "Trả lại báo cáo" in page and "Thiếu số liệu vốn" in page and f"thay #{draft.id}" in page


def test_stale_draft_save_is_refused_and_both_versions_shown(app, login_as):
    commitment = officer_commitment()
    draft = make_update(app, commitment, submit=False, results="Bản đầu")
    officer = login_as("officer")
    html = officer.get(f"/updates/{draft.id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    opened_version = str(draft.version)
    # a colleague saves first
    colleague = app.test_client()
    sign_in(colleague, "daumoi@example.com")
    html2 = colleague.get(f"/updates/{draft.id}/edit").get_data(as_text=True)
    token2 = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html2).group(1)
    colleague.post(f"/updates/{draft.id}/edit", data={
        **fields(results="Bản của đồng nghiệp", action="save"), "csrf_token": token2, "version": opened_version})
    # my save, from the stale form, is refused with my text intact and theirs shown
    response = officer.post(f"/updates/{draft.id}/edit", data={
        **fields(results="Bản của tôi", action="save"), "csrf_token": token, "version": opened_version})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Bản của tôi" in html and "Bản của đồng nghiệp" in html
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, draft.id).results == "Bản của đồng nghiệp"


def test_same_draft_saved_twice_is_not_a_conflict(app, login_as):
    commitment = officer_commitment()
    draft = make_update(app, commitment, submit=False)
    officer = login_as("officer")
    html = officer.get(f"/updates/{draft.id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = {**fields(results="Lưu hai lần", action="save"), "csrf_token": token, "version": str(draft.version)}
    assert officer.post(f"/updates/{draft.id}/edit", data=data).status_code == 302
    assert officer.post(f"/updates/{draft.id}/edit", data=data).status_code == 302


def _staging_files(app):
    from pathlib import Path

    staging = Path(app.config["UPLOAD_DIR"]) / ".staging"
    return set(staging.iterdir()) if staging.exists() else set()


@pytest.mark.parametrize("version", ["abc", "1.5", "9" * 30, str(2**63)])
def test_a_malformed_draft_version_is_refused_with_a_message_and_leaves_no_file(app, login_as, version):
    commitment = officer_commitment()
    draft = make_update(app, commitment, submit=False, results="Bản đầu")
    officer = login_as("officer")
    token = csrf_token(officer, f"/updates/{draft.id}/edit")
    staged_before = _staging_files(app)
    stored_before = db.session.scalar(select(func.count(EvidenceFile.id)))
    data = {**fields(results="Bản sửa của tôi", action="save"), "csrf_token": token, "version": version,
            "evidence": [(io.BytesIO(PDF_BYTES), "bien-ban.pdf")]}
    response = officer.post(f"/updates/{draft.id}/edit", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Không xác định được phiên bản của bản nháp bạn đã mở" in html
    assert "Bản sửa của tôi" in html and "Bản đầu" in html  # what was typed, and what is saved, to compare
    assert "tệp minh chứng cần chọn lại" in html
    assert f'name="version" type="hidden" value="{draft.version}"' in html  # saving again now works
    assert _staging_files(app) == staged_before
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == stored_before
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, draft.id).results == "Bản đầu"


def test_staged_evidence_is_removed_whatever_fails_before_it_is_placed(app, login_as, monkeypatch):
    from tracker.services import progress as service

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "save", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    draft = make_update(app, officer_commitment(), submit=False)
    officer = login_as("officer")
    token = csrf_token(officer, f"/updates/{draft.id}/edit")
    staged_before = _staging_files(app)
    data = {**fields(action="save"), "csrf_token": token, "version": str(draft.version),
            "evidence": [(io.BytesIO(PDF_BYTES), "bien-ban.pdf")]}
    assert officer.post(f"/updates/{draft.id}/edit", data=data, content_type="multipart/form-data").status_code == 500
    assert _staging_files(app) == staged_before


def test_officer_cannot_report_on_another_agencys_commitment(login_as):
    client = login_as("officer")
    mine = set(db.session.scalars(
        select(Assignment.commitment_id).join(Assignment.agency).where(Agency.code == "TN-STC")))
    other = db.session.scalar(select(Commitment).where(Commitment.id.not_in(mine)).order_by(Commitment.id))
    assert client.get(f"/commitments/{other.id}/progress/new").status_code in (403, 404)
    token = csrf_token(client, "/")
    before = count_updates()
    response = client.post(f"/commitments/{other.id}/progress/new",
                           data={**fields(), "csrf_token": token, "form_token": "x" * 20})
    assert response.status_code in (403, 404) and count_updates() == before


def test_officer_cannot_review(app, login_as):
    update = make_update(app, officer_commitment())
    client = login_as("officer")
    response = client.post(f"/updates/{update.id}/approve", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, update.id).status == "submitted"


def test_coordinator_of_the_other_province_cannot_review(app, runner):
    update = make_update(app, officer_commitment())
    runner.invoke(args=["users", "create", "bn@example.com", "--role", "coordinator", "--province", "BN",
                        "--password-stdin"], input="Sông-Cầu-nước-trong-2026\n")
    client = app.test_client()
    sign_in(client, "bn@example.com", "Sông-Cầu-nước-trong-2026")
    assert f"/updates/{update.id}" not in client.get("/reviews").get_data(as_text=True)
    response = client.post(f"/updates/{update.id}/approve", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403


def test_evidence_upload_download_and_content_check(app, login_as):
    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields()}
    data["evidence"] = [(io.BytesIO(PDF_BYTES), "Biên bản họp liên ngành.pdf"),
                        (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 100), "ảnh hiện trường.png")]
    response = client.post(f"/commitments/{commitment.id}/progress/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    files = list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))[-2:]
    assert [f.original_name for f in files] == ["Biên bản họp liên ngành.pdf", "ảnh hiện trường.png"]
    assert all("static" not in f.stored_name for f in files)
    download = client.get(f"/evidence/{files[0].id}")
    assert download.data == PDF_BYTES and download.mimetype == "application/pdf"
    assert "filename*=UTF-8''Bi%C3%AAn" in download.headers["Content-Disposition"]
    download.close()


def test_fake_pdf_is_refused_and_the_text_kept(login_as):
    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields()}
    data["evidence"] = [(io.BytesIO(b"MZ this is not a pdf"), "bao-cao.pdf")]
    before = count_updates()
    response = client.post(f"/commitments/{commitment.id}/progress/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "có nội dung không đúng với loại tệp" in html
    assert "Đã tổ chức hội nghị xúc tiến đầu tư chung tại Hà Nội." in html
    assert "tệp minh chứng cần chọn lại" in html
    assert count_updates() == before


def test_control_and_bidi_characters_are_stripped_from_stored_text(login_as):
    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields(
        results="Đã họp\x00 liên ngành\r\nxong \u202etxt.exe\u202c\x1b[0m",
        obstacles="\u2066Mặt bằng\u2069\x07", action="draft",
    )}
    response = client.post(f"/commitments/{commitment.id}/progress/new", data=data)
    assert response.status_code == 302
    update = db.session.scalar(select(ProgressUpdate).order_by(ProgressUpdate.id.desc()))
    db.session.refresh(update)
    assert update.results == "Đã họp liên ngành\nxong txt.exe[0m"
    assert update.obstacles == "Mặt bằng"


def test_zip_bomb_is_refused_beside_the_field_and_the_text_kept(login_as):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", bytes(30 * 1024 * 1024))
    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields()}
    data["evidence"] = [(io.BytesIO(buffer.getvalue()), "bao-cao.docx")]
    before = count_updates()
    response = client.post(f"/commitments/{commitment.id}/progress/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tệp bao-cao.docx khi giải nén quá lớn" in html
    assert "Đã tổ chức hội nghị xúc tiến đầu tư chung tại Hà Nội." in html
    assert count_updates() == before


def test_request_too_large_gets_a_readable_413(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    client = login_as("officer")
    commitment = officer_commitment()
    data = {**new_form(client, commitment), **fields()}
    data["evidence"] = [(io.BytesIO(PDF_BYTES + b"0" * 5000), "lon.pdf")]
    response = client.post(f"/commitments/{commitment.id}/progress/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and "Tệp quá lớn" in response.get_data(as_text=True)


def test_download_refused_to_who_cannot_see_the_update(app, login_as):
    restricted = db.session.scalar(
        select(Commitment).join(Commitment.area).where(CooperationArea.restricted.is_(True)).order_by(Commitment.id))
    update = make_update(app, restricted, email="admin@example.com", evidence=True)
    viewer = login_as("viewer")  # not cleared for restricted fields
    assert viewer.get(f"/evidence/{update.evidence[0].id}").status_code == 404
    assert viewer.get(f"/updates/{update.id}").status_code == 404
    cleared = app.test_client()
    sign_in(cleared, "lanhdao.mat@example.com")
    with cleared.get(f"/evidence/{update.evidence[0].id}") as response:
        assert response.status_code == 200


def test_drafts_stay_with_their_side(app, login_as):
    draft = make_update(app, officer_commitment(), submit=False)
    viewer = login_as("viewer")
    assert viewer.get(f"/updates/{draft.id}").status_code == 404


def test_deadline_extension_needs_a_reason_and_is_kept(app, login_as):
    commitment = officer_commitment()
    original = commitment.due_date
    client = login_as("coordinator")
    token = csrf_token(client, f"/commitments/{commitment.id}/deadline")
    html = client.post(f"/commitments/{commitment.id}/deadline",
                       data={"csrf_token": token, "new_due_date": "2027-06-30", "reason": ""}).get_data(as_text=True)
    assert "Nêu lý do" in html or "lý do" in html.lower()
    response = client.post(f"/commitments/{commitment.id}/deadline",
                           data={"csrf_token": token, "new_due_date": "2027-06-30", "reason": "Chờ vốn Trung ương"})
    assert response.status_code == 302
    db.session.expire_all()
    commitment = db.session.get(Commitment, commitment.id)
    assert commitment.due_date == date(2027, 6, 30) and commitment.original_due_date == original
    page = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert "Chờ vốn Trung ương" in page and "Lịch sử gia hạn" in page
    officer = app.test_client()
    sign_in(officer, "canbo@example.com")
    assert officer.get(f"/commitments/{commitment.id}/deadline").status_code == 403


def test_only_the_lead_sets_the_status_and_both_sides_must_finish(app, login_as):
    commitment = officer_commitment()
    update = make_update(app, commitment, state="done", percent=100, as_of=TODAY - timedelta(days=3))
    from tracker.services import progress
    from tracker.models import User

    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    progress.approve(update, admin)
    db.session.commit()
    standing = standings([commitment], TODAY)[commitment.id]
    # Thái Nguyên's lead reported done; Bắc Ninh's has not: not complete
    assert standing.category not in ("done_on_time", "done_late")
    assert [s is not None for s in standing.sides.values()].count(True) == 1
    assert standing.percent == 100  # the mean of the sides that reported; the other is not counted as 0


def test_inbox_groups_by_category_overdue_first_and_filters_by_role(app, login_as):
    client = login_as("officer")
    html = client.get("/my").get_data(as_text=True)
    assert "Việc của tôi" in html and "Chủ trì" in html
    lead_only = client.get("/my?role=lead").get_data(as_text=True)
    support_only = client.get("/my?role=support").get_data(as_text=True)
    assert lead_only.count('class="badge role-lead"') >= 1 and 'class="badge role-support"' not in lead_only
    assert 'class="badge role-lead"' not in support_only
    sections = re.findall(r'<h2 class="h5" id="cat-([a-z_]+)">', html)
    order = ["in_progress_overdue", "done_late", "not_started", "no_report", "in_progress_on_time", "done_on_time"]
    assert sections == [c for c in order if c in sections]
    assert "Cần báo cáo" in html


def test_rollups_on_the_agreement_page_follow_approved_updates(app, login_as):
    from tracker.models import Agreement, User
    from tracker.queries.progress import agreement_rollups
    from tracker.services import progress

    commitment = officer_commitment()
    agreement = db.session.scalar(select(Agreement))
    before = agreement_rollups(agreement.id, TODAY, see_restricted=False)
    assert before.overall.counts["no_report"] == before.overall.total == 23  # 29 less 6 in restricted fields
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    done_on = min(TODAY, commitment.due_date)
    for lead in [a for a in commitment.assignments if a.valid_to is None and a.role == "lead"]:
        update = progress.create(commitment, lead, admin, progress.UpdateData("done", "100", done_on),
                                 submit=True, form_token=f"t{lead.id}", today=TODAY)
        progress.approve(update, admin)
    db.session.commit()
    after = agreement_rollups(agreement.id, TODAY, see_restricted=False)
    assert after.overall.counts["done_on_time"] == 1 and after.overall.counts["no_report"] == 22
    assert after.by_area[commitment.area_id].counts["done_on_time"] == 1
    assert all(r.counts["done_on_time"] == 1 for r in after.by_party.values())
    # as of a day before the approvals, nothing had been approved yet
    earlier = agreement_rollups(agreement.id, TODAY - timedelta(days=1), see_restricted=False)
    assert earlier.overall.counts["done_on_time"] == 0
    html = login_as("viewer").get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Cách tính" in html and "Tỷ lệ quá hạn" in html
    assert "0/23 · 0 %" in html  # the overdue share with its count: unreported tasks are not overdue

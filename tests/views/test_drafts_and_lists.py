"""What confused people on the progress pages: required fields not marked, no way to send a
draft from its page, no way to take a file off a draft, a submitted report not shown as
waiting in "Việc của tôi", and a reviewer offered to write the agency's report."""
import os
import re

from sqlalchemy import select

from tests.client import csrf_token, sign_in
from tests.factories import make_update, make_user, officer_commitment
from tracker.extensions import db
from tracker.models import AuditEvent, EvidenceFile, ProgressUpdate


def hidden_form(html: str, action: str) -> dict:
    form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S).group(1)
    return {m.group(1): m.group(2) for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}


def test_required_fields_are_marked_before_submitting(login_as):
    client = login_as("officer")
    html = client.get(f"/commitments/{officer_commitment().id}/progress/new").get_data(as_text=True)
    assert html.count('class="required-mark"') >= 4  # the note, the state, the percentage, the date
    assert re.search(r'id="percent"[^>]*aria-required="true"|aria-required="true"[^>]*id="percent"', html)
    assert re.search(r'id="as_of"[^>]*aria-required="true"|aria-required="true"[^>]*id="as_of"', html)
    assert not re.search(r'id="results"[^>]*aria-required', html)  # optional stays unmarked


def test_a_draft_is_sent_from_its_own_page(app, login_as):
    draft = make_update(app, officer_commitment(), submit=False, percent=35, results="Dòng một\nDòng hai")
    client = login_as("officer")
    html = client.get(f"/updates/{draft.id}").get_data(as_text=True)
    assert "Gửi báo cáo" in html and "Sửa bản nháp" in html
    data = hidden_form(html, f"/updates/{draft.id}/edit")
    response = client.post(f"/updates/{draft.id}/edit", data={**data, "action": "submit"})
    assert response.status_code == 302
    db.session.expire_all()
    sent = db.session.get(ProgressUpdate, draft.id)
    assert sent.status == "submitted" and sent.percent == 35 and sent.results == "Dòng một\nDòng hai"
    assert "Gửi báo cáo" not in client.get(f"/updates/{draft.id}").get_data(as_text=True)


def test_a_file_is_taken_off_a_draft_and_never_off_a_submitted_update(app, login_as):
    commitment = officer_commitment()
    draft = make_update(app, commitment, submit=False, evidence=True)
    submitted = make_update(app, commitment, evidence=True)
    item, stored = draft.evidence[0], draft.evidence[0].stored_name
    client = login_as("officer")
    html = client.get(f"/updates/{draft.id}/edit").get_data(as_text=True)
    assert f'action="/evidence/{item.id}/remove"' in html and "Gỡ tệp" in html
    path = app.config["UPLOAD_DIR"] + "/" + stored
    response = client.post(f"/evidence/{item.id}/remove", data={"csrf_token": csrf_token(client, "/my")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/updates/{draft.id}/edit")
    db.session.expire_all()
    assert db.session.get(EvidenceFile, item.id) is None
    assert not os.path.exists(path)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "evidence_removed"))
    frozen = submitted.evidence[0].id
    response = client.post(f"/evidence/{frozen}/remove", data={"csrf_token": csrf_token(client, "/my")})
    assert response.status_code == 403 and db.session.get(EvidenceFile, frozen) is not None


def test_a_draft_of_the_other_side_is_not_found(app, login_as):
    draft = make_update(app, officer_commitment(), submit=False, evidence=True)
    other = app.test_client()
    make_user("canbo.bn@example.com", "officer", agency="BN-STC")
    db.session.commit()
    sign_in(other, "canbo.bn@example.com")
    response = other.post(f"/evidence/{draft.evidence[0].id}/remove", data={"csrf_token": csrf_token(other, "/my")})
    assert response.status_code == 404


def test_my_list_shows_a_report_waiting_and_a_draft_to_carry_on(app, login_as):
    commitment = officer_commitment()
    client = login_as("officer")
    update = make_update(app, commitment)
    html = client.get("/my").get_data(as_text=True)
    row = re.search(rf'<tr>(?:(?!</tr>).)*?/commitments/{commitment.id}"(?:(?!</tr>).)*</tr>', html, re.S).group(0)
    assert "Đã gửi, chờ duyệt" in row and f'href="/updates/{update.id}"' in row
    assert f"/commitments/{commitment.id}/progress/new" not in row  # not offered to report again
    assert "table-cards" in html  # a stack of cards on a phone


def test_a_reviewer_is_not_asked_to_write_the_agencys_report(app, login_as):
    update = make_update(app, officer_commitment())
    client = login_as("coordinator")
    html = client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "Duyệt báo cáo" in html and "Lập báo cáo chỉnh sửa, bổ sung" not in html


def test_the_queue_refuses_an_empty_return_reason_in_the_browser(login_as, app):
    make_update(app, officer_commitment())
    html = login_as("coordinator").get("/reviews").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/updates/\d+/return"[^>]*>', html).group(0)
    assert "novalidate" not in form  # the required reason is checked before leaving the queue
    assert re.search(r'<input[^>]*name="reason"[^>]*required', html)


def test_a_drill_down_list_keeps_its_field_selected_and_shows_status(app, login_as):
    from tracker.models import CooperationArea

    client = login_as("viewer")
    html = client.get("/commitments?field=4").get_data(as_text=True)
    assert re.search(r'<select[^>]*name="field"', html) and re.search(r'<option selected value="4">|<option value="4" selected', html)
    area = db.session.scalar(select(CooperationArea).where(CooperationArea.restricted.is_(False)))
    page = client.get(f"/commitments?area={area.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{area.id}">|<option value="{area.id}" selected', page)
    assert "Tình trạng</th>" in page
    assert "Tình trạng</th>" in client.get(f"/areas/{area.id}").get_data(as_text=True)  # the field's page too


def test_the_compliance_filter_names_the_sides_as_its_rows_do(login_as):
    from tests.factories import agreement

    client = login_as("viewer")
    a = agreement()

    def options(period):
        html = client.get(f"/compliance?agreement={a.id}&period={period}").get_data(as_text=True)
        select_ = re.search(r'<select[^>]*id="province"[^>]*>(.*?)</select>', html, re.S).group(1)
        return re.findall(r">([^<]+)</option>", select_)

    assert any("Bắc Ninh" in o for o in options("2025-H2")) and not any("Bắc Giang" in o for o in options("2025-H2"))
    assert any("Bắc Giang" in o for o in options("2025-H1"))  # before the merger, as the rows then


def test_an_empty_reason_from_the_queue_keeps_the_way_back_to_it(app, login_as):
    update = make_update(app, officer_commitment())
    client = login_as("coordinator")
    token = csrf_token(client, "/reviews")
    response = client.post(f"/updates/{update.id}/return", data={"csrf_token": token, "reason": "", "next": "reviews"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nêu lý do trả lại" in html
    assert 'name="next" value="reviews"' in html and 'href="/reviews"' in html  # the retry returns to the queue
    # the coordinator stays in the queue: the message stands beside that report's reason box
    box = re.search(rf'<input[^>]*id="reason-{update.id}"[^>]*>', html).group(0)
    assert "is-invalid" in box and f'id="reason-{update.id}-error"' in html
    response = client.post(f"/updates/{update.id}/return",
                           data={"csrf_token": token, "reason": "Thiếu số liệu", "next": "reviews"})
    assert response.headers["Location"].endswith("/reviews")

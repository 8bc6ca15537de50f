"""Meetings in the browser: coordinators record one with its conclusions (their province's
agencies), admins any side's; everyone signed in reads the register, a meeting and its minutes;
a conclusion's page names its meeting; the dashboard and the list filter by meeting."""
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.client import csrf_token, sign_in
from tests.factories import PDF_BYTES, TODAY, agreement, approve, make_user
from tracker.extensions import db
from tracker.models import Agency, Commitment, Meeting
from tracker.services import meetings as service

NEW = "/meetings/new?agreement={}"


def agency(code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def pair(party_index: int, code: str) -> str:
    return f"{agreement().parties[party_index].id}:{agency(code).id}"


def area_id(number: int) -> str:
    return str(next(a.id for a in agreement().areas if a.number == number))


def form(**changes) -> dict:
    base = {"kind": "so_ket", "held_on": "15/06/2026", "place": "Thái Nguyên", "chair": "Chủ tịch UBND tỉnh",
            "participants": "Các sở, ngành",
            "conclusions-0-text": "Hoàn thành rà soát hướng tuyến", "conclusions-0-area": area_id(3),
            "conclusions-0-due_date": "31/12/2026", "conclusions-0-leads": pair(0, "TN-SXD"),
            "conclusions-0-supports": pair(0, "TN-STC"),
            "conclusions-1-text": "Tổ chức xúc tiến đầu tư chung", "conclusions-1-area": area_id(7),
            "conclusions-1-due_date": "30/12/2026", "conclusions-1-leads": pair(0, "TN-BQLKCN")}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def post_new(client, data, file=None):
    path = NEW.format(agreement().id)
    payload = {"csrf_token": csrf_token(client, path), **data}
    if file:
        payload["minutes"] = file
    return client.post(path, data=payload, content_type="multipart/form-data")


def recorded() -> Meeting | None:
    return db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))


def test_a_coordinator_records_a_meeting_with_two_conclusions_and_its_minutes(login_as):
    client = login_as("coordinator")
    page = client.get(NEW.format(agreement().id)).get_data(as_text=True)
    leads = re.search(r'<select[^>]*id="conclusions-0-leads".*?</select>', page, re.S).group(0)
    assert f'value="{pair(0, "TN-SXD")}"' in leads and agency("BN-SXD").name not in leads  # their province's only
    assert 'id="conclusions-1-text"' in page  # at least two rows shown
    response = post_new(client, form(), (io.BytesIO(PDF_BYTES), "Biên bản hội nghị.pdf"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    meeting = recorded()
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert [c.code for c in meeting.conclusions] == ["KL1.1", "KL1.2"]
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Hội nghị sơ kết ngày 15/06/2026" in detail and "Biên bản hội nghị.pdf" in detail
    assert "Hoàn thành rà soát hướng tuyến" in detail and "Chưa có báo cáo" in detail  # the status badge
    minutes = client.get(f"/meetings/{meeting.id}/minutes")
    assert minutes.status_code == 200 and minutes.data == PDF_BYTES and "attachment" in minutes.headers["Content-Disposition"]
    minutes.close()
    conclusion = client.get(f"/commitments/{meeting.conclusions[0].id}").get_data(as_text=True)
    assert "Kết luận của Hội nghị sơ kết ngày 15/06/2026" in conclusion and f'href="/meetings/{meeting.id}"' in conclusion
    register = client.get("/meetings").get_data(as_text=True)
    assert "Hội nghị sơ kết ngày 15/06/2026" in register and "2 kết luận, đã hoàn thành 0" in register


def test_bad_input_answers_in_vietnamese_keeping_what_was_typed(login_as):
    client = login_as("coordinator")
    response = post_new(client, form(place=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nhập địa điểm." in page
    assert "Hoàn thành rà soát hướng tuyến" in page and "Tổ chức xúc tiến đầu tư chung" in page  # kept
    response = post_new(client, form(held_on="31/12/2026"))
    assert response.status_code == 400 and "Ngày họp không thể sau hôm nay." in response.get_data(as_text=True)
    response = post_new(client, form(**{"conclusions-1-leads": None, "conclusions-0-due_date": "01/01/2026"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and recorded() is None
    assert "Thời hạn không thể trước ngày họp." in page and "Chọn cơ quan chủ trì." in page
    assert 'value="01/01/2026"' in page and "Kết luận 2 · Cơ quan chủ trì" in page  # the summary names the row
    response = post_new(client, {k: v for k, v in form().items() if not k.startswith("conclusions")})
    assert response.status_code == 400 and "Ghi ít nhất một kết luận" in response.get_data(as_text=True)


def test_a_coordinator_cannot_name_the_other_provinces_agencies(login_as):
    response = post_new(login_as("coordinator"), form(**{"conclusions-0-leads": pair(1, "BN-SXD")}))
    assert response.status_code == 400 and recorded() is None
    assert "Chỉ chọn cơ quan của tỉnh mà bạn được phân công." in response.get_data(as_text=True)


def test_the_other_provinces_coordinator_records_with_theirs(app, client):
    make_user("daumoi.bn@example.com", "coordinator", province="BN")
    assert sign_in(client, "daumoi.bn@example.com").status_code == 302
    response = post_new(client, form(**{"conclusions-0-leads": pair(1, "BN-SXD"), "conclusions-0-supports": None,
                                        "conclusions-1-leads": pair(1, "BN-BQLKCN")}))
    assert response.status_code == 302
    leads = [a.agency.code for c in recorded().conclusions for a in c.current_assignments]
    assert leads == ["BN-SXD", "BN-BQLKCN"]


def test_an_admin_names_both_sides_leads(login_as):
    response = post_new(login_as("admin"), form(**{"conclusions-0-leads": [pair(0, "TN-SXD"), pair(1, "BN-SXD")]}))
    assert response.status_code == 302
    first = recorded().conclusions[0]
    assert sorted(a.agency.code for a in first.current_assignments if a.role == "lead") == ["BN-SXD", "TN-SXD"]


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_officers_and_viewers_read_but_do_not_record(login_as, role):
    meeting = _meeting()
    client = login_as(role)
    assert client.get("/meetings").status_code == 200
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert "Ghi nhận cuộc họp" not in client.get("/meetings").get_data(as_text=True)
    assert client.get(NEW.format(agreement().id)).status_code == 403
    assert post_new(client, form()).status_code == 403


def test_missing_meetings_and_minutes_are_404(login_as):
    client = login_as("viewer")
    assert client.get("/meetings/999999").status_code == 404
    assert client.get(f"/meetings/{_meeting().id}/minutes").status_code == 404  # recorded without minutes
    assert client.get("/meetings/new?agreement=999999").status_code in (403, 404)


def test_restricted_conclusions_are_hidden_from_the_uncleared(app, login_as):
    restricted = next(a for a in agreement().areas if a.restricted)
    meeting = _meeting(area=restricted.id)
    viewer = login_as("viewer")
    assert viewer.get(f"/meetings/{meeting.id}").status_code == 404
    assert f'data-meeting="{meeting.id}"' not in viewer.get("/meetings").get_data(as_text=True)
    admin = app.test_client()
    assert sign_in(admin, "admin@example.com").status_code == 302
    assert f'data-meeting="{meeting.id}"' in admin.get("/meetings").get_data(as_text=True)
    assert "Thực hiện kết luận" not in viewer.get(f"/?meeting={meeting.id}").get_data(as_text=True)
    body = viewer.get(f"/dashboard.json?agreement={agreement().id}&meeting={meeting.id}").get_json()
    assert body["total"] == 0


def test_the_dashboard_shows_one_meetings_conclusions(login_as):
    meeting = _meeting()
    approve(meeting.conclusions[0], "done", 100, as_of=date(2026, 10, 1))
    client = login_as("viewer")
    page = client.get(f"/?agreement={agreement().id}&meeting={meeting.id}").get_data(as_text=True)
    assert "Thực hiện kết luận Hội nghị sơ kết ngày 15/06/2026" in page
    body = client.get(f"/dashboard.json?agreement={agreement().id}&meeting={meeting.id}").get_json()
    assert body["total"] == 2 and body["categories"]["done_on_time"] == 1 and body["filters"]["meeting"] == meeting.id
    everything = client.get(f"/dashboard.json?agreement={agreement().id}").get_json()
    assert everything["total"] > 2
    listed = client.get(f"/commitments?agreement={agreement().id}&meeting={meeting.id}").get_data(as_text=True)
    ids = set(re.findall(r'href="/commitments/(\d+)"', listed))
    assert ids == {str(c.id) for c in meeting.conclusions}
    api = client.get(f"/api/v1/commitments?meeting={meeting.id}").get_json()
    assert {c["id"] for c in api["items"]} == {c.id for c in meeting.conclusions}
    assert all(c["meeting_id"] == meeting.id for c in api["items"])
    meetings = client.get("/api/v1/meetings").get_json()["items"]
    assert meetings[0]["id"] == meeting.id and meetings[0]["conclusion_ids"] == [c.id for c in meeting.conclusions]


def _meeting(area: int | None = None) -> Meeting:
    """A meeting of 15/06/2026 with two conclusions led by Thái Nguyên's agencies (no minutes)."""
    party = agreement().parties[0]
    area = area or int(area_id(3))
    leads = ((party.id, agency("TN-SXD").id),)
    rows = (service.ConclusionData(area, "Hoàn thành rà soát hướng tuyến", date(2026, 12, 31), leads=leads),
            service.ConclusionData(int(area_id(7)), "Tổ chức xúc tiến đầu tư chung", date(2026, 12, 30), leads=leads))
    meeting = service.create(agreement(), service.MeetingData("so_ket", date(2026, 6, 15), "Thái Nguyên", "Chủ tịch",
                                                              conclusions=rows[:1] if area != int(area_id(3)) else rows),
                             None, allowed={party.id: {agency("TN-SXD").id}}, today=TODAY)
    db.session.commit()
    return meeting


def test_every_conclusion_is_a_commitment_with_its_meeting(app):
    meeting = _meeting()
    assert db.session.scalars(select(Commitment.id).where(Commitment.meeting_id == meeting.id)).all() == [
        c.id for c in meeting.conclusions]


def test_the_filters_list_a_new_meeting_at_once_though_their_choices_are_kept(app, client):
    """The filter forms' choices are kept per change counter (``ScopeFilterForm.load_choices``):
    a second page reads none of them again, and a meeting recorded meanwhile is listed at once."""
    from sqlalchemy import event

    assert sign_in(client, "admin@example.com").status_code == 302
    path = f"/commitments?agreement={agreement().id}"
    client.get(path)
    seen = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not any("FROM meetings" in s or "FROM provinces ORDER BY" in s for s in seen)
    assert "15/06/2026" not in page
    meeting = _meeting()
    page = client.get(path).get_data(as_text=True)
    assert f'<option value="{meeting.id}">' in page and "15/06/2026" in page

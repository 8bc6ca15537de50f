"""/agreements/<id>/renew: admins preview and confirm the next phase; nobody else reaches it;
the old phase's dashboard and reports for earlier days read as before."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.client import csrf_token
from tests.factories import agreement, approve, officer_commitment
from tracker.extensions import db
from tracker.models import Agreement, Commitment

FORM = {"code": "TN-BN-2026", "title": "Biên bản ghi nhớ giai đoạn 2026-2030", "short_title": "TN – BN 2026-2030",
        "renewed_on": "01/01/2026", "period_start": "01/01/2026", "period_end": "31/12/2030"}


def post(client, agreement_id, **changes):
    data = {**FORM, "csrf_token": csrf_token(client, f"/agreements/{agreement_id}/renew"), **changes}
    return client.post(f"/agreements/{agreement_id}/renew", data=data)


@pytest.mark.parametrize("role", ["coordinator", "officer", "viewer"])
def test_only_admins_reach_the_renewal(login_as, role):
    client = login_as(role)
    old = agreement()
    assert client.get(f"/agreements/{old.id}/renew").status_code == 403
    assert client.post(f"/agreements/{old.id}/renew", data={**FORM, "confirm": "1"}).status_code in (400, 403)
    assert db.session.scalar(select(func.count(Agreement.id))) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(f"/agreements/{agreement().id}/renew").status_code == 302


def test_the_form_starts_from_todays_provinces_and_previews_the_open_commitments(login_as):
    client = login_as("admin")
    done = officer_commitment()
    approve(done, "done", 100, as_of=date(2025, 11, 1))
    html = client.get(f"/agreements/{agreement().id}/renew").get_data(as_text=True)
    assert 'value="TN-BN-2026"' in html and 'value="01/01/2026"' in html and 'value="31/12/2030"' in html
    assert "Tỉnh Thái Nguyên – Tỉnh Bắc Ninh" in html
    assert f'name="carry" value="{done.id}"' not in html and done.title in html  # listed as left behind
    live = db.session.scalar(select(func.count(Commitment.id)).where(Commitment.removed_on.is_(None)))
    assert html.count('name="carry"') == live - 1 and html.count("checked") == live - 1


def test_bad_input_is_refused_in_vietnamese_and_kept(login_as):
    client = login_as("admin")
    old = agreement()
    response = post(client, old.id, renewed_on="01/01/2027", code="TN-BN-XX", confirm="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ngày chuyển chưa tới" in html and 'value="TN-BN-XX"' in html
    response = post(client, old.id, period_end="31/12/2025", confirm="1")
    assert "Ngày kết thúc trước ngày bắt đầu." in response.get_data(as_text=True)
    response = post(client, old.id, renewed_on="32/13/2026", confirm="1")
    assert response.status_code == 400 and 'value="32/13/2026"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Agreement.id))) == 1


def test_confirm_creates_the_next_phase_with_the_chosen_commitments(login_as):
    client = login_as("admin")
    old = agreement()
    chosen = officer_commitment()
    response = post(client, old.id, confirm="1", carry=str(chosen.id))
    new = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BN-2026"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/agreements/{new.id}")
    carried = [c for a in new.areas for c in a.commitments]
    assert [c.carried_from_id for c in carried] == [chosen.id]
    page = client.get(f"/agreements/{new.id}").get_data(as_text=True)
    assert "Giai đoạn trước" in page and f"/agreements/{old.id}" in page
    page = client.get(f"/agreements/{old.id}").get_data(as_text=True)
    assert "Giai đoạn tiếp theo" in page and f"/agreements/{old.id}/renew" not in page
    final = f"/reports/status.docx?agreement={old.id}&amp;as_of=2025-12-31"
    assert final in page and "Báo cáo tổng kết giai đoạn (đến ngày 31/12/2025)" in page
    response = client.get(final.replace("&amp;", "&"))
    assert response.status_code == 200 and response.get_data()[:2] == b"PK"
    response.close()
    page = client.get(f"/commitments/{chosen.id}").get_data(as_text=True)
    assert "Đã chuyển sang giai đoạn tiếp theo từ ngày 01/01/2026" in page and f"/commitments/{carried[0].id}" in page
    assert "Báo cáo tiến độ</a>" not in page  # no reporting on the original any more, no deadline extension
    assert f"/commitments/{chosen.id}/deadline" not in page
    assert client.get(f"/commitments/{chosen.id}/progress/new").status_code == 403
    assert client.get(f"/commitments/{chosen.id}/deadline").status_code == 403
    page = client.get(f"/commitments/{carried[0].id}").get_data(as_text=True)
    assert f"Tiếp nối nhiệm vụ {chosen.code} của giai đoạn 2023-2025" in page
    assert "Báo cáo của giai đoạn trước (chỉ xem)" in page


def test_the_old_dashboard_before_the_renewal_is_unchanged(login_as):
    client = login_as("admin")
    old = agreement()
    approve(officer_commitment(), "in_progress", 60, as_of=date(2025, 10, 1))
    url = f"/dashboard.json?agreement={old.id}&as_of=2025-12-31"
    before = client.get(url).get_json()
    post(client, old.id, confirm="1", **{"carry": [str(c.id) for a in old.areas for c in a.commitments]})
    assert db.session.scalar(select(func.count(Agreement.id))) == 2
    after = client.get(url).get_json()
    # Every figure of the day reads as before, the agencies panel too: it counts who led on the
    # date (as the commitment list's agency filter does, tests/test_one_truth.py).
    assert before["agencies"] and after == before
    after_renewal = client.get(f"/dashboard.json?agreement={old.id}&as_of=2026-01-01").get_json()
    assert after_renewal != before


def test_an_admin_cannot_restore_a_carried_over_commitment(login_as):
    client = login_as("admin")
    old = agreement()
    chosen = officer_commitment()
    post(client, old.id, confirm="1", carry=str(chosen.id))
    token = csrf_token(client, f"/commitments/{chosen.id}/edit")
    client.post(f"/commitments/{chosen.id}/removal", data={"csrf_token": token, "reason_text": "x",
                                                           "restore": "1"})
    db.session.expire_all()
    assert db.session.get(Commitment, chosen.id).removed_on == date(2026, 1, 1)


def test_the_api_links_the_phases_and_the_commitments(login_as):
    client = login_as("admin")
    old = agreement()
    chosen = officer_commitment()
    post(client, old.id, confirm="1", carry=str(chosen.id))
    new = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BN-2026"))
    items = {a["code"]: a for a in client.get("/api/v1/agreements").get_json()["items"]}
    assert items["TN-BN-2026"]["predecessor_id"] == old.id and items["TN-BN-2026"]["renewed_on"] == "2026-01-01"
    assert items["TN-BG-2023"]["successor_id"] == new.id and items["TN-BG-2023"]["predecessor_id"] is None
    carried = next(c for a in new.areas for c in a.commitments)
    original = client.get(f"/api/v1/commitments/{chosen.id}").get_json()
    assert original["carried_over_to_id"] == carried.id and original["removed_on"] == "2026-01-01"
    body = client.get(f"/api/v1/commitments/{carried.id}").get_json()
    assert body["carried_from_id"] == chosen.id and body["carried_over_to_id"] is None
    listed = client.get(f"/api/v1/commitments?agreement={new.id}").get_json()["items"]
    assert [c["carried_from_id"] for c in listed] == [chosen.id]


def test_the_new_phase_report_notes_where_a_commitment_comes_from(login_as):
    import io

    from openpyxl import load_workbook

    from tracker.exports import xlsx

    client = login_as("admin")
    old = agreement()
    chosen = officer_commitment()
    post(client, old.id, confirm="1", carry=str(chosen.id))
    new = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BN-2026"))
    response = client.get(f"/reports/status.xlsx?agreement={new.id}")
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    cells = [c for row in book[xlsx.SHEET_ANNEX].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    book.close()
    response.close()
    assert f"Tiếp nối nhiệm vụ {chosen.code} giai đoạn 2023-2025" in cells


def test_a_preview_with_another_date_writes_nothing(login_as):
    client = login_as("admin")
    response = post(client, agreement().id, renewed_on="26/11/2026", period_start="26/11/2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Chưa hoàn thành ngày 26/11/2026" in html and 'name="confirm"' in html
    assert db.session.scalar(select(func.count(Agreement.id))) == 1


def test_a_report_awaiting_review_stays_on_the_original_and_is_still_reviewed(app, login_as):
    from tests.factories import make_update
    from tracker.models import ProgressUpdate

    chosen = officer_commitment()
    from tests.factories import TODAY, user
    from tracker.services import renewal

    pending = make_update(app, chosen, as_of=date(2025, 12, 20))  # submitted, not yet reviewed
    old = agreement()
    renewal.apply(renewal.preview(old, renewal.defaults(old, TODAY), TODAY), {chosen.id}, user())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Commitment, chosen.id).carried_over_to is not None
    coordinator = login_as("coordinator")
    assert f"/updates/{pending.id}" in coordinator.get("/reviews").get_data(as_text=True)
    response = coordinator.post(f"/updates/{pending.id}/approve", data={"csrf_token": csrf_token(coordinator, "/")})
    assert response.status_code == 302
    db.session.expire_all()
    update = db.session.get(ProgressUpdate, pending.id)
    assert update.status == "approved" and update.commitment_id == chosen.id
    carried = db.session.get(Commitment, chosen.id).carried_over_to
    assert not db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.commitment_id == carried.id))

"""The early-warning margin is set on the agreement form (admins only), audited, and moves the
dashboard's at-risk count."""
from datetime import timedelta

from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import TODAY, agreement, approve, officer_commitment
from tests.views.test_agreement_source import agreement_data, post_edit
from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.status.cache import invalidate


def at_risk(client) -> int:
    return client.get("/dashboard.json").get_json()["at_risk"]


def listed(client, commitment) -> bool:
    return f'href="/commitments/{commitment.id}"' in client.get("/commitments?risk=at_risk").get_data(as_text=True)


def test_a_smaller_margin_puts_a_lagging_side_at_risk_on_the_dashboard(app, login_as):
    commitment = officer_commitment()
    commitment.start_date, commitment.due_date = TODAY - timedelta(days=200), TODAY + timedelta(days=100)
    commitment.recurring, commitment.original_due_date = False, None
    invalidate()
    db.session.commit()
    approve(commitment, percent=55)  # two thirds of the time gone, 55 %: 12 points behind
    client = login_as("admin")
    page = client.get(f"/agreements/{agreement().id}/edit").get_data(as_text=True)
    assert "Ngưỡng cảnh báo chậm tiến độ (điểm %)" in page and 'name="risk_margin"' in page and 'value="20"' in page
    baseline = at_risk(client)
    assert not listed(client, commitment)  # within the default 20 points
    assert post_edit(client, agreement_data(risk_margin="10")).status_code == 302
    db.session.expire_all()
    assert agreement().risk_margin == 10
    assert at_risk(client) >= baseline + 1 and listed(client, commitment)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement_updated")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.details["before"] == {"risk_margin": 20} and event.details["after"] == {"risk_margin": 10}
    assert post_edit(client, agreement_data(risk_margin="20")).status_code == 302
    assert at_risk(client) == baseline and not listed(client, commitment)


def test_the_margin_is_a_whole_number_from_0_to_100_and_for_admins_only(app, login_as):
    client = login_as("admin")
    for wrong in ("101", "-1", "mười"):
        response = post_edit(client, agreement_data(risk_margin=wrong, short_title="Vẫn giữ"))
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Vẫn giữ" in html, wrong
        assert "Nhập ngưỡng từ 0 đến 100." in html or "Not a valid integer" in html or "số nguyên" in html, wrong
    assert post_edit(client, agreement_data(risk_margin="0")).status_code == 302
    db.session.expire_all()
    assert agreement().risk_margin == 0
    assert post_edit(client, agreement_data(risk_margin="")).status_code == 302  # left empty: unchanged
    db.session.expire_all()
    assert agreement().risk_margin == 0
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    coordinator = login_as("coordinator")
    assert post_edit(coordinator, agreement_data(risk_margin="50")).status_code == 403
    db.session.expire_all()
    assert agreement().risk_margin == 0

"""Being told at the moment of the event, without anyone running ``flask reminders send``:
the reviewer when a report waits, the author when it is returned (with the reason) or
approved, both sides when a deadline moves; the bell at once, the mail through the job queue."""
import pytest
from sqlalchemy import func, select

from tests.client import csrf_token, sign_in
from tests.factories import make_user, officer_commitment
from tests.views.test_progress import fields, new_form
from tracker import clock
from tracker.extensions import db
from tracker.models import Notification, OutboxMail, ProgressUpdate, User


@pytest.fixture(autouse=True)
def _outbox_only(monkeypatch):
    monkeypatch.delenv("TRACKER_MAIL_SERVER", raising=False)
    monkeypatch.delenv("TRACKER_BASE_URL", raising=False)


def account(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def outbox(email) -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.user_id == account(email).id)
                                   .order_by(OutboxMail.id)))


def signed_in(app, email):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def bell(client) -> str:
    return client.get("/notifications").get_data(as_text=True)


def submit(client, commitment) -> ProgressUpdate:
    response = client.post(f"/commitments/{commitment.id}/progress/new", data={**new_form(client, commitment),
                                                                             **fields()})
    assert response.status_code == 302
    return db.session.scalar(select(ProgressUpdate).order_by(ProgressUpdate.id.desc()))


def test_the_reviewer_is_told_a_report_waits_and_the_author_when_it_comes_back(app):
    officer = signed_in(app, "canbo@example.com")
    coordinator = signed_in(app, "daumoi@example.com")
    bn_coordinator = make_user("daumoi.bn@example.com", "coordinator", province="BN")
    db.session.commit()
    update = submit(officer, officer_commitment())

    page = bell(coordinator)
    assert "Báo cáo chờ duyệt" in page and f"báo cáo số {update.id}" in page and f'href="/updates/{update.id}"' in page
    [digest] = outbox("daumoi@example.com")
    assert f"[Chờ duyệt] Sở Tài chính tỉnh Thái Nguyên đã gửi báo cáo số {update.id}" in digest.body
    assert digest.digest_date == clock.today()
    assert outbox(bn_coordinator.email) == [] and "Báo cáo chờ duyệt" not in bell(signed_in(app, bn_coordinator.email))
    assert outbox("canbo@example.com") == []  # the author is not told of their own submission

    token = csrf_token(coordinator, "/reviews")
    coordinator.post(f"/updates/{update.id}/return", data={"csrf_token": token, "reason": "Thiếu số liệu vốn"})
    page = bell(officer)
    assert "Báo cáo bị trả lại" in page and "Thiếu số liệu vốn" in page
    [digest] = outbox("canbo@example.com")
    assert "[Bị trả lại]" in digest.body and "Lý do: Thiếu số liệu vốn" in digest.body


def test_the_author_is_told_of_the_approval(app):
    officer = signed_in(app, "canbo@example.com")
    update = submit(officer, officer_commitment())
    coordinator = signed_in(app, "daumoi@example.com")
    coordinator.post(f"/updates/{update.id}/approve", data={"csrf_token": csrf_token(coordinator, "/reviews")})
    page = bell(officer)
    assert "Báo cáo đã được duyệt" in page and f"Báo cáo số {update.id}" in page
    [digest] = outbox("canbo@example.com")
    assert f"[Đã duyệt] Báo cáo số {update.id}" in digest.body


def test_both_sides_are_told_when_a_deadline_moves(app):
    commitment = officer_commitment()
    coordinator = signed_in(app, "daumoi@example.com")
    token = csrf_token(coordinator, f"/commitments/{commitment.id}/deadline")
    response = coordinator.post(f"/commitments/{commitment.id}/deadline",
                                data={"csrf_token": token, "new_due_date": "2027-06-30", "reason": "Chờ vốn"})
    assert response.status_code == 302
    page = bell(signed_in(app, "canbo@example.com"))
    assert "Nhiệm vụ được gia hạn" in page and "30/06/2027" in page and "Chờ vốn" in page
    [digest] = outbox("canbo@example.com")
    assert "[Gia hạn]" in digest.body and "30/06/2027" in digest.body
    assert outbox("daumoi@example.com") == []  # who moved it is not told


def test_email_off_keeps_the_bell_and_sends_no_mail(app):
    account("daumoi@example.com").email_reminders = False
    db.session.commit()
    update = submit(signed_in(app, "canbo@example.com"), officer_commitment())
    assert f"báo cáo số {update.id}" in bell(signed_in(app, "daumoi@example.com"))
    assert outbox("daumoi@example.com") == []


def test_one_mail_a_day_and_the_daily_run_does_not_tell_twice(app, runner):
    officer = signed_in(app, "canbo@example.com")
    commitment = officer_commitment()
    first = submit(officer, commitment)
    coordinator = signed_in(app, "daumoi@example.com")
    coordinator.post(f"/updates/{first.id}/return",
                     data={"csrf_token": csrf_token(coordinator, "/reviews"), "reason": "Bổ sung"})
    second = submit(officer, commitment)
    assert f"báo cáo số {second.id}" in bell(coordinator)  # the bell tells at once, all day
    assert len(outbox("daumoi@example.com")) == 1  # the mail: at most one a day
    result = runner.invoke(args=["reminders", "send", "--today", clock.today().isoformat()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    for key in (f"review:{first.id}", f"review:{second.id}", f"returned:{first.id}"):
        assert db.session.scalar(select(func.count(Notification.id)).where(Notification.dedupe_key == key)) == 1


def test_an_english_speaker_is_told_in_english(app):
    account("canbo@example.com").language = "en"
    db.session.commit()
    officer = signed_in(app, "canbo@example.com")
    update = submit(officer, officer_commitment())
    coordinator = signed_in(app, "daumoi@example.com")
    coordinator.post(f"/updates/{update.id}/approve", data={"csrf_token": csrf_token(coordinator, "/reviews")})
    assert "Report approved" in bell(officer)
    [digest] = outbox("canbo@example.com")
    assert digest.language == "en" and f"[Approved] Update no. {update.id}" in digest.body

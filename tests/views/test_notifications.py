"""The notification pages: the list, marking read, the e-mail setting, the admins' outbox.

These need the ``notifications`` blueprint registered in ``create_app`` and its four
endpoints in ``permissions.ENDPOINT_ACCESS``.
"""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.client import csrf_token
from tracker import clock
from tracker.extensions import db
from tracker.models import Notification, OutboxMail, User
from tracker.services import reminders

FIVE_BEFORE = date(2026, 12, 11)


@pytest.fixture(autouse=True)
def _outbox_only(monkeypatch):
    monkeypatch.delenv("TRACKER_MAIL_SERVER", raising=False)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 25))


def run_job(app, day=FIVE_BEFORE):
    with app.app_context():
        return reminders.send(day)


def account(email):
    return db.session.scalar(select(User).where(User.email == email))


def unread(email):
    u = account(email)
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == u.id,
                                                                      Notification.read_at.is_(None)))


def no_inline_code(html):
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html


def test_the_list_shows_unread_notifications_newest_first(app, login_as):
    run_job(app)
    run_job(app, date(2026, 12, 15))
    client = login_as("officer")
    response = client.get("/notifications")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    no_inline_code(html)
    assert "Sắp đến hạn báo cáo" in html
    assert html.index("Còn 1 ngày đến hạn gửi báo cáo") < html.index("Còn 5 ngày đến hạn gửi báo cáo")
    assert "6 tháng cuối năm 2026" in html and "16/12/2026" in html
    assert html.count("list-group-item-warning") == 4  # every one unread, highlighted
    assert 'href="/my"' in html  # several tasks missing: the officer's inbox
    assert 'action="/notifications/read"' in html


def test_mark_all_read_needs_the_form_token(app, login_as):
    run_job(app)
    client = login_as("officer")
    assert client.post("/notifications/read").status_code == 400
    assert unread("canbo@example.com") == 2
    token = csrf_token(client, "/notifications")
    response = client.post("/notifications/read", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert unread("canbo@example.com") == 0
    html = client.get("/notifications").get_data(as_text=True)
    assert "list-group-item-warning" not in html and 'action="/notifications/read"' not in html


def test_review_notifications_link_to_the_update(app, login_as):
    from tests.factories import make_update, officer_commitment

    update = make_update(app, officer_commitment())
    run_job(app, date(2026, 11, 25))
    html = login_as("coordinator").get("/notifications").get_data(as_text=True)
    assert "Báo cáo chờ duyệt" in html
    assert f'href="/updates/{update.id}"' in html


def test_others_notifications_are_not_shown(app, login_as):
    run_job(app)
    html = login_as("viewer").get("/notifications").get_data(as_text=True)
    assert "Chưa có thông báo nào." in html and "Sắp đến hạn" not in html


def test_turning_email_off_and_on(app, login_as):
    client = login_as("officer")
    page = client.get("/notifications/settings")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    no_inline_code(html)
    assert re.search(r'<input[^>]*checked[^>]*name="email_reminders"|<input[^>]*name="email_reminders"[^>]*checked',
                     html)
    token = csrf_token(client, "/notifications/settings")
    response = client.post("/notifications/settings", data={"csrf_token": token})  # box unticked
    assert response.status_code == 302
    assert account("canbo@example.com").email_reminders is False
    assert "Đã tắt thư nhắc việc." in client.get("/notifications/settings").get_data(as_text=True)
    run_job(app)
    assert unread("canbo@example.com") == 2  # still told in the app …
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.to_address == "canbo@example.com")) == 0  # … but not by mail
    client.post("/notifications/settings", data={"csrf_token": token, "email_reminders": "y"})
    assert account("canbo@example.com").email_reminders is True


def test_the_setting_is_not_changed_without_the_form_token(app, login_as):
    client = login_as("officer")
    client.post("/notifications/settings", data={})
    assert account("canbo@example.com").email_reminders is True


def test_admins_read_the_outbox(app, login_as):
    run_job(app)
    client = login_as("admin")
    response = client.get("/admin/outbox")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    no_inline_code(html)
    assert "canbo@example.com" in html
    assert "Theo dõi hợp tác liên tỉnh — nhắc việc ngày 11/12/2026" in html
    assert "Chỉ lưu trong hộp thư đi" in html
    assert "Còn 5 ngày đến hạn gửi báo cáo" in html  # the body, folded


@pytest.mark.parametrize("role", ["coordinator", "officer", "viewer"])
def test_only_admins_read_the_outbox(login_as, role):
    assert login_as(role).get("/admin/outbox").status_code == 403


@pytest.mark.parametrize("path", ["/notifications", "/notifications/settings", "/admin/outbox"])
def test_signed_out_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_the_bell_count(app):
    run_job(app)
    with app.test_request_context():
        from flask_login import login_user

        login_user(account("canbo@example.com"))
        assert app.jinja_env.globals["unread_notifications"]() == 2


def test_the_reminders_loop_runs_without_cron(app, runner, monkeypatch):
    """`make run` starts `flask reminders loop` beside the server: the schedule needs no cron."""
    monkeypatch.setattr(clock, "today", lambda: FIVE_BEFORE)  # a reminder day
    result = runner.invoke(args=["reminders", "loop", "--runs", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("reminders: closed ") and "sent " in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Notification.id))) > 0  # today's reminders made

"""Account security as users meet it: throttling, sessions, resets, two-factor, headers."""
import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pyotp
import pytest
from sqlalchemy import func, select, text

from tests.client import csrf_token, sign_in
from tests.factories import PASSWORD
from tracker.extensions import db
from tracker.models import AuditEvent, User, UserSession
from tracker.services import accounts

NEW_PASSWORD = "Sông-Thương-xanh-2027"


def events(action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_failed_sign_ins_are_throttled_per_account_with_retry_after(client):
    for _ in range(5):
        assert sign_in(client, "canbo@example.com", "wrong-password-123").status_code == 200
    response = sign_in(client, "canbo@example.com", "wrong-password-123")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Quá nhiều yêu cầu" in response.get_data(as_text=True)
    # even the right password waits, and the lockout is in the audit log
    assert sign_in(client, "canbo@example.com").status_code == 429
    assert events("login_locked") >= 1
    # another account from the same address is not locked by that
    assert sign_in(client, "lanhdao@example.com").status_code == 302


def test_failed_sign_ins_are_throttled_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    for i in range(3):
        sign_in(client, f"nobody{i}@example.com", "wrong-password-123")
    assert sign_in(client, "someone.else@example.com", "wrong-password-123").status_code == 429


def sign_in_from(app, address, email="canbo@example.com", password="wrong-password-123", client=None):
    client = client or app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return sign_in(client, email, password)


def test_a_stranger_cannot_lock_a_user_out_from_elsewhere(app):
    stranger = app.test_client()
    for _ in range(5):
        assert sign_in_from(app, "203.0.113.9", client=stranger).status_code == 200
    assert sign_in_from(app, "203.0.113.9", client=stranger).status_code == 429
    # the same account from the owner's own address still signs in
    assert sign_in_from(app, "10.1.2.3", password=PASSWORD).status_code == 302


def test_a_known_browser_is_not_locked_by_a_stranger_behind_the_same_address(app):
    owner = app.test_client()
    assert sign_in_from(app, "10.1.2.3", password=PASSWORD, client=owner).status_code == 302
    owner.post("/logout", data={"csrf_token": csrf_token(owner, "/")})
    for _ in range(6):
        sign_in_from(app, "10.1.2.3")  # a colleague's browser on the office's one address
    assert sign_in_from(app, "10.1.2.3").status_code == 429
    assert sign_in_from(app, "10.1.2.3", password=PASSWORD, client=owner).status_code == 302


@pytest.fixture
def wait(monkeypatch):
    """``wait(seconds)`` moves the sign-in throttle's clock on instead of sleeping: the account's
    delay (``tracker.lockout``) and its expiry in the limiter's memory storage read the time
    through it."""
    import limits.storage.memory as memory

    from tracker import lockout
    from tracker.extensions import limiter

    assert isinstance(limiter.storage, memory.MemoryStorage), "the tests' throttle keeps its counts in memory"
    later = [0.0]
    clock = SimpleNamespace(time=lambda: time.time() + later[0])
    for module in (lockout, memory):
        monkeypatch.setattr(module, "time", clock)
    return lambda seconds: later.__setitem__(0, later[0] + seconds)


def test_failures_from_many_addresses_slow_the_account_with_a_growing_delay(app, monkeypatch, wait):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_FREE_FAILURES", 3)
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_FIRST_DELAY", 1)
    owner = app.test_client()
    assert sign_in_from(app, "10.1.2.3", password=PASSWORD, client=owner).status_code == 302
    owner.post("/logout", data={"csrf_token": csrf_token(owner, "/")})
    for i in range(4):  # one attempt each from four addresses: no address reaches its own limit
        assert sign_in_from(app, f"198.51.100.{i}").status_code == 200
    response = sign_in_from(app, "198.51.100.50", password=PASSWORD)  # too soon, even with the right password
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    html = response.get_data(as_text=True)
    assert "Vui lòng đợi 1 giây rồi thử lại." in html and 'value="canbo@example.com"' in html
    # the owner's browser, known from an earlier sign-in, is not held up
    assert sign_in_from(app, "10.1.2.3", password=PASSWORD, client=owner).status_code == 302
    wait(1.1)
    assert sign_in_from(app, "198.51.100.51").status_code == 200  # checked again; the delay doubles
    response = sign_in_from(app, "198.51.100.52")
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert events("login_delayed") == 2
    wait(1.5)
    assert sign_in_from(app, "198.51.100.52").status_code == 429  # not yet: two seconds
    wait(0.6)
    assert sign_in_from(app, "198.51.100.53", password=PASSWORD).status_code == 302


def test_a_forged_known_device_cookie_is_ignored(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_FREE_FAILURES", 1)
    for i in range(2):
        sign_in_from(app, f"198.51.100.{i}")
    forger = app.test_client()
    forger.set_cookie("tracker_device", "eyJlIjoiMTIzIiwibiI6IjEyMyJ9.forged.sig")
    assert sign_in_from(app, "198.51.100.9", password=PASSWORD, client=forger).status_code == 429


def test_successful_sign_ins_are_not_counted(client):
    for _ in range(7):
        assert sign_in(client, "canbo@example.com").status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_wrong_password_and_unknown_email_take_about_the_same_time(client):
    def timed(email, password):
        start = time.perf_counter()
        sign_in(client, email, password)
        return time.perf_counter() - start

    known = min(timed("canbo@example.com", "wrong-password-123") for _ in range(3))
    unknown = min(timed(f"nobody{i}@example.com", "wrong-password-123") for i in range(3))
    assert abs(known - unknown) < max(known, unknown) * 0.5 + 0.02


def test_sign_in_starts_a_fresh_session(client):
    client.get("/login")
    with client.session_transaction() as s:
        s["planted"] = "by-attacker"
    sign_in(client, "canbo@example.com")
    with client.session_transaction() as s:
        assert "planted" not in s and s.get("sid")


def test_sign_out_everywhere_refuses_other_sessions(app):
    first, second = app.test_client(), app.test_client()
    sign_in(first, "canbo@example.com")
    sign_in(second, "canbo@example.com")
    assert first.get("/").status_code == 200
    response = second.post("/profile/sessions/sign-out-everywhere", data={"csrf_token": csrf_token(second, "/profile")})
    assert response.status_code == 302
    stale = first.get("/")
    assert stale.status_code == 302 and stale.headers["Location"].startswith("/login")
    assert second.get("/").status_code == 302
    assert events("sessions_revoked") == 1


def test_password_change_ends_other_sessions_but_keeps_this_one(app):
    mine, other = app.test_client(), app.test_client()
    sign_in(mine, "canbo@example.com")
    sign_in(other, "canbo@example.com")
    response = mine.post("/profile/password", data={
        "current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_token(mine, "/profile/password"),
    })
    assert response.status_code == 302
    assert mine.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert events("password_changed") == 1
    third = app.test_client()
    assert sign_in(third, "canbo@example.com").status_code == 200  # old password no longer works
    assert sign_in(third, "canbo@example.com", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "new, confirm, message",
    [
        ("short", "short", "Mật khẩu cần ít nhất 12 ký tự."),
        ("Tq8#vW2!pZ5", "Tq8#vW2!pZ5", "Mật khẩu cần ít nhất 12 ký tự."),
        ("password1234", "password1234", "Mật khẩu quá dễ đoán"),
        ("canbo@example.com", "canbo@example.com", "Mật khẩu quá dễ đoán"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Hai lần nhập mật khẩu mới không khớp."),
        (PASSWORD, PASSWORD, "Mật khẩu mới phải khác mật khẩu hiện tại."),
    ],
)
def test_password_change_refuses_weak_passwords_with_a_message(client, new, confirm, message):
    sign_in(client, "canbo@example.com")
    html = client.post("/profile/password", data={
        "current": PASSWORD, "new": new, "confirm": confirm, "csrf_token": csrf_token(client, "/profile/password"),
    }).get_data(as_text=True)
    assert message in html
    assert f'value="{new}"' not in html  # passwords are never echoed back


def test_wrong_current_password_is_refused(client):
    sign_in(client, "canbo@example.com")
    html = client.post("/profile/password", data={
        "current": "not-my-password", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_token(client, "/profile/password"),
    }).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in html


def test_idle_session_expires(client):
    sign_in(client, "canbo@example.com")
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user("canbo@example.com").id))
    row.last_seen_at = row.last_seen_at - timedelta(minutes=31)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_absolute_session_lifetime(client):
    sign_in(client, "canbo@example.com")
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user("canbo@example.com").id))
    row.created_at = row.created_at - timedelta(hours=13)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_admin_reset_forces_a_new_password_at_next_sign_in(app, login_as):
    admin = login_as("admin")
    target = user("lanhdao@example.com")
    victim = app.test_client()
    sign_in(victim, "lanhdao@example.com")
    html = admin.post(f"/admin/users/{target.id}/reset",
                      data={"csrf_token": csrf_token(admin, "/admin/users")}).get_data(as_text=True)
    temporary = re.search(r'<code class="fs-4 user-select-all">([^<]+)</code>', html).group(1)
    assert victim.get("/").status_code == 302  # the reset ended their sessions
    fresh = app.test_client()
    assert sign_in(fresh, "lanhdao@example.com", temporary).status_code == 302
    for path in ("/", "/commitments", "/admin/users"):
        response = fresh.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/profile/password", path
    response = fresh.post("/profile/password", data={
        "current": temporary, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_token(fresh, "/profile/password"),
    })
    assert response.status_code == 302 and fresh.get("/").status_code == 200
    assert events("password_reset") == 1


def begin_enrolment(client):
    """Press "Tạo khóa bí mật và mã QR": enrolment starts with a POST, never on a GET."""
    return client.post("/profile/two-factor", data={
        "begin-submit": "1", "csrf_token": csrf_token(client, "/profile/two-factor")})


def enrol(client):
    begin_enrolment(client)
    with client.application.app_context():  # the key comes from the app's configuration
        secret = accounts.totp_secret(user("canbo@example.com"))
    code = pyotp.TOTP(secret).now()
    client.post("/profile/two-factor", data={
        "confirm-code": code, "confirm-submit": "1", "csrf_token": csrf_token(client, "/profile/two-factor"),
    })
    return secret


def test_two_factor_enrolment_and_sign_in(app, client):
    sign_in(client, "canbo@example.com")
    assert client.get("/profile/two-factor/qr.svg").status_code == 404  # nothing begun by looking
    assert begin_enrolment(client).status_code == 302
    svg = client.get("/profile/two-factor")
    qr = client.get("/profile/two-factor/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data and qr.headers["Cache-Control"] == "no-store"
    assert b'xmlns="http://www.w3.org/2000/svg"' in qr.data  # an <img> draws an SVG file only with its namespace
    secret = enrol(client)
    assert user("canbo@example.com").totp_enabled
    assert events("two_factor_enabled") == 1
    assert svg.status_code == 200

    other = app.test_client()
    response = sign_in(other, "canbo@example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert other.get("/").status_code == 302  # not signed in before the code
    token = csrf_token(other, "/login/code")
    html = other.post("/login/code", data={"code": "000000", "csrf_token": token}).get_data(as_text=True)
    assert "Mã xác thực không đúng" in html
    totp = pyotp.TOTP(secret)
    next_step_code = totp.at(time.time() + 30)  # one step ahead is accepted (clock drift)
    response = other.post("/login/code", data={"code": next_step_code, "csrf_token": token})
    assert response.status_code == 302 and other.get("/").status_code == 200

    # the same code cannot be used twice
    third = app.test_client()
    sign_in(third, "canbo@example.com")
    html = third.post("/login/code", data={"code": next_step_code, "csrf_token": csrf_token(third, "/login/code")})
    assert "Mã xác thực không đúng" in html.get_data(as_text=True)


def test_admins_must_enrol_two_factor_in_production(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_ENV", "production")
    client = login_as("admin")
    response = client.get("/commitments")
    assert response.status_code == 302 and response.headers["Location"] == "/profile/two-factor"
    assert "Tài khoản quản trị phải bật xác thực hai bước" in client.get("/profile/two-factor").get_data(as_text=True)


def test_security_headers_on_every_response(client, login_as):
    for path in ("/login", "/healthz", "/static/css/app.css", "/nope"):
        with client.get(path) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(login_as):
    client = login_as("admin")
    for path in ("/", "/commitments", "/profile", "/profile/two-factor", "/admin/users", "/admin/audit"):
        html = client.get(path).get_data(as_text=True)
        # data blocks (type="application/json") are not run; every script has a src
        assert not re.search(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/json")', html), path
        assert " style=" not in html and "<style" not in html, path


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    from tracker import create_app

    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_production_needs_a_secret_key(tmp_path, monkeypatch):
    from tracker import create_app

    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="TRACKER_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


def test_audit_log_is_append_only(app, client):
    sign_in(client, "canbo@example.com")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_succeeded"))
    assert event.ip == "127.0.0.1"
    event.action = "something_else"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_audit_details_keep_no_control_or_bidi_characters(app):
    from tracker.services import audit

    with app.test_request_context("/login", method="POST"):
        event = audit.record("login_failed", actor=None, email="ke.gian\u202e@example.com\x00",
                             tried=["\u2066a\u2069", {"b\x1b": "c\r\n"}])
        db.session.commit()
    db.session.refresh(event)
    assert event.details == {"email": "ke.gian@example.com", "tried": ["a", {"b": "c\n"}]}


def refusals():
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access_refused")
                                   .order_by(AuditEvent.id)))


def test_refused_requests_are_audited_once_a_minute_per_endpoint(login_as):
    officer = login_as("officer")
    assert officer.get("/admin/users").status_code == 403
    assert officer.get("/admin/users?page=2").status_code == 403  # the same endpoint, within the minute
    assert officer.get("/admin/audit").status_code == 403
    events_ = refusals()
    assert [e.details["endpoint"] for e in events_] == ["admin.users", "admin.audit"]
    first = events_[0]
    assert first.actor.email == "canbo@example.com" and first.category == "security"
    assert first.details["method"] == "GET" and first.details["path"] == "/admin/users" and first.ip


def test_refusals_per_person_are_capped_an_hour(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_REFUSALS_PER_HOUR", 2)
    officer = login_as("officer")
    for path in ("/admin/users", "/admin/audit", "/admin/users/new", "/admin/users/1"):
        assert officer.get(path).status_code == 403
    assert len(refusals()) == 2


def test_a_failing_audit_write_does_not_change_the_answer(app, login_as, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from tracker.services import audit

    def broken(*args, **kwargs):
        raise OperationalError("INSERT INTO audit_events", {}, Exception("database is locked"))

    officer = login_as("officer")
    monkeypatch.setattr(audit, "record", broken)
    response = officer.get("/admin/users")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)
    assert officer.get("/commitments").status_code == 200  # and the session is fine afterwards


def test_totp_secrets_are_stored_encrypted(app, client):
    sign_in(client, "canbo@example.com")
    begin_enrolment(client)
    html = client.get("/profile/two-factor").get_data(as_text=True)
    stored = user("canbo@example.com").totp_secret_encrypted
    with app.app_context():
        secret = accounts.totp_secret(user("canbo@example.com"))
    assert secret and len(secret) == 32 and secret in html  # shown to the user for manual entry
    assert secret not in stored and stored.startswith("gAAAAA")  # a Fernet token
    row = db.session.execute(text("SELECT * FROM users WHERE email = 'canbo@example.com'")).mappings().one()
    assert not any(secret in str(value) for value in row.values())


def test_totp_key_comes_from_the_environment_and_can_be_rotated(app, monkeypatch):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    officer = user("canbo@example.com")
    with app.app_context():
        monkeypatch.setitem(app.config, "TOTP_KEYS", old)
        secret = accounts.totp_begin(officer)
        assert Fernet(old).decrypt(officer.totp_secret_encrypted.encode()).decode() == secret
        monkeypatch.setitem(app.config, "TOTP_KEYS", f"{new},{old}")  # rotation: the new key first
        assert accounts.totp_secret(officer) == secret
        monkeypatch.setitem(app.config, "TOTP_KEYS", new)  # the old key gone: the secret cannot be read
        assert accounts.totp_secret(officer) is None
        assert not accounts.totp_verify(officer, "123456", time.time())
        monkeypatch.setitem(app.config, "TOTP_KEYS", None)  # unset: derived from SECRET_KEY, not the same
        assert accounts.totp_secret(officer) is None

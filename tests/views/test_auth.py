"""Signing in and out, with CSRF on and a safe `next`."""
import pytest

from tests.client import csrf_token, sign_in
from tests.factories import PASSWORD
from tracker.auth import safe_next
from tracker.extensions import db
from tracker.models import User
from sqlalchemy import select


def test_sign_in_and_out(client):
    response = sign_in(client, "canbo@example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_logout_needs_the_token(client):
    sign_in(client, "canbo@example.com")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_email_is_case_insensitive(client):
    assert sign_in(client, "CanBo@Example.COM").status_code == 302


@pytest.mark.parametrize("email, password", [("canbo@example.com", "wrong-password-123"), ("nobody@example.com", PASSWORD)])
def test_wrong_password_and_unknown_email_get_the_same_answer(client, email, password):
    response = sign_in(client, email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thư điện tử hoặc mật khẩu không đúng." in html
    assert f'value="{email}"' in html  # what was typed is kept, except the password
    assert password not in html


def test_missing_csrf_token_is_refused(client):
    response = client.post("/login", data={"email": "canbo@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_sign_in(client):
    user = db.session.scalar(select(User).where(User.email == "canbo@example.com"))
    user.active = False
    db.session.commit()
    assert sign_in(client, "canbo@example.com").status_code == 200


def test_next_is_followed_when_local(client):
    response = sign_in(client, "canbo@example.com", next="/commitments?q=y+t%E1%BA%BF")
    assert response.headers["Location"] == "/commitments?q=y+t%E1%BA%BF"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil", "javascript:alert(1)",
     "http:/evil", "/\x00/evil", " //evil.example", "", None, "commitments"],
)
def test_unsafe_next_falls_back(target):
    assert safe_next(target) == "/"


def test_unsafe_next_lands_on_our_own_page(client):
    response = sign_in(client, "canbo@example.com", next="//evil.example/x")
    assert response.headers["Location"] == "/"


def test_login_page_shows_field_errors_in_vietnamese(client):
    token = csrf_token(client)
    html = client.post("/login", data={"email": "", "password": "", "csrf_token": token}).get_data(as_text=True)
    assert "Nhập địa chỉ thư điện tử." in html and "Nhập mật khẩu." in html


def test_every_rate_limited_view_is_named_for_the_limiter(app):
    """Requests to other routes skip the limiter (``views.auth._has_no_limit``): a new limit on a
    route not named there would never apply."""
    from flask_limiter.util import get_qualified_name

    from tracker.extensions import limiter
    from tracker.views.auth import LIMITED_BLUEPRINTS, LIMITED_ENDPOINTS

    marked = limiter._marked_for_limiting
    limited = {endpoint for endpoint, view in app.view_functions.items() if get_qualified_name(view) in marked}
    assert {"auth.login", "auth.login_code"} <= limited
    assert {e for e in limited if e.split(".")[0] not in LIMITED_BLUEPRINTS} == set(LIMITED_ENDPOINTS)

"""Personal access tokens: made (shown once, stored hashed), authenticating, read-only, expired,
revoked; a browser session reads but never writes; the command line and the profile page."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from tests.api.conftest import bearer, make_token
from tests.client import csrf_token
from tests.factories import TODAY, officer_commitment
from tracker.extensions import db
from tracker.models import ApiToken, AuditEvent

BODY = {"state": "in_progress", "percent": 30, "as_of": TODAY.isoformat(), "results": "Đã khảo sát"}


def test_a_token_authenticates_and_its_hash_alone_is_stored(app, client):
    secret = make_token("viewer")
    response = client.get("/api/v1/agreements", headers=bearer(secret))
    assert response.status_code == 200 and response.get_json()["items"]
    row = db.session.scalar(select(ApiToken).where(ApiToken.prefix == secret[:10]))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in (row.token_hash, row.prefix)
    assert row.last_used_at is not None


def test_no_unknown_revoked_or_expired_token_gets_in(app, client):
    from tracker.services import tokens

    assert client.get("/api/v1/agreements").status_code == 401
    assert client.get("/api/v1/agreements", headers=bearer("trk_not-a-token")).status_code == 401
    assert client.get("/api/v1/agreements", headers={"Authorization": "Basic abc"}).status_code == 401
    expired = make_token("viewer", expires_on=TODAY)  # its last day: it works
    assert client.get("/api/v1/agreements", headers=bearer(expired)).status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.prefix == expired[:10]))
    row.expires_on = TODAY - timedelta(days=1)
    db.session.commit()
    response = client.get("/api/v1/agreements", headers=bearer(expired))
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    revoked = make_token("viewer")
    row = db.session.scalar(select(ApiToken).where(ApiToken.prefix == revoked[:10]))
    tokens.revoke(row, actor=None)
    db.session.commit()
    assert client.get("/api/v1/agreements", headers=bearer(revoked)).status_code == 401


def test_a_token_of_a_deactivated_account_stops_working(app, client):
    from tests.factories import user

    secret = make_token("viewer")
    user("lanhdao@example.com").active = False
    db.session.commit()
    assert client.get("/api/v1/agreements", headers=bearer(secret)).status_code == 401


def test_a_browser_session_reads_but_cannot_write(app, login_as):
    client = login_as("officer")
    commitment = officer_commitment()
    assert client.get(f"/api/v1/commitments/{commitment.id}").status_code == 200
    response = client.post(f"/api/v1/commitments/{commitment.id}/updates", json=BODY,
                           headers={"X-CSRFToken": csrf_token(client, "/profile")})
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("#problem-token-required")


def test_a_read_only_token_cannot_write_and_a_token_needs_no_csrf(app, client):
    commitment = officer_commitment()
    read_only = bearer(make_token("officer", read_only=True))
    response = client.post(f"/api/v1/commitments/{commitment.id}/updates", json=BODY, headers=read_only)
    assert response.status_code == 403 and response.get_json()["type"].endswith("#problem-read-only-token")
    response = client.post(f"/api/v1/commitments/{commitment.id}/updates", json=BODY, headers=bearer(make_token()))
    assert response.status_code == 201, response.get_data(as_text=True)


def test_the_token_decides_when_a_browser_also_sends_its_cookie(app, login_as):
    client = login_as("admin")
    response = client.get("/api/v1/agreements", headers=bearer("trk_wrong"))
    assert response.status_code == 401


def test_cli_creates_a_token_whose_last_line_is_the_token_and_revokes_it(app, runner, client):
    result = runner.invoke(args=["tokens", "create", "LanhDao@example.com", "--read-only", "--expires", "2027-01-31"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("trk_")
    assert client.get("/api/v1/agencies", headers=bearer(secret)).status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.prefix == secret[:10]))
    assert row.read_only and str(row.expires_on) == "2027-01-31"
    result = runner.invoke(args=["tokens", "revoke", str(row.id)])
    assert result.exit_code == 0 and "revoked" in result.output
    assert client.get("/api/v1/agencies", headers=bearer(secret)).status_code == 401
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token_revoked",
                                                      AuditEvent.object_id == row.id)) is not None


def test_cli_refuses_bad_input(app, runner):
    assert runner.invoke(args=["tokens", "create", "nobody@example.com"]).exit_code != 0
    assert runner.invoke(args=["tokens", "create", "lanhdao@example.com", "--expires", "31/01/2027"]).exit_code != 0
    assert runner.invoke(args=["tokens", "create", "lanhdao@example.com", "--expires", "2020-01-01"]).exit_code != 0
    assert runner.invoke(args=["tokens", "revoke", "999999"]).exit_code != 0
    assert runner.invoke(args=["tokens", "revoke", "abc"]).exit_code != 0


def test_the_profile_page_makes_a_token_shows_it_once_and_revokes_it(app, login_as):
    client = login_as("officer")
    page = client.post("/profile/tokens", data={"csrf_token": csrf_token(client, "/profile/tokens"),
                                                "name": "Hệ thống của Sở", "read_only": "y"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "Hệ thống của Sở"))
    secret = html.split('token-secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith(row.prefix) and row.read_only
    listing = client.get("/profile/tokens").get_data(as_text=True)
    assert row.prefix in listing and secret not in listing  # shown once
    response = client.post(f"/profile/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/profile/tokens")})
    assert response.status_code == 302 and db.session.get(ApiToken, row.id).revoked_at is not None


def test_nobody_revokes_another_users_token(app, login_as):
    secret = make_token("admin")
    row = db.session.scalar(select(ApiToken).where(ApiToken.prefix == secret[:10]))
    client = login_as("officer")
    response = client.post(f"/profile/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/profile/tokens")})
    assert response.status_code == 404 and db.session.get(ApiToken, row.id).revoked_at is None


def test_a_token_with_a_past_expiry_is_refused_on_the_profile_page(app, login_as):
    client = login_as("viewer")
    page = client.post("/profile/tokens", data={"csrf_token": csrf_token(client, "/profile/tokens"),
                                                "expires_on": "2020-01-01"})
    assert page.status_code == 400 and db.session.scalar(select(ApiToken)) is None

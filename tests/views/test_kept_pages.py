"""Pages kept finished (tracker.layout's header, the dashboard's, the list's and a commitment's
body): a kept page is never another session's, another page's or an older state's."""
from __future__ import annotations

import re

from tests.client import CSRF, csrf_token, sign_in
from tests.factories import officer_commitment, user
from tracker.extensions import db
from tracker.models import Notification
from tracker.services import audit

NEXT = re.compile(r'name="next" value="([^"]*)"')


def main(client, path: str) -> str:
    """The page's own content (the header's CSRF token is new on every request)."""
    return client.get(path).get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]


def test_the_kept_header_carries_this_session_s_token_and_this_page_s_path(app, login_as):
    client = login_as("viewer")
    first = client.get("/profile").get_data(as_text=True)
    again = client.get("/profile?tab=1").get_data(as_text=True)
    assert NEXT.search(first).group(1) == "/profile"
    assert NEXT.search(again).group(1) == "/profile?tab=1"
    other = app.test_client()
    assert sign_in(other, "lanhdao.mat@example.com").status_code == 302
    theirs = other.get("/profile").get_data(as_text=True)
    assert "lanhdao.mat@example.com" in theirs and "lanhdao.mat@example.com" not in again
    # the token of the kept header signs this session out, and no other
    token = CSRF.search(again).group(1)
    assert other.post("/logout", data={"csrf_token": token}).status_code == 400
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_the_kept_header_shows_a_new_notification(login_as):
    client = login_as("viewer")
    assert "chưa đọc" not in client.get("/profile").get_data(as_text=True)
    db.session.add(Notification(user_id=user("lanhdao@example.com").id, kind="review", dedupe_key="kept-1"))
    db.session.commit()
    assert "chưa đọc" in client.get("/profile").get_data(as_text=True)


def test_the_kept_agreement_switcher_marks_this_page_only(login_as):
    client = login_as("viewer")
    dashboard = client.get("/").get_data(as_text=True)
    profile = client.get("/profile").get_data(as_text=True)
    assert 'aria-current="page" href="/"' in dashboard
    assert 'aria-current="page" href="/"' not in profile


def test_a_commitment_page_is_rendered_again_after_any_audited_change(login_as):
    client = login_as("viewer")
    commitment = officer_commitment()
    path = f"/commitments/{commitment.id}"
    first = main(client, path)
    assert main(client, path) == first  # kept
    audit.record("plan_change_proposed", actor=user("admin@example.com"), category=audit.DATA, obj=commitment,
                 commitment_id=commitment.id, reason="kept-page test")
    db.session.commit()
    assert main(client, path) != first


def test_the_kept_list_and_dashboard_follow_the_query_string(login_as):
    client = login_as("viewer")
    found = client.get("/commitments?q=tai+chinh").get_data(as_text=True)
    everything = client.get("/commitments").get_data(as_text=True)
    assert re.search(r"Tìm thấy (\S+) nhiệm vụ", found).group(1) != re.search(r"Tìm thấy (\S+) nhiệm vụ",
                                                                               everything).group(1)
    dashboard = client.get("/?as_of=2025-06-30").get_data(as_text=True)
    assert 'value="30/06/2025"' in dashboard or "30/06/2025" in dashboard
    assert "30/06/2025" not in client.get("/").get_data(as_text=True).split("<main", 1)[1].split("</form>", 1)[0]


def test_the_kept_proposal_forms_carry_this_session_s_token(login_as):
    client = login_as("coordinator")
    commitment = officer_commitment()
    page = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    for token in CSRF.findall(page):
        assert token == CSRF.findall(page)[0]
    assert csrf_token(client, f"/commitments/{commitment.id}")

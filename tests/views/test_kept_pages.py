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


def test_equal_filters_share_one_kept_list_and_dashboard(login_as, monkeypatch):
    """Kept by normalised parameters: order, empty fields and parameters the page does not read
    make no new entry, and the kept page's links carry only what it read."""
    from tracker.views import commitments, main as dashboard

    made = {"list": 0, "dashboard": 0}

    def counted(name, real):
        def wrapper(*args, **kwargs):
            made[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(commitments, "_list_body", counted("list", commitments._list_body))
    monkeypatch.setattr(dashboard, "_body", counted("dashboard", dashboard._body))
    client = login_as("viewer")
    first = main(client, "/commitments?q=tai+chinh&agreement=&page=1")
    assert main(client, "/commitments?utm=x&agreement=&q=tai+chinh") == first
    assert main(client, "/commitments?q=tai+chinh") == first
    assert made["list"] == 1 and "utm=" not in first
    assert main(client, "/commitments?q=tai+chinh&page=2") != first
    assert made["list"] == 2
    page = main(client, "/?as_of=2025-06-30&agreement=&province=")
    assert main(client, "/?province=&as_of=2025-06-30&x=1") == page
    assert made["dashboard"] == 1 and "30/06/2025" in page
    assert main(client, "/") != page and made["dashboard"] == 2


def test_values_a_page_cannot_use_share_the_kept_page_without_them(login_as, monkeypatch):
    """``agency=abc``, ``page=-3``, an unknown category or drill-down role show the page as if
    absent: they make no new kept entry, and its links do not carry them on."""
    from tracker.views import commitments, main as dashboard

    made = {"list": 0, "dashboard": 0}
    for module, name, key in ((commitments, "_list_body", "list"), (dashboard, "_body", "dashboard")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, real=real, key=key, **k: made.__setitem__(key, made[key] + 1)
                            or real(*a, **k))
    client = login_as("viewer")
    plain = main(client, "/commitments?q=a")
    for junk in ("agency=abc", "page=-3", "page=0", "category=%3Cb%3E", "role=x", "due_within=45", "field=0",
                 "overdue=2", "risk=yes", f"area={2**40}"):
        assert main(client, f"/commitments?q=a&{junk}") == plain, junk
    assert made["list"] == 1 and "abc" not in plain
    assert main(client, "/commitments?q=a&agency=abc&page=2") == main(client, "/commitments?q=a&page=2")
    before = made["list"]  # a value the page uses is its own entry
    main(client, "/commitments?q=a&role=lead&agency=1")
    main(client, "/commitments?q=a&agency=1")
    assert made["list"] == before + 2
    page = main(client, "/?as_of=2025-06-30")
    assert main(client, "/?as_of=2025-06-30&province=x&agreement=-1&meeting=%00") == page
    assert made["dashboard"] == 1


def test_the_kept_profile_is_this_user_s_as_it_is_now(login_as):
    client = login_as("viewer")
    page = client.get("/profile").get_data(as_text=True)
    tokens = set(CSRF.findall(page))
    assert len(tokens) == 1
    response = client.post("/profile", data={"csrf_token": tokens.pop(), "name": "Tên đã đổi", "language": "vi"})
    assert response.status_code == 302
    assert "Tên đã đổi" in main(client, "/profile")


def test_dashboard_json_answers_a_known_etag_with_304_gzipped_or_not(login_as):
    client = login_as("viewer")
    plain = client.get("/dashboard.json")
    zipped = client.get("/dashboard.json", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + ':gzip"'
    for first in (plain, zipped):
        again = client.get("/dashboard.json", headers={"If-None-Match": first.headers["ETag"],
                                                        "Accept-Encoding": "gzip"})
        assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Cache-Control"] == "private, no-cache"

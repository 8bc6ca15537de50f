"""Partner confirmation through the pages: only the partner province's coordinator confirms,
disputes (with a reason) or withdraws; a dispute shows, and counts as not done, everywhere."""
import json

import pytest

from tests.client import csrf_token, sign_in
from tests.factories import approve, make_user, partner_done, shared_commitments, user
from tracker import clock
from tracker.extensions import db
from tracker.models import UpdateConfirmation
from tracker.permissions import acting_province_ids

DONE = ("done_on_time", "done_late")


@pytest.fixture
def asked(app):
    """A shared commitment both sides report done; Bắc Ninh's completion awaits Thái Nguyên's answer."""
    c = shared_commitments()[0]
    mine = acting_province_ids(user("daumoi@example.com"), clock.today())
    approve(c, "done", 100, party_id=next(a.party_id for a in c.assignments if a.role == "lead"
                                          and a.valid_to is None and a.party.province_id in mine))
    update, row = partner_done(c)
    return c, update, row


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/profile"), **data})


def state(row) -> str:
    db.session.expire_all()
    return db.session.get(UpdateConfirmation, row.id).state


def test_the_partner_coordinator_sees_the_forms_and_confirms(app, login_as, asked):
    c, update, row = asked
    client = login_as("coordinator")
    page = client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "Xác nhận của tỉnh bạn" in page and "Chờ tỉnh bạn xác nhận" in page
    assert f'action="/updates/{update.id}/confirm"' in page and f'action="/updates/{update.id}/dispute"' in page
    response = post(client, f"/updates/{update.id}/confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/updates/{update.id}")
    assert state(row) == "confirmed"
    page = client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "Tỉnh bạn đã xác nhận" in page and f'action="/updates/{update.id}/confirm"' not in page


@pytest.mark.parametrize("role", ["admin", "officer", "viewer"])
def test_other_roles_are_refused_and_see_no_form(app, login_as, asked, role):
    _c, update, row = asked
    client = login_as(role)
    assert f'action="/updates/{update.id}/confirm"' not in client.get(f"/updates/{update.id}").get_data(as_text=True)
    for action in ("confirm", "dispute", "withdraw-dispute"):
        assert post(client, f"/updates/{update.id}/{action}", reason="Không đồng ý").status_code == 403
    assert state(row) == "awaiting"


def test_the_reporting_side_cannot_confirm_itself(app, asked):
    _c, update, row = asked
    make_user("daumoi.bn@example.com", "coordinator", province="BN")
    client = app.test_client()
    assert sign_in(client, "daumoi.bn@example.com").status_code == 302
    assert f'action="/updates/{update.id}/confirm"' not in client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert post(client, f"/updates/{update.id}/confirm").status_code == 403
    assert post(client, f"/updates/{update.id}/dispute", reason="x").status_code == 403
    assert state(row) == "awaiting"


def test_a_dispute_needs_a_reason_and_keeps_what_was_typed(app, login_as, asked):
    _c, update, row = asked
    client = login_as("coordinator")
    response = post(client, f"/updates/{update.id}/dispute", reason="   ")
    assert response.status_code == 400
    assert "Nêu lý do không xác nhận để tỉnh bạn biết và giải trình." in response.get_data(as_text=True)
    long = "Chưa nghiệm thu " * 400
    response = post(client, f"/updates/{update.id}/dispute", reason=long)
    assert response.status_code == 400 and "Chưa nghiệm thu Chưa nghiệm thu" in response.get_data(as_text=True)
    assert state(row) == "awaiting"


def figures(client, c) -> tuple[str, dict, dict]:
    """The commitment's category in the API, dashboard.json, and the list filtered on each done category."""
    api = client.get(f"/api/v1/commitments/{c.id}").get_json()
    board = json.loads(client.get(f"/dashboard.json?agreement={c.area.agreement_id}").get_data(as_text=True))
    listed = {cat: f"/commitments/{c.id}\"" in client.get(f"/commitments?category={cat}&q={c.code}")
              .get_data(as_text=True) for cat in DONE}
    return api, board, listed


def test_a_dispute_counts_as_not_done_everywhere_until_withdrawn(app, login_as, asked):
    c, update, row = asked
    client = login_as("coordinator")
    api, board, listed = figures(client, c)
    done = api["category"]
    assert done in DONE and api["disputed"] is False and board["disputed"] == 0 and listed[done]
    before = board["categories"]

    response = post(client, f"/updates/{update.id}/dispute", reason="Chưa nghiệm thu công trình")
    assert response.status_code == 302 and state(row) == "disputed"
    api, board, listed = figures(client, c)
    assert api["category"] not in DONE and api["disputed"] is True
    assert board["disputed"] == 1 and board["categories"][done] == before[done] - 1
    assert not any(listed.values())
    page = client.get(f"/commitments/{c.id}").get_data(as_text=True)
    assert "data-disputed" in page and "Tỉnh bạn không xác nhận hoàn thành" in page
    page = client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "Chưa nghiệm thu công trình" in page and f'action="/updates/{update.id}/withdraw-dispute"' in page

    assert post(client, f"/updates/{update.id}/withdraw-dispute").status_code == 302
    assert state(row) == "settled"
    api, board, listed = figures(client, c)
    assert api["category"] == done and api["disputed"] is False and board["disputed"] == 0
    assert board["categories"] == before and listed[done]


def test_the_review_page_lists_what_awaits_the_coordinators_answer(app, login_as, asked):
    _c, update, _row = asked
    page = login_as("coordinator").get("/reviews").get_data(as_text=True)
    assert "Chờ tỉnh bạn xác nhận" in page and f'href="/updates/{update.id}"' in page


def test_from_the_review_page_the_coordinator_disputes_and_withdraws(app, login_as, asked):
    _c, update, row = asked
    client = login_as("coordinator")
    response = post(client, f"/updates/{update.id}/dispute", reason="Chưa bàn giao", next="reviews")
    assert response.status_code == 302 and response.headers["Location"].endswith("/reviews")
    page = client.get("/reviews").get_data(as_text=True)
    assert "Ý kiến không xác nhận đang chờ thống nhất" in page and "Chưa bàn giao" in page
    assert f'action="/updates/{update.id}/withdraw-dispute"' in page
    assert post(client, f"/updates/{update.id}/withdraw-dispute", next="reviews").status_code == 302
    assert state(row) == "settled"

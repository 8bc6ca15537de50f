"""Follow-through in the API: a commitment's early warning (at risk, overall and by side) and its
sides' partner confirmation, as the pages and dashboard.json tell them."""
from __future__ import annotations

from datetime import timedelta

from tests.factories import TODAY, approve, officer_commitment, partner_done, shared_commitments, user
from tracker.extensions import db
from tracker.services import confirmation
from tracker.status.cache import invalidate


def test_a_side_at_risk_is_told_on_the_commitment_and_counted_on_the_dashboard(app, client, auth):
    commitment = officer_commitment()
    commitment.start_date, commitment.due_date = TODAY - timedelta(days=60), TODAY + timedelta(days=30)
    invalidate(commitments=[commitment.id])  # as the plan editor does when it moves the dates
    db.session.commit()
    body = client.get(f"/api/v1/commitments/{commitment.id}", headers=auth("viewer")).get_json()
    assert body["at_risk"] is True and all(s["at_risk"] for s in body["sides"])  # two thirds gone, nothing reported
    assert client.get(f"/api/v1/dashboard?agreement={body['agreement_id']}",
                      headers=auth("viewer")).get_json()["at_risk"] >= 1
    approve(commitment, percent=90, as_of=TODAY)
    body = client.get(f"/api/v1/commitments/{commitment.id}", headers=auth("viewer")).get_json()
    assert body["at_risk"] is False and not any(s["at_risk"] for s in body["sides"])


def test_each_side_tells_its_partner_confirmation(app, client, auth):
    commitment = shared_commitments()[0]
    update, row = partner_done(commitment)
    url = f"/api/v1/commitments/{commitment.id}"
    sides = {s["party_id"]: s for s in client.get(url, headers=auth("viewer")).get_json()["sides"]}
    assert sides[update.party_id]["confirmation"] == "awaiting"
    assert {s["confirmation"] for p, s in sides.items() if p != update.party_id} == {None}
    confirmation.dispute(row, user("daumoi@example.com"), "Chưa có biên bản nghiệm thu chung")
    db.session.commit()
    body = client.get(url, headers=auth("viewer")).get_json()
    assert body["disputed"] is True
    assert {s["party_id"]: s["confirmation"] for s in body["sides"]}[update.party_id] == "disputed"

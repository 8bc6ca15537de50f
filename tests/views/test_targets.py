"""Numeric targets: set with a reason, effective from today, shown against the actual with the
on-track rule; a coordinator sets only their province's side."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import TODAY, make_update, officer_commitment
from tracker.extensions import db
from tracker.models import CommitmentTarget
from tracker.queries import targets as queries
from tracker.services import progress


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_a_target_is_set_and_judged_against_the_actual(app, login_as):
    commitment = officer_commitment()
    client = login_as("admin")
    path = f"/commitments/{commitment.id}/targets"
    form = {"side": "", "year": "2026", "unit": "hội nghị", "value": "10"}
    assert "Chọn lý do thay đổi" in post(client, path, form).get_data(as_text=True)
    assert post(client, path, {**form, "reason": "direction"}).status_code == 302
    target = db.session.scalar(select(CommitmentTarget).where(CommitmentTarget.commitment_id == commitment.id))
    assert target.effective_on == TODAY and target.party_id is None
    assert queries.for_commitment(commitment, TODAY - timedelta(days=1)) == []  # not yet in force yesterday
    [line] = queries.for_commitment(commitment, TODAY)
    assert line.state == "no_actual" and float(round(line.prorated, 2)) == 9.04  # 10 × 330/365
    update = make_update(app, commitment, as_of=date(2026, 11, 20))
    update.actual = 9.0  # what the progress form's `actual` field will hold
    progress.approve(update, db.session.merge(update.author))
    db.session.commit()
    [line] = queries.for_commitment(commitment, TODAY)
    assert line.actual == 9.0 and line.state == "on_track"
    page = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert "Đúng tiến độ" in page and "hội nghị" in page


def test_a_coordinator_sets_only_their_side(login_as):
    commitment = officer_commitment()
    client = login_as("coordinator")
    path = f"/commitments/{commitment.id}/targets"
    page = client.get(path).get_data(as_text=True)
    other = next(p for p in commitment.area.agreement.parties if p.province.code == "BG97")
    own = next(p for p in commitment.area.agreement.parties if p.province.code == "TN97")
    assert f'value="{own.id}"' in page and f'value="{other.id}"' not in page and "Chung cho các tỉnh" not in page
    form = {"year": "2026", "unit": "ha", "value": "5", "reason": "request"}
    assert post(client, path, {**form, "side": str(other.id)}).status_code == 403
    assert post(client, path, {**form, "side": ""}).status_code == 403
    assert post(client, path, {**form, "side": str(own.id)}).status_code == 302

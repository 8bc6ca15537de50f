"""Submitting progress through the API: the progress form's service, rules and workflow; scope
of the token's account; Idempotency-Key."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.api.conftest import bearer, make_token
from tests.factories import ACCOUNTS, TODAY, make_update, make_user, officer_commitment, user
from tracker.extensions import db
from tracker.models import Agency, Assignment, AuditEvent, Commitment, ProgressUpdate

BODY = {"state": "in_progress", "percent": 45, "as_of": TODAY.isoformat(), "results": "Đã họp liên ngành",
        "obstacles": "  "}


def _post(client, commitment_id, body=None, **headers):
    return client.post(f"/api/v1/commitments/{commitment_id}/updates", json=BODY if body is None else body,
                       headers=headers)


def _count() -> int:
    return db.session.scalar(select(func.count(ProgressUpdate.id)))


def test_an_officer_submits_an_update_as_the_form_does(app, client, auth):
    commitment = officer_commitment()
    response = _post(client, commitment.id, **auth("officer"))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    update = db.session.get(ProgressUpdate, body["id"])
    assert (update.status, update.state, update.percent, update.author.email) == ("submitted", "in_progress", 45,
                                                                                  ACCOUNTS["officer"].email)
    assert update.obstacles is None and update.results == "Đã họp liên ngành"  # blank text stored as nothing
    assert update.agency.code == "TN-STC" and update.period_key and body["status"] == "submitted"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update_submitted",
                                                      AuditEvent.object_id == update.id)) is not None
    draft = _post(client, commitment.id, {**BODY, "action": "save"}, **auth("officer"))
    assert draft.status_code == 201 and draft.get_json()["status"] == "draft"


def test_the_value_achieved_against_a_target_goes_in_and_comes_back(app, client, auth):
    response = _post(client, officer_commitment().id, {**BODY, "actual": 2.5}, **auth("officer"))
    assert response.status_code == 201 and response.get_json()["actual"] == 2.5
    assert db.session.get(ProgressUpdate, response.get_json()["id"]).actual == 2.5


def test_an_officers_token_cannot_submit_for_another_agency(app, client, auth):
    mine = db.session.scalar(select(Agency.id).where(Agency.code == "TN-STC"))
    other = db.session.scalar(
        select(Commitment).join(Assignment).where(Assignment.valid_to.is_(None))
        .where(~Commitment.id.in_(select(Assignment.commitment_id).where(Assignment.agency_id == mine)))
        .join(Commitment.area).where(Commitment.area.has(restricted=False)).order_by(Commitment.id))
    before = _count()
    response = _post(client, other.id, **auth("officer"))
    assert response.status_code == 403 and response.get_json()["type"].endswith("#problem-forbidden")
    assert _post(client, other.id, **auth("viewer")).status_code == 403  # viewers never report
    assert _count() == before


def test_an_assignment_of_another_agency_is_refused_by_name(app, client, auth):
    commitment = officer_commitment()
    theirs = next(a for a in commitment.assignments if a.agency.code != "TN-STC")
    response = _post(client, commitment.id, {**BODY, "assignment": theirs.id}, **auth("officer"))
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "assignment"


@pytest.mark.parametrize("change, field, code", [
    ({"state": "done", "percent": 80}, "percent", "percent_done_must_be_100"),
    ({"state": "paused", "reason": " "}, "reason", "reason_required"),
    ({"as_of": (TODAY + timedelta(days=1)).isoformat()}, "as_of", "as_of_in_future"),
    ({"as_of": "2020-01-01"}, "as_of", "as_of_before_agreement"),
    ({"percent": 101}, "percent", "less_than_equal"),
    ({"percent": "bốn"}, "percent", "int_parsing"),
    ({"state": "finished"}, "state", "literal_error"),
    ({"as_of": "26/11/2026"}, "as_of", "not_a_date"),
    ({"extra": 1}, "extra", "extra_forbidden"),
    ({"actual": -1}, "actual", "greater_than_equal"),
])
def test_the_forms_rules_refuse_naming_the_field(app, client, auth, change, field, code):
    before = _count()
    response = _post(client, officer_commitment().id, {**BODY, **change}, **auth("officer"))
    body = response.get_json()
    assert response.status_code == 422 and response.mimetype == "application/problem+json", body
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in body["errors"]]
    assert _count() == before


def test_missing_fields_and_other_media_types(app, client, auth):
    headers = auth("officer")
    commitment = officer_commitment()
    response = _post(client, commitment.id, {"state": "in_progress"}, **headers)
    assert {e["field"] for e in response.get_json()["errors"]} == {"percent", "as_of"}
    form = client.post(f"/api/v1/commitments/{commitment.id}/updates", data=BODY, headers=headers)
    assert form.status_code == 415 and form.mimetype == "application/problem+json"
    assert client.post(f"/api/v1/commitments/{commitment.id}/updates?x=1", json=BODY,
                       headers=headers).status_code == 400


def test_the_same_idempotency_key_answers_the_first_update_again(app, client):
    commitment = officer_commitment()
    headers = bearer(make_token("officer"), **{"Idempotency-Key": "báo-cáo-11/2026".encode().hex()})
    first = _post(client, commitment.id, **headers)
    before = _count()
    again = _post(client, commitment.id, **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert _count() == before
    other = _post(client, commitment.id, {**BODY, "percent": 50}, **headers)
    assert other.status_code == 409 and other.get_json()["type"].endswith("#problem-idempotency-key-reused")
    # A key is the user's own: another officer of the agency with the same key makes their own update.
    make_user("canbo2@example.com", "officer", agency="TN-STC")
    from tracker.services import tokens
    second = tokens.create(user("canbo2@example.com"), actor=None, today=TODAY).secret
    db.session.commit()
    theirs = _post(client, commitment.id, **bearer(second, **{"Idempotency-Key": headers["Idempotency-Key"]}))
    assert theirs.status_code == 201 and theirs.get_json()["id"] != first.get_json()["id"]
    assert _post(client, commitment.id, **bearer(second, **{"Idempotency-Key": "x" * 201})).status_code == 400


def test_without_a_key_each_post_is_a_new_update(app, client, auth):
    headers, commitment = auth("officer"), officer_commitment()
    before = _count()
    assert _post(client, commitment.id, **headers).status_code == 201
    assert _post(client, commitment.id, **headers).status_code == 201
    assert _count() == before + 2


def test_a_correction_supersedes_a_submitted_update_of_the_same_agency(app, client, auth):
    commitment = officer_commitment()
    first = make_update(app, commitment, submit=True)
    draft = make_update(app, commitment, submit=False)
    headers = auth("officer")
    response = _post(client, commitment.id, {**BODY, "supersedes": first.id}, **headers)
    assert response.status_code == 201 and response.get_json()["supersedes_id"] == first.id
    for bad in (draft.id, 999999):
        refused = _post(client, commitment.id, {**BODY, "supersedes": bad}, **headers)
        assert refused.status_code == 422 and refused.get_json()["errors"][0]["code"] == "supersedes_unknown"

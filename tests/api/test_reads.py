"""Reading through the API: the same answers as the pages, restricted fields left out for those
not cleared, the commitment list's filters and pagination, each side's standing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import agreement, approve, make_update, officer_commitment
from tracker.extensions import db
from tracker.models import Commitment, CooperationArea


def _restricted_commitment() -> Commitment:
    return db.session.scalar(select(Commitment).join(Commitment.area).where(CooperationArea.restricted.is_(True))
                             .order_by(Commitment.id))


def _listed(client, query: str) -> tuple[int, set[int]]:
    html = client.get(f"/commitments?{query}").get_data(as_text=True)
    total = int(re.search(r"Tìm thấy ([\d.]+) nhiệm vụ", html).group(1).replace(".", ""))
    return total, {int(i) for i in re.findall(r'href="/commitments/(\d+)"', html)}


def test_agreements_show_parties_at_signing_and_now_fields_and_focal_agencies(app, client, auth):
    body = client.get("/api/v1/agreements", headers=auth("viewer")).get_json()
    memorandum = next(a for a in body["items"] if a["code"] == "TN-BG-2023")
    sides = {(p["province_at_signing"]["code"], p["province_now"]["code"]) for p in memorandum["parties"]}
    assert sides == {("TN97", "TN"), ("BG97", "BN")}
    assert all(not f["restricted"] for f in memorandum["fields"]) and memorandum["hidden_fields"] >= 1
    one = client.get(f"/api/v1/agreements/{memorandum['id']}", headers=auth("admin")).get_json()
    assert one["hidden_fields"] == 0 and len(one["fields"]) == len(memorandum["fields"]) + memorandum["hidden_fields"]
    assert sum(f["commitments"] for f in one["fields"]) == len([c for a in agreement().areas for c in a.commitments])


def test_restricted_fields_are_hidden_from_those_not_cleared(app, client, auth):
    secret = _restricted_commitment()
    viewer, cleared = auth("viewer"), auth("cleared_viewer")
    for path in (f"/api/v1/commitments/{secret.id}", f"/api/v1/commitments/{secret.id}/updates"):
        assert client.get(path, headers=viewer).status_code == 404
        assert client.get(path, headers=cleared).status_code == 200
    seen = client.get("/api/v1/commitments?per_page=100", headers=viewer).get_json()
    assert secret.id not in {c["id"] for c in seen["items"]} and seen["hidden_restricted"] >= 1
    everything = client.get("/api/v1/commitments?per_page=100", headers=cleared).get_json()
    assert secret.id in {c["id"] for c in everything["items"]} and everything["hidden_restricted"] == 0
    assert everything["total"] == seen["total"] + seen["hidden_restricted"]


@pytest.mark.parametrize("query", [
    "", "q=giao+thong", "q=GIAO THÔNG", "category=no_report", "overdue=1", "field=3", "due_within=90",
    "as_of=2025-06-30&category=no_report", "province={province}", "province={province}&overdue=1",
    "agency={agency}&role=lead",
])
def test_the_list_filters_find_what_the_list_page_finds(app, login_as, query):
    commitment = officer_commitment()
    approve(commitment, "in_progress", 40)
    query = query.format(province=commitment.assignments[0].party.province_id,
                         agency=next(a.agency_id for a in commitment.assignments if a.role == "lead"))
    client = login_as("viewer")  # the session reads the API too
    total, ids = _listed(client, query)
    body = client.get(f"/api/v1/commitments?{query}&per_page=100").get_json()
    assert body["total"] == total and {c["id"] for c in body["items"]} == ids


def test_pages_split_the_list(app, client, auth):
    headers = auth("admin")
    whole = client.get("/api/v1/commitments?per_page=100", headers=headers).get_json()
    first = client.get("/api/v1/commitments?per_page=10", headers=headers).get_json()
    second = client.get("/api/v1/commitments?per_page=10&page=2", headers=headers).get_json()
    assert first["pages"] == -(-whole["total"] // 10) and first["total"] == whole["total"]
    assert [c["id"] for c in first["items"] + second["items"]] == [c["id"] for c in whole["items"][:20]]
    beyond = client.get("/api/v1/commitments?per_page=10&page=999", headers=headers).get_json()
    assert beyond["items"] == [] and beyond["total"] == whole["total"]


def test_one_commitment_shows_assignments_sides_and_the_latest_approved_update(app, client, auth):
    commitment = officer_commitment()
    approve(commitment, "in_progress", 60, results="Đã bố trí vốn")
    body = client.get(f"/api/v1/commitments/{commitment.id}", headers=auth("viewer")).get_json()
    assert {a["id"] for a in body["assignments"]} == {a.id for a in commitment.assignments}
    assert body["latest_approved_update"]["percent"] == 60
    assert body["latest_approved_update"]["results"] == "Đã bố trí vốn"
    assert {s["percent"] for s in body["sides"]} == {60} and body["category"] == "in_progress_overdue"
    assert body["deadline_state"] == "overdue" and body["open_past_due"] is True


def test_drafts_are_listed_only_to_their_side(app, client, auth):
    commitment = officer_commitment()
    draft = make_update(app, commitment, submit=False)
    submitted = make_update(app, commitment, submit=True)
    mine = {u["id"] for u in client.get(f"/api/v1/commitments/{commitment.id}/updates",
                                        headers=auth("officer")).get_json()["items"]}
    theirs = {u["id"] for u in client.get(f"/api/v1/commitments/{commitment.id}/updates",
                                          headers=auth("viewer")).get_json()["items"]}
    assert {draft.id, submitted.id} <= mine and submitted.id in theirs and draft.id not in theirs


def test_dashboard_is_dashboard_json(app, login_as, auth):
    approve(officer_commitment(), "done", 100)
    client = login_as("viewer")
    a = agreement().id
    for query in ("", f"agreement={a}", f"agreement={a}&as_of=2025-12-31", f"agreement={a}&province=1"):
        assert client.get(f"/api/v1/dashboard?{query}").get_json() == client.get(f"/dashboard.json?{query}").get_json()
    token_body = client.get("/api/v1/dashboard", headers=auth("viewer")).get_json()
    assert token_body == client.get("/dashboard.json").get_json()
    area = officer_commitment().area_id  # field= names a field as dashboard.json's area= does
    assert client.get(f"/api/v1/dashboard?agreement={a}&field={area}").get_json() == \
        client.get(f"/dashboard.json?agreement={a}&area={area}").get_json()


def test_one_commitment_shows_its_targets_against_the_actual(app, client, auth):
    from datetime import date

    from tracker.models import CommitmentTarget

    commitment = officer_commitment()
    db.session.add(CommitmentTarget(commitment_id=commitment.id, party_id=None, year=2026, unit="sự kiện", value=4,
                                    effective_on=date(2026, 1, 1), reason="Kế hoạch năm 2026"))
    db.session.commit()
    body = client.get(f"/api/v1/commitments/{commitment.id}", headers=auth("viewer")).get_json()
    [target] = body["targets"]
    assert (target["year"], target["unit"], target["value"], target["actual"], target["state"]) == (
        2026, "sự kiện", 4.0, None, "no_actual")
    assert 3.5 < target["prorated"] < 3.7  # 4 events pro-rated to 26/11/2026


def test_periods_and_agencies(app, client, auth):
    headers = auth("viewer")
    periods = client.get("/api/v1/periods", headers=headers).get_json()
    assert periods["agreement_id"] == agreement().id and "2025-H1" in {p["key"] for p in periods["items"]}
    assert client.get("/api/v1/periods?agreement=999999", headers=headers).status_code == 404
    agencies = client.get("/api/v1/agencies", headers=headers).get_json()["items"]
    old = next(a for a in agencies if a["code"] == "TN97-SKHDT")
    assert old["valid_to"] and old["successor_ids"]


@pytest.mark.parametrize("path", [
    "/api/v1/commitments?bogus=1", "/api/v1/commitments?agreement=abc", "/api/v1/commitments?agreement=99999999999",
    "/api/v1/commitments?page=0", "/api/v1/commitments?per_page=1000", "/api/v1/commitments?as_of=2026-13-01",
    "/api/v1/commitments?category=late", "/api/v1/dashboard?as_of=9999-01-01", "/api/v1/agreements?x=",
    "/api/v1/agencies?province=-1",
])
def test_bad_and_unknown_query_parameters_are_refused_naming_the_field(app, client, auth, path):
    response = client.get(path, headers=auth("viewer"))
    body = response.get_json()
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert body["type"].endswith("#problem-invalid-parameter")
    assert body["errors"][0]["field"] == path.split("?")[1].split("=")[0]


def test_ids_the_database_cannot_hold_are_not_found(app, client, auth):
    for path in ("/api/v1/commitments/0", "/api/v1/commitments/99999999999", "/api/v1/agreements/999999"):
        response = client.get(path, headers=auth("viewer"))
        assert response.status_code == 404 and response.mimetype == "application/problem+json"

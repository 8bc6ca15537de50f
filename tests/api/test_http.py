"""The API's HTTP conventions: ETag and 304, caching, problem+json errors in the requested
language, rate limits per token with Retry-After, the document and its page."""
from __future__ import annotations

import re

import pytest

from tests.api.conftest import bearer, make_token
from tests.factories import officer_commitment

API_PATHS = ("/api/v1/agreements", "/api/v1/commitments", "/api/v1/dashboard", "/api/v1/periods", "/api/v1/agencies")


@pytest.mark.parametrize("path", API_PATHS)
def test_answers_carry_an_etag_and_a_matching_if_none_match_gets_304(app, client, auth, path):
    headers = auth("viewer")
    response = client.get(path, headers=headers)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache"
    etag = response.headers["ETag"]
    again = client.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert client.get(path, headers={**headers, "If-None-Match": '"other"'}).status_code == 200


def test_the_etag_changes_when_the_data_does(app, client, auth):
    from tests.factories import approve

    headers = auth("viewer")
    commitment = officer_commitment()
    path = f"/api/v1/commitments/{commitment.id}"
    etag = client.get(path, headers=headers).headers["ETag"]
    approve(commitment, "in_progress", 70)
    response = client.get(path, headers={**headers, "If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


@pytest.mark.parametrize("language, title, detail", [
    ("vi", "Không tìm thấy", "Không có tài nguyên này"),
    ("en", "Not found", "There is no such resource"),
])
def test_problems_come_in_the_requested_language(app, client, auth, language, title, detail):
    response = client.get("/api/v1/commitments/999999", headers=auth("viewer") | {"Accept-Language": language})
    body = response.get_json()
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.headers["Content-Language"] == language
    assert body["type"] == "/api/v1/docs#problem-not-found" and body["status"] == 404
    assert body["title"] == title and body["detail"].startswith(detail)
    assert body["instance"] == "/api/v1/commitments/999999"


def test_validation_messages_are_translated_too(app, client, auth):
    body = client.get("/api/v1/commitments?bogus=1", headers=auth("viewer") | {"Accept-Language": "en"}).get_json()
    assert body["title"] == "Invalid parameter" and body["errors"] == [
        {"field": "bogus", "message": "This parameter is not supported.", "code": "extra_forbidden"}]
    commitment = officer_commitment()
    body = client.post(f"/api/v1/commitments/{commitment.id}/updates", headers=auth("officer") | {
        "Accept-Language": "en"}, json={"state": "done", "percent": 50, "as_of": "2026-11-26"}).get_json()
    assert body["errors"][0]["message"] == "A completed task must be 100 % complete."


def test_unknown_paths_and_methods_answer_problems(app, client, auth):
    headers = auth("viewer")
    missing = client.get("/api/v1/nothing-here", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/agreements", headers=headers)
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"
    assert "GET" in wrong.headers["Allow"]


def test_rate_limits_count_per_token_and_say_when_to_retry(app, client):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = bearer(make_token("viewer")), bearer(make_token("viewer"))
        assert [client.get("/api/v1/agencies", headers=first).status_code for _ in range(3)] == [200] * 3
        refused = client.get("/api/v1/agencies", headers=first)
        assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        assert refused.get_json()["type"].endswith("#problem-too-many-requests")
        assert client.get("/api/v1/agencies", headers=second).status_code == 200  # another token has its own count
    finally:
        app.config["API_RATE_LIMIT"] = "300 per minute"


def test_the_document_is_openapi_3_1_and_describes_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    routes = {(rule.rule, method.lower()) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              and rule.endpoint not in ("api.openapi", "api.docs") for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(re.sub(r"\{(\w+)\}", r"<int:\1>", path), method) for path, item in doc["paths"].items()
                  for method in item}
    assert documented == routes
    assert doc["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    for item in doc["paths"].values():
        for operation in item.values():
            for code, answer in operation["responses"].items():
                if int(code) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"]


def test_the_documentation_page_is_ours_alone(app, client):
    response = client.get("/api/v1/docs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "/api/v1/commitments/{commitment_id}/updates" in html
    assert 'id="problem-not-found"' in html and "Idempotency-Key" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another origin
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_an_answer_that_breaks_its_schema_is_a_server_error_not_sent(app, client, auth, monkeypatch):
    from tracker.api import serialize

    monkeypatch.setattr(serialize, "agency", lambda a: {"id": a.id, "code": a.code})  # fields missing
    response = client.get("/api/v1/agencies", headers=auth("viewer"))
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "items" not in response.get_json()

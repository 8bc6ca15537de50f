"""schemathesis against the app's own OpenAPI document, in WSGI mode with an admin's token:
every operation, generated requests; no server error, no answer that breaks its schema, no
status code the document does not list, no media type it does not name.

Bounded: a few examples per operation (``EXAMPLES``), derandomized so CI is reproducible;
a quick local run (TRACKER_TEST_QUICK=1, ``make quick``) draws 5, ``make test`` and CI 12.
"""
from __future__ import annotations

import os
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import approve, make_update, officer_commitment

EXAMPLES = 5 if os.environ.get("TRACKER_TEST_QUICK") == "1" else 12
VALID = {"state": "in_progress", "percent": 20, "as_of": "2026-11-01", "reason": None, "assignment": None}
CHECKS = [checks.not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


def test_every_operation_keeps_to_the_document(app, auth):
    commitment = officer_commitment()
    approve(commitment, "in_progress", 50)
    make_update(app, commitment, submit=False)  # a draft among the updates, and evidence on another
    make_update(app, commitment, evidence=True)
    headers = {**auth("admin"), "Accept-Encoding": "identity"}  # the WSGI client does not unzip
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11  # every route of tracker.api but the document and its page
    answered: Counter = Counter()
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.filter_too_much])
        def run(case):
            turn = sum(answered.values())
            if "commitment_id" in (case.path_parameters or {}) and turn % 2:
                case.path_parameters["commitment_id"] = commitment.id  # real ids too, not only 404s
            if case.method == "POST" and turn % 4 == 1:  # and valid reports, not only refusals
                case.body = {**case.body, **VALID} if isinstance(case.body, dict) else dict(VALID)
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            answered[(case.operation.label, response.status_code)] += 1

        run()
    print(sorted(answered.items()))
    # Not only refusals: every read answered 200 at least once.
    assert {label for label, status in answered if status == 200} == {
        o.label for o in operations if o.method.upper() == "GET"}
    assert ("POST /api/v1/commitments/{commitment_id}/updates", 201) in answered

"""The one SpecTree instance: it validates requests and responses with ``schemas`` and
generates the OpenAPI 3.1 document from the same models (``document()``).

Invalid input never reaches a view: the ``before`` hook turns pydantic's errors into a
problem that names each field, in the requested language.
"""
from __future__ import annotations

import copy

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from tracker.api.problems import MEDIA_TYPE, ApiProblem, field_error
from tracker.api.schemas import Problem

# pydantic error types → what we say (the field is named beside it).
MESSAGES = {
    "extra_forbidden": _l("Tham số này không được hỗ trợ."),
    "missing": _l("Thiếu trường bắt buộc."),
    "not_an_id": _l("Phải là mã số từ 1 đến 2147483647."),
    "not_a_date": _l("Phải là ngày dạng YYYY-MM-DD, từ 1900-01-01 đến 2199-12-31."),
    "out_of_range": _l("Giá trị nằm ngoài khoảng cho phép."),
    "literal_error": _l("Giá trị không thuộc danh sách cho phép."),
    "string_too_long": _l("Nội dung quá dài."),
    "greater_than_equal": _l("Giá trị quá nhỏ."),
    "less_than_equal": _l("Giá trị quá lớn."),
}
INVALID = _l("Giá trị không hợp lệ.")


def _before(req, resp, error, instance, adapter) -> None:
    if request.method == "POST" and not request.is_json:
        raise ApiProblem("unsupported-media-type")
    if error is None:
        return
    errors = [field_error(".".join(str(p) for p in e["loc"]) or "body", str(MESSAGES.get(e["type"], INVALID)),
                          e["type"]) for e in adapter.validation_errors(error)]
    raise ApiProblem("invalid-update" if request.method == "POST" else "invalid-parameter", errors=errors)


def _after(req, resp, error, instance, adapter) -> None:
    """An answer that breaks its own schema is a bug: logged, and a 500 problem instead of the answer."""
    if error is not None:
        current_app.logger.error("%s %s: the answer breaks its schema: %s", request.method, request.path,
                                 adapter.validation_errors(error))
        abort(500)


spec = SpecTree(
    "flask", mode="strict", before=_before, after=_after, validation_error_status=400, validation_error_model=Problem,
    title="Theo dõi hợp tác liên tỉnh — API", version="1",
    description="The Inter-provincial Cooperation Tracker's JSON API. Authenticate with a personal access token "
                "(`Authorization: Bearer trk_…`, made on the profile page or with `flask --app tracker tokens "
                "create`); a signed-in browser session may read. Errors are `application/problem+json`.",
    security_schemes=[SecurityScheme(name="token", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer"))],
    security={"token": []},
    naming_strategy=lambda model: model.__name__, nested_naming_strategy=lambda _parent, child: child,
)

READ = dict(HTTP_401=Problem, HTTP_403=Problem, HTTP_429=Problem)


def answers(ok, *, found: bool = False, **more) -> Response:
    """The answers of a read: ``ok`` on 200, 304 for a matching If-None-Match, and the problems."""
    codes = dict(HTTP_200=ok, **READ, **more)
    if found:
        codes["HTTP_404"] = Problem
    return Response("HTTP_304", **codes)


def _not_null(parameter: dict) -> None:
    """A query parameter is absent or has a value: never JSON's null (pydantic writes ``X | None``)."""
    schema = parameter["schema"]
    choices = [c for c in schema.get("anyOf", []) if c.get("type") != "null"]
    if len(choices) == 1:
        schema.pop("anyOf")
        schema.update(choices[0])
    if schema.get("default", 0) is None:
        schema.pop("default")


def document() -> dict:
    """The OpenAPI document: spectree's, with problems under their own media type and the
    headers every answer carries."""
    doc = copy.deepcopy(spec.spec)
    for path in doc["paths"].values():
        for method, operation in path.items():
            for code, answer in operation["responses"].items():
                content = answer.get("content", {})
                if int(code) >= 400 and "application/json" in content:
                    answer["content"] = {MEDIA_TYPE: content.pop("application/json")}
                if code == "429":
                    answer["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                         "description": "Seconds to wait."}}
                if code == "200":
                    answer["headers"] = {"ETag": {"schema": {"type": "string"}}}
            for parameter in operation["parameters"]:
                _not_null(parameter)
            if method == "post":
                operation["parameters"].append({
                    "name": "Idempotency-Key", "in": "header", "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[ -~]+$"},
                    "description": "Resending with the same key answers the first result again."})
            if method == "get":
                operation["parameters"].append({"name": "If-None-Match", "in": "header", "required": False,
                                                 "schema": {"type": "string"},
                                                 "description": "An ETag: 304 when it still matches."})
    doc["components"]["schemas"].pop("ValidationError", None)
    return doc

"""Errors of the JSON API as ``application/problem+json`` (RFC 9457).

Every problem has a stable ``type`` (a link to its entry on the API's documentation page),
a ``title`` and ``detail`` in the requested language, and for invalid input ``errors``
naming each field. Views raise ``ApiProblem``; HTTP errors (404, 405, 429 …) raised
anywhere under ``/api/`` are answered here too.
"""
from __future__ import annotations

from flask import Response, current_app, json, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/docs#problem-"

# slug → (status, title); the slug is the stable part of ``type``.
KINDS = {
    "invalid-parameter": (400, _l("Tham số không hợp lệ")),
    "bad-request": (400, _l("Yêu cầu không hợp lệ")),
    "unauthorized": (401, _l("Chưa xác thực")),
    "forbidden": (403, _l("Không có quyền")),
    "read-only-token": (403, _l("Mã truy cập chỉ được đọc")),
    "token-required": (403, _l("Cần mã truy cập")),
    "not-found": (404, _l("Không tìm thấy")),
    "method-not-allowed": (405, _l("Phương thức không được hỗ trợ")),
    "idempotency-key-reused": (409, _l("Khóa Idempotency-Key đã dùng cho yêu cầu khác")),
    "request-too-large": (413, _l("Yêu cầu quá lớn")),
    "unsupported-media-type": (415, _l("Kiểu nội dung không được hỗ trợ")),
    "invalid-update": (422, _l("Báo cáo tiến độ không hợp lệ")),
    "too-many-requests": (429, _l("Quá nhiều yêu cầu")),
    "server-error": (500, _l("Lỗi hệ thống")),
    "service-unavailable": (503, _l("Hệ thống tạm thời không phục vụ được")),
}
BY_STATUS = {}
for _slug, (_status, _title) in KINDS.items():
    BY_STATUS.setdefault(_status, _slug)

DETAILS = {
    "invalid-parameter": _l("Một hoặc nhiều tham số không hợp lệ; xem danh sách lỗi theo từng trường."),
    "bad-request": _l("Yêu cầu không đọc được."),
    "unauthorized": _l("Gửi mã truy cập cá nhân trong tiêu đề Authorization: Bearer …, hoặc đăng nhập."),
    "forbidden": _l("Tài khoản của bạn không được làm việc này."),
    "read-only-token": _l("Mã truy cập này chỉ được đọc; hãy dùng một mã được phép ghi."),
    "token-required": _l("Ghi dữ liệu qua API cần mã truy cập cá nhân; phiên đăng nhập trình duyệt chỉ được đọc."),
    "not-found": _l("Không có tài nguyên này, hoặc bạn không được xem."),
    "method-not-allowed": _l("Địa chỉ này không nhận phương thức đó."),
    "idempotency-key-reused": _l("Khóa này đã được dùng cho một báo cáo có nội dung khác."),
    "request-too-large": _l("Nội dung gửi lên vượt quá giới hạn."),
    "unsupported-media-type": _l("Gửi nội dung dạng application/json."),
    "invalid-update": _l("Báo cáo không đạt các quy tắc của biểu mẫu; xem danh sách lỗi theo từng trường."),
    "too-many-requests": _l("Mã truy cập này đã gửi quá nhiều yêu cầu; thử lại sau số giây trong Retry-After."),
    "server-error": _l("Đã có lỗi; yêu cầu không được thực hiện."),
    "service-unavailable": _l("Cơ sở dữ liệu tạm thời không trả lời; thử lại sau ít phút."),
}


class ApiProblem(Exception):
    """Raised by API views: answered as a problem of kind ``slug``."""

    def __init__(self, slug: str, *, detail: str | None = None, errors: list[dict] | None = None,
                 headers: dict | None = None):
        super().__init__(slug)
        self.slug, self.detail, self.errors, self.headers = slug, detail, errors, headers or {}


def field_error(field: str, message: str, code: str) -> dict:
    return {"field": field, "message": message, "code": code}


def response(status_or_slug: int | str, *, detail: str | None = None, errors: list[dict] | None = None,
             headers: dict | None = None) -> Response:
    slug = status_or_slug if isinstance(status_or_slug, str) else BY_STATUS.get(status_or_slug, "server-error")
    status, title = KINDS[slug]
    if isinstance(status_or_slug, int) and slug == "server-error":
        status = status_or_slug
    body = {"type": TYPE_BASE + slug, "title": str(title), "status": status,
            "detail": detail or str(DETAILS[slug]), "instance": request.path}
    if errors:
        body["errors"] = errors
    answer = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    answer.headers["Content-Language"] = _current_language()
    for name, value in (headers or {}).items():
        answer.headers[name] = value
    return answer


def _current_language() -> str:
    from tracker import i18n

    return i18n.language()


def from_exception(error: ApiProblem) -> Response:
    return response(error.slug, detail=error.detail, errors=error.errors, headers=error.headers)


def from_http(error: HTTPException | None, code: int) -> Response:
    """An HTTP error raised under ``/api/`` (abort, routing, Flask-Limiter)."""
    if code == 429:
        return response("too-many-requests")
    if code == 400:
        return response("bad-request")
    if code == 401:
        return response("unauthorized", headers={"WWW-Authenticate": "Bearer"})
    slug = getattr(error, "description", None)
    if slug in KINDS and KINDS[slug][0] == code:  # abort(403, description="read-only-token")
        return response(slug)
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return response(code, headers=headers)


def handle_http(error: HTTPException) -> Response:
    """HTTP errors of API routes that the app's error pages do not cover (406, 415 …)."""
    return from_http(error, error.code or 500)

"""Translated labels for codes shown to users, and the template helpers that use them."""
from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker import i18n
from tracker.queries import agreements as agreement_queries

ROLE_LABELS = {
    "admin": _l("Quản trị"),
    "coordinator": _l("Đầu mối"),
    "officer": _l("Cán bộ"),
    "viewer": _l("Lãnh đạo (xem)"),
    "lead": _l("Chủ trì"),
    "support": _l("Phối hợp"),
}


AUDIT_LABELS = {
    "login_succeeded": _l("Đăng nhập thành công"),
    "login_failed": _l("Đăng nhập không thành công"),
    "login_locked": _l("Tạm khóa đăng nhập do thử sai nhiều lần"),
    "user_created": _l("Tạo tài khoản"),
    "user_deactivated": _l("Khóa tài khoản"),
    "user_reactivated": _l("Mở lại tài khoản"),
    "user_role_changed": _l("Đổi vai trò hoặc phạm vi"),
    "password_changed": _l("Đổi mật khẩu"),
    "password_reset": _l("Cấp lại mật khẩu"),
    "two_factor_enabled": _l("Bật xác thực hai bước"),
    "two_factor_disabled": _l("Tắt xác thực hai bước"),
    "sessions_revoked": _l("Đăng xuất khỏi mọi thiết bị"),
}


def audit_label(code: str) -> str:
    return str(AUDIT_LABELS.get(code, code))


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


def area_name(area) -> str:
    """The area's name in the page's language, Vietnamese when no translation exists."""
    if i18n.language() == "en" and area.name_en:
        return area.name_en
    return area.name


def period_label(agreement) -> str:
    start, end = agreement.period_start.year, agreement.period_end.year if agreement.period_end else None
    if end is None:
        return _("từ năm %(start)s", start=start)
    if agreement.open_ended:
        return _("giai đoạn %(start)s-%(end)s và những năm tiếp theo", start=start, end=end)
    return _("giai đoạn %(start)s-%(end)s", start=start, end=end)


def register(app: Flask) -> None:
    i18n.register_filters(app)
    app.jinja_env.globals.update(
        role_label=role_label,
        audit_label=audit_label,
        area_name=area_name,
        period_label=period_label,
        nav_agreements=agreement_queries.all_agreements,
    )

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
        area_name=area_name,
        period_label=period_label,
        nav_agreements=agreement_queries.all_agreements,
    )

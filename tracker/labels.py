"""Translated labels for codes shown to users, and the template helpers that use them."""
from __future__ import annotations

from flask import Flask, url_for
from markupsafe import Markup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker import clock, i18n
from tracker.domain.codes import DayKind, JobStatus, NotificationKind, Role, UpdateStatus, UserRole
from tracker.domain.confirmation import State as Confirmation
from tracker.domain.documents import TYPE_LABELS_VI
from tracker.domain.meetings import KIND_LABELS_VI
from tracker.domain.report import CATEGORY_LABELS_VI, STATE_LABELS_VI
from tracker.domain.plan_sheet import RowKind
from tracker.domain.status import DeadlineState, Progress
from tracker.domain.targets import TargetState
from tracker.queries import agreements as agreement_queries
from tracker.status.cache import remember

ROLE_LABELS = {
    UserRole.ADMIN: _l("Quản trị"),
    UserRole.COORDINATOR: _l("Đầu mối"),
    UserRole.OFFICER: _l("Cán bộ"),
    UserRole.VIEWER: _l("Lãnh đạo (xem)"),
    Role.LEAD: _l("Chủ trì"),
    Role.SUPPORT: _l("Phối hợp"),
}


AUDIT_LABELS = {
    "login_succeeded": _l("Đăng nhập thành công"),
    "login_failed": _l("Đăng nhập không thành công"),
    "login_locked": _l("Tạm khóa đăng nhập do thử sai nhiều lần"),
    "login_delayed": _l("Làm chậm đăng nhập vào tài khoản do thử sai nhiều lần"),
    "access_refused": _l("Từ chối truy cập (403)"),
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


CATEGORY_LABELS = {code: _l(words) for code, words in CATEGORY_LABELS_VI.items()}
STATE_LABELS = {code: _l(words) for code, words in STATE_LABELS_VI.items()}
DOCUMENT_TYPE_LABELS = {code: _l(words) for code, words in TYPE_LABELS_VI.items()}
MEETING_KIND_LABELS = {code: _l(words) for code, words in KIND_LABELS_VI.items()}
# The word for each code of a kind that ``label`` shows; enum members, equal to their codes, as keys.
LABELS: dict[str, dict] = {
    "category": CATEGORY_LABELS, "state": STATE_LABELS, "doc_type": DOCUMENT_TYPE_LABELS,
    "meeting_kind": MEETING_KIND_LABELS,
    "deadline": {DeadlineState.ON_TIME: _l("Trong hạn"), DeadlineState.DUE_SOON: _l("Sắp đến hạn"),
                 DeadlineState.OVERDUE: _l("Quá hạn"), DeadlineState.RECURRING: _l("Thường xuyên")},
    "status": {UpdateStatus.DRAFT: _l("Bản nháp"), UpdateStatus.SUBMITTED: _l("Chờ duyệt"),
               UpdateStatus.RETURNED: _l("Bị trả lại"), UpdateStatus.APPROVED: _l("Đã duyệt")},
    "confirmation": {Confirmation.AWAITING: _l("Chờ tỉnh bạn xác nhận"),
                     Confirmation.CONFIRMED: _l("Tỉnh bạn đã xác nhận"),
                     Confirmation.DISPUTED: _l("Tỉnh bạn không xác nhận"), Confirmation.SETTLED: _l("Đã thống nhất")},
}
AUDIT_LABELS_DATA = {
    "update_created": _l("Lập báo cáo tiến độ"),
    "update_saved": _l("Sửa bản nháp"),
    "update_submitted": _l("Gửi báo cáo"),
    "update_approved": _l("Duyệt báo cáo"),
    "update_returned": _l("Trả lại báo cáo"),
    "confirmation_requested": _l("Đề nghị tỉnh bạn xác nhận hoàn thành"),
    "confirmation_confirm": _l("Tỉnh bạn xác nhận hoàn thành"),
    "confirmation_dispute": _l("Tỉnh bạn không xác nhận hoàn thành"),
    "confirmation_withdraw": _l("Rút ý kiến không xác nhận"),
    "confirmation_replace": _l("Báo cáo mới thay thế báo cáo chờ xác nhận"),
    "deadline_extended": _l("Gia hạn"),
    "assignment_moved": _l("Chuyển giao phân công"),
    "calendar_day_declared": _l("Khai báo ngày nghỉ hoặc ngày làm bù"),
    "calendar_day_removed": _l("Xóa khai báo ngày nghỉ hoặc ngày làm bù"),
    # plan management
    "plan_commitment_created": _l("Thêm nhiệm vụ vào kế hoạch"),
    "plan_commitment_updated": _l("Sửa nhiệm vụ"),
    "plan_commitment_removed": _l("Gỡ nhiệm vụ khỏi kế hoạch"),
    "plan_commitment_restored": _l("Khôi phục nhiệm vụ"),
    "plan_change_proposed": _l("Đề xuất thay đổi nhiệm vụ"),
    "plan_change_confirmed": _l("Xác nhận đề xuất thay đổi"),
    "plan_change_rejected": _l("Từ chối đề xuất thay đổi"),
    "assignment_changed": _l("Phân công cơ quan"),
    "assignment_ended": _l("Kết thúc phân công"),
    "target_set": _l("Đặt chỉ tiêu"),
    "province_created": _l("Thêm tỉnh"),
    "agency_created": _l("Thêm cơ quan"),
    "agency_split": _l("Chia tách cơ quan"),
    "agreement_created": _l("Thêm văn bản hợp tác"),
    "agreement_updated": _l("Sửa văn bản hợp tác"),
    "area_created": _l("Thêm lĩnh vực"),
    "area_updated": _l("Sửa lĩnh vực"),
    "reorganisation_recorded": _l("Sắp xếp tổ chức bộ máy"),
    "agreement_renewed": _l("Chuyển văn bản sang giai đoạn tiếp theo"),
    "commitment_carried_over": _l("Chuyển nhiệm vụ sang giai đoạn tiếp theo"),
    "document_recorded": _l("Ghi nhận văn bản triển khai"),
    "document_updated": _l("Sửa văn bản triển khai"),
    "document_removed": _l("Gỡ văn bản triển khai"),
    "meeting_recorded": _l("Ghi nhận cuộc họp"),
}


def label(kind: str, code: str | None) -> str:
    """The word for a code, the same on every page: kind is category, state, deadline or status."""
    return str(LABELS[kind].get(code, code or ""))


def audit_label(code: str) -> str:
    return str(AUDIT_LABELS.get(code) or AUDIT_LABELS_DATA.get(code) or code)


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


def formula_text() -> str:
    """How the rates are computed ("Cách tính"), in the page's language."""
    from tracker.domain.status import FORMULA_EN, FORMULA_VI

    return FORMULA_EN if i18n.language() == "en" else FORMULA_VI


def period_label_for(key: str) -> str:
    from tracker.domain.periods import parse_key

    try:
        period = parse_key(key)
    except ValueError:
        return key
    return period.label_en if i18n.language() == "en" else period.label_vi


def nav_agreements() -> Markup:
    """The layout's agreement switcher: one ``<li>`` link per agreement, newest first.

    Every signed-in page shows it; at national scale (300 agreements) reading and rendering it
    cost each page several ms, so the finished HTML is kept in ``status.cache`` per link prefix
    under the change counter (adding or renaming an agreement goes through ``plan_edit``, which
    bumps it): a page pays one cache read."""
    prefix = url_for("agreements.detail", agreement_id=0)[:-1]
    return Markup(remember("nav-agreements", (prefix,), lambda: _nav_html(prefix)))  # nosec B704 # escaped below


def _nav_html(prefix: str) -> str:
    return str(Markup("").join(
        Markup('<li><a class="dropdown-item" href="{}{}">{}</a></li>\n').format(prefix, aid, name)
        for aid, name in agreement_queries.menu()))


def register(app: Flask) -> None:
    i18n.register_filters(app)
    app.jinja_env.globals.update(
        role_label=role_label,
        audit_label=audit_label,
        label=label,
        formula_text=formula_text,
        period_label_for=period_label_for,
        percent=i18n.percent,
        today=clock.today,
        area_name=area_name,
        period_label=period_label,
        nav_agreements=nav_agreements,
    )
    app.jinja_env.globals.update(TEMPLATE_CODES)


# The codes, by the names templates compare them with: members, as the code does, never raw strings.
TEMPLATE_CODES = {"Confirmation": Confirmation, **{code.__name__: code for code in (
    UserRole, Role, NotificationKind, DayKind, JobStatus, TargetState, Progress, RowKind)}}

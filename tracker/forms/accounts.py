"""Profile and user-administration forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, PasswordField, SearchField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from tracker.domain import passwords
from tracker.domain.codes import UserRole
from tracker.extensions import db
from tracker.forms import EmailAddress, InDateRange, choices
from tracker.models import Agency, Province

ROLE_CHOICES = [
    (UserRole.OFFICER, _l("Cán bộ (báo cáo tiến độ của cơ quan)")),
    (UserRole.COORDINATOR, _l("Đầu mối (duyệt báo cáo của tỉnh)")),
    (UserRole.VIEWER, _l("Lãnh đạo (chỉ xem)")),
    (UserRole.ADMIN, _l("Quản trị")),
]
LANGUAGE_CHOICES = [("vi", "Tiếng Việt"), ("en", "English")]
ANY = [("", _l("Tất cả"))]

# What the form shows for each code of the domain's password rules.
PASSWORD_MESSAGES = {
    passwords.TOO_SHORT: _l("Mật khẩu cần ít nhất %(n)s ký tự.", n=passwords.MIN_LENGTH),
    passwords.TOO_LONG: _l("Mật khẩu dài quá %(n)s ký tự.", n=passwords.MAX_LENGTH),
    passwords.TOO_EASY: _l("Mật khẩu quá dễ đoán (phổ biến, hoặc dựa trên tên, thư điện tử của bạn). Hãy dùng một cụm từ dài hơn."),
}
ACCOUNT_MESSAGES = {
    "wrong_current": _l("Mật khẩu hiện tại không đúng."),
    "same_password": _l("Mật khẩu mới phải khác mật khẩu hiện tại."),
    "duplicate_email": _l("Đã có tài khoản dùng địa chỉ thư điện tử này."),
    "invalid_email": _l("Địa chỉ thư điện tử không hợp lệ."),
    "unknown_role": _l("Vai trò không hợp lệ."),
    "unknown_province": _l("Không tìm thấy tỉnh."),
    "unknown_agency": _l("Không tìm thấy cơ quan."),
    "province_required": _l("Đầu mối cần được gán một tỉnh."),
    "agency_required": _l("Cán bộ cần được gán một cơ quan."),
    "self_demotion": _l("Bạn không thể tự bỏ quyền quản trị hoặc khóa tài khoản của chính mình."),
    **PASSWORD_MESSAGES,
}


def scope_choices():
    provinces = choices([("", _l("— Không —"))] + [
        (p.code, p.name + ("" if p.valid_to is None else f" ({p.code})"))
        for p in db.session.scalars(select(Province).order_by(Province.valid_to.is_not(None), Province.name))
    ])
    agencies = choices([("", _l("— Không —"))] + [
        (a.code, a.name + ("" if a.valid_to is None else f" ({a.code})"))
        for a in db.session.scalars(select(Agency).order_by(Agency.valid_to.is_not(None), Agency.name))
    ])
    return provinces, agencies


class ProfileForm(FlaskForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Nhập họ và tên.")), Length(max=120)])
    language = SelectField(_l("Ngôn ngữ"), choices=choices(LANGUAGE_CHOICES))
    submit = SubmitField(_l("Lưu thông tin"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Nhập mật khẩu hiện tại."))],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(_l("Nhập mật khẩu mới."))],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"),
                            validators=[EqualTo("new", _l("Hai lần nhập mật khẩu mới không khớp."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Đổi mật khẩu"))


class TwoFactorConfirmForm(FlaskForm):
    code = StringField(_l("Mã xác thực (6 chữ số)"), validators=[DataRequired(_l("Nhập mã 6 chữ số."))],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 7})
    submit = SubmitField(_l("Bật xác thực hai bước"))


class TwoFactorBeginForm(FlaskForm):
    submit = SubmitField(_l("Tạo khóa bí mật và mã QR"))


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Nhập mật khẩu hiện tại."))],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Tắt xác thực hai bước"))


class TokenForm(FlaskForm):
    """A new personal access token for the JSON API."""

    name = StringField(_l("Tên gợi nhớ"), validators=[Optional(), Length(max=120)],
                       description=_l("Ví dụ: Hệ thống báo cáo của Sở, sổ tay phân tích."))
    read_only = BooleanField(_l("Chỉ đọc (không gửi được báo cáo)"))
    expires_on = DateField(_l("Hết hạn sau ngày"), validators=[Optional(), InDateRange()], format="%Y-%m-%d",
                           render_kw={"type": "date"}, description=_l("Để trống: dùng đến khi thu hồi."))
    submit = SubmitField(_l("Tạo mã truy cập"))


class UserForm(FlaskForm):
    email = StringField(_l("Thư điện tử"), validators=[DataRequired(_l("Nhập địa chỉ thư điện tử.")), Length(max=254),
                                                        EmailAddress()])
    name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Nhập họ và tên.")), Length(max=120)])
    role = SelectField(_l("Vai trò"), choices=choices(ROLE_CHOICES))
    province = SelectField(_l("Tỉnh (với đầu mối)"), validate_choice=False)
    agency = SelectField(_l("Cơ quan (với cán bộ)"), validate_choice=False)
    cleared = BooleanField(_l("Được xem lĩnh vực hạn chế (xây dựng Đảng, quốc phòng - an ninh)"))
    active = BooleanField(_l("Đang hoạt động"), default=True)
    language = SelectField(_l("Ngôn ngữ"), choices=choices(LANGUAGE_CHOICES))
    submit = SubmitField(_l("Lưu tài khoản"))

    def load_choices(self) -> None:
        self.province.choices, self.agency.choices = scope_choices()


class UserFilterForm(FlaskForm):
    q = SearchField(_l("Tìm theo tên, thư điện tử"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Vai trò"), choices=choices(ANY + ROLE_CHOICES), validate_choice=False)
    active = SelectField(_l("Trạng thái"), choices=choices(ANY + [("1", _l("Đang hoạt động")), ("0", _l("Đã khóa"))]),
                         validate_choice=False)


class AuditFilterForm(FlaskForm):
    category = SelectField(_l("Loại"), choices=choices(ANY + [("security", _l("An ninh tài khoản")),
                                                              ("data", _l("Dữ liệu"))]), validate_choice=False)
    action = StringField(_l("Sự kiện"), validators=[Optional(), Length(max=60)])

"""Sign-in, second-step code, language and sign-out forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from tracker.forms import EmailAddress


class LoginForm(FlaskForm):
    email = StringField(_l("Thư điện tử"), validators=[DataRequired(_l("Nhập địa chỉ thư điện tử.")), Length(max=254),
                                                        EmailAddress()],
                        render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu.")), Length(max=1000)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Mã xác thực (6 chữ số)"),
        validators=[DataRequired(_l("Nhập mã 6 chữ số từ ứng dụng xác thực.")),
                    Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Mã gồm 6 chữ số."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 7},
    )
    submit = SubmitField(_l("Xác nhận"))


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(("vi", "en"))])
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass

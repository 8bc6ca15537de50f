"""Sign-in and language forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = StringField(_l("Thư điện tử"), validators=[DataRequired(_l("Nhập địa chỉ thư điện tử.")), Length(max=254),
                                                        Email(_l("Địa chỉ thư điện tử không hợp lệ."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu.")), Length(max=1000)])
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(("vi", "en"))])
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass

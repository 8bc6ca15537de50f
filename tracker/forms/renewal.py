"""The next phase (giai đoạn tiếp theo): the new agreement's code, titles, period and renewal day."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker.forms import DayField, InDateRange


class RenewForm(FlaskForm):
    code = StringField(_l("Mã văn bản mới"), validators=[
        DataRequired(_l("Nhập mã.")), Length(max=40),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch."))])
    title = TextAreaField(_l("Tên văn bản"), validators=[DataRequired(_l("Nhập tên văn bản.")), Length(max=2000)],
                          render_kw={"rows": 3})
    short_title = StringField(_l("Tên ngắn"), validators=[Optional(), Length(max=200)])
    renewed_on = DayField(_l("Ngày chuyển sang giai đoạn mới"),
                          validators=[DataRequired(_l("Nhập ngày.")), InDateRange()])
    period_start = DayField(_l("Thời gian thực hiện từ"), validators=[DataRequired(_l("Nhập ngày.")), InDateRange()])
    period_end = DayField(_l("đến"), validators=[Optional(), InDateRange()])

    def values(self) -> dict:
        return {"code": self.code.data.strip(), "title": self.title.data.strip(),
                "short_title": (self.short_title.data or "").strip() or None, "renewed_on": self.renewed_on.data,
                "period_start": self.period_start.data, "period_end": self.period_end.data}

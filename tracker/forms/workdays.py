"""The form administrators use to declare a day off or a make-up working day."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.domain.workdays import DAY_OFF, WORKING_DAY
from tracker.forms import choices
from tracker.services.workdays import REASON_LIMIT
from tracker.status.calendar import FIRST_YEAR, LAST_YEAR

KIND_CHOICES = [
    (DAY_OFF, _l("Ngày nghỉ (nghỉ bù, nghỉ theo thông báo của Chính phủ)")),
    (WORKING_DAY, _l("Ngày làm việc bù (làm bù)")),
]
# What the form says for each refusal code of services.workdays.declare.
CALENDAR_MESSAGES = {
    "unknown_kind": _l("Chọn loại ngày."),
    "reason_required": _l("Nêu căn cứ hoặc lý do (ví dụ số thông báo của Chính phủ)."),
    "reason_too_long": _l("Căn cứ, lý do dài quá %(n)s ký tự.", n=REASON_LIMIT),
    "duplicate": _l("Ngày này đã được khai báo; xóa khai báo cũ trước nếu muốn đổi."),
    "already_off": _l("Ngày này đã là ngày nghỉ (thứ Bảy, Chủ nhật hoặc ngày lễ); không cần khai báo thêm."),
    "already_working": _l("Ngày này đã là ngày làm việc; chỉ khai báo làm bù cho ngày nghỉ (thường là thứ Bảy)."),
}
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})")


def parse_day(text: str | None) -> date | None:
    """A day typed dd/mm/yyyy (or yyyy-mm-dd); ``None`` if it is not a real date."""
    match = _DAY.fullmatch((text or "").strip())
    if match is None:
        return None
    if match[1]:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        year, month, day = int(match[4]), int(match[5]), int(match[6])
    try:
        return date(year, month, day)
    except ValueError:
        return None


class CalendarDayForm(FlaskForm):
    day = StringField(_l("Ngày (dd/mm/yyyy)"), validators=[DataRequired(_l("Nhập ngày, ví dụ 02/01/2026."))],
                      render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "maxlength": 10,
                                 "autocomplete": "off"})
    kind = RadioField(_l("Loại ngày"), choices=choices(KIND_CHOICES), validate_choice=False,
                      validators=[DataRequired(CALENDAR_MESSAGES["unknown_kind"])])
    reason = TextAreaField(_l("Căn cứ, lý do"),
                           validators=[DataRequired(CALENDAR_MESSAGES["reason_required"]),
                                       Length(max=REASON_LIMIT, message=CALENDAR_MESSAGES["reason_too_long"])],
                           render_kw={"rows": 2, "placeholder": _l("Ví dụ: Thông báo số …/TB-VPCP về lịch nghỉ Tết")})
    submit = SubmitField(_l("Thêm ngày"))

    def validate_day(self, field) -> None:
        parsed = parse_day(field.data)
        if parsed is None:
            raise ValidationError(_l("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 02/01/2026."))
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise ValidationError(_l("Năm phải từ %(first)s đến %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))
        self.parsed_day = parsed

    def validate_kind(self, field) -> None:
        if field.data not in (DAY_OFF, WORKING_DAY):
            raise ValidationError(CALENDAR_MESSAGES["unknown_kind"])

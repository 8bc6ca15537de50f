"""The report builder: scope, date or period, format, and the letterhead typed by the office."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.forms import DayField, InDateRange, choices

FORMAT_CHOICES = [("docx", "Word (DOCX)"), ("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("csv", "CSV")]
PROFILE_CHOICES = [
    ("state", _l("Văn bản hành chính nhà nước (Nghị định 30/2020/NĐ-CP)")),
    ("party", _l("Văn bản của Đảng (Hướng dẫn 36-HD/VPTW)")),
]


class ReportForm(FlaskForm):
    agreement = SelectField(_l("Văn bản hợp tác"), validate_choice=False)
    period = SelectField(_l("Kỳ báo cáo"), validate_choice=False)
    as_of = DayField(_l("Hoặc tính đến ngày"), validators=[Optional(), InDateRange()])
    province = SelectField(_l("Tỉnh"), validate_choice=False)
    area = SelectMultipleField(_l("Lĩnh vực"), validate_choice=False, widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput())
    fmt = RadioField(_l("Định dạng"), choices=choices(FORMAT_CHOICES), default="docx")
    profile = RadioField(_l("Thể thức (Word, PDF)"), choices=choices(PROFILE_CHOICES), default="state")
    # Examples are help text beside the field, not placeholders: grey sample text read as filled in.
    parent_body = StringField(_l("Cơ quan chủ quản"), validators=[Optional(), Length(max=120)],
                              description=_l("Ví dụ: UBND TỈNH THÁI NGUYÊN"))
    issuing_agency = StringField(_l("Cơ quan ban hành"), validators=[Optional(), Length(max=160)],
                                 description=_l("Ví dụ: VĂN PHÒNG"))
    number = StringField(_l("Số, ký hiệu"), validators=[Optional(), Length(max=60)],
                         description=_l("Ví dụ: …/BC-VP"))
    place = StringField(_l("Địa danh"), validators=[Optional(), Length(max=60)], description=_l("Ví dụ: Thái Nguyên"))
    signer_authority = TextAreaField(_l("Quyền hạn ký (mỗi dòng một dòng)"), validators=[Optional(), Length(max=200)],
                                     render_kw={"rows": 2},
                                     description=_l("Chỉ phần TM., KT., TL., TUQ., ví dụ: TM. ỦY BAN NHÂN DÂN / KT. CHỦ "
                                                    "TỊCH; chức vụ ghi ở ô dưới."))
    signer_title = StringField(_l("Chức vụ người ký"), validators=[Optional(), Length(max=120)],
                               description=_l("In ngay dưới quyền hạn ký, ví dụ: PHÓ CHỦ TỊCH."))
    signer_name = StringField(_l("Họ và tên người ký"), validators=[Optional(), Length(max=120)])
    recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"), validators=[Optional(), Length(max=2000)],
                               render_kw={"rows": 4},
                               description=_l("Dòng “Lưu: VT.” được thêm ở cuối, trừ khi bạn đã ghi một dòng Lưu."))

    LETTERHEAD_FIELDS = ("parent_body", "issuing_agency", "number", "place", "signer_authority", "signer_title",
                         "signer_name", "recipients")

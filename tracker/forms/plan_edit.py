"""Registers and plan editing: provinces, agencies, agreements, fields, commitments, assignments.

A change to a deadline or an assignment carries a reason: one of ``REASONS`` plus free text.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from tracker.domain.codes import SuccessionKind
from tracker.forms import InDateRange, choices

CODE = [DataRequired(_l("Nhập mã.")), Length(max=20),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch."))]
DAY = dict(format="%Y-%m-%d", render_kw={"type": "date"})
REASONS = [
    ("correction", _l("Sửa sai sót (áp dụng từ đầu)")),
    ("request", _l("Theo đề nghị của cơ quan thực hiện")),
    ("direction", _l("Theo chỉ đạo của lãnh đạo")),
    ("reorganisation", _l("Sắp xếp tổ chức bộ máy")),
    ("other", _l("Khác")),
]
SUCCESSION_KINDS = [(SuccessionKind.MERGE.value, _l("Hợp nhất, sáp nhập")), (SuccessionKind.RENAME.value, _l("Đổi tên")),
                    (SuccessionKind.SPLIT.value, _l("Chia tách"))]
AGENCY_KINDS = [("department", _l("Sở, ngành")), ("office", _l("Văn phòng")), ("party", _l("Cơ quan Đảng")),
                ("board", _l("Ban quản lý")), ("armed", _l("Lực lượng vũ trang")), ("police", _l("Công an"))]


class ProvinceForm(FlaskForm):
    code = StringField(_l("Mã"), validators=CODE)
    name = StringField(_l("Tên"), validators=[DataRequired(_l("Nhập tên.")), Length(max=120)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[Optional(), Length(max=120)])
    valid_from = DateField(_l("Hiệu lực từ ngày"), validators=[Optional(), InDateRange()], **DAY)
    valid_to = DateField(_l("Hiệu lực đến ngày"), validators=[Optional(), InDateRange()], **DAY)
    predecessor = SelectField(_l("Kế thừa từ"), validate_choice=False)


class AgencyForm(ProvinceForm):
    name = StringField(_l("Tên"), validators=[DataRequired(_l("Nhập tên.")), Length(max=200)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[Optional(), Length(max=200)])
    province = SelectField(_l("Tỉnh"), validate_choice=False, validators=[DataRequired(_l("Chọn tỉnh."))])
    kind = SelectField(_l("Loại cơ quan"), choices=choices(AGENCY_KINDS), default="department")
    succession_kind = SelectField(_l("Hình thức kế thừa"), choices=choices(SUCCESSION_KINDS),
                                  default=SuccessionKind.MERGE.value)


class PartyForm(Form):
    province = SelectField(_l("Tỉnh"), validate_choice=False)
    signatory_name = StringField(_l("Người ký"), validators=[Optional(), Length(max=120)])
    signatory_title = StringField(_l("Chức vụ người ký"), validators=[Optional(), Length(max=200)])


class AgreementForm(FlaskForm):
    code = StringField(_l("Mã văn bản"), validators=[DataRequired(_l("Nhập mã.")), Length(max=40),
                                                    Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch."))])
    kind = StringField(_l("Loại văn bản"), default="Biên bản ghi nhớ", validators=[DataRequired(), Length(max=60)])
    title = TextAreaField(_l("Tên văn bản"), validators=[DataRequired(_l("Nhập tên văn bản.")), Length(max=2000)],
                          render_kw={"rows": 2})
    short_title = StringField(_l("Tên ngắn"), validators=[Optional(), Length(max=200)])
    document_number = StringField(_l("Số, ký hiệu"), validators=[Optional(), Length(max=60)])
    signed_date = DateField(_l("Ngày ký"), validators=[Optional(), InDateRange()], **DAY)
    signed_place = StringField(_l("Nơi ký"), validators=[Optional(), Length(max=200)])
    signing_verified = BooleanField(_l("Đã đối chiếu với văn bản gốc"))
    risk_margin = IntegerField(
        _l("Ngưỡng cảnh báo chậm tiến độ (điểm %)"), default=20,
        validators=[Optional(), NumberRange(min=0, max=100, message=_l("Nhập ngưỡng từ 0 đến 100."))],
        description=_l("Một bên chậm hơn tỷ lệ thời gian đã trôi qua quá số điểm này là có nguy cơ chậm tiến độ."),
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"})
    period_start = DateField(_l("Thời gian thực hiện từ"), validators=[DataRequired(_l("Nhập ngày.")), InDateRange()], **DAY)
    period_end = DateField(_l("đến"), validators=[Optional(), InDateRange()], **DAY)
    open_ended = BooleanField(_l("Và những năm tiếp theo"))
    parties = FieldList(FormField(PartyForm), min_entries=4, max_entries=4)
    source_file = FileField(_l("Văn bản gốc đã ký (PDF, DOCX hoặc ảnh chụp)"),
                            description=_l("Tệp mới thay cho tệp đã lưu; để trống để giữ nguyên."))


class AreaForm(FlaskForm):
    number = IntegerField(_l("Số thứ tự"), validators=[DataRequired(_l("Nhập số.")), NumberRange(min=1, max=99)])
    name = StringField(_l("Tên lĩnh vực"), validators=[DataRequired(_l("Nhập tên.")), Length(max=300)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[Optional(), Length(max=300)])
    provisional = BooleanField(_l("Tạm xác định (chưa đối chiếu văn bản)"))
    restricted = BooleanField(_l("Hạn chế (chỉ người được phép xem)"))


class ReasonMixin:
    reason = SelectField(_l("Lý do thay đổi"), choices=choices([("", _l("— Chọn —"))] + REASONS), validate_choice=False)
    reason_text = StringField(_l("Ghi rõ lý do"), validators=[Optional(), Length(max=500)])


class CommitmentForm(ReasonMixin, FlaskForm):
    code = StringField(_l("Mã nhiệm vụ"), validators=CODE)
    title = TextAreaField(_l("Nội dung nhiệm vụ"), validators=[DataRequired(_l("Nhập nội dung.")), Length(max=4000)],
                          render_kw={"rows": 3})
    description = TextAreaField(_l("Mô tả"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    deliverable = TextAreaField(_l("Kết quả/sản phẩm"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2})
    start_date = DateField(_l("Ngày bắt đầu"), validators=[Optional(), InDateRange()], **DAY)
    due_date = DateField(_l("Thời hạn"), validators=[Optional(), InDateRange()], **DAY)
    recurring = BooleanField(_l("Thường xuyên (không thời hạn)"))
    source_text = TextAreaField(_l("Câu trích từ văn bản"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2})


class AssignmentForm(ReasonMixin, FlaskForm):
    party = SelectField(_l("Tỉnh"), validate_choice=False, validators=[DataRequired()])
    role = SelectField(_l("Vai trò"), choices=choices([("lead", _l("Chủ trì")), ("support", _l("Phối hợp"))]))
    agency = SelectField(_l("Cơ quan"), validate_choice=False, validators=[DataRequired(_l("Chọn cơ quan."))])


class EndAssignmentForm(ReasonMixin, FlaskForm):
    pass


class RemoveForm(FlaskForm):
    reason_text = StringField(_l("Lý do"), validators=[DataRequired(_l("Nhập lý do.")), Length(max=500)])
    restore = HiddenField()


class ReorganiseForm(FlaskForm):
    from_codes = StringField(_l("Các cơ quan (hoặc tỉnh) được hợp nhất, đổi tên"),
                             validators=[DataRequired(_l("Nhập mã.")), Length(max=400)],
                             render_kw={"placeholder": "TN-SKHDT, TN-STC"})
    to_code = StringField(_l("Thành cơ quan (hoặc tỉnh)"), validators=[DataRequired(_l("Nhập mã.")), Length(max=40)],
                          render_kw={"placeholder": "TN-STC"})
    on = DateField(_l("Từ ngày"), validators=[DataRequired(_l("Nhập ngày.")), InDateRange()], **DAY)
    confirm = HiddenField()


class TargetForm(ReasonMixin, FlaskForm):
    side = SelectField(_l("Áp dụng cho"), validate_choice=False)
    year = IntegerField(_l("Năm"), validators=[DataRequired(_l("Nhập năm.")), NumberRange(min=1900, max=2199)])
    unit = StringField(_l("Đơn vị tính"), validators=[DataRequired(_l("Nhập đơn vị tính.")), Length(max=60)],
                       render_kw={"placeholder": "hội nghị, ha, dự án"})
    baseline = FloatField(_l("Giá trị cơ sở"), validators=[Optional(), NumberRange(min=0, max=1e12)])
    value = FloatField(_l("Chỉ tiêu năm"), validators=[DataRequired(_l("Nhập chỉ tiêu.")), NumberRange(min=0, max=1e12)])


class SplitForm(FlaskForm):
    on = DateField(_l("Từ ngày"), validators=[DataRequired(_l("Nhập ngày.")), InDateRange()], **DAY)

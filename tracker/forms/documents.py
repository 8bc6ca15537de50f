"""Implementing documents: the register's search (GET) and the form that records one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SearchField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.forms import DayField, choices, coerce_id
from tracker.labels import DOCUMENT_TYPE_LABELS
from tracker.services.documents import DUPLICATE, NOT_A_SIDE, OTHER_AGREEMENT, DocumentData

PROBLEM_MESSAGES = {
    "required": _l("Mục này là bắt buộc."),
    "bad_format": _l("Ghi số và ký hiệu như trên văn bản, ví dụ 125/KH-UBND, 12/2023/NQ-HĐND hoặc 125-KH/TU."),
    "wrong_type": _l("Ký hiệu không khớp loại văn bản (Nghị định 30/2020/NĐ-CP, Phụ lục III): "
                     "Kế hoạch là KH, Quyết định là QĐ, Công văn mang ký hiệu của cơ quan."),
    "in_future": _l("Ngày ban hành không thể sau hôm nay."),
    "before_agreement": _l("Ngày ban hành không thể trước ngày ký văn bản hợp tác."),
    NOT_A_SIDE: _l("Chọn một tỉnh tham gia văn bản hợp tác mà bạn được ghi nhận văn bản."),
    OTHER_AGREEMENT: _l("Chỉ chọn nhiệm vụ của văn bản hợp tác này."),
    DUPLICATE: _l("Văn bản số này của tỉnh đã được ghi nhận trong năm."),
}


class DocumentFilterForm(FlaskForm):
    """The register's search box and agreement filter (GET, no CSRF: it changes nothing)."""

    q = SearchField(_l("Tìm theo số, ký hiệu hoặc trích yếu"), validators=[Optional(), Length(max=500)])
    agreement = SelectField(_l("Văn bản hợp tác"), coerce=coerce_id, validate_choice=False)


class DocumentForm(FlaskForm):
    province_id = SelectField(_l("Tỉnh ban hành"), coerce=coerce_id)
    doc_type = SelectField(_l("Loại văn bản"), default="plan")
    number_symbol = StringField(_l("Số và ký hiệu"), validators=[DataRequired(), Length(max=60)],
                                description=_l("ví dụ 125/KH-UBND"))
    issued_on = DayField(_l("Ngày ban hành"), validators=[DataRequired()], description=_l("ngày/tháng/năm"))
    issuing_body = StringField(_l("Cơ quan ban hành"), validators=[DataRequired(), Length(max=200)],
                               description=_l("ví dụ UBND tỉnh Thái Nguyên"))
    subject = TextAreaField(_l("Trích yếu nội dung"), validators=[DataRequired(), Length(max=2000)])
    commitments = SelectMultipleField(_l("Nhiệm vụ được triển khai"), coerce=int, validators=[Optional()],
                                      render_kw={"size": 10})
    file = FileField(_l("Tệp văn bản (PDF, DOCX, ODT…)"))

    def load_choices(self, provinces: list[tuple[int, str]], commitments: list[tuple[int, str]]) -> None:
        self.province_id.choices = choices(provinces)
        self.doc_type.choices = choices(DOCUMENT_TYPE_LABELS.items())
        self.commitments.choices = choices(commitments)

    def document_data(self) -> DocumentData:
        return DocumentData(
            province_id=self.province_id.data, doc_type=self.doc_type.data, number_symbol=self.number_symbol.data,
            issued_on=self.issued_on.data, issuing_body=self.issuing_body.data or "", subject=self.subject.data or "",
            commitment_ids=tuple(self.commitments.data or ()),
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        for name, code in problems.items():
            field = getattr(self, name, None) or self.number_symbol
            field.errors = list(field.errors) + [str(PROBLEM_MESSAGES.get(code, code))]


class DocumentRemoveForm(FlaskForm):
    reason_text = StringField(_l("Lý do gỡ"), validators=[DataRequired(_l("Nhập lý do.")), Length(max=500)])

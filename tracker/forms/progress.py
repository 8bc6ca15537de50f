"""The progress form (field names are the contract's), review and deadline forms."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker import params
from tracker.domain.evidence import EvidenceProblem
from tracker.domain.report import STATE_LABELS_VI
from tracker.forms import DayField, InDateRange, choices

STATE_CHOICES = [(code, _l(words)) for code, words in STATE_LABELS_VI.items()]

# What the form says for each problem code of domain.updates.update_problems and the services.
PROBLEM_MESSAGES = {
    "state_unknown": _l("Chọn tình trạng thực hiện."),
    "percent_required": _l("Nhập tỷ lệ hoàn thành (0-100)."),
    "percent_not_whole": _l("Tỷ lệ hoàn thành là số nguyên từ 0 đến 100, ví dụ 45."),
    "percent_out_of_range": _l("Tỷ lệ hoàn thành phải từ 0 đến 100."),
    "percent_done_must_be_100": _l("Nhiệm vụ hoàn thành thì tỷ lệ phải là 100 %."),
    "reason_required": _l("Nêu lý do khi tạm dừng hoặc dừng thực hiện."),
    "as_of_required": _l("Nhập ngày số liệu của báo cáo."),
    "as_of_in_future": _l("Ngày số liệu không được sau ngày hôm nay."),
    "as_of_before_agreement": _l("Ngày số liệu không được trước ngày bắt đầu thực hiện văn bản hợp tác."),
    "actual_not_number": _l("Giá trị đạt được là một số không âm, ví dụ 12 hoặc 12,5."),
    "due_required": _l("Nhập thời hạn mới."),
    "due_not_later": _l("Thời hạn mới phải sau thời hạn hiện tại."),
    "effective_in_future": _l("Ngày có hiệu lực không được sau ngày hôm nay."),
    "effective_before_previous": _l("Ngày có hiệu lực không được trước lần gia hạn đã có hiệu lực sau đó."),
}
TEXT_LIMIT = 20_000


def _text(label, description=None):
    return TextAreaField(label, validators=[Optional(), Length(max=TEXT_LIMIT)], description=description,
                         render_kw={"rows": 4})


def _version_number(form, field) -> None:
    """The hidden draft version: a whole number the form was opened at (empty on a new update)."""
    if field.data not in (None, "") and parse_version(field.data) is None:
        raise ValidationError(_l("Không xác định được phiên bản của bản nháp bạn đã mở. Nội dung bạn nhập vẫn được "
                                 "giữ; hãy so sánh với bản đang lưu rồi lưu lại."))


def parse_version(value) -> int | None:
    return params.parse_int(value, lo=0)


class ProgressUpdateForm(FlaskForm):
    assignment = SelectField(_l("Báo cáo với tư cách"), validate_choice=False)
    state = RadioField(_l("Tình trạng thực hiện"), choices=choices(STATE_CHOICES), validate_choice=False)
    percent = StringField(_l("Tỷ lệ hoàn thành (%)"), render_kw={"inputmode": "numeric", "maxlength": 6})
    as_of = DayField(_l("Số liệu tính đến ngày"), validators=[Optional(), InDateRange()])
    # Asked only when the commitment has a numeric target (chỉ tiêu) in force.
    actual = StringField(_l("Giá trị đạt được"), render_kw={"inputmode": "decimal", "maxlength": 20})
    results = _text(_l("Kết quả thực hiện"))
    obstacles = _text(_l("Khó khăn, vướng mắc"))
    proposals = _text(_l("Đề xuất, kiến nghị"))
    next_steps = _text(_l("Nhiệm vụ thời gian tới"))
    reason = _text(_l("Lý do tạm dừng / dừng thực hiện"))
    evidence = MultipleFileField(_l("Tệp minh chứng"))
    form_token = HiddenField()
    version = HiddenField(_l("Phiên bản bản nháp"), validators=[_version_number])
    action = HiddenField()

    def clean(self, name: str) -> str | None:
        value = (getattr(self, name).data or "").strip()
        return value or None


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("Lý do trả lại"), validators=[DataRequired(_l("Nêu lý do trả lại để cơ quan chỉnh sửa.")),
                                                           Length(max=5000)], render_kw={"rows": 3})


class ApproveForm(FlaskForm):
    pass


class ExtendForm(FlaskForm):
    new_due_date = DayField(_l("Thời hạn mới"), validators=[Optional(), InDateRange()])
    reason = TextAreaField(_l("Lý do gia hạn"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    # Admins only (the view ignores it for others): an extension decided earlier than it is recorded.
    effective_on = DayField(_l("Có hiệu lực từ ngày"), validators=[Optional()],
                            description=_l("Để trống: có hiệu lực từ hôm nay. Báo cáo của các ngày trước đó vẫn "
                                           "tính theo thời hạn cũ."))


def evidence_message(problem: EvidenceProblem, max_bytes: int) -> str:
    """What the form says beside the files when one is refused."""
    messages = {
        "no_name": _("Tệp không có tên."),
        "extension_not_allowed": _("Tệp %(name)s: chỉ nhận PDF, DOCX, XLSX, ODT, JPG, PNG.", name=problem.filename),
        "empty": _("Tệp %(name)s rỗng.", name=problem.filename),
        "too_large": _("Tệp %(name)s vượt quá %(mb)s MB.", name=problem.filename,
                       mb=max_bytes // (1024 * 1024)),
        "content_mismatch": _("Tệp %(name)s có nội dung không đúng với loại tệp (phần mở rộng).", name=problem.filename),
        "unpacked_too_large": _("Tệp %(name)s khi giải nén quá lớn hoặc bị nén bất thường, có thể là tệp độc hại; "
                                "vui lòng lưu lại tệp bằng Word hoặc Excel rồi tải lên.", name=problem.filename),
    }
    return messages.get(problem.code, problem.code)


class ConfirmForm(FlaskForm):
    """The partner province confirms a shared completion (or withdraws its dispute)."""


class DisputeForm(FlaskForm):
    reason = TextAreaField(_l("Lý do không xác nhận"),
                           validators=[DataRequired(_l("Nêu lý do không xác nhận để tỉnh bạn biết và giải trình.")),
                                       Length(max=5000)], render_kw={"rows": 3})

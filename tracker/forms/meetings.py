"""Meetings: the register's agreement filter (GET) and the form recording a meeting with its
conclusions (a repeatable block, rows left empty ignored)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.domain.meetings import MAX_CONCLUSIONS
from tracker.forms import DayField, InDateRange, choices, coerce_id
from tracker.labels import MEETING_KIND_LABELS
from tracker.services import meetings as service

PROBLEM_MESSAGES = {
    service.REQUIRED: _l("Mục này là bắt buộc."),
    service.IN_FUTURE: _l("Ngày họp không thể sau hôm nay."),
    service.BEFORE_AGREEMENT: _l("Ngày họp không thể trước ngày ký văn bản hợp tác."),
    service.NO_CONCLUSION: _l("Ghi ít nhất một kết luận: nội dung, thời hạn và cơ quan chủ trì."),
    service.TOO_MANY: _l("Mỗi lần ghi tối đa %(n)s kết luận.", n=MAX_CONCLUSIONS),
    service.DUE_BEFORE_MEETING: _l("Thời hạn không thể trước ngày họp."),
    service.NO_LEAD: _l("Chọn cơ quan chủ trì."),
    service.TWO_LEADS: _l("Mỗi tỉnh chỉ có một cơ quan chủ trì."),
    service.NOT_ALLOWED: _l("Chỉ chọn cơ quan của tỉnh mà bạn được phân công."),
    service.OTHER_AGREEMENT: _l("Chọn một lĩnh vực của văn bản hợp tác này."),
}


class MeetingFilterForm(FlaskForm):
    agreement = SelectField(_l("Văn bản hợp tác"), coerce=coerce_id, validate_choice=False)


def _pair(value: str) -> tuple[int, int] | None:
    party, _, agency = (value or "").partition(":")
    return (int(party), int(agency)) if party.isdigit() and agency.isdigit() and len(value) < 24 else None


class ConclusionForm(Form):
    area = SelectField(_l("Lĩnh vực"), coerce=coerce_id, validate_choice=False)
    text = TextAreaField(_l("Nội dung kết luận"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    due_date = DayField(_l("Thời hạn"), validators=[Optional(), InDateRange()], description=_l("ngày/tháng/năm"))
    leads = SelectMultipleField(_l("Cơ quan chủ trì"), validate_choice=False, render_kw={"size": 4})
    supports = SelectMultipleField(_l("Cơ quan phối hợp"), validate_choice=False, render_kw={"size": 4})

    def is_empty(self) -> bool:
        return not ((self.text.data or "").strip() or self.due_date.raw_data and any(self.due_date.raw_data)
                    or self.leads.data or self.supports.data)

    def conclusion(self) -> service.ConclusionData:
        return service.ConclusionData(
            area_id=self.area.data, text=self.text.data or "", due_date=self.due_date.data,
            leads=tuple(p for p in map(_pair, self.leads.data or ()) if p),
            supports=tuple(p for p in map(_pair, self.supports.data or ()) if p))


class MeetingForm(FlaskForm):
    kind = SelectField(_l("Loại cuộc họp"), default="so_ket")
    held_on = DayField(_l("Ngày họp"), validators=[DataRequired(_l("Nhập ngày họp.")), InDateRange()],
                       description=_l("ngày/tháng/năm"))
    place = StringField(_l("Địa điểm"), validators=[DataRequired(_l("Nhập địa điểm.")), Length(max=200)])
    chair = StringField(_l("Chủ trì cuộc họp"), validators=[DataRequired(_l("Nhập người chủ trì.")), Length(max=200)],
                        description=_l("ví dụ Chủ tịch UBND tỉnh Thái Nguyên"))
    participants = TextAreaField(_l("Thành phần tham dự"), validators=[Optional(), Length(max=4000)],
                                 render_kw={"rows": 2})
    minutes = FileField(_l("Biên bản, thông báo kết luận (PDF, DOCX, ODT…)"))
    conclusions = FieldList(FormField(ConclusionForm), min_entries=3, max_entries=MAX_CONCLUSIONS)

    def load_choices(self, areas: list[tuple[int, str]], agencies: list[tuple[int, int, str]]) -> None:
        self.kind.choices = choices(MEETING_KIND_LABELS.items())
        menu = choices([(f"{party}:{agency}", label) for party, agency, label in agencies])
        for entry in self.conclusions:
            entry.form.area.choices = choices([(None, "—")] + areas)
            entry.form.leads.choices = entry.form.supports.choices = menu

    def meeting_data(self) -> service.MeetingData:
        rows = tuple(e.form.conclusion() for e in self.conclusions if not e.form.is_empty())
        return service.MeetingData(kind=self.kind.data, held_on=self.held_on.data, place=self.place.data or "",
                                   chair=self.chair.data or "", participants=self.participants.data or "",
                                   conclusions=rows)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message beside its field; a conclusion's (``conclusions-<i>-<field>``) counted
        among the rows filled in, as ``meeting_data`` sent them."""
        filled = [e.form for e in self.conclusions if not e.form.is_empty()]
        for name, code in problems.items():
            parts = name.split("-")
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(filled):
                field = getattr(filled[int(parts[1])], parts[2])
            elif name == "conclusions":
                field = self.conclusions[0].form.text
            else:
                field = getattr(self, name, None) or self.held_on
            field.errors = list(field.errors) + [str(PROBLEM_MESSAGES.get(code, code))]

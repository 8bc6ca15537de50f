"""Filter forms (GET, no CSRF: they change nothing): the commitment list and the dashboard."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SearchField, SelectField
from wtforms.fields.core import UnboundField
from wtforms.validators import Optional

from tracker import i18n, params
from tracker.domain.codes import Role
from tracker.domain.dashboard import Filters
from tracker.extensions import db
from tracker.forms import DayField, InDateRange, choices, coerce_id
from tracker.labels import CATEGORY_LABELS
from tracker.labels import label
from tracker.models import Agency, Assignment, Commitment, CooperationArea, Meeting, Province
from tracker.queries import agreements as agreement_queries
from tracker.permissions import sees_restricted
from tracker.queries.commitments import CommitmentFilters
from tracker.status import cache


def _rows(stmt) -> list:
    """The statement's rows; none for None (nothing chosen among thousands: no statement)."""
    return [] if stmt is None else db.session.execute(stmt).all()


DUE_WITHIN_DAYS = (30, 60, 90)
FIELD_NUMBERS = range(1, 100)
AT_RISK = "at_risk"  # the early-warning filter's one value


class ScopeFilterForm(FlaskForm):
    """Agreement, field, province and agency: the scope every list and figure obeys."""

    # What a parameter's value must be for the page to use it (``params.normalised``): any other
    # shows the page as if it were absent, and is kept and linked as absent. Free text (the
    # search, the date) is shown as typed, so it is kept as typed.
    ACCEPTS = {name: params.an_id for name in ("agreement", "area", "province", "agency", "meeting")}

    agreement = SelectField(_l("Văn bản hợp tác"), coerce=coerce_id, validate_choice=False)
    area = SelectField(_l("Lĩnh vực"), coerce=coerce_id, validate_choice=False)
    province = SelectField(_l("Tỉnh"), coerce=coerce_id, validate_choice=False)
    agency = SelectField(_l("Cơ quan"), coerce=coerce_id, validate_choice=False)
    meeting = SelectField(_l("Kết luận của cuộc họp"), coerce=coerce_id, validate_choice=False)
    as_of = DayField(_l("Tính đến ngày"), validators=[Optional(), InDateRange()],
                     description=_l("ngày/tháng/năm"))

    def load_choices(self) -> None:
        """The choices, kept (``status.cache``) per selection, clearance and language until the
        next change: the first page of a new day renders its form without reading them again."""
        key = (self.agreement.data, self.area.data, self.agency.data, self.meeting.data, sees_restricted(current_user),
               i18n.language())
        for name, pairs in cache.remember("filter choices", key, self._choice_lists).items():
            getattr(self, name).choices = choices(pairs)

    def _choice_lists(self) -> dict[str, list]:
        everything = [(None, str(_l("Tất cả")))]
        agreements = sorted(agreement_queries.menu())
        many = len(agreements) > 5
        # Fields and agencies of the chosen agreement (hundreds of agreements would list thousands).
        areas = (select(CooperationArea.id, CooperationArea.number, CooperationArea.name, CooperationArea.name_en)
                 .order_by(CooperationArea.agreement_id, CooperationArea.number))
        if not sees_restricted(current_user):
            areas = areas.where(CooperationArea.restricted.is_(False))
        if self.agreement.data:
            areas = areas.where(CooperationArea.agreement_id == self.agreement.data)
        elif many:
            areas = areas.where(CooperationArea.id == self.area.data) if self.area.data else None
        # Columns only: at national scale these are thousands of rows on every list and dashboard.
        english = i18n.language() == "en"
        provinces = db.session.execute(select(Province.id, Province.name, Province.code, Province.valid_to)
                                       .order_by(Province.valid_to.is_(None).desc(), Province.name))
        agencies = (select(Agency.id, Agency.name, Agency.code, Agency.valid_to)
                    .order_by(Agency.valid_to.is_(None).desc(), Agency.name))
        if self.agreement.data:
            agencies = agencies.where(Agency.id.in_(
                select(Assignment.agency_id).join(Commitment, Commitment.id == Assignment.commitment_id)
                .join(CooperationArea, CooperationArea.id == Commitment.area_id)
                .where(CooperationArea.agreement_id == self.agreement.data)))
        elif many:
            agencies = agencies.where(Agency.id == self.agency.data) if self.agency.data else None
        meetings = select(Meeting.id, Meeting.kind, Meeting.held_on).order_by(Meeting.held_on.desc(), Meeting.id.desc())
        if self.agreement.data:
            meetings = meetings.where(Meeting.agreement_id == self.agreement.data)
        else:
            meetings = meetings.where(Meeting.id == self.meeting.data) if self.meeting.data else None
        return {
            "agreement": everything + agreements,
            "area": everything + [(a.id, f"{a.number}. {a.name_en if english and a.name_en else a.name}")
                                  for a in _rows(areas)],
            "province": everything + [(p.id, p.name + ("" if p.valid_to is None else f" ({p.code})")) for p in provinces],
            "agency": everything + [(a.id, a.name if a.valid_to is None else f"{a.name} ({a.code})")
                                    for a in _rows(agencies)],
            "meeting": everything + [(m.id, f"{label('meeting_kind', m.kind)} {m.held_on:%d/%m/%Y}")
                                     for m in _rows(meetings)],
        }

    def valid_as_of(self):
        """The date, or None when it was missing or not a date (the page then uses today)."""
        return self.as_of.data if not self.as_of.errors and self.validate_field_quietly("as_of") else None

    def validate_field_quietly(self, name: str) -> bool:
        field = getattr(self, name)
        return field.validate(self)


def field_names(form_class) -> frozenset[str]:
    """The names of a filter form's fields, read off the class (no form is built)."""
    return frozenset(name for name in dir(form_class) if isinstance(getattr(form_class, name), UnboundField))


class CommitmentFilterForm(ScopeFilterForm):
    # Not a field: set by the dashboard's drill-down links ("lead agencies only").
    EXTRA_ARGS = ("role", "page")

    q = SearchField(_l("Tìm kiếm"), render_kw={"placeholder": _l("Tìm theo nội dung, mã nhiệm vụ…")})
    category = SelectField(_l("Tình trạng"), validate_choice=False)
    due_within = SelectField(_l("Đến hạn trong"), coerce=coerce_id, validate_choice=False)
    field = SelectField(_l("Lĩnh vực số"), coerce=coerce_id, validate_choice=False)
    overdue = SelectField(_l("Thời hạn"), coerce=coerce_id, validate_choice=False)
    risk = SelectField(_l("Cảnh báo sớm"), validate_choice=False)

    ACCEPTS = {
        **ScopeFilterForm.ACCEPTS,
        "category": CATEGORY_LABELS.__contains__,
        "due_within": lambda value: params.parse_id(value) in DUE_WITHIN_DAYS,
        "field": lambda value: params.parse_id(value) in FIELD_NUMBERS,
        "overdue": lambda value: params.parse_id(value) == 1,
        "risk": AT_RISK.__eq__,
        "role": lambda value: value == Role.LEAD,
        "page": params.a_page,
    }

    def load_choices(self) -> None:
        super().load_choices()
        self.overdue.choices = choices([(None, _l("Tất cả")), (1, _l("Quá hạn, chưa hoàn thành"))])
        self.risk.choices = choices([(None, _l("Tất cả")), (AT_RISK, _l("Nguy cơ chậm tiến độ"))])
        self.category.choices = choices([(None, _l("Tất cả"))] + list(CATEGORY_LABELS.items()))
        self.due_within.choices = choices([(None, _l("Bất kỳ"))] + [(d, _l("%(n)s ngày tới", n=d)) for d in DUE_WITHIN_DAYS])
        self.field.choices = choices([(None, _l("Tất cả"))] + [(n, str(n)) for n in range(1, 10)])

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self._args = formdata

    def filters(self) -> CommitmentFilters:
        q = self.q.data if isinstance(self.q.data, str) else ""
        category = self.category.data if self.category.data in CATEGORY_LABELS else None
        return CommitmentFilters(
            q=q[:1000], agreement=self.agreement.data, area=self.area.data,
            province=self.province.data, agency=self.agency.data, category=category,
            as_of=self.valid_as_of(), due_within=self.due_within.data if self.due_within.data in DUE_WITHIN_DAYS else None,
            field=self.field.data if self.field.data in FIELD_NUMBERS else None,
            role=Role.LEAD.value if self._args.get("role") == Role.LEAD else None,
            overdue=self.overdue.data == 1, at_risk=self.risk.data == AT_RISK, meeting=self.meeting.data,
        )


class DashboardFilterForm(ScopeFilterForm):
    def filters(self) -> Filters:
        return Filters(agreement=self.agreement.data, as_of=self.valid_as_of(), province=self.province.data,
                       area=self.area.data, agency=self.agency.data, meeting=self.meeting.data)

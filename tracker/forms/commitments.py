"""The commitment list's filter form (GET, no CSRF: it changes nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SearchField, SelectField
from flask_wtf import FlaskForm

from tracker.extensions import db
from tracker.forms import choices
from tracker.models import Agency, Agreement, CooperationArea, Province
from tracker.permissions import sees_restricted
from tracker.queries.commitments import CommitmentFilters


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class CommitmentFilterForm(FlaskForm):
    q = SearchField(_l("Tìm kiếm"), render_kw={"placeholder": _l("Tìm theo nội dung, mã nhiệm vụ…")})
    agreement = SelectField(_l("Văn bản hợp tác"), coerce=_int_or_none, validate_choice=False)
    area = SelectField(_l("Lĩnh vực"), coerce=_int_or_none, validate_choice=False)
    province = SelectField(_l("Tỉnh"), coerce=_int_or_none, validate_choice=False)
    agency = SelectField(_l("Cơ quan"), coerce=_int_or_none, validate_choice=False)

    def load_choices(self) -> None:
        everything = [(None, _l("Tất cả"))]
        self.agreement.choices = choices(everything + [
            (a.id, a.short_title or a.title) for a in db.session.scalars(select(Agreement).order_by(Agreement.id))
        ])
        areas = select(CooperationArea).order_by(CooperationArea.agreement_id, CooperationArea.number)
        if not sees_restricted(current_user):
            areas = areas.where(CooperationArea.restricted.is_(False))
        self.area.choices = choices(everything + [(a.id, f"{a.number}. {a.name}") for a in db.session.scalars(areas)])
        self.province.choices = choices(everything + [
            (p.id, p.name + ("" if p.valid_to is None else f" ({p.code})"))
            for p in db.session.scalars(select(Province).order_by(Province.valid_to.is_(None).desc(), Province.name))
        ])
        self.agency.choices = choices(everything + [
            (a.id, a.name if a.valid_to is None else f"{a.name} ({a.code})")
            for a in db.session.scalars(select(Agency).order_by(Agency.valid_to.is_(None).desc(), Agency.name))
        ])

    def filters(self) -> CommitmentFilters:
        q = self.q.data if isinstance(self.q.data, str) else ""
        return CommitmentFilters(
            q=q[:1000], agreement=self.agreement.data, area=self.area.data,
            province=self.province.data, agency=self.agency.data,
        )

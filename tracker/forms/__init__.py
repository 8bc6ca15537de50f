"""WTForms forms, one module per concern."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from tracker import params
from tracker.domain import emails


def choices(pairs) -> list[SelectChoice]:
    """``[(value, label), ...]`` as WTForms 3.3's ``SelectChoice`` objects ('' for "any")."""
    return [SelectChoice(value="" if value is None else str(value), label=label) for value, label in pairs]


class InDateRange:
    """A date the app can compute with (``params.DATE_MIN..DATE_MAX``); an empty field passes."""

    message = _l("Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2199.")

    def __call__(self, form, field) -> None:
        if not params.in_date_range(field.data):
            raise ValidationError(self.message)


def coerce_id(value) -> int | None:
    """``SelectField(coerce=…)`` for an id filter: a valid id, or None ("all") for anything else."""
    return params.parse_id(value)


class EmailAddress:
    """The app's one e-mail rule (``domain.emails``: syntax only) as a WTForms validator."""

    def __init__(self, message=None):
        self.message = message or _l("Địa chỉ thư điện tử không hợp lệ.")

    def __call__(self, form, field) -> None:
        if field.data and not emails.is_valid(field.data):
            raise ValidationError(self.message)

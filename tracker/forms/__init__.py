"""WTForms forms, one module per concern."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TextInput
from wtforms.validators import ValidationError

from tracker import params
from tracker.domain import emails


# Dates are typed as they are shown, day first; links and older pages send yyyy-mm-dd, read too.
DAY_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DayField(DateField):
    """A date typed dd/mm/yyyy in a text box. Not ``<input type="date">``: that one shows the
    browser's own format (mm/dd/yyyy in an English Chromium), whatever the page's language."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["format"] = DAY_FORMATS
        kwargs["render_kw"] = {"inputmode": "numeric", "autocomplete": "off", "maxlength": 10,
                               **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)

    def _value(self):
        """A read date is shown day first, even when it came as yyyy-mm-dd; anything else as typed."""
        return self.data.strftime(DAY_FORMATS[0]) if self.data else super()._value()


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

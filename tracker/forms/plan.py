"""The plan import: upload a file for a preview, then confirm the staged file by its token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import DataRequired, Length

from tracker.forms import coerce_id


class PlanUploadForm(FlaskForm):
    agreement = SelectField(_l("Văn bản hợp tác"), coerce=coerce_id, validators=[DataRequired()])
    file = FileField(_l("Tệp kế hoạch (XLSX hoặc CSV)"), validators=[
        FileRequired(_l("Chọn tệp kế hoạch.")),
        FileAllowed(["xlsx", "csv"], _l("Chỉ nhận tệp .xlsx hoặc .csv.")),
    ])
    remove_missing = BooleanField(_l("Gỡ khỏi kế hoạch các nhiệm vụ không có trong tệp"))


class PlanConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(min=32, max=64)])
    remove_missing = HiddenField()

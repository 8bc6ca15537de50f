"""Recording through a service from a form that carries a file: the request's files for the
service, and a refusal told beside the fields (what was typed, the file itself, or the storage
that could not take it)."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from tracker.domain.evidence import EvidenceProblem
from tracker.domain.problems import Problems
from tracker.extensions import db
from tracker.forms.progress import evidence_message
from tracker.services import evidence


def uploads_of(files) -> evidence.Uploads:
    """The files chosen in a form, for a service: with the upload folder and the size limit."""
    return evidence.Uploads.of(files, current_app.config["UPLOAD_DIR"], current_app.config["EVIDENCE_MAX_BYTES"])


def file_refused(field, exc: Exception) -> int:
    """Put beside the file ``field`` why its upload was refused: the file itself (an
    ``EvidenceProblem``: 400 to answer with) or the storage that could not take it (503)."""
    if isinstance(exc, EvidenceProblem):
        field.errors = [evidence_message(exc, current_app.config["EVIDENCE_MAX_BYTES"])]
        return 400
    field.errors = [_("Không lưu được tệp: thư mục lưu trữ đầy hoặc không ghi được. Hãy thử lại sau.")]
    return 503


def recorded(form, file_field, act, refusal: type[Problems]) -> tuple[object, int | None]:
    """Run ``act()`` (a service call) and commit: (its result, None). On a ``refusal``, its
    problems beside their fields (``form.show_problems``), on a refused file its reason beside
    ``file_field``; rolled back, which removes a file placed: (None, 400, or 503 for the storage)."""
    try:
        result = act()
        db.session.commit()
        return result, None
    except refusal as exc:
        form.show_problems(exc.problems)
        status = 400
    except (EvidenceProblem, evidence.StorageError) as exc:
        status = file_refused(file_field, exc)
    db.session.rollback()  # also removes a file placed
    return None, status

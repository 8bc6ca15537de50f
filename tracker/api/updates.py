"""Submitting a progress update as the form does: the same service, rules and workflow.

``Idempotency-Key`` makes a POST safe to resend: the key (per user) becomes the update's
``form_token``, the same guard the form uses against a double click, so a resent request
finds the first update instead of making a second one.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from spectree import Response

from tracker.domain.codes import UpdateStatus
from tracker import clock
from tracker.api import bp
from tracker.api import schemas as s
from tracker.api import serialize
from tracker.api.problems import ApiProblem, field_error
from tracker.api.spec import spec
from tracker.domain.text import clean_text
from tracker.extensions import db
from tracker.forms.progress import PROBLEM_MESSAGES
from tracker.permissions import reportable_assignments, require_view_commitment
from tracker.queries import commitments as queries
from tracker.queries import progress as progress_queries
from tracker.services import progress as service

KEY_MAX = 200
MESSAGES = {**PROBLEM_MESSAGES,
            "assignment_not_yours": _l("Bạn không được báo cáo với tư cách phân công này."),
    "supersedes_unknown": _l("Không có báo cáo đã gửi nào với mã này trong nhiệm vụ."),
    "supersedes_not_yours": _l("Chỉ được bổ sung báo cáo của cơ quan mình.")}
WRITE = Response(HTTP_201=s.Update, HTTP_400=s.Problem, HTTP_401=s.Problem, HTTP_403=s.Problem, HTTP_404=s.Problem,
                 HTTP_409=s.Problem, HTTP_415=s.Problem, HTTP_429=s.Problem)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _data(body: s.UpdateIn) -> service.UpdateData:
    return service.UpdateData(state=body.state, percent=body.percent, as_of=body.as_of, results=_text(body.results),
                              obstacles=_text(body.obstacles), proposals=_text(body.proposals),
                              next_steps=_text(body.next_steps), reason=_text(body.reason),
                              actual=body.actual)


def _form_token(key: str | None) -> str | None:
    """The update's form_token for an Idempotency-Key (scoped to the user), or None without one."""
    if key is None:
        return None
    if not 1 <= len(key) <= KEY_MAX or not key.isprintable():
        raise ApiProblem("bad-request", detail=_("Idempotency-Key: từ 1 đến %(n)s ký tự in được.", n=KEY_MAX))
    return "api-" + hashlib.sha256(f"{current_user.id}\0{key}".encode()).hexdigest()[:60]


def _same(update, data: service.UpdateData, submit: bool) -> bool:
    stored = {f: getattr(update, f) for f in service.CONTENT_FIELDS}
    wanted = {f: getattr(data, f) for f in service.CONTENT_FIELDS}
    wanted = {k: clean_text(v) if isinstance(v, str) else v for k, v in wanted.items()}
    return stored == wanted and (update.status != UpdateStatus.DRAFT) == submit


def _replay(token: str, data: service.UpdateData, submit: bool):
    existing = progress_queries.by_form_token(token)
    if existing is None:
        return None
    if existing.author_id != current_user.id or not _same(existing, data, submit):
        raise ApiProblem("idempotency-key-reused")
    return _created(existing, replayed=True)


def _created(update, replayed: bool = False):
    headers = {"Location": url_for("api.updates", commitment_id=update.commitment_id) + f"#update-{update.id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return serialize.update(update), 201, headers


def _superseded(commitment, update_id: int | None, options):
    """The update a correction replaces, by the form's rules: submitted or reviewed, of this
    commitment, of an agency the user reports for."""
    if update_id is None:
        return None
    old = progress_queries.by_id(update_id)
    if old is None or old.commitment_id != commitment.id or old.status == UpdateStatus.DRAFT:
        _refuse({"supersedes": "supersedes_unknown"})
    if old.agency_id not in {a.agency_id for a in options}:
        _refuse({"supersedes": "supersedes_not_yours"})
    return old


def _refuse(problems: dict[str, str]):
    raise ApiProblem("invalid-update", errors=[field_error(name, str(MESSAGES.get(code, code)), code)
                                               for name, code in problems.items()])


@bp.post("/commitments/<int:commitment_id>/updates")
@spec.validate(resp=WRITE, validation_error_status=422, tags=("write",))
def submit_update(commitment_id: int, json: s.UpdateIn):
    """Report progress as the progress form does (action: submit by default, or save a draft).

    Needs a token that may write, of an officer of an assigned agency, a coordinator of its province or an
    admin. Resending with the same Idempotency-Key answers the first update again."""
    if request.args:
        raise ApiProblem("invalid-parameter", errors=[field_error(k, _("Tham số này không được hỗ trợ."),
                                                                  "extra_forbidden") for k in request.args])
    commitment = queries.detail(commitment_id) or abort(404)
    require_view_commitment(commitment)
    today = clock.today()
    options = reportable_assignments(current_user, commitment, today)
    if not options:
        abort(403)
    data, submit = _data(json), json.action == "submit"
    token = _form_token(request.headers.get("Idempotency-Key"))
    if token is not None and (replayed := _replay(token, data, submit)) is not None:
        return replayed
    assignment = next((a for a in options if a.id == json.assignment), None) if json.assignment else options[0]
    if assignment is None:
        _refuse({"assignment": "assignment_not_yours"})
    supersedes = _superseded(commitment, json.supersedes, options)
    try:
        update = service.create(commitment, assignment, current_user, data, submit=submit,
                                form_token=token or "api-" + secrets.token_hex(30), today=today,
                                supersedes=supersedes)
        db.session.commit()
    except service.ProgressError as exc:
        db.session.rollback()
        _refuse(exc.problems)
    except IntegrityError:  # the same key, sent twice at once: the first one won
        db.session.rollback()
        if token is None or (replayed := _replay(token, data, submit)) is None:
            raise
        return replayed
    return _created(update)

"""Small changes to a draft outside its form: taking an attached file off it."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker.extensions import db
from tracker.models import EvidenceFile
from tracker.permissions import On, load_update
from tracker.services import draft_files
from tracker.services import evidence as evidence_store

bp = Blueprint("drafts", __name__)


@bp.post("/evidence/<int:evidence_id>/remove")
def remove_evidence(evidence_id: int):
    item = db.session.get(EvidenceFile, evidence_id) or abort(404)
    load_update(item.update_id, On.EDIT)  # a submitted update's files never change: 403
    if not FlaskForm().validate_on_submit():
        abort(400)
    update_id, name = item.update_id, item.original_name
    stored = draft_files.remove(item, current_user)
    db.session.commit()
    evidence_store.path_for(stored, current_app.config["UPLOAD_DIR"]).unlink(missing_ok=True)
    flash(_("Đã gỡ tệp %(name)s khỏi bản nháp.", name=name), "success")
    return redirect(url_for("progress.edit", update_id=update_id))

"""Sending a stored upload (evidence, implementing documents) back to the browser."""
from __future__ import annotations

from flask import Response, abort, current_app, send_file

from tracker.services import evidence as evidence_store


def send_stored(stored_name: str, content_type: str | None, original_name: str) -> Response:
    """The file kept under ``stored_name`` in the upload folder, offered under its original name and
    never cached; 404 when it is not there."""
    path = evidence_store.path_for(stored_name, current_app.config["UPLOAD_DIR"])
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=content_type, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = evidence_store.content_disposition(original_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response

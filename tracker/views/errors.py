"""Error pages in the user's language (HTML) or JSON for JSON clients."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from tracker.auth import wants_json
from tracker.extensions import db
from tracker.services import audit

PAGES = (400, 403, 404, 405, 413, 429, 500)


def register(app: Flask) -> None:
    def handle(error):
        code = error.code if isinstance(error, HTTPException) else 500
        if code >= 500:
            db.session.rollback()
        if code == 403:
            audit.bookkeep_refusal(current_user, request.endpoint)
        if wants_json():
            return jsonify(error=getattr(error, "name", "error").lower().replace(" ", "_")), code
        return render_template("errors/error.html", code=code), code

    for code in PAGES:
        app.register_error_handler(code, handle)

"""Health check and the overview page."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from tracker.extensions import db
from tracker.queries import agreements as agreement_queries

bp = Blueprint("main", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/")
def index():
    return render_template(
        "main/index.html",
        agreements=agreement_queries.all_agreements(),
        counts=agreement_queries.counts_by_agreement(),
    )

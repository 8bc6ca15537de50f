"""One agency: what it leads and supports, where it came from and what it became."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from tracker.extensions import db
from tracker.models import Agency
from tracker.permissions import sees_restricted
from tracker import clock
from tracker.queries import commitments as queries
from tracker.queries import compliance

bp = Blueprint("agencies", __name__)


@bp.get("/agencies/<int:agency_id>")
def detail(agency_id: int):
    agency = db.session.get(Agency, agency_id) or abort(404)
    assignments, hidden = queries.for_agency(agency.id, sees_restricted(current_user))
    return render_template(
        "agencies/detail.html",
        agency=agency,
        current=[a for a in assignments if a.is_current],
        past=[a for a in assignments if not a.is_current],
        hidden=hidden,
        history=compliance.history_of(agency.id, clock.today(), sees_restricted(current_user)),
    )

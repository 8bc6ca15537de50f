"""Health check, the leadership dashboard and its figures as JSON."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from tracker import charts, clock, i18n
from tracker.domain.dashboard import to_plain
from tracker.extensions import db
from tracker.forms.commitments import DashboardFilterForm
from tracker.labels import CATEGORY_LABELS
from tracker.permissions import sees_restricted
from tracker.queries import dashboard as queries
from tracker.views.assets import plotly_url

bp = Blueprint("main", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


def _dashboard():
    form = DashboardFilterForm(request.args, meta={"csrf": False})
    dashboard, computed = queries.cached_build(form.filters(), clock.today(), sees_restricted(current_user))
    if computed:
        db.session.commit()  # keeps the figures for the next reader
    form.load_choices()  # after the commit, so what the page shows is not expired and read again
    return form, dashboard


def _drill(**params) -> str:
    return url_for("commitments.index", **{k: v for k, v in params.items() if v not in (None, "")})


@bp.get("/")
def index():
    form, dashboard = _dashboard()
    if i18n.language() == "en":  # fields by their English names where the agreement gives them
        dashboard = replace(dashboard, by_field=[replace(r, area_name=r.area_name_en or r.area_name)
                                                 for r in dashboard.by_field])
    labels = {code: str(label) for code, label in CATEGORY_LABELS.items()}
    figures = charts.dashboard_figures(dashboard, language=i18n.language(), category_labels=labels, link=_drill)
    return render_template(
        "main/dashboard.html", dashboard=dashboard, form=form, figures_json=charts.figures_json(figures),
        plotly_src=plotly_url(), category_labels=labels, drill=charts.make_drill(dashboard, _drill),
        field_param=charts.field_param,
    )


@bp.get("/dashboard.json")
def dashboard_json():
    _form, d = _dashboard()
    body = to_plain(d)
    body["overdue"] = d.overdue
    return jsonify(body)

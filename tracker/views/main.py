"""Health check, the leadership dashboard, its figures and tables, and its figures as JSON.

The page itself carries the headline numbers; the Plotly figures (``/dashboard/figures.json``)
and each "view as table" (``/dashboard/tables/<name>``) are fetched by the page, so it stays
small at national scale. Each is kept finished in ``status.cache`` per filters, day,
clearance, language and change counter, and the JSON answers 304 to a matching ETag.
"""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import text

from tracker import charts, clock, i18n
from tracker.domain.dashboard import figures_json as dashboard_body
from tracker.extensions import db
from tracker.forms.commitments import DashboardFilterForm
from tracker.labels import CATEGORY_LABELS
from tracker.permissions import can_view_meeting, sees_restricted
from tracker.queries import dashboard as queries
from tracker.queries import meetings as meeting_queries
from tracker.status import cache
from tracker.views.assets import plotly_url

bp = Blueprint("main", __name__)
TABLES = ("by_field", "heatmap", "over_time", "agencies")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


def _scope() -> tuple[DashboardFilterForm, tuple]:
    """The filter form and what the figures depend on: filters, today, clearance."""
    form = DashboardFilterForm(request.args, meta={"csrf": False})
    return form, (form.filters(), clock.today(), sees_restricted(current_user))


def _drill(**params) -> str:
    return url_for("commitments.index", **{k: v for k, v in params.items() if v not in (None, "")})


def _labels() -> dict[str, str]:
    return {code: str(label) for code, label in CATEGORY_LABELS.items()}


def _in_language(dashboard):
    """Fields by their English names on the English pages, where the agreement gives them."""
    if i18n.language() != "en":
        return dashboard
    return replace(dashboard, by_field=[replace(r, area_name=r.area_name_en or r.area_name) for r in dashboard.by_field])


def _json(body: str, tag: str):
    """Cached JSON text with its ETag; ``security.add_cache_headers`` answers 304 to a match."""
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(tag)
    return response


@bp.get("/")
def index():
    """The page around its body, kept finished per filters as typed, day, clearance, language and
    change counter: a repeated view costs what the layout costs (the form's thousands of options,
    the figures and the links are rendered once per counter)."""
    form, parts = _scope()
    typed = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k in form._fields))
    key = (*parts, i18n.language(), request.script_root, typed)
    body = cache.remember("dashboard.html", key, lambda: _body(form, parts))
    return render_template("main/dashboard_page.html", body=Markup(body))  # nosec B704 # our own rendered template


def _body(form: DashboardFilterForm, parts: tuple) -> str:
    dashboard = _in_language(queries.cached_build(*parts))
    form.load_choices()
    query = {k: v for k, v in request.args.items() if k in form._fields}
    meeting = meeting_queries.get(dashboard.filters.meeting) if dashboard.filters.meeting else None
    meeting = meeting if meeting is not None and can_view_meeting(current_user, meeting) else None
    return render_template(
        "main/dashboard.html", dashboard=dashboard, form=form, meeting=meeting, plotly_src=plotly_url(), category_labels=_labels(),
        figures_url=url_for("main.figures", **query), drill=charts.make_drill(dashboard, _drill),
        table_url=lambda name: url_for("main.table", name=name, **query),
    )


@bp.get("/dashboard/figures.json")
def figures():
    _form, parts = _scope()
    key = (*parts, i18n.language(), request.script_root)
    body = cache.remember("figures", key, lambda: str(charts.figures_json(charts.dashboard_figures(
        _in_language(queries.cached_build(*parts)), language=i18n.language(), category_labels=_labels(),
        link=_drill))))
    return _json(body, cache.etag("figures", key))


@bp.get("/dashboard/tables/<name>")
def table(name: str):
    if name not in TABLES:
        abort(404)
    _form, parts = _scope()
    key = (*parts, i18n.language(), request.script_root, name)
    return cache.remember("table", key, lambda: render_template(
        "main/_table.html", name=name, dashboard=(d := _in_language(queries.cached_build(*parts))),
        category_labels=_labels(),
        drill=charts.make_drill(d, _drill), field_param=charts.field_param))


@bp.get("/dashboard.json")
def dashboard_json():
    _form, parts = _scope()

    def body() -> str:
        d = queries.cached_build(*parts)
        return current_app.json.dumps(dashboard_body(d))

    return _json(cache.remember("dashboard.json", parts, body), cache.etag("dashboard.json", parts))

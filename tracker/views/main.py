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
from werkzeug.datastructures import MultiDict

from tracker import charts, clock, i18n
from tracker.domain.dashboard import figures_json as dashboard_body
from tracker.extensions import db
from tracker.forms.commitments import DashboardFilterForm, field_names
from tracker.labels import CATEGORY_LABELS
from tracker.params import normalised
from tracker.permissions import can_view_meeting, sees_restricted
from tracker.queries import dashboard as queries
from tracker.queries import meetings as meeting_queries
from tracker.status import cache
from tracker.security import JSON_CACHE_CONTROL
from tracker.views.assets import plotly_url

bp = Blueprint("main", __name__)
TABLES = ("by_field", "heatmap", "over_time", "agencies")
FILTER_ARGS = field_names(DashboardFilterForm)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


def _scope() -> tuple:
    """What the figures depend on: the filters (normalised query parameters, ``params.normalised``:
    the form is built only when something is computed), today, clearance."""
    return normalised(FILTER_ARGS, accepts=DashboardFilterForm.ACCEPTS), clock.today(), sees_restricted(current_user)


def _form(scope: tuple) -> DashboardFilterForm:
    return DashboardFilterForm(MultiDict(scope[0]), meta={"csrf": False})


def _build(scope: tuple, form: DashboardFilterForm | None = None):
    """The figures for ``scope`` (kept: ``queries.cached_build``), in the page's language."""
    return _in_language(queries.cached_build((form or _form(scope)).filters(), scope[1], scope[2]))


def _drill(**params) -> str:
    return url_for("commitments.index", **{k: v for k, v in params.items() if v not in (None, "")})


def _labels() -> dict[str, str]:
    return {code: str(label) for code, label in CATEGORY_LABELS.items()}


def _in_language(dashboard):
    """Fields by their English names on the English pages, where the agreement gives them."""
    if i18n.language() != "en":
        return dashboard
    return replace(dashboard, by_field=[replace(r, area_name=r.area_name_en or r.area_name) for r in dashboard.by_field])


def _json(name: str, key: tuple, body):
    """Kept JSON text with its ETag; a request that already holds it (``If-None-Match``, with or
    without Flask-Compress's ``:gzip``) is answered 304 before the text is read or compressed,
    any other match by ``security.add_cache_headers``."""
    tag = cache.etag(name, key)
    if request.if_none_match.contains(tag) or request.if_none_match.contains(f"{tag}:gzip"):
        response = current_app.response_class(status=304, mimetype="application/json")
        response.set_etag(f"{tag}:gzip" if request.if_none_match.contains(f"{tag}:gzip") else tag)
        response.headers["Cache-Control"] = JSON_CACHE_CONTROL
        return response
    response = current_app.response_class(cache.remember(name, key, body), mimetype="application/json")
    response.set_etag(tag)
    return response


@bp.get("/")
def index():
    """The page around its body, kept finished per filters, day, clearance, language and change
    counter: a repeated view costs what the layout costs (the form's thousands of options, the
    figures and the links are rendered once per counter)."""
    scope = _scope()
    key = (*scope, i18n.language(), request.script_root)
    body = cache.remember("dashboard.html", key, lambda: _body(scope))
    return render_template("main/dashboard_page.html", body=Markup(body))  # nosec B704 # our own rendered template


def _body(scope: tuple) -> str:
    form = _form(scope)
    dashboard = _build(scope, form)
    form.load_choices()
    query = dict(MultiDict(scope[0]).items())
    meeting = meeting_queries.get(dashboard.filters.meeting) if dashboard.filters.meeting else None
    meeting = meeting if meeting is not None and can_view_meeting(current_user, meeting) else None
    return render_template(
        "main/dashboard.html", dashboard=dashboard, form=form, meeting=meeting, plotly_src=plotly_url(), category_labels=_labels(),
        figures_url=url_for("main.figures", **query), drill=charts.make_drill(dashboard, _drill),
        table_url=lambda name: url_for("main.table", name=name, **query),
    )


@bp.get("/dashboard/figures.json")
def figures():
    key = (*_scope(), i18n.language(), request.script_root)
    return _json("figures", key, lambda: str(charts.figures_json(charts.dashboard_figures(
        _build(key[:3]), language=i18n.language(), category_labels=_labels(), link=_drill))))


@bp.get("/dashboard/tables/<name>")
def table(name: str):
    if name not in TABLES:
        abort(404)
    key = (*_scope(), i18n.language(), request.script_root, name)
    return cache.remember("table", key, lambda: render_template(
        "main/_table.html", name=name, dashboard=(d := _build(key[:3])), category_labels=_labels(),
        drill=charts.make_drill(d, _drill), field_param=charts.field_param))


@bp.get("/dashboard.json")
def dashboard_json():
    scope = _scope()
    return _json("dashboard.json", scope, lambda: current_app.json.dumps(dashboard_body(
        queries.cached_build(_form(scope).filters(), scope[1], scope[2]))))

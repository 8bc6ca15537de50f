"""The OpenAPI document, and a page that shows it to a person (our own template and CSS:
nothing from another origin, no script)."""
from __future__ import annotations

from flask import jsonify, render_template

from tracker.api import bp
from tracker.api.problems import DETAILS, KINDS, TYPE_BASE
from tracker.api.spec import document


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/docs")
def docs():
    doc = document()
    problems = [(slug, status, title, DETAILS[slug]) for slug, (status, title) in KINDS.items()]
    return render_template("api/docs.html", doc=doc, problems=problems, type_base=TYPE_BASE)

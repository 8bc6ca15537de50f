"""The app as ``make bench`` serves it: the tracker, plus one bare Flask JSON route as the ceiling.

``gunicorn 'tracker.tools.bench_app:create()'``. ``/bench/bare`` is answered by a separate,
empty Flask app inside the same WSGI callable, so it pays the server's and Flask's own cost
and nothing of the tracker's (no session, no permission gate, no database). It exists only
here: the product's routes do not have it.
"""
from __future__ import annotations

from flask import Flask, jsonify

from tracker import create_app

BARE_PATH = "/bench/bare"


def create():
    bare = Flask("bench_bare")

    @bare.get(BARE_PATH)
    def bare_json():
        return jsonify(status="ok")

    tracker = create_app()

    def application(environ, start_response):
        if environ.get("PATH_INFO") == BARE_PATH:
            return bare(environ, start_response)
        return tracker(environ, start_response)

    return application

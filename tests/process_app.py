"""The app as tests/test_processes.py serves it: the product, plus one route that queues a job.

``gunicorn 'tests.process_app:create()'``. The product has no route that queues a job yet
(notifications will); this one stands for it, in the test's processes only.
"""
from flask import jsonify, request

from tracker import create_app, jobs
from tracker.extensions import csrf
from tracker.permissions import ENDPOINT_ACCESS, Access


def create():
    app = create_app()

    @app.post("/__test/enqueue")
    @csrf.exempt
    def enqueue_for_test():
        jobs.enqueue("tracker.schedule:run_reminders", request.form["day"])
        return jsonify(queued=True)

    ENDPOINT_ACCESS["enqueue_for_test"] = Access.PUBLIC
    return app

"""Word and PDF reports too large for a request, built in the background (``tasks.build_report``).

``/reports/jobs`` (POST) queues one; ``/reports/jobs/<id>`` shows its progress (a ``<progress>``
bar that ``static/js/report-job.js`` refreshes from ``/reports/jobs/<id>.json``, or a meta refresh
without JavaScript) and the download (``/reports/jobs/<id>/file``) once it is ready. Only the
person who asked, or an administrator, sees a job. Reading a job never writes.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import abort, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from tracker import clock, exports, jobs
from tracker.domain.codes import JobStatus
from tracker.domain.report import letterhead_for
from tracker.extensions import db
from tracker.permissions import load_report_job
from tracker.queries import reports as queries
from tracker.services import evidence as store
from tracker.services import report_jobs
from tracker.tasks import REPORT_JOB

DOCUMENTS = {"docx": "Word", "pdf": "PDF"}


def profile_of(value: str | None) -> str:
    return "party" if value == "party" else "state"


def rows_if_large(scope: queries.Scope) -> int:
    """The annex's row count when it is above the in-request limit, else 0 (404 for an unknown period)."""
    try:
        rows = queries.row_count(scope, clock.today())
    except queries.ReportError:
        abort(404)
    return rows if rows > current_app.config["REPORT_DOCUMENT_MAX_ROWS"] else 0


def queue_if_large(scope: queries.Scope, fmt: str, profile: str | None):
    """A job for this report if it is too large to build now (committed and handed over), else None."""
    if not rows_if_large(scope):
        return None
    letterhead = letterhead_for(profile_of(profile), current_app.config["REPORT_LETTERHEADS"],
                                current_user.report_letterhead)
    parameters = {**queries.scope_parameters(scope), "today": clock.today().isoformat(),
                  "letterhead": asdict(letterhead)}
    job = report_jobs.create(current_user, fmt, parameters)
    db.session.commit()
    jobs.enqueue_long(REPORT_JOB, job.id)
    return job


def _state(job) -> dict:
    done = job.status == JobStatus.DONE
    there = done and report_jobs.path_of(job, current_app.config["REPORT_JOB_DIR"]) is not None
    return {"id": job.id, "status": job.status, "progress": job.progress, "message": job.message,
            "size": job.size if done else None, "gone": done and not there,  # kept days passed, or a restore
            "download": url_for("reports.job_file", job_id=job.id) if there else None}


def register(bp, scope_from_query) -> None:
    """Add the job routes to the reports blueprint (``scope_from_query`` reads the builder's arguments)."""

    @bp.post("/reports/jobs")
    def job_new():
        fmt = request.args.get("fmt")
        if fmt not in DOCUMENTS:
            abort(404)
        scope = scope_from_query()
        job = queue_if_large(scope, fmt, request.args.get("profile"))
        if job is None:  # small after all (the data changed): built at once, as usual
            args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "fmt"}
            return redirect(url_for("reports.status", fmt=fmt, **args), 303)
        return redirect(url_for("reports.job", job_id=job.id), 303)

    @bp.get("/reports/jobs/<int:job_id>")
    def job(job_id: int):
        job = load_report_job(job_id)
        return render_template("reports/job.html", job=job, state=_state(job), kind=DOCUMENTS[job.kind],
                               finished=job.status in (JobStatus.DONE, JobStatus.FAILED))

    @bp.get("/reports/jobs/<int:job_id>.json")
    def job_json(job_id: int):  # security.add_cache_headers gives it an ETag: an unchanged poll is a 304
        return jsonify(_state(load_report_job(job_id)))

    @bp.get("/reports/jobs/<int:job_id>/file")
    def job_file(job_id: int):
        job = load_report_job(job_id)
        path = report_jobs.path_of(job, current_app.config["REPORT_JOB_DIR"])
        if path is None:
            abort(404)
        response = send_file(path, mimetype=exports.FORMATS[job.kind],
                             max_age=0, conditional=True)
        response.headers["Content-Disposition"] = store.content_disposition(job.download_name or path.name)
        response.headers["Cache-Control"] = "private, no-store"
        return response

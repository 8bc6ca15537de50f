"""One large export, timed, in a process of its own so its peak memory is its own.

Run by ``make bench`` (``python -m tracker.tools.bench_export DATABASE_URL EMAIL [xlsx|docx]``):

* ``xlsx`` (the default) prints ``seconds rows peak_rss_mb updates bytes``: the spreadsheet of
  every commitment, built in the request's way.
* ``docx`` prints the same for the Word report of every commitment built the way a large one
  is: a ``report_jobs`` row run by the job runner (``tasks.build_report``, as the worker runs it),
  the file written to a temporary folder; the row, its notice and the file are removed after.
"""
from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import date

from flask_login import login_user
from sqlalchemy import delete, select

from tracker import create_app, exports, jobs, tasks
from tracker.domain.codes import JobStatus
from tracker.domain.report import Letterhead
from tracker.domain.reminders import report_key
from tracker.extensions import db
from tracker.models import Notification, ReportJob, User
from tracker.queries import reports
from tracker.services import report_jobs


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def xlsx(url: str, email: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.test_request_context():
        login_user(db.session.scalar(select(User).where(User.email == email)))
        started = time.perf_counter()
        report = reports.build(reports.Scope(agreement=None, see_restricted=True), date.today())
        out = io.BytesIO()
        exports.write(report, "xlsx", out)
        seconds = time.perf_counter() - started
    print(f"{seconds:.1f} {len(report.rows)} {_peak_mb():.0f} {len(report.updates)} {out.tell()}")


def docx(url: str, email: str) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REPORT_JOB_DIR": folder})
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            scope = reports.Scope(agreement=None, see_restricted=True)
            job = report_jobs.create(user, "docx", {**reports.scope_parameters(scope), "today": date.today().isoformat(),
                                                    "letterhead": asdict(Letterhead())})
            db.session.commit()
            job_id = job.id
            started = time.perf_counter()
            jobs.run(tasks.REPORT_JOB, (job_id,))  # what the worker calls
            seconds = time.perf_counter() - started
            job = db.session.get(ReportJob, job_id)
            if job.status != JobStatus.DONE:
                raise SystemExit(f"the report job failed: {job.message}")
            size, rows = job.size, reports.row_count(scope, date.today())
            db.session.execute(delete(Notification).where(Notification.dedupe_key == report_key(job_id)))
            db.session.execute(delete(ReportJob).where(ReportJob.id == job_id))
            db.session.commit()
    print(f"{seconds:.1f} {rows} {_peak_mb():.0f} 0 {size}")


if __name__ == "__main__":
    {"xlsx": xlsx, "docx": docx}[sys.argv[3] if len(sys.argv) > 3 else "xlsx"](sys.argv[1], sys.argv[2])

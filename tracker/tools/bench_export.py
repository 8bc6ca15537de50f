"""One large XLSX export, timed, in a process of its own so its peak memory is its own.

Run by ``make bench`` (``python -m tracker.tools.bench_export DATABASE_URL``); prints
``seconds rows peak_rss_mb``.
"""
from __future__ import annotations

import io
import resource
import sys
import time
from datetime import date

from flask_login import login_user
from sqlalchemy import select

from tracker import create_app, exports
from tracker.extensions import db
from tracker.models import User
from tracker.queries import reports


def main(url: str, email: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.test_request_context():
        login_user(db.session.scalar(select(User).where(User.email == email)))
        started = time.perf_counter()
        report = reports.build(reports.Scope(agreement=None, see_restricted=True), date.today())
        out = io.BytesIO()
        exports.write(report, "xlsx", out)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{seconds:.1f} {len(report.rows)} {peak:.0f} {len(report.updates)} {out.tell()}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

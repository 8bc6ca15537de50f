"""Word and PDF reports too large for a request: queued, built in the background, polled, downloaded."""
import io
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import user
from tests.test_permissions import BOOKKEEPING, tables_written
from tests.views.test_reports import agreement, fetch
from tracker import jobs, tasks
from tracker.domain.codes import JobStatus
from tracker.extensions import db
from tracker.models import Notification, ReportJob
from tracker.models.base import utcnow
from tracker.queries import reports as report_queries
from tracker.services import report_jobs


@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_DOCUMENT_MAX_ROWS", 10)
    return 10


def _build(client, fmt="docx", **extra):
    """The builder's form, as the coordinator sends it."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/reports").get_data(as_text=True)).group(1)
    return client.post("/reports", data={"csrf_token": token, "agreement": str(agreement().id), "period": "",
                                         "as_of": "", "province": "", "fmt": fmt, "profile": "state",
                                         "issuing_agency": "SỞ TÀI CHÍNH", "number": "9/BC-STC", **extra})


def _job_id(response) -> int:
    """The job the answer redirects to; closing the answer is when a job without a queue starts."""
    response.close()
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"/reports/jobs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _build_now(app, job_id: int) -> None:
    """What a worker does with the job (``jobs.perform``: the runner commits)."""
    with app.app_context():
        jobs.run(tasks.REPORT_JOB, (job_id,))


def _queued_job(email="daumoi@example.com", **parameters) -> ReportJob:
    """A job as the builder makes it, not handed to any runner."""
    scope = report_queries.Scope(agreement=agreement(), see_restricted=False)
    job = report_jobs.create(user(email), "docx", {**report_queries.scope_parameters(scope), "today": "2026-11-26",
                                                   "letterhead": {"profile": "state"}, **parameters})
    db.session.commit()
    return job


def test_without_redis_the_builder_queues_it_and_it_is_built_after_the_response(app, login_as, small_limit):
    client = login_as("coordinator")
    answer = _build(client)  # the builder's own POST: no refusal, no extra click
    job_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert db.session.get(ReportJob, job_id).status == "queued"  # the redirect went out first
    assert _job_id(answer) == job_id  # ... and the job ran once the response was done with
    job = db.session.get(ReportJob, job_id)
    assert job.status == JobStatus.DONE and job.progress == 100 and job.size > 1000
    assert job.parameters["agreement"] == agreement().id and job.parameters["letterhead"]["number"] == "9/BC-STC"
    state = client.get(f"/reports/jobs/{job_id}.json")
    assert state.headers["Cache-Control"] == "private, no-cache" and state.headers["ETag"]
    assert client.get(f"/reports/jobs/{job_id}.json",
                      headers={"If-None-Match": state.headers["ETag"]}).status_code == 304
    assert state.json == {"id": job_id, "status": "done", "progress": 100, "message": None, "size": job.size,
                          "gone": False, "download": f"/reports/jobs/{job_id}/file"}
    download = fetch(client, f"/reports/jobs/{job_id}/file")
    assert download.status_code == 200 and download.mimetype.endswith("wordprocessingml.document")
    assert download.headers["Content-Disposition"].startswith("attachment") and "bao-cao-TN-BG-2023" in \
        download.headers["Content-Disposition"]
    document = Document(io.BytesIO(download.data))
    annex = document.tables[-1]
    assert len(annex.rows) - 1 == report_queries.row_count(report_queries.Scope(agreement=agreement()),
                                                           date_today()) > 10
    assert "9/BC-STC" in "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    # The asker's bell rings (the bell only: it is not mailed tomorrow).
    notice = db.session.scalar(select(Notification).where(Notification.dedupe_key == f"report_ready:{job_id}"))
    assert notice.user_id == user("daumoi@example.com").id and notice.mailed_on is not None
    page = client.get("/notifications").get_data(as_text=True)
    assert "Báo cáo đã lập xong" in page and f'href="/reports/jobs/{job_id}"' in page


def date_today():
    from tracker import clock

    return clock.today()


def test_small_reports_stay_instant(app, login_as):
    response = _build(login_as("coordinator"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/reports/status.docx?")
    assert db.session.scalar(select(ReportJob)) is None


def test_a_link_to_a_large_report_asks_before_queuing_and_a_post_queues_it(app, login_as, small_limit):
    client = login_as("viewer")
    html = fetch(client, f"/reports/status.pdf?agreement={agreement().id}").data.decode()
    assert db.session.scalar(select(ReportJob)) is None  # the GET wrote nothing
    action = re.search(r'<form method="post" action="(/reports/jobs[^"]+)"', html).group(1).replace("&amp;", "&")
    assert action == f"/reports/jobs?fmt=pdf&agreement={agreement().id}"
    calls = []
    original = jobs.enqueue_long
    jobs.enqueue_long = lambda target, *args: calls.append((target, args))
    try:
        job_id = _job_id(client.post(action, data={"csrf_token": csrf_token(client, "/reports")}))
    finally:
        jobs.enqueue_long = original
    assert calls == [(tasks.REPORT_JOB, (job_id,))]
    job = db.session.get(ReportJob, job_id)
    assert (job.kind, job.status, job.user_id) == ("pdf", "queued", user("lanhdao@example.com").id)


def test_the_progress_page_polls_and_refreshes_without_javascript(app, login_as):
    job = _queued_job()
    client = login_as("coordinator")
    response = client.get(f"/reports/jobs/{job.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert '<progress id="report-job-progress" class="w-100 d-block mb-3" max="100" value="0">' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert f'data-state-url="/reports/jobs/{job.id}.json"' in html and "js/report-job.js" in html
    job.status, job.progress = JobStatus.RUNNING, 42
    db.session.commit()
    assert client.get(f"/reports/jobs/{job.id}.json").json["progress"] == 42
    assert client.get(f"/reports/jobs/{job.id}/file").status_code == 404  # not ready yet
    _build_now(app, job.id)  # a second run of a job already taken leaves it alone
    assert (db.session.get(ReportJob, job.id).status, job.progress) == ("running", 42)
    job.status, job.progress = JobStatus.QUEUED, 0
    db.session.commit()
    _build_now(app, job.id)
    html = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert "http-equiv" not in html and f'href="/reports/jobs/{job.id}/file"' in html and 'value="100"' in html
    # The file removed (its days passed, or the database came back from a backup, which leaves files out).
    (Path(app.config["REPORT_JOB_DIR"]) / db.session.get(ReportJob, job.id).stored_name).unlink()
    html = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert "Tệp báo cáo không còn được lưu" in html and f'href="/reports/jobs/{job.id}/file"' not in html
    assert client.get(f"/reports/jobs/{job.id}.json").json["gone"] is True
    assert client.get(f"/reports/jobs/{job.id}/file").status_code == 404


def test_polling_writes_nothing(app, login_as):
    job = _queued_job()
    client = login_as("coordinator")
    with app.app_context():
        engine = db.engine
    with tables_written(engine) as written:
        for path in (f"/reports/jobs/{job.id}", f"/reports/jobs/{job.id}.json"):
            assert client.get(path).status_code == 200
    assert written <= BOOKKEEPING


@pytest.mark.parametrize("role, status", [("officer", 404), ("viewer", 404), ("admin", 200)])
def test_only_the_asker_or_an_administrator_sees_a_job(app, login_as, role, status):
    job = _queued_job()
    _build_now(app, job.id)
    client = login_as(role)
    for path in (f"/reports/jobs/{job.id}", f"/reports/jobs/{job.id}.json", f"/reports/jobs/{job.id}/file"):
        assert fetch(client, path).status_code == status, path


def test_progress_moves_forward_as_the_rows_are_written(app, monkeypatch):
    job = _queued_job()
    seen = []
    monkeypatch.setattr(db.session, "commit", _recording(db.session.commit, lambda: seen.append(job.progress)))
    _build_now(app, job.id)
    moving = [p for p in seen if 0 < p < 100]
    assert moving == sorted(moving) and len(set(moving)) >= 5 and moving[0] <= 10 and moving[-1] >= 90
    assert seen[-1] == 100


def _recording(commit, note):
    def wrapped():
        note()
        commit()
    return wrapped


def test_a_failure_is_told_in_the_askers_language(app):
    english = user("lanhdao@example.com")
    english.language = "en"
    db.session.commit()
    job = _queued_job("lanhdao@example.com", agreement=999_999)
    _build_now(app, job.id)
    job = db.session.get(ReportJob, job.id)
    assert job.status == "failed" and job.message == "The report's cooperation agreement no longer exists."
    assert job.finished_at is not None and job.stored_name is None
    assert db.session.scalar(select(Notification).where(Notification.dedupe_key == f"report_ready:{job.id}")) is None


def test_old_files_are_cleaned_by_the_daily_run(app):
    folder = Path(app.config["REPORT_JOB_DIR"])
    old, recent = _queued_job(), _queued_job()
    _build_now(app, old.id)
    _build_now(app, recent.id)
    old_file = folder / db.session.get(ReportJob, old.id).stored_name
    recent_file = folder / db.session.get(ReportJob, recent.id).stored_name
    stray = folder / "2020" / "01" / "left-by-a-crash.docx"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"x")
    ten_days = time.time() - 10 * 86400
    os.utime(stray, (ten_days, ten_days))
    db.session.get(ReportJob, old.id).created_at = utcnow() - timedelta(days=app.config["REPORT_JOB_KEEP_DAYS"] + 1)
    db.session.commit()
    with app.app_context():
        tasks.send_reminders(date_today())  # the daily run cleans on its way out
    assert not old_file.exists() and not stray.exists() and recent_file.is_file()
    assert db.session.get(ReportJob, old.id) is None and db.session.get(ReportJob, recent.id) is not None
    assert db.session.scalar(select(Notification).where(Notification.dedupe_key == f"report_ready:{old.id}")) is None


def test_with_redis_the_worker_builds_it(app, login_as, small_limit, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    from tests.apps import REDIS_TEST_URL
    from tests.test_processes import _redis_or_skip

    _redis_or_skip()
    connection = Redis.from_url(REDIS_TEST_URL)
    queue = Queue(jobs.QUEUE, connection=connection)
    queue.empty()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    client = login_as("coordinator")
    job_id = _job_id(_build(client))
    assert queue.count == 1 and queue.jobs[0].args == (tasks.REPORT_JOB, [job_id], {})
    assert client.get(f"/reports/jobs/{job_id}.json").json["status"] == "queued"  # not built in this process
    with app.app_context():
        assert SimpleWorker([queue], connection=connection).work(burst=True)
    state = client.get(f"/reports/jobs/{job_id}.json").json
    assert (state["status"], state["progress"]) == ("done", 100)
    assert Document(io.BytesIO(fetch(client, state["download"]).data)).tables

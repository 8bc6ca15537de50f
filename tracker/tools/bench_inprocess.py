"""``make bench``'s in-process figures: SQL statements per request, the first view after a change,
bytes on the wire, and the large XLSX export (in a process of its own, ``bench_export``)."""
from __future__ import annotations

import gzip
import re
import statistics
import subprocess  # nosec B404 # runs this package's own export bench in a fresh process
import sys
import time
from datetime import timedelta

from sqlalchemy import event, func, select

from tracker.domain.codes import Role, UpdateStatus
from tracker.extensions import db


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, conn, cursor, statement, *args):
        # A transaction's BEGIN aside (as the tests count): SQLite's is a statement of ours
        # (tracker/sqlite.py), PostgreSQL's is sent by the driver unseen.
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.count += 1


def signed_in(app, email: str, password: str):
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"email": email, "password": password})
    assert client.get("/profile").status_code == 200, "bench sign-in failed"  # nosec B101 # a bench run, not the app
    return client


def timed_view(client, counter: StatementCounter, path: str):
    """One view of ``path``: its response, wall ms, CPU ms in this process and SQL statements."""
    counter.count = 0
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    return response, (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000, counter.count


def _medians(views: list) -> tuple[float, int, float]:
    """Median wall ms, most statements and median CPU ms of ``timed_view`` results."""
    return (statistics.median(v[1] for v in views), max(v[3] for v in views),
            statistics.median(v[2] for v in views))


def _approve_one(agreement_id: int) -> None:
    """A real change: one lead update of the agreement approved through the service (a submitted
    one, or a copy of its latest approved one submitted again when the bench has used them up)."""
    import uuid

    from tracker.models import Commitment, CooperationArea, ProgressUpdate, User
    from tracker.services import progress

    in_agreement = select(Commitment.id).join(CooperationArea).where(CooperationArea.agreement_id == agreement_id)
    lead = (ProgressUpdate.commitment_id.in_(in_agreement), ProgressUpdate.role == Role.LEAD)
    update = db.session.scalar(select(ProgressUpdate).where(*lead, ProgressUpdate.status == UpdateStatus.SUBMITTED)
                               .limit(1))
    if update is None:
        model = db.session.scalar(select(ProgressUpdate).where(*lead, ProgressUpdate.status == UpdateStatus.APPROVED)
                                  .order_by(ProgressUpdate.id.desc()).limit(1))
        columns = {c.key: getattr(model, c.key) for c in ProgressUpdate.__table__.columns
                   if c.key not in ("id", "reviewed_at", "reviewer_id", "review_reason", "supersedes_id")}
        update = ProgressUpdate(**{**columns, "status": UpdateStatus.SUBMITTED.value, "form_token": uuid.uuid4().hex})
        db.session.add(update)
        db.session.flush()
    reviewer = db.session.scalar(select(User).where(User.email == "bench.admin@example.com")) or db.session.scalar(
        select(User).limit(1))
    progress.approve(update, reviewer)


def uncached(app, client, path: str, n: int = 3, agreement_id: int | None = None) -> tuple[float, int]:
    """Median ms and statements of the first view after a change: one update approved in one
    agreement through the service (the figures recomputed)."""
    views = []
    with app.app_context():
        counter = StatementCounter(db.engine)
    for _ in range(n):
        with app.app_context():
            _approve_one(agreement_id)
            db.session.commit()
        views.append(timed_view(client, counter, path))
    return _medians(views)


def new_day(app, client, path: str, n: int = 3, scheduled: bool = False, first: int = 1) -> tuple:
    """Median ms, statements (most), CPU ms and the most statements of the refresh itself
    (``standings._new_day``: the rows whose day came) of the first view of a new day (the clock
    moved a day on each time, from ``first`` days on: days not viewed before, whose pages no
    cache holds); ``scheduled``: after the schedule's day-start run (``tasks.keep_standings``),
    whose median ms and statements come last."""
    from tracker import clock, tasks
    from tracker.status import standings

    real, refresh = clock.today, standings._new_day
    views, runs, refreshes = [], [], [0]
    with app.app_context():
        counter = StatementCounter(db.engine)

    def counted(*args, **kwargs):
        before = counter.count
        try:
            return refresh(*args, **kwargs)
        finally:
            refreshes.append(counter.count - before)

    client.get(path)  # today's figures in place first
    standings._new_day = counted
    try:
        for k in range(first, first + n):
            clock.today = lambda k=k: real() + timedelta(days=k)
            if scheduled:
                with app.app_context():
                    counter.count = 0
                    started = time.perf_counter()
                    tasks.keep_standings(clock.today())
                    runs.append(((time.perf_counter() - started) * 1000, counter.count))
                    db.session.remove()
            views.append(timed_view(client, counter, path))
    finally:
        clock.today, standings._new_day = real, refresh
        with app.app_context():  # back to today (untimed): the standings kept for a later day are rebuilt
            standings.bring_up_to_date(real())
    if scheduled:
        return (*_medians(views), statistics.median(r[0] for r in runs), max(r[1] for r in runs))
    return (*_medians(views), max(refreshes))


def after_plan_edit(app, client, path: str, agreement_id: int, named: bool) -> tuple[float, float, int, float]:
    """ms of a plan edit (a commitment's title, through the service) committed, ms (and CPU ms,
    statements) of the first view after it; ``named=False``: a change naming no commitment
    (``invalidate()``, as the calendar or an import), whose view is the live path while the
    full rebuild, timed after it (ms), is the background job's."""
    from tracker import clock
    from tracker.models import Commitment, CooperationArea, User
    from tracker.services import plan_edit
    from tracker.status import standings_build
    from tracker.status.cache import invalidate

    with app.app_context():
        counter = StatementCounter(db.engine)
        commitment = db.session.scalar(select(Commitment).join(CooperationArea).where(
            CooperationArea.agreement_id == agreement_id, Commitment.removed_on.is_(None)).limit(1))
        admin = db.session.scalar(select(User).limit(1))
        started = time.perf_counter()
        if named:
            title = commitment.title[:-2] if commitment.title.endswith(" .") else commitment.title + " ."
            plan_edit.edit_commitment(commitment, {"code": commitment.code, "title": title}, None, None, admin,
                                      clock.today())
        else:
            invalidate()
        db.session.commit()
        edit_ms = (time.perf_counter() - started) * 1000
    response, view_ms, view_cpu, count = timed_view(client, counter, path)
    started = time.perf_counter()
    response.close()  # the queued rebuild (no Redis: after the response) runs now, untimed above
    with app.app_context():
        from tracker.models import StandingState

        if not named and db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) is None:
            standings_build.run()
    rebuild_ms = (time.perf_counter() - started) * 1000
    return edit_ms, view_ms, view_cpu, count, rebuild_ms


def statements(app, client, path: str) -> int:
    with app.app_context():
        counter = StatementCounter(db.engine)
    client.get(path)  # the session check of sign-in is cached after the first request
    counter.count = 0
    client.get(path)
    return counter.count


def page_bytes(client, path: str) -> int:
    return len(client.get(path).get_data())


def wire_bytes(client) -> tuple[int, int]:
    """(first visit, repeat visit) bytes of the dashboard with its assets, gzip accepted."""
    gz = {"Accept-Encoding": "gzip"}
    page = client.get("/", headers=gz)
    html = page.get_data()
    body = gzip.decompress(html).decode() if page.headers.get("Content-Encoding") == "gzip" else html.decode()
    assets = re.findall(r'(?:src|href)="(/(?:static|bootstrap|assets)/[^"]+)"', body)
    first = len(html) + sum(len(client.get(a, headers=gz).get_data()) for a in assets)
    repeat = len(client.get("/", headers=gz).get_data())
    for a in assets:
        r = client.get(a, headers=gz)
        if "immutable" in r.headers.get("Cache-Control", ""):
            continue  # the browser does not ask again
        etag = r.headers.get("ETag")
        again = client.get(a, headers={**gz, **({"If-None-Match": etag} if etag else {})})
        repeat += len(again.get_data())
    return first, repeat


def export_figures(url: str, email: str, fmt: str = "xlsx") -> tuple[float, float, int, int, int]:
    """Seconds, peak memory (MB, the whole process) and sizes of an XLSX (or, through the
    background job, a Word report) of every demo commitment."""
    out = subprocess.run([sys.executable, "-m", "tracker.tools.bench_export", url, email, fmt],  # nosec B603
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[2]), int(out[1]), int(out[3]), int(out[4])


def recompute_figures(full, email: str, password: str, log, client=None) -> None:
    """The first views after a change and of a new day (figures recomputed), both dashboards."""
    from tracker.models import Agreement

    client = client or signed_in(full, email, password)
    with full.app_context():
        one = db.session.scalar(select(Agreement.id).where(Agreement.code == "DEMO-0001"))
    for name, path in (("one agreement", f"/?agreement={one}"), ("all agreements", "/")):
        ms, count, cpu = uncached(full, client, path, agreement_id=one)
        log(f"dashboard, {name}, first view after a change (one update approved in one agreement, in process): "
            f"median {ms:.0f} ms ({cpu:.0f} ms CPU in this process), {count} statements "
            "(target < 300 ms, <= 12 statements)")
    for named in (True, False):
        edit, ms, cpu, count, rebuild = after_plan_edit(full, client, "/", one, named)
        log(f"dashboard, all agreements, first view after a plan edit {'naming its commitment' if named else 'naming none'}"
            f": edit {edit:.0f} ms, view {ms:.0f} ms ({cpu:.0f} ms CPU), {count} statements"
            + ("" if named else f"; the background rebuild then {rebuild / 1000:.1f} s"))
    for name, path in (("one agreement", f"/?agreement={one}"), ("all agreements", "/")):
        ms, count, cpu, refresh = new_day(full, client, path)
        log(f"dashboard, {name}, first view of a new day (in process): median {ms:.0f} ms ({cpu:.0f} ms CPU in this "
            f"process), {count} statements, {refresh} of them the refresh of the rows whose day came "
            "(target < 300 ms, <= 12 statements)")
    ms, count, cpu, run_ms, run_count = new_day(full, client, "/", scheduled=True, first=4)
    log(f"dashboard, all agreements, first view of a new day after the schedule's day-start run: median {ms:.0f} ms "
        f"({cpu:.0f} ms CPU), {count} statements; the run itself {run_ms:.0f} ms, {run_count} statements")


def in_process_figures(full, small, full_url: str, email: str, password: str, log) -> None:
    from tracker.models import Agreement, ProgressUpdate

    ids = {}
    for key, app in (("full", full), ("small", small)):
        with app.app_context():
            ids[key] = (db.session.scalar(select(Agreement.id).where(Agreement.code == "DEMO-0001")),
                        db.session.scalar(select(func.count(ProgressUpdate.id))))
    client, small_client = signed_in(full, email, password), signed_in(small, email, password)
    one, updates = ids["full"]
    recompute_figures(full, email, password, log, client)
    small_one, small_updates = ids["small"]
    for name, path_full, path_small in (("one agreement", f"/?agreement={one}", f"/?agreement={small_one}"),
                                        ("all agreements", "/", "/")):
        log(f"SQL statements per dashboard request (figures cached), {name}: "
            f"{statements(small, small_client, path_small)} at {small_updates:,} updates, "
            f"{statements(full, client, path_full)} at {updates:,} updates (target <= 12)")
    for name, path in (("dashboard, one agreement", f"/?agreement={one}"), ("dashboard, all agreements", "/"),
                       ("profile", "/profile")):
        log(f"page size, {name}: {page_bytes(client, path) / 1e3:.0f} KB of HTML (target < 150 KB)")
    first, repeat = wire_bytes(client)
    log(f"bytes on the wire (gzip): first visit {first / 1e6:.2f} MB (target < 2 MB), "
        f"repeat visit {repeat / 1e3:.0f} KB (target < 150 KB)")
    seconds, peak, rows, updates_rows, size = export_figures(full_url, email)
    log(f"XLSX export of {rows:,} commitments and {updates_rows:,} approved updates ({size / 1e6:.1f} MB): "
        f"{seconds:.1f} s, peak memory {peak:.0f} MB for the whole process (targets < 20 s, < 300 MB)")
    seconds, peak, rows, _updates, size = export_figures(full_url, email, "docx")
    log(f"Word report of {rows:,} commitments built by the background job ({size / 1e6:.1f} MB): "
        f"{seconds:.1f} s, peak memory {peak:.0f} MB for the whole process")

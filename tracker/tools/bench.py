"""``make bench``: the app served by gunicorn and measured over HTTP, then a few in-process figures.

Builds (once, then reuses) generated databases in ``instance/bench/`` at 1 %, 10 % and 100 %
of the national scale, serves each with ``gunicorn -w 2`` (``tracker.tools.bench_app``) and
loads it with wrk. One line per measured path, in the contract's form
``NAME: N req/s, ratio R, p50 X ms, p95 Y ms``, the ratio being to the bare JSON route of the
same server in the same run. PostgreSQL too when TRACKER_BENCH_DATABASE_URL is set (its 1 %
and 10 % databases are made beside it, named ``…_p01`` and ``…_p10``, unless
TRACKER_BENCH_SMALL_DATABASE_URL names the 1 % one; filled once; TRACKER_BENCH_FRESH=1 empties
them first). Figures only: nothing here passes or fails.
"""
from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.config import INSTANCE, database_url
from tracker.extensions import db
from tracker.tools import bench_http
from tracker.tools.bench_inprocess import in_process_figures, recompute_figures
from tracker.tools.bench_app import BARE_PATH

PASSWORD = "Bench-mark-Sông-Hồng-2026"  # nosec B105 # the bench database's own throwaway account
ADMIN = "bench.admin@example.com"
SECONDS = float(os.environ.get("TRACKER_BENCH_SECONDS", "3"))
CLIENTS = 16
WRITES_EACH = int(os.environ.get("TRACKER_BENCH_WRITES", "100"))  # the issue: 16 clients × 100 updates
SCALES = (("1 %", 0.01, "p01"), ("10 %", 0.1, "p10"), ("100 %", 1.0, "full"))


def log(message: str) -> None:
    print(message, flush=True)


def prepare(url: str, scale: float, fresh: bool) -> object:
    from flask_migrate import upgrade

    from tracker.models import Agreement, User
    from tracker.services import accounts
    from tracker.services.seed import seed
    from tracker.tools.demo_data import generate

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if fresh and db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        if not db.session.scalar(select(func.count(Agreement.id)).where(Agreement.code.like("DEMO-%"))):
            started = time.perf_counter()
            seed()
            counts = generate(scale, echo=lambda m: log(f"    {m}"))
            db.session.commit()
            log(f"  generated at scale {scale}: {counts} in {time.perf_counter() - started:.0f} s")
        _fold_search_text()
        from tracker.tools.demo_data import sync_sequences

        sync_sequences()  # databases generated before demo_data moved PostgreSQL's sequences on
        db.session.commit()
        if db.session.scalar(select(func.count(User.id)).where(User.email == ADMIN)) == 0:
            accounts.create_user(accounts.NewUser(email=ADMIN, role="admin", name="Bench"), PASSWORD)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would have (it is off on some development servers): each run's writes
            # and rebuilds leave dead rows and stale statistics behind, and plans drift with them.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE)"))
    return app


def _fold_search_text() -> None:
    """Databases generated before demo_data folded its search keys as the model does (it wrote
    ``title.lower()``, then the title alone without the code): fold them once, by the model's rule."""
    from tracker.domain.text import commitment_search_key
    from tracker.models import Commitment

    rows = db.session.execute(select(Commitment.id, Commitment.code, Commitment.title, Commitment.description,
                                     Commitment.deliverable, Commitment.source_text, Commitment.search_text)
                              .where(Commitment.is_demo.is_(True))).all()
    stale = [{"id": row.id, "search_text": key} for row in rows
             if (key := commitment_search_key(row.code, row.title, row.description, row.deliverable,
                                              row.source_text)) != row.search_text]
    if stale:
        from sqlalchemy import update

        db.session.execute(update(Commitment), stale)
        db.session.commit()
        log(f"  folded the search keys of {len(stale):,} generated commitments")


def facts(app) -> dict:
    """Ids the measured paths need, and the data's size."""
    from tracker.models import Agreement, Commitment, CooperationArea, ProgressUpdate

    with app.app_context():
        one = db.session.scalar(select(Agreement.id).where(Agreement.code == "DEMO-0001"))
        commitments = db.session.scalars(
            select(Commitment.id).join(CooperationArea).where(CooperationArea.agreement_id == one,
                                                              CooperationArea.restricted.is_(False))
            .order_by(Commitment.id).limit(CLIENTS)).all()
        # The page measured is not one the bench writes to: each run adds progress to those above,
        # and a timeline that grows from run to run would make the figure drift.
        page = db.session.scalar(
            select(Commitment.id).join(CooperationArea).where(CooperationArea.agreement_id == one,
                                                              CooperationArea.restricted.is_(False))
            .order_by(Commitment.id).offset(CLIENTS))
        updates = db.session.scalar(select(func.count(ProgressUpdate.id)))
    return {"one": one, "commitments": commitments, "page": page, "updates": updates}


def line(name: str, load: bench_http.Load, ceiling: float) -> None:
    errors = load.bad_status + load.socket_errors
    note = f", {errors} errors" if errors else ""
    log(f"{name}: {load.rate:.1f} req/s, ratio {load.rate / ceiling if ceiling else 0:.3f}, "
        f"p50 {load.p50_ms:.1f} ms, p95 {load.p95_ms:.1f} ms{note}")


def measure(port: int, client: bench_http.Client, path: str, body: str | None = None) -> bench_http.Load:
    if body is None:  # warm every worker (figures computed once each), several requests at a time
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: client.request("GET", path, headers={"Accept-Encoding": "gzip"}), range(8)))
    return bench_http.wrk(port, path, client.cookie_header(), seconds=SECONDS, body=body)


def drained_measure(port: int, client: bench_http.Client, path: str, body: str | None = None) -> bench_http.Load:
    """``measure`` after a pause: the requests still queued from the last measurement finish first."""
    time.sleep(1)
    return measure(port, client, path, body)


def ratio_lines(port: int, client: bench_http.Client, measured: list[tuple[str, str, str | None]],
                show_ceiling: bool = True) -> dict[str, bench_http.Load]:
    """Measure the bare route, then each path, then the bare route again; print each path's line as
    a ratio to the mean of the two ceilings (on a shared machine the load moves within a run)."""
    before = drained_measure(port, client, BARE_PATH)
    loads = {name: drained_measure(port, client, path, body) for name, path, body in measured}
    after = drained_measure(port, client, BARE_PATH)
    ceiling = (before.rate + after.rate) / 2
    if show_ceiling:
        line("bare JSON route (the ceiling)", before, before.rate)
        log(f"  (measured again after the paths: {after.rate:.1f} req/s; ratios are to the mean, {ceiling:.1f})")
    for name, load in loads.items():
        line(name, load, ceiling)
    log(f"  (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return loads


def paths(f: dict) -> list[tuple[str, str]]:
    search = urlencode({"q": "chuyển đổi số"})
    return [
        ("healthz", "/healthz"),
        ("profile", "/profile"),
        ("dashboard one agreement", f"/?agreement={f['one']}"),
        ("dashboard all agreements", "/"),
        ("dashboard.json", f"/dashboard.json?agreement={f['one']}"),
        ("commitment search", f"/commitments?{search}"),
        ("commitment page", f"/commitments/{f['page']}"),
    ]


def http_figures(urls: dict[str, str], apps: dict[str, object], only: list[str] | None = None) -> None:
    full = facts(apps["full"])
    cache = "Redis (TRACKER_REDIS_URL)" if os.environ.get("TRACKER_REDIS_URL") else "in-process"
    log(f"served by gunicorn -w 2, {cache} cache; wrk 1 thread, {CLIENTS} connections, {SECONDS:.0f} s per line, "
        f"gzip accepted; ratios to the bare route measured before and after the paths; "
        f"{full['updates']:,} approved updates at 100 %")
    log("targets: ratio profile >= 0.15, dashboard one >= 0.10, all >= 0.05, dashboard.json >= 0.15, "
        "search >= 0.08, commitment page >= 0.10; p95 < 150 ms (all agreements < 400 ms)")
    with bench_http.serve(urls["full"]) as port:
        client = bench_http.Client(port).sign_in(ADMIN, PASSWORD)
        target = f"/commitments/{full['commitments'][-1]}/progress/new"
        body = urlencode({"csrf_token": client.csrf(target), "state": "in_progress", "percent": "40",
                          "as_of": date.today().isoformat(), "results": "Bench", "action": "submit"})
        measured = [(name, path, None) for name, path in paths(full)]
        measured += [("progress submission", target, body + f"&form_token=wrk-{uuid.uuid4().hex}-{{n}}")]
        if only:
            measured = [m for m in measured if any(o == m[0] for o in only)]
        ratio_lines(port, client, measured)
        if only:
            return
        writes(port, apps["full"], full)
    if all(key in apps for _label, _scale, key in SCALES):  # not under --http-only, which builds 100 % alone
        growth(urls, apps)


def growth(urls: dict[str, str], apps: dict[str, object]) -> None:
    """The dashboard's p95 at 1 %, 10 % and 100 % of the data (target: less than 2× from 1 % to 100 %)."""
    p95 = {}
    for label, _scale, key in SCALES:
        f = facts(apps[key])
        with bench_http.serve(urls[key]) as port:
            client = bench_http.Client(port).sign_in(ADMIN, PASSWORD)
            names = {"one agreement": f"/?agreement={f['one']}", "all agreements": "/"}
            loads = ratio_lines(port, client, [(f"growth, dashboard {name} at {label} ({f['updates']:,} updates)", path,
                                                None) for name, path in names.items()], show_ceiling=False)
            for name in names:
                p95[(name, key)] = loads[f"growth, dashboard {name} at {label} ({f['updates']:,} updates)"].p95_ms
    for name in ("one agreement", "all agreements"):
        log(f"growth, dashboard {name}: p95 at 100 % / p95 at 1 % = "
            f"{p95[(name, 'full')] / max(p95[(name, 'p01')], 0.001):.2f} (target < 2)")


def writes(port: int, app, f: dict) -> None:
    """16 clients sign in at once, then each submits WRITES_EACH progress updates: each stored exactly once?"""
    from tracker.models import ProgressUpdate

    run_id = uuid.uuid4().hex[:12]
    seconds, statuses = bench_http.contention(port, ADMIN, PASSWORD, f["commitments"], CLIENTS, WRITES_EACH, run_id,
                                              date.today().isoformat())
    with app.app_context():
        stored = db.session.scalar(select(func.count(ProgressUpdate.id))
                                   .where(ProgressUpdate.form_token.like(f"bench-{run_id}-%")))
        distinct = db.session.scalar(select(func.count(func.distinct(ProgressUpdate.form_token)))
                                     .where(ProgressUpdate.form_token.like(f"bench-{run_id}-%")))
    sent = CLIENTS * WRITES_EACH
    answers = ", ".join(f"{n} × {status}" for status, n in sorted(statuses.items(), key=str))
    verdict = "each stored exactly once" if stored == distinct == sent and statuses.get(302) == sent else "NOT SAFE"
    log(f"writes under contention: {CLIENTS} clients × {WRITES_EACH} progress submissions = {sent}: "
        f"{stored} stored ({distinct} distinct), answers {answers}; {verdict}; "
        f"{sent / seconds:.1f} submissions/s over {seconds:.1f} s including the {CLIENTS} simultaneous sign-ins")


def run(label: str, urls: dict[str, str], fresh: bool, options=None) -> None:
    log(f"\n== {label} ==")
    only = options.only if options else None
    if options and options.recompute_only:
        recompute_figures(prepare(urls["full"], 1.0, fresh), ADMIN, PASSWORD, log)
        return
    keys = ("full",) if only or (options and options.http_only) else [k for _l, _s, k in SCALES]
    apps = {key: prepare(urls[key], scale, fresh) for _label, scale, key in SCALES if key in keys}
    if not (options and options.in_process_only):
        http_figures(urls, apps, only)
    if not only and not (options and options.http_only):
        in_process_figures(apps["full"], apps["p01"], urls["full"], ADMIN, PASSWORD, log)


def arguments(argv=None):
    """``--only NAME`` (repeatable: a path's name as printed, e.g. ``--only profile``) measures those
    paths alone at 100 % over HTTP; ``--sqlite-only`` / ``--postgresql-only`` pick the database;
    ``--in-process-only`` skips the HTTP figures; ``--http-only`` the in-process ones and the growth;
    ``--recompute-only`` measures only the figures' recomputation (after a change, on a new day)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tracker.tools.bench")
    parser.add_argument("--only", action="append", help="a measured path's name (repeatable)")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--in-process-only", action="store_true")
    parser.add_argument("--http-only", action="store_true")
    parser.add_argument("--recompute-only", action="store_true",
                        help="only the dashboard's first views after a change and of a new day, at 100 %%")
    return parser.parse_args(argv)


def database_beside(url: str, suffix: str) -> str:
    """A PostgreSQL database next to ``url`` named ``<name>_<suffix>``, created when missing."""
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    from sqlalchemy import create_engine

    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def main(argv=None) -> None:
    options = arguments(argv)
    log(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start")
    bench = INSTANCE / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    if not options.postgresql_only:
        run("SQLite", {key: f"sqlite:///{bench / f'{key}.sqlite3'}" for _l, _s, key in SCALES}, False, options)
    pg = os.environ.get("TRACKER_BENCH_DATABASE_URL")
    if options.sqlite_only:
        pass
    elif pg:
        full = database_url(pg)
        small = os.environ.get("TRACKER_BENCH_SMALL_DATABASE_URL")
        urls = {"full": full, "p01": database_url(small) if small else database_beside(full, "p01"),
                "p10": database_beside(full, "p10")}
        run("PostgreSQL", urls, os.environ.get("TRACKER_BENCH_FRESH") == "1", options)
    else:
        log("\nPostgreSQL: skipped (set TRACKER_BENCH_DATABASE_URL to run it)")


if __name__ == "__main__":
    sys.exit(main())

"""``make bench``: the dashboard's speed, its SQL statements, bytes on the wire, and a large export.

Builds (once, then reuses) a full-scale generated database in ``instance/bench/`` and a
small one, then prints figures. PostgreSQL too when TRACKER_BENCH_DATABASE_URL is set
(filled once; TRACKER_BENCH_FRESH=1 empties it first). Figures only: nothing here passes or fails.
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import time

from sqlalchemy import event, func, select, text

from tracker import create_app
from tracker.config import INSTANCE, database_url
from tracker.extensions import db

PASSWORD = "Bench-mark-Sông-Hồng-2026"  # nosec B105 # the bench database's own throwaway account
ADMIN = "bench.admin@example.com"


def log(message: str) -> None:
    print(message, flush=True)


def prepare(url: str, scale: float, fresh: bool) -> object:
    from flask_migrate import upgrade

    from tracker.tools.demo_data import generate
    from tracker.models import Agreement, User
    from tracker.services import accounts
    from tracker.services.seed import seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
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
        if db.session.scalar(select(func.count(User.id)).where(User.email == ADMIN)) == 0:
            accounts.create_user(accounts.NewUser(email=ADMIN, role="admin", name="Bench"), PASSWORD)
            db.session.commit()
    return app


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args, **kwargs):
        self.count += 1


def signed_in(app):
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"email": ADMIN, "password": PASSWORD})
    assert client.get("/").status_code == 200, "bench sign-in failed"  # nosec B101 # a bench run, not the app
    return client


def timings(client, path: str, n: int = 50) -> tuple[float, float]:
    client.get(path)  # warm up
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)  # nosec B101 # a bench run, not the app
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def uncached(app, client, path: str, n: int = 5) -> tuple[float, int]:
    """Median ms and statements of the first view after a change (the figures recomputed)."""
    from tracker.status.cache import invalidate

    samples, counts = [], []
    with app.app_context():
        counter = StatementCounter(db.engine)
    for _ in range(n):
        with app.app_context():
            invalidate()
            db.session.commit()
        counter.count = 0
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        counts.append(counter.count)
    return statistics.median(samples), max(counts)


def statements(app, client, path: str) -> int:
    with app.app_context():
        counter = StatementCounter(db.engine)
    client.get(path)  # the session check of sign-in is cached after the first request
    counter.count = 0
    client.get(path)
    return counter.count


def wire_bytes(client) -> tuple[int, int]:
    """(first visit, repeat visit) bytes of the dashboard with its assets, gzip accepted."""
    gz = {"Accept-Encoding": "gzip"}
    page = client.get("/", headers=gz)
    html = page.get_data()
    import gzip as gzip_module

    body = gzip_module.decompress(html).decode() if page.headers.get("Content-Encoding") == "gzip" else html.decode()
    assets = re.findall(r'(?:src|href)="(/(?:static|bootstrap|assets)/[^"]+)"', body)
    first = len(html) + sum(len(client.get(a, headers=gz).get_data()) for a in assets)
    repeat = len(client.get("/", headers=gz).get_data())
    for a in assets:
        r = client.get(a, headers=gz)
        cache = r.headers.get("Cache-Control", "")
        if "immutable" in cache:
            continue  # the browser does not ask again
        etag = r.headers.get("ETag")
        again = client.get(a, headers={**gz, **({"If-None-Match": etag} if etag else {})})
        repeat += len(again.get_data())
    return first, repeat


def export_figures(url: str) -> tuple[float, float, int, int, int]:
    """Seconds, peak memory (MB, the whole process) and sizes of an XLSX of every demo commitment."""
    import subprocess  # nosec B404 # runs this package's own export bench in a fresh process

    out = subprocess.run([sys.executable, "-m", "tracker.tools.bench_export", url, ADMIN], check=True,  # nosec B603
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[2]), int(out[1]), int(out[3]), int(out[4])


def run(label: str, full_url: str, small_url: str, fresh: bool) -> None:
    log(f"\n== {label} ==")
    small = prepare(small_url, 0.001, fresh)
    full = prepare(full_url, 1.0, fresh)
    with full.app_context():
        from tracker.models import Agreement, ProgressUpdate

        one = db.session.scalar(select(Agreement.id).where(Agreement.code == "DEMO-0001"))
        updates = db.session.scalar(select(func.count(ProgressUpdate.id)))
    with small.app_context():
        small_one = db.session.scalar(select(Agreement.id).where(Agreement.code == "DEMO-0001"))
        small_updates = db.session.scalar(select(func.count(ProgressUpdate.id)))
    client = signed_in(full)
    median, p95 = timings(client, f"/?agreement={one}")
    log(f"dashboard, one agreement:  median {median:.0f} ms, p95 {p95:.0f} ms  (target p95 < 150 ms on SQLite)")
    median, p95 = timings(client, "/")
    log(f"dashboard, all agreements: median {median:.0f} ms, p95 {p95:.0f} ms  (target p95 < 400 ms on SQLite)")
    for name, path in (("one agreement", f"/?agreement={one}"), ("all agreements", "/")):
        ms, count = uncached(full, client, path)
        log(f"dashboard, {name}, first view after a change (figures recomputed): median {ms:.0f} ms, "
            f"{count} statements")
    small_client = signed_in(small)
    for name, path_full, path_small in (("one agreement", f"/?agreement={one}", f"/?agreement={small_one}"),
                                        ("all agreements", "/", "/")):
        log(f"SQL statements per dashboard request (figures cached), {name}: "
            f"{statements(small, small_client, path_small)} at {small_updates:,} updates, "
            f"{statements(full, client, path_full)} at {updates:,} updates (target <= 12)")
    first, repeat = wire_bytes(client)
    log(f"bytes on the wire (gzip): first visit {first / 1e6:.2f} MB (target < 2 MB), "
        f"repeat visit {repeat / 1e3:.0f} KB (target < 150 KB)")
    seconds, peak, rows, updates_rows, size = export_figures(full_url)
    log(f"XLSX export of {rows:,} commitments and {updates_rows:,} approved updates ({size / 1e6:.1f} MB): "
        f"{seconds:.1f} s, peak memory {peak:.0f} MB for the whole process (targets < 20 s, < 300 MB)")


def main() -> None:
    bench = INSTANCE / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    run("SQLite", f"sqlite:///{bench / 'full.sqlite3'}", f"sqlite:///{bench / 'small.sqlite3'}", fresh=False)
    pg = os.environ.get("TRACKER_BENCH_DATABASE_URL")
    if pg:
        small_pg = os.environ.get("TRACKER_BENCH_SMALL_DATABASE_URL")
        if small_pg:
            run("PostgreSQL", database_url(pg), database_url(small_pg), fresh=os.environ.get("TRACKER_BENCH_FRESH") == "1")
        else:
            log("\nPostgreSQL: set TRACKER_BENCH_SMALL_DATABASE_URL too (a second, small database)")
    else:
        log("\nPostgreSQL: skipped (set TRACKER_BENCH_DATABASE_URL to run it)")


if __name__ == "__main__":
    sys.exit(main())

"""``make bench`` over HTTP: gunicorn serving the app, wrk for the load, a small client for sign-in and writes.

The app runs as it would in production (``gunicorn -w 2``), on the database being measured;
the load comes from wrk (Debian's package, ``scripts/system-deps.sh``), one thread, so that
the client takes as little of the machine's two cores as it can. Every figure is also given
as a ratio to ``/bench/bare`` (``tracker.tools.bench_app``) measured the same way in the same
run: the machine's speed and the load tool's share of it cancel out of the ratio.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess  # nosec B404 # starts this package's own server and Debian's wrk, no shell
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

# wrk's script: a unique form_token per POST ({n} in the body), and the figures on one line.
WRK_SCRIPT = r"""
local template = os.getenv("BENCH_BODY")
local counter = 0
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
request = function()
  if template then
    counter = counter + 1
    local body = string.gsub(template, "{n}", tostring(tid) .. "-" .. tostring(counter))
    return wrk.format("POST", nil, nil, body)
  end
  return wrk.request()
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    bad_status: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(database_url: str, workers: int = 2, extra_env: dict | None = None,
          app: str = "tracker.tools.bench_app:create()"):
    """gunicorn with ``workers`` processes serving ``app`` on the database; yields its port."""
    port = free_port()
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url,
           # the bench signs in many clients from one address; the throttle is not what is measured
           "TRACKER_LOGIN_LIMIT_PER_ADDRESS": "100000 per minute", "TRACKER_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
           "TRACKER_SCHEDULE": "off",  # no reminders run in the middle of a measurement
           **(extra_env or {})}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(  # nosec B603 # fixed arguments
        [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning",
         app], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Client:
    """One browser: keeps its cookies, follows no redirects."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if not value or "Max-Age=0" in header or "01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, response.headers, data

    def csrf(self, path: str) -> str:
        status, _headers, data = self.request("GET", path)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', data.decode())
        if status != 200 or not found:
            raise RuntimeError(f"no form at {path} ({status})")
        return found.group(1)

    def sign_in(self, email: str, password: str) -> Client:
        token = self.csrf("/login")
        status, headers, _ = self.request("POST", "/login", {"email": email, "password": password, "csrf_token": token})
        if status != 302 or "/login" in (headers.get("Location") or ""):
            raise RuntimeError(f"bench sign-in failed ({status})")
        return self


def wrk(port: int, path: str, cookie: str = "", seconds: float = 3, connections: int = 16,
        body: str | None = None) -> Load:
    """wrk, one thread, ``connections`` clients for ``seconds``; ``body`` makes it POST a form."""
    tool = shutil.which("wrk")
    if tool is None:
        raise RuntimeError("wrk is missing: make install (scripts/system-deps.sh) installs it")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [tool, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s", "-s", script.name,
               "-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    env = dict(os.environ)
    if body is not None:
        command += ["-H", "Content-Type: application/x-www-form-urlencoded"]
        env["BENCH_BODY"] = body
    try:
        out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,  # nosec B603
                             env=env, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    requests, micros, p50, p95, bad, errors = (int(x) for x in line.split()[1:])
    return Load(requests, micros / 1e6, p50 / 1000, p95 / 1000, bad, errors)


def contention(port: int, email: str, password: str, commitment_ids: list[int], clients: int, each: int,
               run_id: str, as_of: str) -> tuple[float, Counter]:
    """``clients`` browsers sign in at once, then each submits ``each`` progress updates; (seconds, statuses)."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    ready = threading.Barrier(clients)

    def one(n: int) -> None:
        local: Counter = Counter()
        try:
            client = Client(port).sign_in(email, password)
            commitment = commitment_ids[n % len(commitment_ids)]
            path = f"/commitments/{commitment}/progress/new"
            token = client.csrf(path)
            ready.wait()
            for i in range(each):
                status, _h, _b = client.request("POST", path, {
                    "csrf_token": token, "state": "in_progress", "percent": "50", "as_of": as_of,
                    "results": "Bench", "form_token": f"bench-{run_id}-{n}-{i}", "action": "submit"})
                local[status] += 1
        except Exception as exc:  # counted, and shown in the figures
            local[f"error: {type(exc).__name__}: {exc}"] += 1
            ready.abort()
        with lock:
            statuses.update(local)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, statuses

"""A real browser against the app served on a free local port with a fresh database.

Debian's Chromium is used (no browser can be downloaded here). Without it the browser
tests are skipped with the reason shown, except under CI=true, where that is a failure.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ACCOUNTS = {
    "officer": ("canbo@example.com", ["--role", "officer", "--agency", "TN-STC", "--name", "Cán bộ Sở Tài chính"]),
    "coordinator": ("daumoi@example.com", ["--role", "coordinator", "--province", "TN", "--name", "Đầu mối Thái Nguyên"]),
    "leader": ("lanhdao@example.com", ["--role", "viewer", "--name", "Lãnh đạo tỉnh"]),
    "partner": ("daumoi.bn@example.com", ["--role", "coordinator", "--province", "BN", "--name", "Đầu mối Bắc Ninh"]),
    # switches to English in a test: a preference that sticks, so nobody else signs in with it
    "bilingual": ("song.ngu@example.com", ["--role", "viewer", "--name", "Người đọc song ngữ"]),
}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_path():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing; under CI the browser tests must run (.ci/run installs it with apt)")
        pytest.skip("Chromium not installed: browser tests skipped (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Migrate, seed and serve a fresh SQLite database with the real CLI."""
    tmp = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp / 'live.sqlite3'}",
        "TRACKER_UPLOAD_DIR": str(tmp / "uploads"),
        "TRACKER_REPORT_JOB_DIR": str(tmp / "report-files"),  # not instance/'s: each xdist worker has its server
        "TRACKER_SECRET_KEY": "browser-test",
        "TRACKER_SCHEDULE": "off",  # no hourly reminders run (closures, notifications) in the middle of a journey
        "FLASK_APP": "tracker",
    }
    flask = [sys.executable, "-m", "flask", "--app", "tracker"]

    def run(*args, stdin=None):
        subprocess.run([*flask, *args], env=env, cwd=ROOT, check=True, input=stdin, text=True, capture_output=True)

    run("db", "upgrade")
    run("seed")
    for email, options in ACCOUNTS.values():
        run("users", "create", email, *options, "--password-stdin", stdin=PASSWORD + "\n")
    port = _free_port()
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(
        [*flask, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail("the app did not start:\n" + (tmp / "server.log").read_text())
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser(browser_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()

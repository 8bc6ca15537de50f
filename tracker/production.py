"""``flask --app tracker check-config``: what in this configuration is unsafe for production.

One line per problem, then exit 1; ``ok`` and exit 0 when there is none. ``--workers`` is
the number of app processes that will serve (gunicorn's ``-w``; default ``WEB_CONCURRENCY``,
else 2, the README's production profile): several processes need PostgreSQL and Redis.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import click
from flask import current_app
from flask.cli import with_appcontext

MIN_SECRET_LENGTH = 32


def problems(config: Mapping, environ: Mapping, workers: int) -> list[str]:
    """Each unsafe setting, in words an operator acts on."""
    found = []
    secret = environ.get("TRACKER_SECRET_KEY")
    if not secret:
        found.append("secret key: generated into instance/secret_key, not set by TRACKER_SECRET_KEY "
                     "(set it from your secret store; every process must share it)")
    elif len(secret) < MIN_SECRET_LENGTH:
        found.append(f"secret key: TRACKER_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    if config.get("TRACKER_ENV") != "production":
        found.append("TRACKER_ENV is not 'production': demo accounts allowed, no HSTS")
    if not (config.get("SESSION_COOKIE_SECURE") and config.get("REMEMBER_COOKIE_SECURE")):
        found.append("cookies are sent without HTTPS (Secure is off: TRACKER_ENV=production turns it on)")
    if not str(environ.get("TRACKER_BASE_URL", "")).startswith("https://"):
        found.append("TRACKER_BASE_URL is not an https:// address (links in reminder mail)")
    if not config.get("PROXIES"):
        found.append("TRACKER_PROXIES is 0: behind a reverse proxy every person would share the proxy's address "
                     "(sign-in throttling) and links would say http (set it to the number of proxies in front)")
    database = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if database.startswith("sqlite") and workers > 1:
        found.append(f"SQLite with {workers} processes: writers queue on one file lock "
                     "(set TRACKER_DATABASE_URL to PostgreSQL)")
    if workers > 1 and not config.get("REDIS_URL"):
        found.append(f"no Redis with {workers} processes: background jobs run inside the web processes and "
                     "caches are per process (set TRACKER_REDIS_URL)")
    if workers > 1 and str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        found.append(f"sign-in throttling counts in each of {workers} processes' memory, so an attacker gets "
                     f"{workers} times the attempts (set TRACKER_REDIS_URL)")
    return found


@click.command("check-config")
@click.option("--workers", type=click.IntRange(1, 1024), default=lambda: int(os.environ.get("WEB_CONCURRENCY", "2")),
              show_default="WEB_CONCURRENCY, else 2", help="App processes that will serve (gunicorn -w).")
@with_appcontext
def check_config_command(workers: int) -> None:
    """List what is unsafe for production; exit 1 when anything is."""
    found = problems(current_app.config, os.environ, workers)
    for problem in found:
        click.echo(f"unsafe: {problem}")
    if found:
        click.echo(f"{len(found)} unsafe setting(s)", err=True)
        sys.exit(1)
    click.echo("ok: nothing unsafe found")

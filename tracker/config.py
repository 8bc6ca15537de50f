"""Configuration read from the environment (``TRACKER_*``); no secrets in code."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _secret_key(env: str) -> str:
    key = os.environ.get("TRACKER_SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise RuntimeError("TRACKER_SECRET_KEY must be set when TRACKER_ENV=production")
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def letterheads(path: str | None) -> dict:
    """The report letterheads' defaults per profile (``data/letterheads.yaml`` unless
    ``TRACKER_LETTERHEADS`` names another file)."""
    source = Path(path) if path else Path(__file__).resolve().parent / "data" / "letterheads.yaml"
    return yaml.safe_load(source.read_text(encoding="utf-8")) or {}


def database_url(url: str | None) -> str:
    """Default to the embedded SQLite file; accept plain ``postgresql://`` URLs."""
    if not url:
        INSTANCE.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE / 'tracker.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def from_environment() -> dict:
    env = os.environ.get("TRACKER_ENV", "development")
    production = env == "production"
    return {
        "TRACKER_ENV": env,
        "SECRET_KEY": _secret_key(env),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("TRACKER_DATABASE_URL")),
        # No pre-ping: a pooled connection the server has closed is found without a round trip
        # (tracker.postgresql, on checkout); one that breaks during a request invalidates the pool.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "UPLOAD_DIR": os.environ.get("TRACKER_UPLOAD_DIR", str(INSTANCE / "uploads")),
        # Where `backup` and `restore` look for pg_dump/pg_restore first (else PATH, then Debian's).
        "PG_BIN": os.environ.get("TRACKER_PG_BIN") or None,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "PAGE_SIZE": 25,
        "DUE_SOON_DAYS": 7,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # ASVS 4.0.3 V3.3.2 (level 2): sign in again after 30 idle minutes or 12 hours.
        "SESSION_IDLE_MINUTES": int(os.environ.get("TRACKER_SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("TRACKER_SESSION_ABSOLUTE_HOURS", "12")),
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        # Activity is tracked server-side (user_sessions); the cookie need not be rewritten on
        # every request, which would also put Set-Cookie on cacheable assets.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_NAME": "__Host-tracker" if production else "tracker",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Sign-in throttling (Flask-Limiter): memory by default, Redis when several processes share it
        # (TRACKER_REDIS_URL serves unless TRACKER_RATELIMIT_STORAGE_URL names another store).
        "RATELIMIT_STORAGE_URI": os.environ.get("TRACKER_RATELIMIT_STORAGE_URL")
        or os.environ.get("TRACKER_REDIS_URL") or "memory://",
        # Redis for the job queue and the shared caches (README, Production); unset: in-process.
        "REDIS_URL": os.environ.get("TRACKER_REDIS_URL") or None,
        # The hourly reminders run (tracker.schedule): by the worker with Redis, else in the app
        # process; "off" when cron runs `reminders send` instead (and in `make bench`).
        "SCHEDULE": os.environ.get("TRACKER_SCHEDULE", "on") != "off",
        # Reverse proxies in front (README, Production): their X-Forwarded-For/-Proto/-Host are
        # trusted, so throttling sees each person's address and links say https.
        "PROXIES": int(os.environ.get("TRACKER_PROXIES", "0")),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "tracker",
        # The JSON API, per personal access token (a browser session: per user).
        "API_RATE_LIMIT": os.environ.get("TRACKER_API_RATE_LIMIT", "300 per minute"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("TRACKER_LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("TRACKER_LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        # The account as a whole (failures from every address): after this many within the
        # window, attempts from unknown browsers wait 2 s, then 4, 8 … up to the maximum.
        "LOGIN_ACCOUNT_FREE_FAILURES": int(os.environ.get("TRACKER_LOGIN_ACCOUNT_FREE_FAILURES", "10")),
        "LOGIN_ACCOUNT_FIRST_DELAY": 2,
        "LOGIN_ACCOUNT_MAX_DELAY": int(os.environ.get("TRACKER_LOGIN_ACCOUNT_MAX_DELAY", "60")),
        "LOGIN_ACCOUNT_WINDOW": 15 * 60,
        # Refused requests (403) in the audit log: one per person and endpoint this often,
        # and at most this many per person an hour, so forbidden pages cannot flood it.
        "AUDIT_REFUSAL_EVERY_SECONDS": 60,
        "AUDIT_REFUSALS_PER_HOUR": 60,
        # Werkzeug method for new password hashes; scrypt in every deployment (the tests
        # set a cheap one). Not read from the environment, so it cannot be weakened by accident.
        "PASSWORD_HASH_METHOD": "scrypt",  # nosec B105 # the name of a hashing method, not a password
        "TOTP_ISSUER": "Theo doi hop tac lien tinh",
        # Fernet key(s) for TOTP secrets at rest, comma-separated (the first encrypts);
        # unset: derived from SECRET_KEY (tracker.crypto).
        "TOTP_KEYS": os.environ.get("TRACKER_TOTP_KEY"),
        # Pages and JSON go out gzip-compressed (slow networks); files for download do not.
        "COMPRESS_MIMETYPES": ["text/html", "application/json", "text/css", "application/javascript", "text/javascript"],
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_MIN_SIZE": 1024,
        # Level 1, not Flask-Compress's 6: on a 70 KB dashboard page 6 costs ~1.3 ms of CPU a request
        # against ~0.4 ms for 1, for a body only ~15 % smaller (12 KB against 10.5 KB).
        "COMPRESS_LEVEL": 1,
        "REPORT_LETTERHEADS": letterheads(os.environ.get("TRACKER_LETTERHEADS")),
        # Word and PDF reports above this many commitments are built in the background (a job).
        "REPORT_DOCUMENT_MAX_ROWS": int(os.environ.get("TRACKER_REPORT_DOCUMENT_MAX_ROWS", "2000")),
        # Where those jobs put their files (never under static), and how many days they are kept.
        "REPORT_JOB_DIR": os.environ.get("TRACKER_REPORT_JOB_DIR", str(INSTANCE / "report-files")),
        "REPORT_JOB_KEEP_DAYS": int(os.environ.get("TRACKER_REPORT_JOB_KEEP_DAYS", "7")),
        # Evidence files: a limit per file, and one per request (Flask answers 413 beyond it).
        "EVIDENCE_MAX_BYTES": int(os.environ.get("TRACKER_EVIDENCE_MAX_MB", "20")) * 1024 * 1024,
        "MAX_CONTENT_LENGTH": int(os.environ.get("TRACKER_REQUEST_MAX_MB", "60")) * 1024 * 1024,
    }

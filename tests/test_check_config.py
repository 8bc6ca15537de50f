"""``flask check-config``: unsafe production settings are listed and make it exit non-zero."""
import pytest

from tracker.production import problems

SAFE_CONFIG = {
    "TRACKER_ENV": "production", "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://tracker@db/tracker", "REDIS_URL": "redis://cache:6379/0",
    "RATELIMIT_STORAGE_URI": "redis://cache:6379/0", "PROXIES": 1,
}
SAFE_ENV = {"TRACKER_SECRET_KEY": "k" * 64, "TRACKER_BASE_URL": "https://hoptac.example.gov.vn"}


def test_a_production_profile_has_nothing_unsafe():
    assert problems(SAFE_CONFIG, SAFE_ENV, workers=4) == []


@pytest.mark.parametrize("config, env, workers, word", [
    ({}, {"TRACKER_SECRET_KEY": ""}, 1, "secret key: generated"),
    ({}, {"TRACKER_SECRET_KEY": "short"}, 1, "shorter than 32"),
    ({"TRACKER_ENV": "development"}, {}, 1, "TRACKER_ENV is not 'production'"),
    ({"SESSION_COOKIE_SECURE": False}, {}, 1, "without HTTPS"),
    ({}, {"TRACKER_BASE_URL": "http://hoptac.example.gov.vn"}, 1, "not an https://"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/tracker.sqlite3"}, {}, 2, "SQLite with 2 processes"),
    ({"REDIS_URL": None}, {}, 3, "no Redis with 3 processes"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, {}, 2, "each of 2 processes' memory"),
    ({"PROXIES": 0}, {}, 1, "TRACKER_PROXIES is 0"),
])
def test_each_unsafe_setting_is_named(config, env, workers, word):
    found = problems({**SAFE_CONFIG, **config}, {**SAFE_ENV, **env}, workers)
    assert len(found) == 1 and word in found[0]


def test_one_process_may_use_sqlite_and_no_redis():
    config = {**SAFE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite:////srv/t.sqlite3", "REDIS_URL": None,
              "RATELIMIT_STORAGE_URI": "memory://"}
    assert problems(config, SAFE_ENV, workers=1) == []


def test_the_command_exits_non_zero_on_the_development_defaults(runner, monkeypatch):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    result = runner.invoke(args=["check-config", "--workers", "2"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("unsafe: ")]
    assert any("SQLite with 2 processes" in line for line in lines) or "postgresql" in runner.app.config[
        "SQLALCHEMY_DATABASE_URI"]
    assert any("secret key" in line for line in lines)


def test_the_command_says_ok_for_a_production_profile(runner, monkeypatch):
    for key, value in SAFE_CONFIG.items():
        monkeypatch.setitem(runner.app.config, key, value)
    for key, value in SAFE_ENV.items():
        monkeypatch.setenv(key, value)
    result = runner.invoke(args=["check-config", "--workers", "4"])
    assert result.exit_code == 0 and result.output.strip() == "ok: nothing unsafe found"


def test_behind_a_trusted_proxy_the_forwarded_address_and_scheme_count(tmp_path):
    from flask import request

    from tracker import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't.sqlite3'}",
                      "SECRET_KEY": "x", "PROXIES": 1})
    seen = {}

    @app.get("/__where")
    def where():
        seen.update(address=request.remote_addr, scheme=request.scheme)
        return ""

    from tracker.permissions import ENDPOINT_ACCESS, Access

    ENDPOINT_ACCESS["where"] = Access.PUBLIC
    try:
        app.test_client().get("/__where", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    finally:
        del ENDPOINT_ACCESS["where"]
    assert seen == {"address": "203.0.113.9", "scheme": "https"}

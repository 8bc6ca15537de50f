"""tracker.jobs and tracker.schedule: one call to queue work, whatever runs it."""
from datetime import datetime, timezone

import pytest

from tracker import jobs, schedule


@pytest.fixture
def calls(monkeypatch):
    seen = []
    monkeypatch.setattr(schedule, "run_reminders", lambda day=None: seen.append(day))
    return seen


def test_without_redis_a_job_runs_at_once_outside_a_request(app, calls):
    with app.app_context():
        jobs.enqueue("tracker.schedule:run_reminders", "2026-11-26")
    assert calls == ["2026-11-26"]


def test_inside_a_request_it_runs_after_the_view_has_returned(app, calls):
    with app.test_request_context():
        jobs.enqueue("tracker.schedule:run_reminders", "2026-11-26")
        assert calls == []
        app.process_response(app.response_class("ok"))
    assert calls == ["2026-11-26"]


def test_a_long_job_without_redis_runs_once_the_response_has_been_sent(app, calls):
    with app.test_request_context():
        jobs.enqueue_long("tracker.schedule:run_reminders", "2026-11-26")
        response = app.process_response(app.response_class("ok"))
        assert calls == []  # not while the response is being made
    assert calls == []
    response.close()  # what the server does once the body is out
    assert calls == ["2026-11-26"]


def test_a_wrong_name_fails_in_the_caller(app):
    with app.app_context(), pytest.raises(ValueError):
        jobs.enqueue("os:system", "true")


def test_when_the_queue_is_down_the_job_runs_here(app, calls, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    with app.app_context():
        jobs.enqueue("tracker.schedule:run_reminders", "2026-11-25")
    assert calls == ["2026-11-25"]


def test_the_schedule_runs_once_an_hour_without_redis(app, calls, monkeypatch):
    monkeypatch.setattr(schedule, "_claimed", set())
    nine = datetime(2026, 11, 26, 9, 5, tzinfo=timezone.utc)
    with app.app_context():
        assert schedule.tick(nine) is True
        assert schedule.tick(nine.replace(minute=50)) is False
        assert schedule.tick(nine.replace(hour=10)) is True
    assert len(calls) == 2


def test_tests_and_cron_deployments_schedule_nothing_in_the_app(app):
    assert schedule._on_request not in app.before_request_funcs.get(None, [])

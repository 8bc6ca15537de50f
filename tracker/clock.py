"""The one place the app reads the clock: today's date in Vietnam, and day boundaries.

Domain functions take dates as arguments; views and services ask here, and tests
replace ``today`` with monkeypatch.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    return datetime.now(VIETNAM).date()


def end_of_day_utc(day: date) -> datetime:
    """The first instant after ``day`` ends in Vietnam, in UTC: "approved by that date" means before it."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=VIETNAM).astimezone(timezone.utc)


def start_of_day_utc(day: date) -> datetime:
    """The first instant of ``day`` in Vietnam, in UTC."""
    return end_of_day_utc(day - timedelta(days=1))

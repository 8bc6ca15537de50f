"""Column types and time helpers shared by the models (NFC strings, aware UTC datetimes)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, String, Text
from sqlalchemy.types import TypeDecorator

from tracker.domain.text import nfc


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class NFCString(TypeDecorator):
    """A VARCHAR whose values are stored NFC-normalised."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return nfc(value)


class NFCText(TypeDecorator):
    """A TEXT whose values are stored NFC-normalised."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return nfc(value)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use tracker.models.base.utcnow()")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value

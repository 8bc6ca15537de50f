"""Column types and time helpers shared by the models (clean NFC strings, aware UTC datetimes).

Every free-text column is an ``NFCString`` or ``NFCText``: what is bound to them passes
``domain.text.clean_text`` (NFC, no control or bidi characters), the one place that rule
is applied to stored text.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from enum import StrEnum
from typing import ClassVar

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from tracker.domain.text import clean_text
from tracker.extensions import db


def one_of(column: str, codes: type[StrEnum]) -> CheckConstraint:
    """``column IN (...)`` over an enum's values, named after the column: the database accepts
    exactly the codes the code knows."""
    values = ", ".join(f"'{code.value}'" for code in codes)
    return CheckConstraint(f"{column} IN ({values})", name=column)


class ValidSpan:
    """Columns of a row valid from ``valid_from`` to ``valid_to`` (either end open, the end never
    before the start): provinces and agencies."""

    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="valid_range"),
        )

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class NFCString(TypeDecorator):
    """A VARCHAR whose values are stored NFC-normalised, without control or bidi characters."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return clean_text(value)


class NFCText(TypeDecorator):
    """A TEXT whose values are stored NFC-normalised, without control or bidi characters."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return clean_text(value)


def _clean_json(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: _clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_json(v) for v in value]
    return value


class CleanJSON(TypeDecorator):
    """JSON whose strings (keys and values, at any depth) are stored as ``clean_text`` makes them.

    For JSON that holds what people typed: audit details (a sign-in's e-mail as typed),
    the report letterhead.
    """

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _clean_json(value)


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


def file_columns(*, required: bool) -> type:
    """A mixin of the columns of a stored file (``services.evidence``: kept under a generated
    name outside ``static/``), NOT NULL when every row is a file (evidence), else NULL for a row
    without one. The file's kind (pdf, docx, …) is a column of the row's own, named ``FILE_KIND``."""
    nullable = not required

    class FileColumns:
        FILE_KIND: ClassVar[str] = "kind"

        original_name: Mapped[str] = mapped_column(NFCString(255), nullable=nullable)
        stored_name: Mapped[str] = mapped_column(String(80), unique=True, nullable=nullable)
        content_type: Mapped[str] = mapped_column(String(120), nullable=nullable)
        size: Mapped[int] = mapped_column(BigInteger, nullable=nullable)
        sha256: Mapped[str] = mapped_column(String(64), nullable=nullable)

        def hold(self, staged, stored_name: str) -> None:
            """Name on the row the file ``staged`` (``services.evidence.Staged``) placed as ``stored_name``."""
            self.original_name, self.stored_name = staged.original_name, stored_name
            setattr(self, self.FILE_KIND, staged.kind)
            self.content_type, self.size, self.sha256 = staged.content_type, staged.size, staged.sha256

    return FileColumns


# A row's one file, if it has one: a document's, a meeting's minutes.
OneFile = file_columns(required=False)
# A row that is a file: an update's evidence.
StoredFile = file_columns(required=True)


# A column annotated alone (``title: Mapped[str]``, ``due: Mapped[date | None]``) takes its type
# from the annotation: text is NFCText (clean, NFC: the rule for every free text), an instant
# UTCDateTime (aware, UTC), the rest SQLAlchemy's defaults (int Integer, date Date, bool
# Boolean), and ``| None`` makes it nullable. ``mapped_column`` is written only where a column
# says more (a length, a key, an index, a default). Set before any model is declared: the
# package (``models/__init__``) imports this module first.
db.Model.registry.update_type_annotation_map({str: NFCText, datetime: UTCDateTime})

"""The commitments' search index on SQLite: an FTS5 table of trigrams over ``commitments.search_text``.

The folding (lower case, no diacritics, đ→d: ``domain.text.fold``) stays in the column; the
index only finds which rows hold a folded term, so a search reads a few index pages instead of
every row. It is an external-content table (``content='commitments'``): it stores no copy of
the text, and triggers on ``commitments`` keep it in step with every write, the services' and
the bulk ones (``flask demo-data``, the bench's re-folding) alike. Migration f2c8e4a6b1d3
makes it and fills it; on PostgreSQL the trigram GIN index of ``ix_commitments_search_trgm``
does this work and nothing here applies.

The table and its shadow tables are not a model: they are derived from ``commitments``,
rebuilt from it at will, and left out of the models-vs-migrations comparison
(``include_name``) and of the row counts of backups (``services.backup``).

A migration that rebuilds ``commitments`` on SQLite (batch mode's copy-and-rename) drops the
triggers with the old table: it must create them again (tests/test_search_index.py checks
the triggers exist at head).
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, column, literal_column, select, table, text
from sqlalchemy.exc import DatabaseError

from tracker.models.agreements import Commitment

TABLE = "commitments_search"
# What FTS5 makes beside an external-content table with the default options.
SHADOW_TABLES = tuple(f"{TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))
TABLES = frozenset((TABLE, *SHADOW_TABLES))
TRIGGERS = tuple(f"{TABLE}_{when}" for when in ("insert", "delete", "update"))
# The trigram tokenizer indexes every run of three characters: a shorter term has none.
MIN_TERM_CHARS = 3


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's filter: every name but the index's tables, which no model describes."""
    return not (type_ == "table" and name in TABLES)


def _phrase(term: str) -> str:
    """A term as an FTS5 string: between double quotes, any quote in it doubled."""
    return '"' + term.replace('"', '""') + '"'


def candidates(terms: list[str]) -> ColumnElement[bool] | None:
    """``commitments.id`` among the rows whose indexed text holds every term of three characters
    or more (None when there is no such term: the index cannot narrow the search).

    A superset of the rows holding them as substrings (the index also folds case, which the
    folded column makes moot): the caller keeps its ``LIKE`` for the exact answer.
    """
    usable = [term for term in terms if len(term) >= MIN_TERM_CHARS]
    if not usable:
        return None
    index = table(TABLE, column("rowid"))
    matching = select(index.c.rowid).where(literal_column(TABLE).match(" ".join(_phrase(t) for t in usable)))
    return Commitment.id.in_(matching)


def rebuild(connection: Connection) -> None:
    """Index every commitment afresh from the table (FTS5's ``rebuild`` command)."""
    connection.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"))  # nosec B608 # a constant


def in_step(connection: Connection) -> bool:
    """Whether the index holds exactly what ``commitments.search_text`` holds (FTS5's
    ``integrity-check`` against the content table)."""
    try:
        connection.execute(text(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 1)"))  # nosec B608
    except DatabaseError as exc:  # SQLite reports a mismatch as SQLITE_CORRUPT_VTAB
        if "malformed" in str(exc):
            return False
        raise
    return True

"""Commitment search served by an FTS5 trigram index on SQLite

Revision ID: f2c8e4a6b1d3
Revises: b4d2f6a8c1e3
Create Date: 2026-11-27 21:45:00

SQLite's search read every commitment's ``search_text`` (``LIKE '%term%'``). An FTS5 table
with the trigram tokenizer over that column (external content: no copy of the text) finds the
rows holding a term of three characters or more; the query keeps its ``LIKE`` on those rows, so
the answer is the same, and shorter terms are matched by the ``LIKE`` alone. Triggers keep the
index in step with every insert, update and delete (tracker/models/search_index.py). The
folding rules stay in the column. PostgreSQL keeps its pg_trgm index (b4d2f6a8c1e3): nothing
changes there.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2c8e4a6b1d3'
down_revision = 'b4d2f6a8c1e3'
branch_labels = None
depends_on = None

INDEX = "commitments_search"
ADD = f"INSERT INTO {INDEX}(rowid, search_text) VALUES (new.id, new.search_text);"
REMOVE = f"INSERT INTO {INDEX}({INDEX}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE {INDEX} USING fts5(search_text, content='commitments', "
               "content_rowid='id', tokenize='trigram')")
    op.execute(f"CREATE TRIGGER {INDEX}_insert AFTER INSERT ON commitments BEGIN {ADD} END")
    op.execute(f"CREATE TRIGGER {INDEX}_delete AFTER DELETE ON commitments BEGIN {REMOVE} END")
    op.execute(f"CREATE TRIGGER {INDEX}_update AFTER UPDATE OF id, search_text ON commitments "
               f"BEGIN {REMOVE} {ADD} END")
    op.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for when in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {INDEX}_{when}")
    op.execute(f"DROP TABLE IF EXISTS {INDEX}")

"""Commitment search served by a trigram index on PostgreSQL

Revision ID: b4d2f6a8c1e3
Revises: c6e1a2b3d4f5
Create Date: 2026-11-27 19:00:00

The list's search keeps every folded term that occurs anywhere in ``commitments.search_text``
(lower case, no diacritics, đ→d: ``domain.text.fold``), as ``LIKE '%term%'``. On PostgreSQL a
GIN index of the column's trigrams (pg_trgm) serves those patterns, so a search no longer reads
every row; the folding rules stay in the column, unchanged. On SQLite the same index is a plain
one: a search's scan reads the index's narrow entries instead of the commitments' wide rows.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b4d2f6a8c1e3'
down_revision = 'c6e1a2b3d4f5'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_commitments_search_trgm", "commitments", ["search_text"], postgresql_using="gin",
                    postgresql_ops={"search_text": "gin_trgm_ops"})


def downgrade():
    op.drop_index("ix_commitments_search_trgm", table_name="commitments")

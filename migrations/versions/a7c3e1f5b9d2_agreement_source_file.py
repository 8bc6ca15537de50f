"""The agreement's signed memorandum as an attached file; implementing documents removed softly

Revision ID: a7c3e1f5b9d2
Revises: c9a4e2d7b1f0
Create Date: 2026-11-27 18:40:00

``agreements.source_*``: the original file's name, its stored name (unique), kind, content
type, size and sha256, as implementing documents keep theirs (``services.evidence``).
``implementing_documents.removed_on``: a document removed (soft) leaves the register and the
reports dated that day or later.
"""
from alembic import op
import sqlalchemy as sa

from tracker.models.base import NFCString


# revision identifiers, used by Alembic.
revision = 'a7c3e1f5b9d2'
down_revision = 'c9a4e2d7b1f0'
branch_labels = None
depends_on = None

NATIVE = dict(recreate='never')  # agreements is referenced by other tables: add the columns in place
SOURCE_COLUMNS = ('source_file_name', 'source_stored_name', 'source_kind', 'source_content_type', 'source_size',
                  'source_sha256')


def upgrade():
    with op.batch_alter_table('agreements', **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('source_file_name', NFCString(length=255), nullable=True))
        batch_op.add_column(sa.Column('source_stored_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('source_kind', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('source_content_type', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('source_size', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('source_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_agreements_source_stored_name'), ['source_stored_name'], unique=True)
    with op.batch_alter_table('implementing_documents', **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('removed_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('implementing_documents', **NATIVE) as batch_op:
        batch_op.drop_column('removed_on')
    with op.batch_alter_table('agreements', **NATIVE) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_source_stored_name'))
        for name in reversed(SOURCE_COLUMNS):
            batch_op.drop_column(name)

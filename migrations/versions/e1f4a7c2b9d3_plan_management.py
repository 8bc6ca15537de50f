"""Plan management: a commitment removed from the plan (soft delete) keeps its history

Revision ID: e1f4a7c2b9d3
Revises: a1b2c3d4e5f6
Create Date: 2026-11-27 16:00:00

``commitments.removed_on``: the day from which a removed commitment leaves the figures
and reports (NULL while it is part of the plan); reports for earlier days still count it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f4a7c2b9d3'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None

# ADD and DROP COLUMN are native in SQLite 3.35+: recreating a table that others reference
# would fail while foreign keys are enforced.
NATIVE = dict(recreate='never')


def upgrade():
    with op.batch_alter_table('commitments', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('removed_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('commitments', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('removed_on')

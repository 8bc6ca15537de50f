"""Early warning: the margin, per agreement, by which a side may lag its elapsed time

Revision ID: b8e2a7c41d90
Revises: e1f4a7c2b9d3
Create Date: 2026-11-27 16:45:00

``agreements.risk_margin``: percentage points (default 20). A side more than this behind the
share of its time elapsed is "at risk" (``tracker.domain.risk``).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e2a7c41d90'
down_revision = 'e1f4a7c2b9d3'
branch_labels = None
depends_on = None

NATIVE = dict(recreate='never')  # agreements is referenced by other tables: add the column in place


def upgrade():
    with op.batch_alter_table('agreements', **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('risk_margin', sa.Integer(), nullable=False, server_default='20'))


def downgrade():
    with op.batch_alter_table('agreements', **NATIVE) as batch_op:
        batch_op.drop_column('risk_margin')

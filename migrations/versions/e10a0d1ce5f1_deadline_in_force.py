"""Deadline extensions take effect on a day: the deadline in force on any date

Revision ID: e10a0d1ce5f1
Revises: b3a1e15df0fd
Create Date: 2026-11-27 13:00:00

"""
from datetime import timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

import tracker.models.base


# revision identifiers, used by Alembic.
revision = 'e10a0d1ce5f1'
down_revision = 'b3a1e15df0fd'
branch_labels = None
depends_on = None

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def upgrade():
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_on', sa.Date(), nullable=True))
    # Extensions recorded so far took effect on the (Vietnam) day they were recorded.
    conn = op.get_bind()
    table = sa.table('deadline_extensions', sa.column('id', sa.Integer), sa.column('created_at', tracker.models.base.UTCDateTime()),
                     sa.column('effective_on', sa.Date))
    for row_id, created in conn.execute(sa.select(table.c.id, table.c.created_at)).all():
        created = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
        conn.execute(table.update().where(table.c.id == row_id)
                     .values(effective_on=created.astimezone(VIETNAM).date()))
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.alter_column('effective_on', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_deadline_extensions_in_force', ['commitment_id', 'effective_on'], unique=False)
    # Cached dashboard figures were counted by the old rules and lack the new keys (deadlines,
    # sides, compliance): none may be served again.
    op.execute("DELETE FROM figure_cache")


def downgrade():
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_extensions_in_force')
        batch_op.drop_column('effective_on')

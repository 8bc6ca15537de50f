"""Declared days off and make-up working days (calendar_days)

Deadlines counted in working days skip Vietnam's public holidays (from the `holidays`
library) and the days the Government announces each year, which administrators keep here.

Revision ID: c0a1d2e3f4a5
Revises: e10a0d1ce5f1
Create Date: 2026-11-27 13:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.models.base


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f4a5'
down_revision = 'e10a0d1ce5f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('reason', tracker.models.base.NFCText(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('day_off', 'working_day')", name=op.f('ck_calendar_days_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_days_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_days')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_days_day'))
    )


def downgrade():
    op.drop_table('calendar_days')

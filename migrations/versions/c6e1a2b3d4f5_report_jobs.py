"""Report documents built in the background (report_jobs); the unused figure_cache goes

Revision ID: c6e1a2b3d4f5
Revises: e3b7d1a4c6f2
Create Date: 2026-11-27 19:00:00

``report_jobs``: a Word or PDF report too large to build inside a request, with its progress
and, when done, the file in ``REPORT_JOB_DIR``. ``figure_cache`` was never read or written
since the figures moved to Redis or memory (``tracker.status.cache``); ``change_counter`` stays.
"""
from alembic import op
import sqlalchemy as sa

from tracker.models.base import CleanJSON, NFCText, UTCDateTime


# revision identifiers, used by Alembic.
revision = 'c6e1a2b3d4f5'
down_revision = 'e3b7d1a4c6f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('parameters', CleanJSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('message', NFCText(), nullable=True),
        sa.Column('stored_name', sa.String(length=200), nullable=True),
        sa.Column('download_name', sa.String(length=200), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('docx', 'pdf')", name=op.f('ck_report_jobs_kind')),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_report_jobs_status')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_jobs_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_jobs')),
    )
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_jobs_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_jobs_created_at'), ['created_at'], unique=False)
    op.drop_table('figure_cache')


def downgrade():
    op.create_table(
        'figure_cache',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_figure_cache')),
    )
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_jobs_created_at'))
        batch_op.drop_index(batch_op.f('ix_report_jobs_user_id'))
    op.drop_table('report_jobs')

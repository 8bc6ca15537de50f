"""Meetings (hội nghị sơ kết, tổng kết, giao ban) and their conclusions

Revision ID: e3b7d1a4c6f2
Revises: f5a1c3e7d920
Create Date: 2026-11-27 18:50:00

``meetings``: a meeting held under an agreement (kind, date, place, chair, participants, a
minutes file stored like evidence); ``commitments.meeting_id``: a commitment that is one of
its conclusions (kết luận), tracked and counted like any other.
"""
from alembic import op
import sqlalchemy as sa

from tracker.models.base import NFCString, NFCText, UTCDateTime


# revision identifiers, used by Alembic.
revision = 'e3b7d1a4c6f2'
down_revision = 'f5a1c3e7d920'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('place', NFCString(length=200), nullable=False),
        sa.Column('chair', NFCString(length=200), nullable=False),
        sa.Column('participants', NFCText(), nullable=True),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.Column('original_name', NFCString(length=255), nullable=True),
        sa.Column('stored_name', sa.String(length=80), nullable=True),
        sa.Column('file_kind', sa.String(length=8), nullable=True),
        sa.Column('content_type', sa.String(length=120), nullable=True),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('so_ket', 'tong_ket', 'giao_ban', 'other')", name=op.f('ck_meetings_kind')),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_meetings_agreement_id_agreements')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_meetings_stored_name')),
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index('ix_meetings_register', ['agreement_id', 'held_on'], unique=False)

    # SQLite adds the column with its REFERENCES clause in place (no table rebuild, which its
    # ALTER cannot do for a constraint); PostgreSQL adds the named constraint.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("ALTER TABLE commitments ADD COLUMN meeting_id INTEGER "
                   "CONSTRAINT fk_commitments_meeting_id_meetings REFERENCES meetings (id)")
    with op.batch_alter_table('commitments', schema=None, recreate="never") as batch_op:
        if not sqlite:
            batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f('fk_commitments_meeting_id_meetings'), 'meetings',
                                        ['meeting_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_commitments_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    # In place on both (SQLite drops a column with its own REFERENCES clause): commitments is
    # referenced by other tables, which a rebuild would trip over. The conclusions stay, as
    # commitments without their meeting.
    with op.batch_alter_table('commitments', schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_meeting_id'))
        if not sqlite:
            batch_op.drop_constraint(batch_op.f('fk_commitments_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_column('meeting_id')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_register')
        batch_op.drop_index(batch_op.f('ix_meetings_agreement_id'))
    op.drop_table('meetings')

"""Plan management: soft-deleted commitments, numeric targets and the actual value reported

Revision ID: e1f4a7c2b9d3
Revises: a1b2c3d4e5f6
Create Date: 2026-11-27 16:00:00

``commitments.removed_on``: the day from which a removed commitment leaves the figures
and reports (NULL while it is part of the plan); reports for earlier days still count it.
``commitment_targets``: yearly numeric targets (chỉ tiêu), effective-dated rows.
``progress_updates.actual``: the measured value an update reports against the target.
``plan_proposals``: a coordinator's proposed change to a shared commitment, awaiting the other side.
"""
from alembic import op
import sqlalchemy as sa

from tracker.models.base import CleanJSON, NFCString, NFCText, UTCDateTime


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
    with op.batch_alter_table('progress_updates', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('actual', sa.Float(), nullable=True))
    op.create_table(
        'commitment_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('party_id', sa.Integer(), nullable=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('unit', NFCString(length=60), nullable=False),
        sa.Column('baseline', sa.Float(), nullable=True),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('reason', NFCText(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('value >= 0', name=op.f('ck_commitment_targets_value_not_negative')),
        sa.CheckConstraint('year >= 1900 AND year <= 2199', name=op.f('ck_commitment_targets_year_range')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_commitment_targets_actor_id_users')),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'],
                                name=op.f('fk_commitment_targets_commitment_id_commitments')),
        sa.ForeignKeyConstraint(['party_id'], ['agreement_parties.id'],
                                name=op.f('fk_commitment_targets_party_id_agreement_parties')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_targets')),
    )
    with op.batch_alter_table('commitment_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_targets_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index('ix_commitment_targets_in_force', ['commitment_id', 'year', 'effective_on'], unique=False)
    op.create_table(
        'plan_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('proposer_id', sa.Integer(), nullable=False),
        sa.Column('changes', CleanJSON(), nullable=False),
        sa.Column('reason_code', sa.String(length=20), nullable=True),
        sa.Column('reason', NFCText(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name=op.f('ck_plan_proposals_status')),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'],
                                name=op.f('fk_plan_proposals_commitment_id_commitments')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_plan_proposals_decided_by_id_users')),
        sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_plan_proposals_proposer_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_proposals')),
    )
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_proposals_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_proposals_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_plan_proposals_commitment_id'))
    op.drop_table('plan_proposals')
    with op.batch_alter_table('commitment_targets', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_targets_in_force')
        batch_op.drop_index(batch_op.f('ix_commitment_targets_commitment_id'))
    op.drop_table('commitment_targets')
    with op.batch_alter_table('progress_updates', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('actual')
    with op.batch_alter_table('commitments', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('removed_on')

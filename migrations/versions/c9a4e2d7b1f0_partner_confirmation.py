"""Partner confirmation: a partner province confirms or disputes a shared completion

Revision ID: c9a4e2d7b1f0
Revises: d7a1c3e5f902
Create Date: 2026-11-27 16:45:00

``update_confirmations``: one row per approved DONE update of a shared commitment and
other party province; between ``disputed_at`` and ``withdrawn_at`` the update counts as
not done (the side's spans are rebuilt with it).
"""
from alembic import op
import sqlalchemy as sa

from tracker.models.base import NFCText, UTCDateTime


# revision identifiers, used by Alembic.
revision = 'c9a4e2d7b1f0'
down_revision = 'd7a1c3e5f902'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'update_confirmations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('update_id', sa.Integer(), nullable=False),
        sa.Column('party_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('reason', NFCText(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('disputed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('awaiting', 'confirmed', 'disputed', 'settled')",
                           name=op.f('ck_update_confirmations_state')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_update_confirmations_actor_id_users')),
        sa.ForeignKeyConstraint(['party_id'], ['agreement_parties.id'],
                                name=op.f('fk_update_confirmations_party_id_agreement_parties')),
        sa.ForeignKeyConstraint(['update_id'], ['progress_updates.id'],
                                name=op.f('fk_update_confirmations_update_id_progress_updates')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_update_confirmations')),
        sa.UniqueConstraint('update_id', 'party_id', name='uq_update_confirmations_update_party'),
    )
    with op.batch_alter_table('update_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_confirmations_update_id'), ['update_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_confirmations_state'), ['state'], unique=False)
        batch_op.create_index('ix_update_confirmations_disputed', ['disputed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('update_confirmations', schema=None) as batch_op:
        batch_op.drop_index('ix_update_confirmations_disputed')
        batch_op.drop_index(batch_op.f('ix_update_confirmations_state'))
        batch_op.drop_index(batch_op.f('ix_update_confirmations_update_id'))
    op.drop_table('update_confirmations')

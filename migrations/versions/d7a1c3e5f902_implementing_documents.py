"""Implementing documents (văn bản triển khai) and the commitments each serves

Revision ID: d7a1c3e5f902
Revises: b8e2a7c41d90
Create Date: 2026-11-27 16:42:16

``implementing_documents``: a party province's plan, decision or letter carrying out an
agreement (Decree 30 type, number and symbol, date, issuing body, subject, an optional file
stored like evidence); ``implementing_document_commitments``: the commitments it serves.

"""
from alembic import op
import sqlalchemy as sa

from tracker.models.base import NFCString, NFCText, UTCDateTime


# revision identifiers, used by Alembic.
revision = 'd7a1c3e5f902'
down_revision = 'b8e2a7c41d90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('implementing_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=12), nullable=False),
    sa.Column('number_symbol', NFCString(length=60), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issuing_body', NFCString(length=200), nullable=False),
    sa.Column('subject', NFCText(), nullable=False),
    sa.Column('search_text', NFCText(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('original_name', NFCString(length=255), nullable=True),
    sa.Column('stored_name', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=True),
    sa.Column('content_type', sa.String(length=120), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("doc_type IN ('resolution', 'decision', 'directive', 'programme', 'plan', 'scheme', 'guidance', 'notice', 'report', 'submission', 'letter')", name=op.f('ck_implementing_documents_doc_type')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_implementing_documents_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_implementing_documents_created_by_id_users')),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_implementing_documents_province_id_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementing_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_implementing_documents_stored_name'))
    )
    with op.batch_alter_table('implementing_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementing_documents_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_implementing_documents_province_id'), ['province_id'], unique=False)
        batch_op.create_index('ix_implementing_documents_register', ['agreement_id', 'issued_on'], unique=False)

    op.create_table('implementing_document_commitments',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_implementing_document_commitments_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['document_id'], ['implementing_documents.id'], name=op.f('fk_implementing_document_commitments_document_id_implementing_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'commitment_id', name=op.f('pk_implementing_document_commitments'))
    )
    with op.batch_alter_table('implementing_document_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementing_document_commitments_commitment_id'), ['commitment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('implementing_document_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_implementing_document_commitments_commitment_id'))

    op.drop_table('implementing_document_commitments')
    with op.batch_alter_table('implementing_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_implementing_documents_register')
        batch_op.drop_index(batch_op.f('ix_implementing_documents_province_id'))
        batch_op.drop_index(batch_op.f('ix_implementing_documents_agreement_id'))

    op.drop_table('implementing_documents')

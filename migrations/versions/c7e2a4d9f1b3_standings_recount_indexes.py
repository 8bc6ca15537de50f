"""Indexes for the kept standings' recount on each write

Revision ID: c7e2a4d9f1b3
Revises: a9d4e6f8b2c1
Create Date: 2026-11-28 04:00:00

A write refreshes its commitments' standings and recounts their agreement and lead agencies
in its own transaction (writes wait for one another there). Without these, that recount read
every cut-off row (no index on the agreement) and every lead row (no index on the agency):
about 20 ms of each progress submission at national scale, for a recount of a hundred rows.
The agency's index leads with the agency: SQLite, without statistics on these tables, would
else take a (kind, agency) index over the primary key to find a commitment's lead rows.
"""
from alembic import op


revision = 'c7e2a4d9f1b3'
down_revision = 'a9d4e6f8b2c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_standings_agency_kind", "standings", ["agency_id", "kind"])
    op.create_index("ix_standing_cutoffs_agreement", "standing_cutoffs", ["agreement_id"])


def downgrade():
    op.drop_index("ix_standing_cutoffs_agreement", table_name="standing_cutoffs")
    op.drop_index("ix_standings_agency_kind", table_name="standings")

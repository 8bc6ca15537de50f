"""Standings kept up to date: per unit for today, per commitment at past cut-offs

Revision ID: a9d4e6f8b2c1
Revises: f2c8e4a6b1d3
Create Date: 2026-11-28 00:40:00

The dashboard across all agreements recomputed every rule over every span on the first view
after any change (seconds at national scale). These tables hold the results
(tracker/models/standings.py); writes refresh the commitments they touch, a new day the rows
whose facts changed. Empty at first: ``standing_state`` without a row means "rebuild", which
the first dashboard view does.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a9d4e6f8b2c1'
down_revision = 'f2c8e4a6b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standings",
        sa.Column("commitment_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("open_past_due", sa.Integer(), nullable=False),
        sa.Column("at_risk", sa.Integer(), nullable=False),
        sa.Column("disputed", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("commitment_id", "kind", "key_id"),
    )
    op.create_index("ix_standings_kind_agreement", "standings", ["kind", "agreement_id"])
    op.create_index("ix_standings_valid_to", "standings", ["valid_to"])
    op.create_table(
        "standing_cutoffs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("open_past_due", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "commitment_id"),
    )
    op.create_index("ix_standing_cutoffs_commitment", "standing_cutoffs", ["commitment_id"])
    op.create_table(
        "standing_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("open_past_due", sa.Integer(), nullable=True),
        sa.Column("disputed", sa.Integer(), nullable=True),
        sa.Column("at_risk", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("pct_sum", sa.Float(), nullable=True),
        sa.Column("pct_n", sa.Integer(), nullable=True),
        sa.Column("submitted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_standing_counts_kind_agreement", "standing_counts", ["kind", "agreement_id"])
    op.create_index("ix_standing_counts_kind_agency", "standing_counts", ["kind", "agency_id"])
    op.create_table(
        "standing_periods",
        sa.Column("agreement_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("period_key", sa.String(32), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("agreement_id"),
    )
    op.create_table(
        "standing_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("cutoffs", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("standing_state")
    op.drop_table("standing_periods")
    op.drop_index("ix_standing_counts_kind_agency", table_name="standing_counts")
    op.drop_index("ix_standing_counts_kind_agreement", table_name="standing_counts")
    op.drop_table("standing_counts")
    op.drop_index("ix_standing_cutoffs_commitment", table_name="standing_cutoffs")
    op.drop_table("standing_cutoffs")
    op.drop_index("ix_standings_valid_to", table_name="standings")
    op.drop_index("ix_standings_kind_agreement", table_name="standings")
    op.drop_table("standings")

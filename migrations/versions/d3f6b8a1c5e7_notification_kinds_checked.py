"""Notification kinds checked against their enum

Revision ID: d3f6b8a1c5e7
Revises: c7e2a4d9f1b3
Create Date: 2026-11-28 20:00:00

Every other column of codes accepts exactly its enum's values (``models.base.one_of``); the
notifications' kind was the one left unchecked. The list is frozen here as the model generates
it from ``codes.NotificationKind`` today (a later kind comes with its own migration). The app has
only ever written these kinds, so existing rows pass.
"""
from alembic import op


revision = 'd3f6b8a1c5e7'
down_revision = 'c7e2a4d9f1b3'
branch_labels = None
depends_on = None

KINDS = ("due_soon", "overdue", "returned", "review", "approved", "extended", "at_risk", "confirm", "disputed",
         "report_ready")


def upgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.create_check_constraint(op.f("ck_notifications_kind"),
                                         "kind IN (%s)" % ", ".join(f"'{kind}'" for kind in KINDS))


def downgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")

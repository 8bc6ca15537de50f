"""The next phase (giai đoạn tiếp theo): an agreement renewed into a new one

Revision ID: f5a1c3e7d920
Revises: a7c3e1f5b9d2
Create Date: 2026-11-27 18:50:00

``agreements.predecessor_id``: the agreement this one renews (one successor each);
``agreements.renewed_on``: the day the carried-over commitments left the predecessor.
``commitments.carried_from_id``: the previous phase's commitment this one carries on (its
``removed_on`` is the renewal day, so it stops counting there and earlier reports keep it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5a1c3e7d920'
down_revision = 'a7c3e1f5b9d2'
branch_labels = None
depends_on = None

NATIVE = dict(recreate='never')
# (table, column, referenced table, constraint name)
LINKS = (
    ('agreements', 'predecessor_id', 'agreements', 'fk_agreements_predecessor_id_agreements'),
    ('commitments', 'carried_from_id', 'commitments', 'fk_commitments_carried_from_id_commitments'),
)


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, target, name in LINKS:
        if sqlite:
            # SQLite adds a column with its foreign key natively; recreating a referenced table
            # would fail while foreign keys are enforced, and ALTER … ADD CONSTRAINT does not exist.
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {target} (id)')
        else:
            with op.batch_alter_table(table, schema=None, **NATIVE) as batch_op:
                batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
                batch_op.create_foreign_key(name, target, [column], ['id'])
        with op.batch_alter_table(table, schema=None, **NATIVE) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=True)
    with op.batch_alter_table('agreements', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('renewed_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('agreements', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('renewed_on')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, _target, name in reversed(LINKS):
        with op.batch_alter_table(table, schema=None, **NATIVE) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
            if not sqlite:
                batch_op.drop_constraint(name, type_='foreignkey')
        if sqlite:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        else:
            with op.batch_alter_table(table, schema=None, **NATIVE) as batch_op:
                batch_op.drop_column(column)

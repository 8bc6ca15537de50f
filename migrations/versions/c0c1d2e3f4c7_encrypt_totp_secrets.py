"""TOTP secrets encrypted at rest (Fernet)

Revision ID: c0c1d2e3f4c7
Revises: c0a1d2e3f4a5
Create Date: 2026-11-27 13:15:00

``users.totp_secret`` (plain base32) becomes ``users.totp_secret_encrypted``: every
existing secret is encrypted with the key the app will use (``TRACKER_TOTP_KEY``, or
derived from the secret key; see ``tracker.crypto``), so run the upgrade with the same
environment as the app. The downgrade decrypts them back.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from tracker import crypto


# revision identifiers, used by Alembic.
revision = 'c0c1d2e3f4c7'
down_revision = 'c0a1d2e3f4a5'
branch_labels = None
depends_on = None

users = sa.table(
    'users',
    sa.column('id', sa.Integer),
    sa.column('totp_secret', sa.String),
    sa.column('totp_secret_encrypted', sa.String),
)


def _fernet():
    return crypto.totp_fernet(current_app.config['SECRET_KEY'], current_app.config.get('TOTP_KEYS'))


# ADD and DROP COLUMN are native in SQLite 3.35+: recreating ``users`` would fail on every
# table that references it while foreign keys are enforced (an existing database with data).
NATIVE = dict(recreate='never')


def upgrade():
    with op.batch_alter_table('users', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('totp_secret_encrypted', sa.String(length=255), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))).all()
    if rows:
        fernet = _fernet()
        for row in rows:
            bind.execute(users.update().where(users.c.id == row.id)
                         .values(totp_secret_encrypted=crypto.seal(fernet, row.totp_secret)))
    with op.batch_alter_table('users', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('totp_secret')


def downgrade():
    with op.batch_alter_table('users', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.totp_secret_encrypted)
                        .where(users.c.totp_secret_encrypted.is_not(None))).all()
    if rows:
        fernet = _fernet()
        for row in rows:
            bind.execute(users.update().where(users.c.id == row.id)
                         .values(totp_secret=crypto.open_sealed(fernet, row.totp_secret_encrypted)))
    with op.batch_alter_table('users', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('totp_secret_encrypted')

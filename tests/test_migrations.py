"""The migrations build exactly the models: no drift between the two."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from tracker.extensions import db


def test_migrations_match_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def test_head_is_applied(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    config = Config(str(app.extensions["migrate"].directory) + "/alembic.ini")
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    with app.app_context(), db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert set(current) == set(heads) and len(heads) == 1


def test_totp_secrets_are_encrypted_by_the_upgrade_and_decrypted_by_the_downgrade(tmp_path):
    """An existing plain secret survives the migration, sealed with the app's key (SQLite file of its own)."""
    import pyotp
    from alembic.script import ScriptDirectory
    from flask_migrate import Config, downgrade, upgrade
    from sqlalchemy import text

    from tests.apps import make_app
    from tracker.services import accounts

    app = make_app(f"sqlite:///{tmp_path / 'm.sqlite3'}", tmp_path)
    directory = app.extensions["migrate"].directory
    config = Config(directory + "/alembic.ini")
    config.set_main_option("script_location", directory)
    before = ScriptDirectory.from_config(config).get_revision("c0c1d2e3f4c7").down_revision
    plain = pyotp.random_base32()
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (email, name, password_hash, role, cleared, language, active, email_reminders, "
                "created_at, must_change_password, totp_secret) VALUES ('a@example.com', 'A', 'x', 'viewer', 0, "
                "'vi', 1, 1, '2026-01-01 00:00:00', 0, :secret)"), {"secret": plain})
        upgrade(revision="c0c1d2e3f4c7")
        from tracker.models import User

        user = db.session.scalar(select(User))
        assert user.totp_secret_encrypted.startswith("gAAAAA") and plain not in user.totp_secret_encrypted
        assert accounts.totp_secret(user) == plain
        db.session.remove()
        downgrade(revision=before)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT totp_secret FROM users")).scalar_one() == plain
        db.engine.dispose()

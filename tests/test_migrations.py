"""The migrations build exactly the models: no drift between the two."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from tracker.extensions import db
from tracker.models import search_index


def test_migrations_match_models(app):
    # SQLite's search index (an FTS5 table and its shadow tables) is no model: left out by name
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True,
                              "include_name": search_index.include_name}
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


def test_an_existing_database_with_data_upgrades_to_head(tmp_path):
    """A database in use before this round's migrations (users referenced by audit events, a
    deadline extension) upgrades in place on SQLite, where foreign keys are enforced."""
    from datetime import date, datetime, timezone

    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.apps import make_app
    from tracker.models import DeadlineExtension, User

    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path)
    with app.app_context():
        upgrade(revision="b3a1e15df0fd")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (email, name, password_hash, role, cleared, language, active, email_reminders, "
                "created_at, must_change_password, totp_secret) VALUES ('a@example.com', 'A', 'x', 'admin', 0, "
                "'vi', 1, 1, '2026-01-01 00:00:00', 0, NULL)"))
            user_id = conn.execute(text("SELECT id FROM users")).scalar_one()
            conn.execute(text("INSERT INTO audit_events (occurred_at, actor_id, category, action, details) "
                              "VALUES ('2026-01-01 00:00:00', :u, 'security', 'sign_in', '{}')"), {"u": user_id})
            conn.execute(text("INSERT INTO provinces (code, name) VALUES ('P', 'Tỉnh P')"))
            conn.execute(text("INSERT INTO agreements (code, title, kind, signing_verified, period_start, open_ended, "
                              "created_at) VALUES ('A', 'A', 'Biên bản ghi nhớ', 0, '2023-01-01', 0, "
                              "'2026-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO cooperation_areas (agreement_id, number, name, provisional, restricted) "
                              "VALUES (1, 1, 'F', 1, 0)"))
            conn.execute(text("INSERT INTO commitments (area_id, code, sort_key, title, recurring, is_demo, "
                              "search_text, created_at, due_date) VALUES (1, '1.1', '0001', 'T', 0, 0, '', "
                              "'2026-01-01 00:00:00', '2026-06-30')"))
            conn.execute(text("INSERT INTO deadline_extensions (commitment_id, old_due_date, new_due_date, reason, "
                              "actor_id, created_at) VALUES (1, '2025-12-31', '2026-06-30', 'R', :u, "
                              "'2026-03-01 20:00:00')"), {"u": user_id})
            conn.execute(text("INSERT INTO change_counter (id, value) VALUES (1, 7)"))
            conn.execute(text("INSERT INTO figure_cache (key, version, value, created_at) VALUES "
                              "('k', 7, '{\"total\": 1}', '2026-01-01 00:00:00')"))
        upgrade()
        # figures of the old rules and shape are gone, and so is their table (c6e1a2b3d4f5)
        assert "figure_cache" not in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(User.email)) == "a@example.com"
        extension = db.session.scalar(select(DeadlineExtension))
        # recorded at 20:00 UTC on 1 March: 2 March in Vietnam, the day it took effect
        assert extension.effective_on == date(2026, 3, 2)
        assert extension.created_at == datetime(2026, 3, 1, 20, tzinfo=timezone.utc)
        db.session.remove()


def test_the_migrations_build_every_check_constraint_the_models_declare(app):
    """Alembic's comparison leaves check constraints out: each one a model declares (the code
    columns' ``one_of`` above all) is looked for by name in the migrated database."""
    from sqlalchemy import CheckConstraint

    declared = {(table.name, c.name) for table in db.metadata.tables.values() for c in table.constraints
                if isinstance(c, CheckConstraint)}
    with app.app_context(), db.engine.connect() as connection:
        inspector = inspect(connection)
        built = {(table, c["name"]) for table, _name in declared for c in inspector.get_check_constraints(table)}
    assert ("notifications", "ck_notifications_kind") in declared
    assert declared - built == set()

"""Theo dõi hợp tác liên tỉnh: the application factory and nothing else of weight."""
from __future__ import annotations

from flask import Flask

from tracker import config as config_module
from tracker.extensions import babel, bootstrap, compress, csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(config_module.INSTANCE),
        template_folder=str(config_module.ROOT / "templates"),
        static_folder=str(config_module.ROOT / "static"),
    )
    app.config.from_mapping(config_module.from_environment())
    if config:
        app.config.update(config)
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security(app)
    register_schedule(app)
    if app.config.get("PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def register_extensions(app: Flask) -> None:
    from tracker import i18n, postgresql, sqlite
    from tracker.models import search_index

    sqlite.install()
    postgresql.install()
    db.init_app(app)
    # autogenerate leaves SQLite's search index alone: no model describes it (models.search_index)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"), include_name=search_index.include_name)
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories="translations")
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    from tracker import auth  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    from tracker import params, permissions

    params.install(app)  # before any route: <int:…> ids are bounded to what the database holds
    from tracker.views import (
        admin,
        agencies,
        agreements,
        assets,
        auth,
        commitments,
        documents,
        confirmations,
        meetings,
        drafts,
        main,
        notifications,
        periods,
        plan,
        plan_edit,
        profile,
        progress,
        registers,
        reorganise,
        reports,
        targets,
    )

    app.before_request(permissions.gate)
    for module in (assets, main, auth, agreements, commitments, agencies, profile, admin, progress, drafts, periods,
                   reports, notifications, plan, plan_edit, registers, reorganise, targets, documents,
                   confirmations, meetings):
        app.register_blueprint(module.bp)
    from tracker import api

    api.register(app)


def register_errorhandlers(app: Flask) -> None:
    from tracker.views import errors

    errors.register(app)


def register_commands(app: Flask) -> None:
    from tracker import cli

    cli.register(app)


def register_security(app: Flask) -> None:
    from tracker import security

    security.register(app)


def register_schedule(app: Flask) -> None:
    from tracker import schedule

    schedule.install(app)


def register_template_helpers(app: Flask) -> None:
    from tracker import labels, layout, permissions

    labels.register(app)
    layout.register(app)
    permissions.register(app)

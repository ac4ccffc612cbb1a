"""letters: keep political prisoners from being forgotten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    config,
    database,
    display,
    hostile_input,
    models,  # noqa: F401  (imported for its tables: migrations read the metadata)
    resources,
    security,
)
from .extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resources.directory("templates")),
        static_folder=str(resources.directory("static")),
    )
    config.load(app, test_config)
    if hops := config.proxy_hops(app):
        # The client's address and scheme as the trusted proxies saw them: rate limits count
        # per visitor, not per proxy.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    # JSON (the API) carries Cyrillic names and addresses: send them readable, not \uXXXX.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # Private: it holds the development key and, by default, the SQLite database.
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    config.protect_database_file(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resources.directory("migrations")))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=security.select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    database.init_app(app)
    display.init_app(app)
    security.init_app(app)
    hostile_input.init_app(app)

    from . import cli
    from .audit import recording
    from .auth import sessions
    from .letterlog import summary

    recording.init_app(app)
    summary.listen()
    sessions.init_app(app)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    cli.init_app(app)

    if app.config["AUTO_MIGRATE"]:
        database.upgrade_to_latest(app)
    if not app.config.get("TESTING"):
        from .auth.first_run import announce_setup_link

        announce_setup_link(app)
    return app


def blueprints() -> list[Blueprint]:
    """Every feature's pages. Imported here, not by the packages' ``__init__``, so any module can
    be imported alone without pulling in the whole app."""
    from .accounts.views import bp as accounts
    from .api.views import bp as api
    from .audit.views import bp as audit
    from .auth.views import bp as auth
    from .birthdays.views import bp as birthdays
    from .campaigns.action_views import bp as actions
    from .campaigns.views import bp as campaigns
    from .csv_io.views import bp as csv_io
    from .dashboard.views import bp as dashboard
    from .drafting.views import bp as drafting
    from .facilities.views import bp as facilities
    from .guidelines.views import bp as guidelines
    from .health import bp as health
    from .letterlog.views import bp as letterlog
    from .mail.views import bp as mail
    from .printing.views import bp as printing
    from .prisoners.views import bp as prisoners
    from .settings.views import bp as settings
    from .sources.views import bp as sources
    from .writing.views import bp as writing

    return [
        auth,
        accounts,
        prisoners,
        facilities,
        csv_io,
        printing,
        settings,
        guidelines,
        drafting,
        writing,
        birthdays,
        mail,
        letterlog,
        dashboard,
        campaigns,
        actions,
        sources,
        api,
        audit,
        health,
    ]

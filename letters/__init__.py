"""letters: keep political prisoners from being forgotten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import get_locale

from . import config, database, models, resources, security  # noqa: F401  (models: for migrations)
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
    # JSON (the API) carries Cyrillic names and addresses: send them readable, not \uXXXX.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resources.directory("migrations")))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=security.select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    database.init_app(app)
    security.init_app(app)

    from . import cli
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .auth import sessions
    from .campaigns import bp as campaigns_bp
    from .csv_io import bp as csv_bp
    from .drafting import bp as drafting_bp
    from .facilities import bp as facilities_bp
    from .guidelines import bp as guidelines_bp
    from .printing import bp as printing_bp
    from .prisoners import bp as prisoners_bp
    from .tracking import bp as tracking_bp
    from .writing import bp as writing_bp

    sessions.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(prisoners_bp)
    app.register_blueprint(facilities_bp)
    app.register_blueprint(csv_bp)
    app.register_blueprint(printing_bp)
    app.register_blueprint(guidelines_bp)
    app.register_blueprint(drafting_bp)
    app.register_blueprint(writing_bp)
    app.register_blueprint(tracking_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(api_bp)
    cli.init_app(app)

    if app.config["AUTO_MIGRATE"]:
        database.upgrade_to_latest(app)
    if not app.config.get("TESTING"):
        from .auth.first_run import announce_setup_link

        announce_setup_link(app)
    return app

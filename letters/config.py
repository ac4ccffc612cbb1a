"""Configuration: safe defaults, then the environment.

Every setting can be given as ``LETTERS_<NAME>`` (``app.config.from_prefixed_env``). Two common
names are honoured as well because hosting platforms set them: ``DATABASE_URL`` and
``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import argon2
from flask import Flask

#: A key shorter than this is refused outside development: it could be guessed offline from a
#: captured session cookie.
MIN_SECRET_KEY_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    # "development" generates a secret key into instance/; "production" demands one.
    "ENV": "development",
    "AUTO_MIGRATE": True,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # CSV uploads are small; anything bigger is a mistake or an attack.
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "letters_session",
    # Hours, not days: a coordinator's laptop can be taken.
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "BABEL_DEFAULT_LOCALE": "en",
    "LANGUAGES": ["en", "ru"],
    # The country a visitor is assumed to post from on public pages; empty means "abroad",
    # so the destination country is always printed.
    "POSTED_FROM": "",
    # "I sent it" per network address (counted in memory only). Generous: a whole
    # letter-writing evening on one café network stays under it; a script recording hundreds
    # is stopped.
    "SENT_RATE_LIMIT": "60 per hour",
    # Reports of a wrong address are short notes from visitors: a few an hour from one network
    # is plenty.
    "ADDRESS_REPORT_RATE_LIMIT": "5 per hour",
    # Argon2id cost of a password hash (argon2-cffi's recommended defaults). The parameters are
    # stored in every hash, so raising them later still verifies old hashes.
    "ARGON2_TIME_COST": argon2.DEFAULT_TIME_COST,
    "ARGON2_MEMORY_COST": argon2.DEFAULT_MEMORY_COST,
    # How many prisoners a list page shows at once.
    "PAGE_SIZE": 50,
    # Login attempts (each costs an Argon2 hash), counted in memory only: per network address,
    # and from everyone together so that a burst cannot take the CPU from visitors' pages.
    "LOGIN_RATE_LIMIT": "20 per minute",
    "LOGIN_GLOBAL_RATE_LIMIT": "120 per minute",
    # Password hashes computed at once per process; the others wait their turn, so a burst of
    # logins leaves CPU for visitors' pages.
    "PASSWORD_HASH_CONCURRENCY": 1,
}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config``: defaults, then the environment, then ``test_config``."""
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
        "DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'letters.db'}"
    )
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env("LETTERS")
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if "LETTERS_SESSION_COOKIE_SECURE" not in os.environ and not test_config:
        # Production is served over HTTPS; the cookie must never travel in clear.
        app.config["SESSION_COOKIE_SECURE"] = app.config["ENV"] == "production"
    _ensure_secret_key(app)


def _normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _ensure_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config.get("TESTING") and key:
        return
    if key:
        if len(str(key)) < MIN_SECRET_KEY_LENGTH and app.config["ENV"] != "development":
            raise ConfigError(
                f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters; "
                "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return
    if app.config["ENV"] != "development":
        raise ConfigError(
            "SECRET_KEY is not set. In production it must come from the environment "
            "(SECRET_KEY or LETTERS_SECRET_KEY)."
        )
    app.config["SECRET_KEY"] = _development_key(Path(app.instance_path))


def _development_key(instance: Path) -> str:
    """Generate a random key once into ``instance/`` so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key

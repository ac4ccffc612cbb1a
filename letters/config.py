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
from sqlalchemy.engine import make_url
from zxcvbn import zxcvbn

from .rate_limits import LOCKED_MEMORY_URI

#: A key shorter than this is refused outside development: it could be guessed offline from a
#: captured session cookie.
MIN_SECRET_KEY_LENGTH = 32
#: zxcvbn's estimate of the guesses a key needs, as a power of ten: 10^26 is about 86 bits.
#: ``secrets.token_hex(16)`` (the shortest random key allowed) scores 27.6 at the lowest in
#: 3,000 draws; a sentence such as "this-is-my-secret-key-for-letters" scores 24.8, a repeated
#: letter under 3.
MIN_SECRET_KEY_GUESSES_LOG10 = 26
#: A key of random characters has many different ones (32 hex digits: at least 11 in 3,000
#: draws); "kkkk…" has one.
MIN_SECRET_KEY_DISTINCT_CHARACTERS = 10
#: zxcvbn's work grows with the length; the first characters of a long key are judged.
SECRET_KEY_CHARACTERS_JUDGED = 128
#: The values of ``ENV``; anything else is a typo that would silently weaken production.
ENVIRONMENTS = ("development", "production")

DEFAULTS: dict[str, Any] = {
    # "development" generates a secret key into instance/; "production" demands one.
    "ENV": "development",
    "AUTO_MIGRATE": True,
    # hide_parameters: an error never carries the values bound to it (an e-mail tried at /login)
    # into a log or a traceback.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
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
    # Where rate limits are counted: this process's memory (letters.rate_limits). With several
    # worker processes, a store they share, e.g. "redis://127.0.0.1:6379/0".
    "RATELIMIT_STORAGE_URI": LOCKED_MEMORY_URI,
    # "I sent it" per network address (counted in memory only). Generous: a whole
    # letter-writing evening on one café network stays under it; a script recording hundreds
    # is stopped.
    "SENT_RATE_LIMIT": "60 per hour",
    # Reports of a wrong address are short notes from visitors: a few an hour from one network
    # is plenty.
    "ADDRESS_REPORT_RATE_LIMIT": "5 per hour",
    # Actions reported back on a public call, per network address. A group entering its week's
    # evenings and banners at once, correcting a mistake or two, stays under it; a script
    # filling the moderation queue (each report may carry three photos to decode) is stopped.
    "ACTION_REPORT_RATE_LIMIT": "20 per hour",
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
    # Reverse proxies in front of the app that add X-Forwarded-For/-Proto/-Host (0: none, so
    # those headers, which any client can send, are ignored). Behind one nginx or Caddy: 1.
    # Without it every visitor shares the proxy's address, and so one rate limit.
    "PROXY_FIX": 0,
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
    if app.config["ENV"] not in ENVIRONMENTS:
        raise ConfigError(
            f"LETTERS_ENV is {app.config['ENV']!r}; it must be one of {', '.join(ENVIRONMENTS)}."
        )
    if "LETTERS_SESSION_COOKIE_SECURE" not in os.environ and not test_config:
        # Production is served over HTTPS; the cookie must never travel in clear.
        app.config["SESSION_COOKIE_SECURE"] = app.config["ENV"] == "production"
    if app.config["ENV"] == "production":
        _refuse_development_modes(app)
    proxy_hops(app)
    _ensure_secret_key(app)


def proxy_hops(app: Flask) -> int:
    """How many proxies' forwarded headers to trust (``LETTERS_PROXY_FIX``), checked."""
    hops = app.config["PROXY_FIX"]
    if isinstance(hops, bool) or not isinstance(hops, int) or not 0 <= hops <= 5:
        raise ConfigError(
            f"LETTERS_PROXY_FIX is {hops!r}; it must be the number of trusted reverse proxies "
            "in front of the app, from 0 to 5 (usually 1)."
        )
    return hops


def _normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _refuse_development_modes(app: Flask) -> None:
    # Debug mode shows tracebacks with local variables and, under `flask run`, a console that
    # runs any code; testing mode lets exceptions through and skips the key checks below.
    if app.config.get("DEBUG"):
        raise ConfigError(
            "Debug mode is on (LETTERS_DEBUG or FLASK_DEBUG, or `flask --debug`); "
            "it must be off when LETTERS_ENV=production."
        )
    if app.config.get("TESTING"):
        raise ConfigError("LETTERS_TESTING is on; it must be off when LETTERS_ENV=production.")


GENERATE_KEY_HINT = "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"


def _ensure_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config.get("TESTING") and key:
        return
    if key:
        if app.config["ENV"] != "development":
            _refuse_a_guessable_key(key if isinstance(key, str) else key.decode("latin-1"))
        return
    if app.config["ENV"] != "development":
        raise ConfigError(
            "SECRET_KEY is not set. In production it must come from the environment "
            "(SECRET_KEY or LETTERS_SECRET_KEY)."
        )
    app.config["SECRET_KEY"] = _development_key(Path(app.instance_path))


def _refuse_a_guessable_key(key: str) -> None:
    """The key signs session cookies: one captured cookie lets it be guessed offline."""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters; {GENERATE_KEY_HINT}"
        )
    distinct = len(set(key))
    if distinct < MIN_SECRET_KEY_DISTINCT_CHARACTERS:
        raise ConfigError(
            f"SECRET_KEY uses only {distinct} different characters, so it is easy to guess; "
            + GENERATE_KEY_HINT
        )
    judged = key[:SECRET_KEY_CHARACTERS_JUDGED]
    if zxcvbn(judged, max_length=len(judged))["guesses_log10"] < MIN_SECRET_KEY_GUESSES_LOG10:
        raise ConfigError(
            "SECRET_KEY follows a pattern (words, a sequence, a repetition), so it is easy to "
            f"guess; {GENERATE_KEY_HINT}"
        )


def protect_database_file(app: Flask) -> None:
    """Create the SQLite database readable and writable by its owner only (0600), and tighten
    an existing one with its journal files: it holds password hashes and session tokens.

    SQLite creates the -wal and -shm files with the database file's permissions, so a file
    created 0600 here keeps them private too. Relative paths are under the instance folder,
    as Flask-SQLAlchemy resolves them.
    """
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    if database.startswith("file:"):  # a URI filename: SQLite's own options, left alone
        return
    path = Path(database)
    if not path.is_absolute():
        path = Path(app.instance_path) / path
    if not path.parent.is_dir():
        return  # SQLite reports the missing folder when it opens the file
    try:
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        for file in (path, *(path.with_name(path.name + end) for end in DATABASE_SIDE_FILES)):
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)
    except OSError as error:
        raise ConfigError(
            f"The database file {path} cannot be made private to this user ({error}); "
            "check DATABASE_URL and the file's owner."
        ) from error


DATABASE_SIDE_FILES = ("-wal", "-shm", "-journal")


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

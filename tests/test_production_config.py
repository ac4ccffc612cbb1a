"""Production refuses unsafe settings: debug or testing mode, a guessable secret key, an unknown
environment name; and the SQLite database file is private to its owner."""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from sqlalchemy import text

from letters import create_app
from letters.config import ConfigError, protect_database_file
from letters.extensions import db

STRONG_KEY = secrets.token_hex(32)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what each test sets: nothing from the shell that runs the suite."""
    for name in list(os.environ):
        if name.startswith("LETTERS_") or name in ("SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG"):
            monkeypatch.delenv(name)


@pytest.fixture
def umask() -> Iterator[None]:
    # The usual umask, under which a file is created 0644 unless asked otherwise.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def production(tmp_path: Path, **config: Any) -> Flask:
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": STRONG_KEY,
            "AUTO_MIGRATE": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'letters.db'}",
            **config,
        }
    )
    with app.app_context():  # its own app, on its own database
        db.engine.dispose()
    return app


def test_a_strong_key_starts(tmp_path: Path) -> None:
    app = production(tmp_path)
    assert not app.debug
    assert not app.testing


# --- debug and testing ------------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["LETTERS_DEBUG", "FLASK_DEBUG"])
def test_production_refuses_debug_mode_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "true")
    with pytest.raises(ConfigError, match="LETTERS_DEBUG or FLASK_DEBUG"):
        production(tmp_path)


def test_production_refuses_debug_mode_from_the_configuration(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Debug mode is on"):
        production(tmp_path, DEBUG=True)


def test_production_refuses_testing_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Testing mode would also skip the key checks below.
    monkeypatch.setenv("LETTERS_TESTING", "true")
    with pytest.raises(ConfigError, match="LETTERS_TESTING"):
        production(tmp_path, SECRET_KEY="k" * 32)


def test_development_may_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LETTERS_DEBUG", "true")
    assert production(tmp_path, ENV="development").debug


def test_an_unknown_environment_name_is_refused(tmp_path: Path) -> None:
    # "prod" would otherwise start with cookies sent over plain HTTP.
    with pytest.raises(ConfigError, match="LETTERS_ENV is 'prod'"):
        production(tmp_path, ENV="prod")


# --- the secret key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("k" * 32, "only 1 different characters"),
        ("k" * 64, "only 1 different characters"),
        ("ab" * 16, "only 2 different characters"),
        ("password" * 4, "only 7 different characters"),
        ("0123456789" * 4, "follows a pattern"),
        ("0123456789abcdef" * 2, "follows a pattern"),
        ("abcdefghijklmnopqrstuvwxyz012345", "follows a pattern"),
        ("qwertyuiopasdfghjklzxcvbnm123456", "follows a pattern"),
        ("this-is-my-secret-key-for-letters", "follows a pattern"),
        ("correct horse battery staple 2024", "follows a pattern"),
        ("Letters-Production-Secret-Key-2026!", "follows a pattern"),
        # A long key is judged by its first 128 characters.
        ("k" * 128 + secrets.token_hex(32), "follows a pattern"),
    ],
    ids=lambda value: "k128-then-random" if len(value) > 128 else value,
)
def test_production_refuses_a_guessable_secret_key(tmp_path: Path, key: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=f"^SECRET_KEY .*{reason}"):
        production(tmp_path, SECRET_KEY=key)


@pytest.mark.parametrize(
    "key",
    [
        secrets.token_hex(16),
        secrets.token_hex(32),
        secrets.token_hex(64),
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32).encode(),  # bytes, as from_mapping may give
    ],
    ids=["hex16", "hex32", "hex64", "urlsafe24", "urlsafe32", "bytes"],
)
def test_production_accepts_a_random_secret_key(tmp_path: Path, key: str | bytes) -> None:
    assert production(tmp_path, SECRET_KEY=key).config["SECRET_KEY"] == key


def test_the_secret_key_from_the_environment_is_judged_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    with pytest.raises(ConfigError, match="SECRET_KEY uses only 1 different characters"):
        create_app(
            {
                "ENV": "production",
                "AUTO_MIGRATE": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'letters.db'}",
            }
        )


# --- the SQLite file --------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("env", ["production", "development"])
def test_a_new_sqlite_database_is_private_to_its_owner(
    tmp_path: Path, env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "letters.db"
    app = create_app(
        {
            "ENV": env,
            "SECRET_KEY": STRONG_KEY,
            "AUTO_MIGRATE": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    capsys.readouterr()  # the set-up link for the new database
    with app.app_context():
        with db.engine.connect() as connection:  # WAL: the -wal and -shm files exist now
            connection.execute(text("SELECT count(*) FROM users"))
            side_files = [Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert all(file.exists() for file in side_files)
            assert [_mode(file) for file in side_files] == [0o600, 0o600]
        db.engine.dispose()
    assert _mode(path) == 0o600


@pytest.mark.usefixtures("umask")
def test_an_existing_readable_sqlite_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "letters.db"
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    # A database in use, as left by an older version: its WAL is open in another process.
    other = sqlite3.connect(path)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE kept (x)")
    other.commit()
    try:
        for file in files:
            file.chmod(0o644)
        production(tmp_path)
        assert [_mode(file) for file in files] == [0o600, 0o600, 0o600]
    finally:
        other.close()


@pytest.mark.usefixtures("umask")
def test_a_relative_sqlite_path_is_created_private_under_the_instance_folder(
    tmp_path: Path,
) -> None:
    app = Flask("letters", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///relative.db"
    protect_database_file(app)
    assert _mode(tmp_path / "relative.db") == 0o600


# --- behind a reverse proxy (LETTERS_PROXY_FIX) -------------------------------------------------


def seen_by(app: Flask, headers: dict[str, str]) -> str:
    """The client address and scheme the app sees for a request from the proxy at 10.0.0.1."""

    @app.get("/_seen")
    def seen() -> str:
        return f"{request.remote_addr} {request.scheme}"

    client = app.test_client()
    response = client.get("/_seen", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    return response.get_data(as_text=True)


FORWARDED = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}


def test_behind_one_proxy_the_visitor_is_the_forwarded_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LETTERS_PROXY_FIX", "1")
    assert seen_by(production(tmp_path), FORWARDED) == "198.51.100.7 https"


def test_with_no_proxy_configured_forwarded_headers_are_ignored(tmp_path: Path) -> None:
    # Any client can send X-Forwarded-For: trusted only when a proxy is said to add it.
    assert seen_by(production(tmp_path), FORWARDED) == "10.0.0.1 http"


def test_two_proxies_trust_the_second_address_from_the_right(tmp_path: Path) -> None:
    app = production(tmp_path, PROXY_FIX=2)
    # A client-forged first entry is left alone; the two proxies' own entries are used.
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7, 10.0.0.2"}
    assert seen_by(app, headers).split()[0] == "198.51.100.7"


@pytest.mark.parametrize("hops", ["-1", "yes", "9", "1.5"])
def test_a_proxy_count_that_is_not_a_small_number_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hops: str
) -> None:
    monkeypatch.setenv("LETTERS_PROXY_FIX", hops)
    with pytest.raises(ConfigError, match="LETTERS_PROXY_FIX"):
        production(tmp_path)

"""Fixtures: an app on a real database, a client, a CLI runner, logging in, and factories.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``). The schema is always built by the
migrations, never by ``create_all``, so every test also exercises them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, event

from letters import create_app
from letters.extensions import db
from letters.models import Facility, Prisoner, Role, User
from letters.prisoners.services import save_prisoner

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'letters.db'}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AUTO_MIGRATE": True,
            # Cheap hashes: the suite hashes hundreds of passwords.
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.rollback()
        _wipe()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for tests that talk to the database directly."""
    with app.app_context():
        yield


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token from the form on ``path`` (as a browser would get it)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self._app = app
        self._client = client

    def create(self, email: str = "coord@example.org", role: Role = Role.COORDINATOR) -> str:
        from letters.auth.services import create_user

        with self._app.app_context():
            create_user(email, PASSWORD, role)
            db.session.commit()
        return email

    def login(self, email: str = "coord@example.org", password: str = PASSWORD) -> Any:
        token = csrf_token(self._client, "/login")
        return self._client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )

    def create_and_login(
        self, email: str = "coord@example.org", role: Role = Role.COORDINATOR
    ) -> str:
        self.create(email, role)
        response = self.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    def logout(self) -> Any:
        token = csrf_token(self._client, "/account/password")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(app: Flask, client: FlaskClient) -> AuthActions:
    return AuthActions(app, client)


# --- factories --------------------------------------------------------------------------------


def make_facility(**fields: Any) -> Facility:
    """The Penza pre-trial prison unless told otherwise."""
    values: dict[str, Any] = {
        "name": "ФКУ СИЗО-1 УФСИН России по Пензенской области",
        "street_address": "ул. Каракозова, 30",
        "city": "г. Пенза",
        "country_area": "Пензенская область",
        "postal_code": "440039",
        "country_code": "RU",
    }
    values.update(fields)
    facility = Facility(**values)
    db.session.add(facility)
    db.session.flush()
    return facility


def make_prisoner(facility: Facility | None = None, **fields: Any) -> Prisoner:
    """Dmitry Pchelintsev at the Penza SIZO unless told otherwise."""
    values: dict[str, Any] = {
        "family_name": "Пчелинцев",
        "given_names": "Дмитрий",
        "patronymic": "Дмитриевич",
        "latin_name": "Dmitry Pchelintsev",
        "birth_year": 1992,
        "languages": "ru",
    }
    values.update(fields)
    prisoner = Prisoner(**values)
    prisoner.facility = facility if facility is not None else make_facility()
    save_prisoner(prisoner)
    db.session.flush()
    return prisoner


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block: proves a page costs a fixed number of queries."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


__all__ = ["PASSWORD", "User", "csrf_token", "date", "make_facility", "make_prisoner"]


def inline_scripts(html: str) -> list[str]:
    """``<script>`` tags that are not the app's own static files (CSP allows only those)."""
    return re.findall(r"<script\b(?![^>]*\ssrc=\"/static/[^\"]+\")[^>]*>", html)

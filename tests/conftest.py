"""Fixtures: an app on a real database, a client, a CLI runner, logging in, and factories.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``; whatever that database holds is dropped
at the start of a run). The schema is always built by the migrations, never by ``create_all``:
once per run, so every test starts from a new install, seeded guidelines and writing aids
included.

Each test runs inside one database transaction that is rolled back at its end. The app's
sessions (the test's own, and those of the requests and commands it makes) all use that
transaction's connection and turn their ``commit()`` and ``rollback()`` into savepoints, so the
code under test commits as it always does and the next test still finds a new install.

Tests that need commits other connections can see (a live server, several threads, a second
connection) are marked ``@pytest.mark.commits``: they commit for real and the database is put
back as the migrations left it afterwards. Tests of the migrations themselves use ``bare_app``,
an app on an empty database of its own.
"""

from __future__ import annotations

import contextvars
import csv
import io
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy.session import Session
from sqlalchemy import Connection, create_engine, delete, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from letters import create_app
from letters.csv_io.services import HEADER
from letters.extensions import db
from letters.models import Facility, Prisoner, Role, User
from letters.prisoners.services import save_prisoner

PASSWORD = "correct horse battery staple"
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    # Cheap hashes: the suite hashes hundreds of passwords.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
}
Snapshot = dict[str, list[dict[str, Any]]]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "commits: the test commits for real (a live server, threads, a second connection); "
        "the database is restored to a new install after it",
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'letters.db'}"


@pytest.fixture(scope="session")
def new_install(database_url: str) -> Iterator[Snapshot]:
    """Migrate the shared database once; its contents then (the seeds) are what every test
    starts from. At the end of the run, checks that the tests left it so."""
    if database_url.startswith("postgresql"):
        # A database left by an earlier, interrupted run starts over.
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": True})
    with app.app_context():
        snapshot = _contents()
        db.session.remove()
    yield snapshot
    with app.app_context():
        left = _contents()
        db.session.remove()
        db.engine.dispose()
    changed = sorted(name for name in snapshot if left[name] != snapshot[name])
    assert changed == [], f"tests left rows behind in {changed}"


def _contents() -> Snapshot:
    """Every row of every table of the models, by table, in primary-key order: PostgreSQL
    returns rows in the order they lie on disk, which a rolled-back update can change."""
    return {
        table.name: [
            dict(row._mapping)
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }


def _restore(snapshot: Snapshot) -> None:
    """Put the database back as the migrations left it (after a test that committed)."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(delete(table))
        for table in db.metadata.sorted_tables:
            if snapshot[table.name]:
                connection.execute(insert(table), snapshot[table.name])


class _JoinedSession(Session):
    """A session on the test's connection, whatever Flask-SQLAlchemy would pick."""

    def get_bind(self, *args: Any, bind: Any = None, **kwargs: Any) -> Any:
        return bind if bind is not None else self.bind


@contextmanager
def _rolled_back(app: Flask) -> Iterator[None]:
    """Every session of ``app`` on one connection in one transaction, rolled back at the end.

    ``join_transaction_mode="create_savepoint"``: a session begins a SAVEPOINT on the connection,
    its ``commit()`` releases it and its ``rollback()`` rolls back to it. Sessions of any other
    app (a test's second app on its own database) are made as usual.
    """
    plain = db.session
    with app.app_context():
        connection: Connection = db.engine.connect()
    transaction = connection.begin()
    joined = sessionmaker(
        class_=_JoinedSession,
        **{**plain.session_factory.kw, "bind": connection},
        join_transaction_mode="create_savepoint",
    )

    def make_session() -> Session:
        if current_app._get_current_object() is app:  # type: ignore[attr-defined]
            return joined()
        return plain.session_factory()

    db.session = scoped_session(make_session, scopefunc=plain.registry.scopefunc)  # type: ignore[assignment]
    try:
        yield
    finally:
        db.session = plain
        transaction.rollback()
        connection.close()


class Client(FlaskClient):
    """Each request in an app context and session of its own, as on a site.

    Flask would reuse the app context the test holds, and with it the test's session and
    ``g``. The test's session ends its transaction first: the request sees what the test
    committed, and the test's objects reload with what the request changed.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if self.preserve_context:  # ``with client:`` keeps the request's context on purpose
            return super().open(*args, **kwargs)
        _end_test_transaction()
        # Buffered: a streamed body (the CSV downloads) is read whole inside the request's own
        # context, as a server reads it in the request's thread; read later, in the test's
        # context, it would open and close its app context in two different ones.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


class CliRunner(FlaskCliRunner):
    """Each command in an app context and session of its own, as from a shell (``Client``)."""

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        _end_test_transaction()
        return contextvars.Context().run(super().invoke, *args, **kwargs)


def _end_test_transaction() -> None:
    if has_app_context():
        db.session.rollback()


@contextmanager
def app_context(app: Flask) -> Iterator[None]:
    """The test's app context, or a new one under ``@pytest.mark.commits`` (where the test
    holds none): for fixtures and helpers that serve both kinds of test.

    Not ``app.app_context()`` inside the test's: that session's commit would only release a
    savepoint inside the test's session's own, and the test's next rollback would undo it.
    """
    if has_app_context():
        yield
    else:
        with app.app_context():
            yield


@pytest.fixture
def app(
    request: pytest.FixtureRequest, database_url: str, new_install: Snapshot, tmp_path: Path
) -> Iterator[Flask]:
    """The app, its context held for the whole test (tests use the database directly); the
    test's writes, and its requests', are rolled back at its end.

    Under ``@pytest.mark.commits`` no context is held (a test's open transaction would keep
    the server's writers waiting on SQLite): such tests open ``app.app_context()`` themselves,
    and the database is restored to a new install after them.
    """
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False}
    )
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = Client
    app.test_cli_runner_class = CliRunner
    if request.node.get_closest_marker("commits"):
        yield app
        with app.app_context():
            _restore(new_install)
    else:
        with _rolled_back(app), app.app_context():
            yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> None:
    """For tests that use the database but not the app object (the app holds the context)."""
    assert has_app_context(), "a test marked commits opens app.app_context() itself"


@pytest.fixture
def bare_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app that does not migrate by itself, on an empty database of its own of the suite's
    kind (a new SQLite file, or a new PostgreSQL database dropped afterwards): for tests that
    migrate up and down, away from the shared database."""
    url = make_url(database_url)
    server = None
    if url.get_backend_name() == "postgresql":
        name = f"{url.database}_{uuid.uuid4().hex[:8]}"
        server = create_engine(url, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        own = url.set(database=name).render_as_string(hide_password=False)
    else:
        own = f"sqlite:///{tmp_path / 'own.db'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": own, "AUTO_MIGRATE": False})
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if server is not None:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


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

        with app_context(self._app):
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


def make_person(name: str, facility: Facility | None = None, **fields: Any) -> Prisoner:
    """A prisoner known by a family name alone (given name "A", no patronymic, no Latin name),
    at a Penza SIZO of their own unless told otherwise: for lists, counts and orderings."""
    return make_prisoner(
        facility or make_facility(),
        family_name=name,
        given_names="A",
        patronymic="",
        latin_name="",
        **fields,
    )


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block: proves a page costs a fixed number of queries.

    Savepoints are left out: the suite's rolled-back transaction turns each session's
    transaction into one, which a site's session does not have.
    """
    statements: list[str] = []

    def record(*args: Any) -> None:
        if not args[2].lstrip().upper().startswith(SAVEPOINTS):
            statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


__all__ = [
    "PASSWORD",
    "User",
    "csrf_token",
    "date",
    "make_facility",
    "make_person",
    "make_prisoner",
    "user_count",
]


def inline_scripts(html: str) -> list[str]:
    """``<script>`` tags that are not the app's own static files (CSP allows only those)."""
    return re.findall(r"<script\b(?![^>]*\ssrc=\"/static/[^\"]+\")[^>]*>", html)


# --- CSV files for the import --------------------------------------------------------------


def csv_row(**cells: str) -> dict[str, str]:
    """A valid CSV import row (an invented prisoner at the Penza SIZO), with ``cells`` changed."""
    values = {
        "family_name": "Иванова",
        "given_names": "Анна",
        "patronymic": "Сергеевна",
        "gender": "female",
        "birth_date": "1990",
        "facility": "ФКУ СИЗО-1 УФСИН России по Пензенской области",
        "street_address": "ул. Каракозова, 30",
        "city": "г. Пенза",
        "region": "Пензенская область",
        "postal_code": "440039",
        "country": "RU",
        "languages": "ru",
        "status": "pre_trial",
    }
    values.update(cells)
    return values


def csv_bytes(*rows: dict[str, str], header: tuple[str, ...] = HEADER) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8")

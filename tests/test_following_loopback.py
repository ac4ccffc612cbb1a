"""Two instances on loopback, each on its own database: B follows A's list.

Issue 16's "done when": B adopts three of A's people; A records a transfer and a release; B's
sync shows both as pending changes; accepting them makes B's envelope for the transferred
person print the new facility and takes the released person off B's public list.

Both instances are real servers (werkzeug, threads) on 127.0.0.1, each an app of its own on a
database of its own: A on a new SQLite file, B on a new database of the suite's kind, and the
other way round, so that on the PostgreSQL run one is SQLite and the other PostgreSQL. B is
driven as a coordinator drives it, over HTTP with a login and the forms' CSRF tokens; A's
coordinators' edits are made through its services (they are not what is tested here).
"""

from __future__ import annotations

import io
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pdfplumber
import pytest
import requests
from conftest import PASSWORD, TEST_CONFIG
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from letters import create_app
from letters.auth.services import create_user
from letters.extensions import db
from letters.models import Facility, LetterSent, Prisoner, Role, Status
from letters.prisoners.services import save_prisoner, transfer_prisoner
from letters.settings.services import group_settings


@dataclass
class Instance:
    app: Flask
    url: str
    database: str


@contextmanager
def _database(kind: str, suite_url: str, tmp_path: Path, name: str) -> Iterator[str]:
    """A new empty database: a SQLite file, or (``kind`` "suite") one of the suite's kind."""
    url = make_url(suite_url)
    if kind == "suite" and url.get_backend_name() == "postgresql":
        own_name = f"{url.database}_{name}_{uuid.uuid4().hex[:8]}"
        server = create_engine(url, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{own_name}"'))
        try:
            yield url.set(database=own_name).render_as_string(hide_password=False)
        finally:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{own_name}" WITH (FORCE)'))
            server.dispose()
    else:
        yield f"sqlite:///{tmp_path / f'{name}.db'}"


@contextmanager
def _instance(kind: str, suite_url: str, tmp_path: Path, name: str) -> Iterator[Instance]:
    with _database(kind, suite_url, tmp_path, name) as database:
        app = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": database,
                "AUTO_MIGRATE": True,
            }
        )
        app.instance_path = str(tmp_path / f"instance-{name}")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Instance(app, f"http://127.0.0.1:{server.server_port}", database)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(params=[("sqlite", "suite"), ("suite", "sqlite")], ids=["A-sqlite", "B-sqlite"])
def instances(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[tuple[Instance, Instance]]:
    a_kind, b_kind = request.param
    with (
        _instance(a_kind, database_url, tmp_path, "a") as a,
        _instance(b_kind, database_url, tmp_path, "b") as b,
    ):
        yield a, b


# --- A's list ----------------------------------------------------------------------------------


def _facility(**fields: object) -> Facility:
    facility = Facility(**fields)
    db.session.add(facility)
    db.session.flush()
    return facility


def _seed_a(a: Instance) -> dict[str, int]:
    """Three listed people in three countries and one unlisted; letters per day published."""
    with a.app.app_context():
        penza = _facility(
            name="ФКУ СИЗО-1 УФСИН России по Пензенской области",
            street_address="ул. Каракозова, 30",
            city="г. Пенза",
            country_area="Пензенская область",
            postal_code="440039",
            country_code="RU",
        )
        mordovia = _facility(
            name="ФКУ ИК-2 УФСИН России по Республике Мордовия",
            street_address="ул. Советская, 1",
            city="п. Ударный",
            country_area="Республика Мордовия",
            postal_code="431130",
            country_code="RU",
        )
        brixton = _facility(
            name="HMP Brixton",
            street_address="Jebb Avenue",
            city="London",
            postal_code="SW2 5XF",
            country_code="GB",
        )
        people = {
            "pchelintsev": Prisoner(
                family_name="Пчелинцев",
                given_names="Дмитрий",
                patronymic="Дмитриевич",
                latin_name="Dmitry Pchelintsev",
                birth_year=1992,
                languages="ru",
                status=Status.SENTENCED,
                facility=penza,
            ),
            "shishkin": Prisoner(
                family_name="Шишкин",
                given_names="Василий",
                patronymic="Андреевич",
                latin_name="Vasily Shishkin",
                birth_year=1990,
                languages="ru en",
                status=Status.SENTENCED,
                facility=mordovia,
            ),
            "walker": Prisoner(
                family_name="Walker",
                given_names="Sam",
                prisoner_number="A1234BC",
                languages="en",
                status=Status.PRE_TRIAL,
                facility=brixton,
            ),
            "unlisted": Prisoner(
                family_name="Hidden",
                given_names="Person",
                languages="en",
                facility=brixton,
                is_listed=False,
            ),
        }
        for person in people.values():
            save_prisoner(person)
        db.session.flush()
        group_settings().publish_letter_days = True
        yesterday = date.today() - timedelta(days=1)
        db.session.add(
            LetterSent(
                prisoner_id=people["pchelintsev"].id,
                sent_on=yesterday,
                letters=7,
                recorded_on=yesterday,
            )
        )
        db.session.commit()
        return {key: person.id for key, person in people.items()}


# --- B, driven over HTTP as a coordinator drives it ---------------------------------------------


class Coordinator:
    """A logged-in browser-less coordinator on an instance: GETs and form POSTs with CSRF."""

    def __init__(self, instance: Instance) -> None:
        self.base = instance.url
        self.http = requests.Session()
        with instance.app.app_context():
            create_user("coord@example.org", PASSWORD, Role.COORDINATOR)
            db.session.commit()
        response = self.post("/login", {"email": "coord@example.org", "password": PASSWORD})
        assert response.status_code == 302, response.text

    def get(self, path: str, **params: str) -> requests.Response:
        response = self.http.get(self.base + path, params=params, allow_redirects=False)
        assert response.status_code in (200, 302), (path, response.status_code)
        return response

    def post(
        self, path: str, data: dict[str, str], form_on: str | None = None
    ) -> requests.Response:
        """POST ``data`` with the CSRF token from the page ``form_on`` (default: ``path``)."""
        page = self.http.get(self.base + (form_on or path)).text
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {form_on or path}"
        return self.http.post(
            self.base + path, data={**data, "csrf_token": match.group(1)}, allow_redirects=False
        )


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _b_prisoner_id(b: Instance, family_name: str) -> int:
    with b.app.app_context():
        found = db.session.scalar(select(Prisoner.id).where(Prisoner.family_name == family_name))
        assert found is not None, f"{family_name} is not on B's list"
        return found

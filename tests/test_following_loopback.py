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
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from letters import create_app
from letters.auth.services import create_user
from letters.extensions import db
from letters.models import (
    AddressHistoryEntry,
    AuditEntry,
    Facility,
    LetterSent,
    Prisoner,
    Role,
    Source,
    Status,
)
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
        settings = group_settings()
        settings.publish_letter_days = True
        db.session.add(settings)
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
        response = self.http.get(self.base + path, params=params, allow_redirects=False, timeout=30)
        assert response.status_code in (200, 302), (path, response.status_code)
        return response

    def post(
        self, path: str, data: dict[str, str], form_on: str | None = None
    ) -> requests.Response:
        """POST ``data`` with the CSRF token from the page ``form_on`` (default: ``path``)."""
        page = self.http.get(self.base + (form_on or path), timeout=30).text
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {form_on or path}"
        return self.http.post(
            self.base + path,
            data={**data, "csrf_token": match.group(1)},
            allow_redirects=False,
            timeout=30,
        )


def _public(instance: Instance, path: str) -> requests.Response:
    """A visitor's GET: no login, no cookie."""
    return requests.get(instance.url + path, timeout=30)


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _b_prisoner_id(b: Instance, family_name: str) -> int:
    with b.app.app_context():
        found = db.session.scalar(select(Prisoner.id).where(Prisoner.family_name == family_name))
        assert found is not None, f"{family_name} is not on B's list"
        return found


def _forms(html: str, action: str) -> list[int]:
    """Ids in the forms posting to ``/manage/sources/changes/<id>/<action>`` on a page."""
    return [
        int(n) for n in re.findall(rf'action="/manage/sources/changes/(\d+)/{action}[?"]', html)
    ]


# --- the test ------------------------------------------------------------------------------------


@pytest.mark.commits
def test_b_follows_a_adopts_three_and_takes_a_transfer_and_a_release(
    instances: tuple[Instance, Instance],
) -> None:
    a, b = instances
    a_ids = _seed_a(a)
    coordinator = Coordinator(b)

    # B follows A, from the sources page, and reads A's list.
    response = coordinator.post(
        "/manage/sources", {"base_url": a.url + "/", "name": "ABC A"}, form_on="/manage/sources"
    )
    assert response.status_code == 302, response.text
    with b.app.app_context():
        source_id = db.session.scalar(select(Source.id).where(Source.base_url == a.url))
    assert source_id is not None
    page = f"/manage/sources/{source_id}"
    assert coordinator.post(f"{page}/sync", {}, form_on=page).status_code == 302

    # Three people offered (the unlisted one never crosses); B adopts them all.
    offers = coordinator.get(f"{page}/new-people").text
    for name in ("Пчелинцев", "Шишкин", "Walker"):
        assert name in offers
    assert "Hidden" not in offers
    offer_ids = _forms(offers, "adopt")
    assert len(offer_ids) == 3
    for change_id in offer_ids:
        adopted = coordinator.post(
            f"/manage/sources/changes/{change_id}/adopt", {}, form_on=f"{page}/new-people"
        )
        assert adopted.status_code == 302, adopted.text
    pchelintsev = _b_prisoner_id(b, "Пчелинцев")
    shishkin = _b_prisoner_id(b, "Шишкин")
    walker = _b_prisoner_id(b, "Walker")
    with b.app.app_context():
        adopted_walker = db.session.get(Prisoner, walker)
        assert adopted_walker is not None
        assert adopted_walker.prisoner_number == "A1234BC"
        assert adopted_walker.facility is not None
        assert adopted_walker.facility.postal_code == "SW2 5XF"
        assert db.session.scalar(select(func.count()).select_from(Prisoner)) == 3

    # Letters from all groups: A's seven beside B's none, on B's public profile.
    profile = _public(b, f"/prisoners/{pchelintsev}").text
    assert "7 letters from the 2 groups together" in profile

    # A learns of a transfer and a release, as its coordinators record them.
    with a.app.app_context():
        karelia = _facility(
            name="ФКУ ИК-7 УФСИН России по Республике Карелия",
            street_address="ул. Правды, 9",
            city="г. Сегежа",
            country_area="Республика Карелия",
            postal_code="186420",
            country_code="RU",
        )
        moved = db.session.get(Prisoner, a_ids["pchelintsev"])
        assert moved is not None
        transfer_prisoner(moved, karelia)
        released = db.session.get(Prisoner, a_ids["shishkin"])
        assert released is not None
        released.status = Status.RELEASED
        released.release_date = date.today()
        db.session.commit()

    # B's next sync proposes both, old → new; nothing is applied yet.
    assert coordinator.post(f"{page}/sync", {}, form_on=page).status_code == 302
    with b.app.app_context():
        waiting = db.session.get(Prisoner, pchelintsev)
        assert waiting is not None
        assert waiting.facility is not None
        assert "Пенз" in waiting.facility.name
    review = coordinator.get(page).text
    assert "ФКУ ИК-7 УФСИН России по Республике Карелия" in review
    assert "Released" in review
    change_ids = _forms(review, "accept")
    assert len(change_ids) == 2
    for change_id in change_ids:
        accepted = coordinator.post(f"/manage/sources/changes/{change_id}/accept", {}, form_on=page)
        assert accepted.status_code == 302, accepted.text
    assert _forms(coordinator.get(page).text, "accept") == []

    # B's envelope for the transferred person prints the new facility, not the old one.
    envelope = _public(b, f"/prisoners/{pchelintsev}/envelope.pdf?size=DL&from=DE")
    assert envelope.status_code == 200
    printed = _pdf_text(envelope.content)
    assert "ИК-7" in printed
    assert "186420" in printed
    assert "Каракозова" not in printed

    # The released person is off B's public list; the others stay.
    public = _public(b, "/prisoners").text
    assert "Шишкин" not in public
    assert "Пчелинцев" in public
    assert "Walker" in public
    assert _public(b, f"/prisoners/{shishkin}").status_code == 404

    # Both in B's address history and audit trail, with the source named.
    with b.app.app_context():
        history = db.session.scalars(
            select(AddressHistoryEntry)
            .where(AddressHistoryEntry.prisoner_id == pchelintsev)
            .order_by(AddressHistoryEntry.id)
        ).all()
        assert [entry.ended_on is None for entry in history] == [False, True]
        assert "ИК-7" in history[-1].facility_name
        contexts = set(
            db.session.scalars(
                select(AuditEntry.context).where(
                    AuditEntry.prisoner_id.in_([pchelintsev, shishkin])
                )
            )
        )
        assert "from source ABC A" in contexts

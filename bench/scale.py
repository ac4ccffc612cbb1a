"""Scale benchmark: every page at 1,000 / 100,000 and 10,000 / 1,000,000 (prisoners / letters).

Run from the repository root::

    python bench/scale.py [--db sqlite|postgresql|both] [--size small|large|both]
                          [--prisoners 10000] [--letters 1000000] [--repeat 11] [--keep]

For each database and size it

1. **generates a registry** (seeded, so the same every time): prisoners through the app's own
   CSV import (``import_csv``: search text, facilities, address history and audit entries as
   the app writes them), about one facility per five prisoners in RU, BY, US, GB and DE with
   valid addresses; then by bulk statements some prisoners unlisted, released, or with an
   address to check, campaigns, a letter log over two years skewed per prisoner (a few get
   many, many get few, some none; campaign letters on their campaign's days) and mail events
   (replies and returned letters). The small size is a tenth of ``--prisoners``/``--letters``.
   The schema comes from the app's migrations (``create_app`` with ``AUTO_MIGRATE``);
2. **serves the app as in production** in a subprocess: gunicorn with one sync worker if it is
   installed (else Werkzeug's server), ``LETTERS_ENV=production``, a random secret key;
3. **times each page** as the median of ``--repeat`` requests, taken in rounds (every page once
   per round, a 404 among them) after a warm-up round, and divides it by the 404's median in
   the same run; the CSV downloads are timed ``--heavy-repeat`` times. For the letter-log CSV
   also, from a fresh worker, the time to first byte, the bytes and the worker's peak RSS
   while serving it (its ``VmHWM``, reset just before through ``/proc/<pid>/clear_refs``).
   The birthday feed is kept per worker for the day, so the table's median is the kept copy:
   its cold build is timed separately, as a fresh worker's first request for it.
   ``--public-only``: the public pages alone (no coordinator pages, CSVs or login);
4. times ``flask --app app prisoners import`` of a 10,000-row file into an empty database and
   ``flask --app app print envelopes`` for every listed prisoner of the large registry, each
   with the child's peak RSS (``/usr/bin/time``);
5. prints the table: ×404 at each size, the growth between them (of the ×404 figures, so a
   busier machine in one run does not count as growth), the goal of issue 14 and whether it is
   met; with both databases, SQLite ÷ PostgreSQL for the public pages.

Databases: SQLite files in ``--dir`` (default ``/tmp/letters-scale``) and PostgreSQL databases
``scale_<prisoners>_<letters>`` on ``--pg`` (default ``127.0.0.1:5432``, user ``postgres``),
created and dropped by the benchmark. ``--keep`` keeps them and reuses one that already holds
the expected number of prisoners and letter-log rows, so a rerun after an optimisation skips
the generation (a changed migration needs a fresh one: run without ``--keep`` once).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: this tree's letters, not an installed one

import requests  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from letters import create_app  # noqa: E402
from letters.auth import services as auth_services  # noqa: E402
from letters.csv_io.services import HEADER, import_csv  # noqa: E402
from letters.extensions import db  # noqa: E402
from letters.models import (  # noqa: E402
    Campaign,
    CampaignKind,
    LetterSent,
    MailEvent,
    MailEventKind,
    Prisoner,
    ReturnReason,
    Role,
    campaign_prisoners,
)
from letters.settings.services import group_settings  # noqa: E402

DAYS_OF_LOG = 730
EMAIL = "scale-bench@example.org"
PASSWORD = "Scale-bench: seven brown owls 4127"  # noqa: S105 (a throwaway database)
TIMEOUT = 600  # seconds; a page slower than this is reported as timed out
PAGE_SIZE = 50
GOAL_PUBLIC, GOAL_COORDINATOR, GOAL_GROWTH = 15.0, 30.0, 1.5

FAMILY_NAMES = [
    "Пчелинцев",
    "Иванова",
    "Черных",
    "Кулик",
    "Смирнов",
    "Колесникова",
    "Шакиров",
    "Орлова",
    "Бабарико",
    "Лосик",
    "Жук",
    "Мельникова",
]
GIVEN_NAMES = ["Дмитрий", "Анна", "Иван", "Мария", "Алексей", "Ольга", "Игорь", "Светлана"]
PATRONYMICS = ["Дмитриевич", "Сергеевна", "Петрович", "Александровна", "Викторович", ""]
LATIN_FAMILY = ["Doe", "Roe", "Smith", "Weber", "Walker", "Kulik", "Jones", "Fischer"]
LATIN_GIVEN = ["John", "Jane", "Alex", "Lena", "Sam", "Maria", "Tom", "Eva"]
# Most on the groups' lists are in Russia, then Belarus; a few abroad.
COUNTRIES = ["RU"] * 12 + ["BY"] * 4 + ["US", "US", "GB", "DE"]
STATUSES = ["pre_trial", "sentenced", "in_transit"]
STATUS_WEIGHTS = [45, 50, 5]


# --- the data set -----------------------------------------------------------------------------


def facility_cells(number: int, country: str) -> dict[str, str]:
    """A valid address in ``country``; ``number`` makes the facility's name (and in Russia its
    postal code and street number) its own, so the import creates one facility per number."""
    if country == "RU":
        return {
            "facility": f"ФКУ ИК-{number} УФСИН России по Пензенской области",
            "street_address": f"ул. Каракозова, {number}",
            "city": "г. Пенза",
            "region": "Пензенская область",
            "postal_code": f"{440000 + number % 9000:06d}",
        }
    if country == "BY":
        return {
            "facility": f"ИК №{number}",
            "street_address": "ул. Антошкина, 3",
            "city": "г. Гомель",
            "region": "",
            "postal_code": "246035",
        }
    if country == "US":
        return {
            "facility": f"FCI Dublin {number}",
            "street_address": "5701 8th St. - Camp Parks",
            "city": "Dublin",
            "region": "CA",
            "postal_code": "94568",
        }
    if country == "GB":
        return {
            "facility": f"HMP Brixton {number}",
            "street_address": "Jebb Avenue",
            "city": "London",
            "region": "",
            "postal_code": "SW2 5XF",
        }
    return {
        "facility": f"JVA Rosdorf {number}",
        "street_address": "Am Großen Sieke 8",
        "city": "Rosdorf",
        "region": "",
        "postal_code": "37124",
    }


def prisoner_csv(count: int, seed: int, today: date, name_prefix: str = "") -> bytes:
    """``count`` prisoners as the import's CSV, about five per facility."""
    import random

    rng = random.Random(seed)
    facilities = [
        {**facility_cells(n, country), "country": country}
        for n, country in enumerate(
            (rng.choice(COUNTRIES) for _ in range(max(5, count // 5))), start=1
        )
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for number in range(count):
        facility = rng.choice(facilities)
        foreign = facility["country"] in ("US", "GB", "DE")
        birth = date(rng.randint(1955, 2004), 1, 1) + timedelta(days=rng.randrange(365))
        shape = rng.random()  # birthdays: most known to the day, some only the year
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        writer.writerow(
            {
                **facility,
                "family_name": rng.choice(LATIN_FAMILY if foreign else FAMILY_NAMES),
                # The number keeps every name its own (the import matches people by name).
                "given_names": f"{rng.choice(LATIN_GIVEN if foreign else GIVEN_NAMES)} "
                f"{name_prefix}{number}",
                "patronymic": "" if foreign else rng.choice(PATRONYMICS),
                "latin_name": "",
                "gender": rng.choice(["male", "female", ""]),
                "birth_date": birth.isoformat()
                if shape < 0.7
                else (str(birth.year) if shape < 0.9 else ""),
                "prisoner_number": f"{number:06d}" if foreign else "",
                "unit": f"отряд {rng.randint(1, 12)}" if facility["country"] == "RU" else "",
                "languages": rng.choice(["ru", "ru;en", "be;ru", "en", "de;en"]),
                "language_notes": "",
                "status": status,
                "release_date": (today + timedelta(days=rng.randint(30, 3000))).isoformat()
                if status == "sentenced" and rng.random() < 0.5
                else "",
                "interests": rng.choice(["", "chess, history", "poetry", "football; science"]),
                "bio": rng.choice(["", "Arrested for an anti-war post.", "A journalist."]),
                "envelope_name": "",
            }
        )
    return out.getvalue().encode()


def skewed_weights(rng: Any, count: int) -> list[float]:
    """Weights for who gets letters: Pareto-shaped (a few get many, many get few), one in
    twenty never written to."""
    return [0.0 if rng.random() < 0.05 else rng.paretovariate(1.2) for _ in range(count)]


def letter_rows(
    rng: Any,
    ids: list[int],
    campaigns: list[tuple[int, date, date, list[int]]],
    count: int,
    today: date,
) -> Iterator[tuple[int, date, int, int | None, str, date]]:
    """``count`` letter-log rows: (prisoner_id, sent_on, letters, campaign_id, via,
    recorded_on). One in five is a campaign's, dated within the campaign's days and for one of
    its prisoners; the rest over the last two years, skewed per prisoner."""
    weights = skewed_weights(rng, len(ids))
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    plain = count - count // 5
    chosen = rng.choices(ids, cum_weights=cumulative, k=plain)
    for prisoner_id in chosen:
        sent_on = today - timedelta(days=rng.randrange(1, DAYS_OF_LOG))
        yield (prisoner_id, sent_on, rng.choice((1, 1, 1, 2, 3)), None, "web", sent_on)
    for _ in range(count - plain):
        campaign_id, starts_on, ends_on, members = rng.choice(campaigns)
        sent_on = starts_on + timedelta(days=rng.randint(0, (ends_on - starts_on).days))
        yield (rng.choice(members), sent_on, rng.randint(1, 4), campaign_id, "evening", sent_on)


def generate(app: Flask, prisoners: int, letters: int, seed: int, today: date) -> float:
    """Fill an empty, migrated database; returns the seconds it took."""
    import random

    start = time.perf_counter()
    rng = random.Random(seed)
    with app.app_context():
        result = import_csv(prisoner_csv(prisoners, seed, today))
        if result.errors:
            sys.exit(f"the generated CSV was refused: {result.errors[:3]}")
        ids = list(db.session.scalars(select(Prisoner.id).order_by(Prisoner.id)))
        # Some no longer listed, some released, some whose address needs checking; most
        # addresses confirmed at some point in the last 18 months, the rest never.
        for share, values in (
            (0.07, {"is_listed": False}),
            (0.05, {"status": "released", "release_date": today - timedelta(days=90)}),
            (0.03, {"address_needs_checking": True}),
        ):
            chosen = rng.sample(ids, int(len(ids) * share))
            db.session.execute(update(Prisoner).where(Prisoner.id.in_(chosen)).values(**values))
        confirmed = rng.sample(ids, int(len(ids) * 0.6))
        for chunk_start in range(0, len(confirmed), 5000):
            chunk = confirmed[chunk_start : chunk_start + 5000]
            db.session.execute(
                update(Prisoner)
                .where(Prisoner.id.in_(chunk))
                .values(address_confirmed_on=today - timedelta(days=rng.randrange(540)))
            )
        # Campaigns: evenings of one day and campaigns of a week, one per 30 prisoners, each
        # writing to about 10 of them.
        campaigns: list[tuple[int, date, date, list[int]]] = []
        for n in range(max(5, prisoners // 30)):
            kind = rng.choice(list(CampaignKind))
            starts_on = today - timedelta(days=rng.randrange(7, DAYS_OF_LOG))
            ends_on = starts_on + timedelta(days=0 if kind == CampaignKind.EVENING else 6)
            campaign = Campaign(
                kind=kind,
                name=f"Evening {n}",
                starts_on=starts_on,
                ends_on=ends_on,
                goal=rng.choice([None, 50, 200, 1000]),
            )
            db.session.add(campaign)
            db.session.flush()
            members = rng.sample(ids, 10)
            db.session.execute(
                insert(campaign_prisoners),
                [{"campaign_id": campaign.id, "prisoner_id": p} for p in members],
            )
            campaigns.append((campaign.id, starts_on, ends_on, members))
        db.session.execute(
            insert(MailEvent),
            [
                {
                    "prisoner_id": rng.choice(ids),
                    "kind": MailEventKind.RETURNED if returned else MailEventKind.REPLY,
                    "happened_on": today - timedelta(days=rng.randrange(DAYS_OF_LOG)),
                    "return_reason": rng.choice(list(ReturnReason)) if returned else None,
                    "note": "",
                    "created_at": datetime.now(UTC),
                }
                for returned in (rng.random() < 0.3 for _ in range(prisoners))
            ],
        )
        auth_services.create_user(EMAIL, PASSWORD, Role.COORDINATOR)
        db.session.commit()
        rows = letter_rows(rng, ids, campaigns, letters, today)
        if db.engine.dialect.name == "postgresql":
            copy_letters(rows)
        else:
            insert_letters(rows)
        if db.engine.dialect.name == "postgresql":
            # Autovacuum would analyse the new rows within a minute in a live database.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "ANALYZE"
                )
    return time.perf_counter() - start


COLUMNS = ("prisoner_id", "sent_on", "letters", "campaign_id", "via", "recorded_on")


def insert_letters(rows: Iterator[tuple[Any, ...]]) -> None:
    """SQLite: many-row INSERTs through SQLAlchemy Core, 50,000 rows a statement batch."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(COLUMNS, row, strict=True)))
        if len(batch) == 50_000:
            db.session.execute(insert(LetterSent), batch)
            batch = []
    if batch:
        db.session.execute(insert(LetterSent), batch)
    db.session.commit()


def copy_letters(rows: Iterator[tuple[Any, ...]]) -> None:
    """PostgreSQL: ``COPY ... FROM STDIN`` through psycopg."""
    connection = db.engine.raw_connection()
    try:
        with connection.cursor() as cursor:  # type: ignore[attr-defined]
            statement = f"COPY letters_sent ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        connection.commit()
    finally:
        connection.close()


# --- databases --------------------------------------------------------------------------------


@dataclass
class Target:
    kind: str  # "sqlite" or "postgresql"
    prisoners: int
    letters: int
    url: str = ""
    generated_in: float | None = None  # None: reused
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{short(self.prisoners)}/{short(self.letters)}"


def short(number: int) -> str:
    """10000 -> 10k, 1000000 -> 1M."""
    for unit, size in (("M", 1_000_000), ("k", 1000)):
        if number >= size:
            return f"{number / size:g}{unit}"
    return str(number)


def quiet_app(url: str) -> Flask:
    # The first-run notice (no admin yet) would go to stderr on every start.
    with contextlib.redirect_stderr(io.StringIO()):
        return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})


def pg_admin(args: argparse.Namespace) -> Any:
    return create_engine(f"{args.pg}/postgres", isolation_level="AUTOCOMMIT")


def prepare(target: Target, args: argparse.Namespace, today: date) -> None:
    name = f"scale{args.tag}_{target.prisoners}_{target.letters}"
    if target.kind == "sqlite":
        path = Path(args.dir) / f"{name}.db"
        target.url = f"sqlite:///{path}"
        exists = path.exists()
        if exists and not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            exists = False
    else:
        target.url = f"{args.pg}/{name}"
        admin = pg_admin(args)
        with admin.connect() as connection:
            exists = bool(
                connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            )
            if exists and not args.keep:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                exists = False
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    app = quiet_app(target.url)  # migrates a fresh database to head
    with app.app_context():
        counts = (
            db.session.scalar(select(func.count()).select_from(Prisoner)),
            db.session.scalar(select(func.count()).select_from(LetterSent)),
        )
    if counts == (target.prisoners, target.letters):
        print(f"  reusing {name} ({target.kind})", flush=True)
    else:
        if any(counts):
            sys.exit(f"{name} holds other data {counts}; run without --keep to regenerate it")
        print(f"  generating {name} ({target.kind}) ...", flush=True)
        target.generated_in = generate(app, target.prisoners, target.letters, args.seed, today)
        print(f"  generated in {target.generated_in:.1f} s", flush=True)
    with app.app_context():
        listed = select(Prisoner.id).where(Prisoner.is_listed, Prisoner.facility_id.is_not(None))
        ids = list(db.session.scalars(listed.order_by(Prisoner.id)))
        target.facts = {
            "prisoner": ids[len(ids) // 2],  # a listed prisoner with an address, mid-registry
            "listed": db.session.scalar(
                select(func.count()).select_from(Prisoner).where(Prisoner.is_listed)
            ),
            "envelopes": len(ids),
            "prisoners": db.session.scalar(select(func.count()).select_from(Prisoner)),
        }
        # Followers may read letters per day (issue 16): published, as a group would.
        settings = group_settings()
        settings.publish_letter_days = True
        db.session.add(settings)
        db.session.commit()
    with app.app_context():
        db.engine.dispose()


def drop(target: Target, args: argparse.Namespace) -> None:
    if args.keep:
        return
    if target.kind == "sqlite":
        path = make_url(target.url).database or ""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        admin = pg_admin(args)
        with admin.connect() as connection:
            connection.execute(
                text(f'DROP DATABASE "{make_url(target.url).database}" WITH (FORCE)')
            )
        admin.dispose()


# --- the server -------------------------------------------------------------------------------


def server_name() -> str:
    try:
        import gunicorn

        return f"gunicorn {gunicorn.__version__}, 1 sync worker"
    except ImportError:
        return "werkzeug (gunicorn not installed)"


def environment(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        LETTERS_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        # Served over plain HTTP on 127.0.0.1 here: a Secure cookie would never come back.
        LETTERS_SESSION_COOKIE_SECURE="false",
        PYTHONPATH=str(ROOT),
    )
    env.pop("FLASK_DEBUG", None)
    return env


@contextlib.contextmanager
def serve(url: str) -> Iterator[tuple[str, int]]:
    """The app in a subprocess; yields its base URL and the pid of the process serving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if server_name().startswith("gunicorn"):
        # A long timeout: a slow page must be measured, not killed by the worker's watchdog.
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--timeout",
            str(TIMEOUT),
            "--bind",
            f"127.0.0.1:{port}",
            "app:app",
        ]
    else:
        command = [
            sys.executable,
            "-c",
            "from werkzeug.serving import run_simple; from app import "
            f"app; run_simple('127.0.0.1', {port}, app, threaded=False)",
        ]
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        command, cwd=ROOT, env=environment(url), stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(requests.ConnectionError):
                requests.get(f"{base}/healthz", timeout=TIMEOUT)
                break
            if process.poll() is not None:
                log.seek(0)
                sys.exit(f"the server stopped:\n{log.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.1)
        worker = process.pid
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        if children.exists() and children.read_text().split():
            worker = int(children.read_text().split()[0])  # gunicorn's worker
        yield base, worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def login(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=TIMEOUT).text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on /login"
    response = session.post(
        f"{base}/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": match.group(1)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, f"login failed: {response.status_code}"
    return session


# --- what is timed ----------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    coordinator: bool = False
    heavy: bool = False  # timed fewer times
    public: bool = True  # compared across databases
    times: list[float] = field(default_factory=list)
    statuses: set[int | str] = field(default_factory=set)
    size: int = 0


def pages(target: Target) -> list[Page]:
    pid = target.facts["prisoner"]
    last = max(1, -(-target.facts["listed"] // PAGE_SIZE))
    since = (date.today() - timedelta(days=1)).isoformat()
    feed_last = max(1, -(-target.facts["prisoners"] // 100))
    letters_last = max(1, -(-target.facts["listed"] // 50))
    return [
        Page("404", "/no-such-page"),
        Page("profile", f"/prisoners/{pid}"),
        Page("write page", f"/prisoners/{pid}/write"),
        Page("API: one prisoner", f"/api/v1/prisoners/{pid}"),
        # What a following instance reads (issue 16): its first read's pages, a day's changes
        # (every row was written by the generator today, so "since yesterday" is everyone),
        # and letters per day, each page grouping only its own people's letters.
        Page("API: feed page 1", "/api/v1/prisoners?per_page=100"),
        Page("API: changes since", f"/api/v1/prisoners?per_page=100&updated_since={since}"),
        Page(
            "API: changes last page",
            f"/api/v1/prisoners?per_page=100&page={feed_last}&updated_since={since}",
        ),
        Page("API: letters/day page 1", "/api/v1/letters?since=2000-01-01&per_page=50"),
        Page(
            "API: letters/day last",
            f"/api/v1/letters?since=2000-01-01&per_page=50&page={letters_last}",
        ),
        Page("envelope.pdf", f"/prisoners/{pid}/envelope.pdf?size=DL&from=DE&return=none"),
        Page("/prisoners page 1", "/prisoners"),
        Page("/prisoners last page", f"/prisoners?page={last}"),
        Page("/write-next (302)", "/write-next"),
        Page("/birthdays", "/birthdays"),
        Page("/birthdays.ics", "/birthdays.ics"),
        Page("needs-checking", "/manage/needs-checking", coordinator=True, public=False),
        Page("dashboard", "/manage/dashboard", coordinator=True, public=False),
        Page("letters.csv", "/manage/letters.csv", coordinator=True, heavy=True, public=False),
        Page(
            "prisoner export.csv",
            "/manage/prisoners/export.csv",
            coordinator=True,
            heavy=True,
            public=False,
        ),
    ]


def fetch(session: requests.Session, url: str) -> tuple[float, int | str, int, float]:
    """Seconds to the last byte, status, bytes, seconds to the first byte."""
    start = time.perf_counter()
    first = 0.0
    size = 0
    try:
        with session.get(url, stream=True, allow_redirects=False, timeout=TIMEOUT) as response:
            for chunk in response.iter_content(65536):
                if not first:
                    first = time.perf_counter() - start
                size += len(chunk)
            status: int | str = response.status_code
    except requests.RequestException as error:
        status = type(error).__name__
    elapsed = time.perf_counter() - start
    return elapsed, status, size, first or elapsed


def vm_hwm(pid: int) -> int | None:
    """Peak resident set of ``pid`` in bytes."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def measure(target: Target, args: argparse.Namespace) -> tuple[list[Page], dict[str, Any]]:
    extra: dict[str, Any] = {}
    with serve(target.url) as (base, worker):
        anonymous = requests.Session()
        coordinator = login(base)
        timed = [page for page in pages(target) if page.public or not args.public_only]
        for round_number in range(args.repeat + 1):  # round 0: warm-up, not counted
            for page in timed:
                if page.heavy and round_number > args.heavy_repeat:
                    continue
                session = coordinator if page.coordinator else anonymous
                elapsed, status, size, _first = fetch(session, base + page.path)
                page.statuses.add(status)
                page.size = size
                if round_number:
                    page.times.append(elapsed)
            print(f"    round {round_number}/{args.repeat}", end="\r", flush=True)
        print(" " * 30, end="\r")
    # The birthday feed made cold: the rounds above timed the copy a worker keeps for the day
    # (made in the warm-up round). A fresh worker, the profile fetched first (imports warm).
    with serve(target.url) as (base, _worker):
        anonymous = requests.Session()
        fetch(anonymous, base + pages(target)[1].path)
        cold, status, size, _first = fetch(anonymous, f"{base}/birthdays.ics")
        kept, _status, _size, _first = fetch(anonymous, f"{base}/birthdays.ics")
        extra["birthdays.ics"] = {"cold": cold, "kept": kept, "bytes": size, "status": status}
    if args.public_only:
        return timed, extra
    # The letter-log CSV once more, from a fresh worker: after the rounds above the worker's
    # heap has grown to what earlier downloads needed and would hide this one's peak.
    with serve(target.url) as (base, worker):
        coordinator = login(base)
        fetch(coordinator, base + pages(target)[1].path)  # the profile: imports and caches warm
        # The login's Argon2 hash (64 MiB) set the high-water mark; reset it to the current
        # resident set (Linux >= 4.0; as root or the worker's owner).
        with contextlib.suppress(OSError):
            Path(f"/proc/{worker}/clear_refs").write_text("5")
        rest = vm_hwm(worker)
        elapsed, status, size, first = fetch(coordinator, f"{base}/manage/letters.csv")
        extra["letters.csv"] = {
            "seconds": elapsed,
            "first_byte": first,
            "bytes": size,
            "status": status,
            "rss_rest": rest,
            "rss_peak": vm_hwm(worker),
        }
    return timed, extra


def run_child(command: list[str], env: dict[str, str]) -> tuple[float, int, int | None, str]:
    """Wall seconds, exit status, peak RSS (bytes) and output of a command.

    The peak comes from ``/usr/bin/time``: the child's own ``ru_maxrss`` (``os.wait4``) would
    include this benchmark's resident set, which Linux carries over through fork and exec.
    """
    with tempfile.NamedTemporaryFile("r") as peak:
        timer = (
            ["/usr/bin/time", "-f", "%M", "-o", peak.name] if Path("/usr/bin/time").exists() else []
        )
        start = time.perf_counter()
        done = subprocess.run(  # noqa: S603 (our own command line)
            timer + command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - start
        kilobytes = peak.read().strip().splitlines()
    rss = int(kilobytes[-1]) * 1024 if timer and kilobytes and kilobytes[-1].isdigit() else None
    return seconds, done.returncode, rss, (done.stdout + done.stderr)


def flask(*words: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "app", *words]


def time_printer(target: Target) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "envelopes.pdf"
        command = flask("print", "envelopes", "--from", "DE", "--out", str(out))
        seconds, code, rss, output = run_child(command, environment(target.url))
        size = out.stat().st_size if out.exists() else 0
    return {
        "seconds": seconds,
        "status": code,
        "rss": rss,
        "bytes": size,
        "count": target.facts["envelopes"],
        "output": output.strip()[-300:],
    }


def time_import(kind: str, args: argparse.Namespace, today: date) -> dict[str, Any]:
    """``flask prisoners import`` of 10,000 rows into an empty, migrated database."""
    with tempfile.TemporaryDirectory() as directory:
        if kind == "sqlite":
            url = f"sqlite:///{Path(directory) / 'import.db'}"
        else:
            url = f"{args.pg}/scale{args.tag}_import"
            admin = pg_admin(args)
            with admin.connect() as connection:
                connection.execute(
                    text(f"DROP DATABASE IF EXISTS scale{args.tag}_import WITH (FORCE)")
                )
                connection.execute(text(f"CREATE DATABASE scale{args.tag}_import"))
        app = quiet_app(url)  # the migrations, not timed
        with app.app_context():
            db.engine.dispose()
        data = Path(directory) / "prisoners.csv"
        data.write_bytes(prisoner_csv(args.import_rows, args.seed + 1, today, name_prefix="i"))
        seconds, code, rss, output = run_child(
            flask("prisoners", "import", str(data)), environment(url)
        )
        if kind != "sqlite":
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE scale{args.tag}_import WITH (FORCE)"))
            admin.dispose()
    return {"seconds": seconds, "status": code, "rss": rss, "output": output.strip()[-300:]}


# --- the report -------------------------------------------------------------------------------


def median(page: Page) -> float:
    return statistics.median(page.times) if page.times else float("nan")


def mb(value: int | None) -> str:
    return "?" if value is None else f"{value / 1e6:.0f} MB"


@dataclass
class Run:
    target: Target
    pages: list[Page]
    extra: dict[str, Any]

    def ratio(self, name: str) -> float:
        by_name = {page.name: page for page in self.pages}
        return median(by_name[name]) / median(by_name["404"])

    def page(self, name: str) -> Page:
        return next(page for page in self.pages if page.name == name)


def cell(run: Run | None, name: str) -> str:
    if run is None:
        return "—"
    page = run.page(name)
    bad = sorted(str(s) for s in page.statuses if s not in (200, 302, 404))
    text_ = f"{run.ratio(name):.1f}× ({median(page) * 1000:.0f} ms)"
    if name != "404" and 404 in page.statuses:
        bad.append("404")
    return text_ + (f" **{', '.join(bad)}**" if bad else "")


def table(kind: str, small: Run | None, large: Run | None) -> None:
    print(f"\n### {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}\n")
    small_label = small.target.label if small else "small"
    large_label = large.target.label if large else "large"
    print(
        f"| page | {small_label} | {large_label} | ×404 at {large_label} | growth "
        f"({large_label}÷{small_label}) | goal | met? |"
    )
    print("|---|---|---|---|---|---|---|")
    for page in (large or small).pages:  # type: ignore[union-attr]
        if page.name == "404":
            units = (cell(small, "404"), cell(large, "404"))
            print(f"| 404 (the unit) | {units[0]} | {units[1]} | 1× | — | | |")
            continue
        goal = GOAL_COORDINATOR if page.coordinator else GOAL_PUBLIC
        ratio = large.ratio(page.name) if large else float("nan")
        growth = large.ratio(page.name) / small.ratio(page.name) if large and small else None
        met = ratio <= goal and (growth is None or growth <= GOAL_GROWTH)
        verdict = "—" if large is None else ("yes" if met else "**no**")
        print(
            f"| {page.name} | {cell(small, page.name)} | {cell(large, page.name)} | "
            f"{ratio:.1f}× | {'—' if growth is None else f'{growth:.2f}×'} | "
            f"≤{goal:.0f}×, growth ≤{GOAL_GROWTH}× | {verdict} |"
        )
    for run in (small, large):
        if run is None:
            continue
        csv_ = run.extra.get("letters.csv")
        print(
            f"\n{run.target.label}: 404 median {median(run.page('404')) * 1000:.1f} ms; "
            + (
                f"letters.csv {csv_['bytes'] / 1e6:.1f} MB in {csv_['seconds']:.2f} s, first "
                f"byte after {csv_['first_byte']:.2f} s (goal < 1 s), worker peak RSS "
                f"{mb(csv_['rss_peak'])} (goal < 250 MB; {mb(csv_['rss_rest'])} before it, in a "
                "fresh worker); "
                if csv_
                else ""
            )
            + "sizes: "
            + ", ".join(f"{p.name} {p.size / 1000:.0f} KB" for p in run.pages if p.size > 100_000)
        )
        if "birthdays.ics" in run.extra:
            feed = run.extra["birthdays.ics"]
            unit = median(run.page("404"))
            print(
                f"{run.target.label}: /birthdays.ics made cold (a fresh worker's first) in "
                f"{feed['cold'] * 1000:.0f} ms ({feed['cold'] / unit:.1f}× 404), then its kept "
                f"copy in {feed['kept'] * 1000:.0f} ms; the table's median is the kept copy"
            )
        if "printer" in run.extra:
            printer = run.extra["printer"]
            print(
                f"{run.target.label}: `print envelopes` of {printer['count']:,} envelopes: "
                f"{printer['seconds']:.1f} s, peak RSS {mb(printer['rss'])} (goal < 200 MB), "
                f"{printer['bytes'] / 1e6:.1f} MB PDF, exit {printer['status']}"
            )
        if run.target.generated_in is not None:
            print(f"{run.target.label}: generated in {run.target.generated_in:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--size", choices=["small", "large", "both"], default="both")
    parser.add_argument("--prisoners", type=int, default=10_000, help="large size; small: ÷10")
    parser.add_argument("--letters", type=int, default=1_000_000, help="large size; small: ÷10")
    parser.add_argument("--repeat", type=int, default=11, help="timed requests per page")
    parser.add_argument("--heavy-repeat", type=int, default=3, help="… per CSV download")
    parser.add_argument("--import-rows", type=int, default=10_000, help="0: skip the import")
    parser.add_argument("--no-printer", action="store_true", help="skip the CLI printer")
    parser.add_argument(
        "--public-only", action="store_true", help="only the public pages (no coordinator's)"
    )
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", action="store_true", help="keep and reuse the databases")
    parser.add_argument(
        "--dir",
        default=str(Path(tempfile.gettempdir()) / "letters-scale"),
        help="where SQLite files go",
    )
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--tag",
        default="",
        help="added to the databases' names, so that two checkouts can keep sets side by side",
    )
    args = parser.parse_args()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    today = date.today()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    sizes = {
        "small": (args.prisoners // 10, args.letters // 10),
        "large": (args.prisoners, args.letters),
    }
    chosen = ["small", "large"] if args.size == "both" else [args.size]
    print(
        f"{today.isoformat()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"server: {server_name()}, LETTERS_ENV=production; medians of {args.repeat} "
        f"({args.heavy_repeat} for the CSV downloads) after a warm-up round",
        flush=True,
    )
    results: dict[tuple[str, str], Run] = {}
    imports: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        for size in chosen:
            target = Target(kind, *sizes[size])
            print(f"{kind} {target.label}:", flush=True)
            prepare(target, args, today)
            try:
                timed, extra = measure(target, args)
                if size == "large" and not args.no_printer:
                    extra["printer"] = time_printer(target)
            finally:
                drop(target, args)
            results[kind, size] = Run(target, timed, extra)
        if args.import_rows:
            imports[kind] = time_import(kind, args, today)
    for kind in kinds:
        table(kind, results.get((kind, "small")), results.get((kind, "large")))
        if kind in imports:
            done = imports[kind]
            print(
                f"`prisoners import` of {args.import_rows:,} rows into an empty database: "
                f"{done['seconds']:.1f} s (goal < 10 s), peak RSS {mb(done['rss'])}, "
                f"exit {done['status']}"
            )
    if len(kinds) == 2:
        print("\n### SQLite ÷ PostgreSQL, public pages (median times; goal ≤ 2×)\n")
        print("| page | " + " | ".join(sizes_label(results, s) for s in chosen) + " |")
        print("|---|" + "---|" * len(chosen))
        for page in results["sqlite", chosen[0]].pages:
            if page.public and page.name != "404":
                line = f"| {page.name} |"
                for size in chosen:
                    lite = median(results["sqlite", size].page(page.name))
                    pg = median(results["postgresql", size].page(page.name))
                    line += f" {lite / pg:.2f}× |"
                print(line)
    if shutil.which("git"):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"\ncommit {commit}")


def sizes_label(results: dict[tuple[str, str], Run], size: str) -> str:
    return next(run.target.label for (_k, s), run in results.items() if s == size)


if __name__ == "__main__":
    main()

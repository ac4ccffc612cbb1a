"""Dashboard benchmark: the coordinators' figures and the public list against a bare GROUP BY.

Run from the repository root::

    python bench/dashboard.py [--small 300] [--large 3000] [--rows-per-prisoner 30]
                              [--repeat 3] [--database URL]

For a small and a large registry (by default 300 and 3,000 prisoners, 30 letter-log rows each
on average, dated over the last two years), it fills a fresh database through the app's own
migrations (``create_app`` with ``AUTO_MIGRATE``) and times, in that database:

- ``overview(today)``, everything the coordinators' dashboard shows, and each of its four
  parts on its own (weekly letters for 26 weeks, per-prisoner activity, campaigns, mail);
- ``letter_log_csv()``, the letter log as the CSV download (every row, oldest first);
- the public "who needs a letter" list: ``prisoners_by_need()`` limited to its first 50 rows,
  and page 1 as the view really builds it (``prisoner_query`` with the facility joined,
  ``order_by_need``, ``db.paginate``: a count and 50 rows);
- ``pick_candidates()``, what "Write to someone who needs it" draws from;

against a baseline measured in the same run on the same data: the work at the heart of the
per-prisoner figures, the list's order and the pick, which none of them can avoid, as one bare
``SELECT prisoner_id, sum(letters), max(sent_on) FROM letters_sent GROUP BY prisoner_id``
through ``db.session.execute(text(...)).all()``: every letter-log row read and grouped, one
plain tuple per prisoner, no ORM objects.

Each figure is the best of ``--repeat`` **wall** times (``time.perf_counter``), the
operations' runs interleaved, each run after a ``gc.collect()`` and in a new application
context, so a new session with an empty identity map. Wall time, unlike ``bench/envelopes.py``'s
CPU time: on PostgreSQL much of the work happens in the server's process, which this process's
CPU time would not see. This process's CPU time in the same (best) run is printed beside it: on
SQLite, where the database runs in-process, the two are nearly equal; on PostgreSQL the
difference is time spent waiting for the server. For each operation it prints the ratio to the
baseline at the same size, the number of SQL statements issued (counted by a
``before_cursor_execute`` listener; SQLite's ``BEGIN IMMEDIATE``, which the app issues itself at
the start of every transaction, is left out so both databases show the same count) and the
ratio large ÷ small.

By default each size gets its own temporary SQLite file. ``--database`` runs on another
database (PostgreSQL: ``postgresql+psycopg://postgres@127.0.0.1:5432/bench``), which must hold
no prisoners and no letters; the benchmark deletes every row it inserted when done.

No goals are set for these figures (the issue asks for none): they are here to be watched.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import sqlalchemy  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import delete, event, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from letters import create_app  # noqa: E402
from letters.dashboard import services as dashboard  # noqa: E402
from letters.extensions import db  # noqa: E402
from letters.letterlog import export  # noqa: E402
from letters.letterlog.need import page_by_need, pick_candidates, prisoners_by_need  # noqa: E402
from letters.models import (  # noqa: E402
    AddressHistoryEntry,
    Campaign,
    CampaignKind,
    Facility,
    Gender,
    LetterSent,
    MailEvent,
    MailEventKind,
    Prisoner,
    ReturnReason,
    SentVia,
    Status,
    campaign_prisoners,
)
from letters.prisoners.services import prisoner_query, save_prisoner  # noqa: E402

PAGE_SIZE = 50  # the public list's page (config PAGE_SIZE)
DAYS_OF_LOG = 730  # letter-log rows are dated over the last two years
BASELINE_SQL = (
    "SELECT prisoner_id, sum(letters), max(sent_on) FROM letters_sent GROUP BY prisoner_id"
)
# Rows this benchmark inserts, children first: deleted between sizes and at the end on a
# database given with --database (which was checked to hold none before).
FILLED = (
    LetterSent.__table__,
    MailEvent.__table__,
    campaign_prisoners,
    Campaign.__table__,
    AddressHistoryEntry.__table__,
    Prisoner.__table__,
    Facility.__table__,
)

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
LATIN_NAMES = ["Doe", "Roe", "Smith", "Weber", "Walker", "Kulik"]
# Two thirds in Russian SIZOs and colonies, as on the lists the groups keep.
FACILITY_COUNTRIES = ["RU"] * 10 + ["BY"] * 3 + ["US", "GB", "DE"]
# Weights of Status, in its order: most are awaiting trial or serving a sentence.
STATUS_WEIGHTS = (45, 38, 7, 6, 4)


@dataclass(frozen=True)
class Registry:
    """What was inserted for one size."""

    prisoners: int
    letter_rows: int
    letters: int
    mail_events: int
    campaigns: int
    fill_seconds: float
    database: str  # name and server version, e.g. "PostgreSQL 15.20"


def facility_fields(number: int, country: str) -> dict[str, Any]:
    """A facility in ``country`` with valid address fields (as the test factories use)."""
    if country == "RU":
        return {
            "name": f"ФКУ ИК-{number} УФСИН России по Пензенской области",
            "street_address": f"ул. Каракозова, {number}",
            "city": "г. Пенза",
            "country_area": "Пензенская область",
            "postal_code": f"{440000 + number:06d}",
        }
    if country == "BY":
        return {
            "name": f"ИК №{number}",
            "street_address": "ул. Антошкина, 3",
            "city": "г. Гомель",
            "postal_code": "246035",
        }
    if country == "US":
        return {
            "name": f"FCI Dublin {number}",
            "street_address": "5701 8th St. - Camp Parks",
            "city": "Dublin",
            "country_area": "CA",
            "postal_code": "94568",
        }
    if country == "GB":
        return {
            "name": f"HMP Brixton {number}",
            "street_address": "Jebb Avenue",
            "city": "London",
            "postal_code": "SW2 5XF",
        }
    return {
        "name": f"JVA Rosdorf {number}",
        "street_address": "Am Großen Sieke 8",
        "city": "Rosdorf",
        "postal_code": "37124",
    }


def fill(prisoner_count: int, rows_per_prisoner: int, today: date, seed: int) -> Registry:
    """Fill the (empty) registry: facilities, prisoners, campaigns, the letter log, mail.

    Prisoners go through ``save_prisoner`` (search text, address history), as the app creates
    them; the letter log and mail events, the bulk of the data, are bulk-inserted.
    """
    start = time.perf_counter()
    rng = random.Random(seed)
    facilities = [
        Facility(country_code=country, **facility_fields(n, country))
        for n, country in enumerate(
            (rng.choice(FACILITY_COUNTRIES) for _ in range(max(5, prisoner_count // 25))), 1
        )
    ]
    db.session.add_all(facilities)

    prisoners = []
    statuses = list(Status)
    for number in range(prisoner_count):
        facility = rng.choice(facilities)
        foreign = facility.country_code in ("US", "GB", "DE")
        birth = date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
        prisoner = Prisoner(
            family_name=rng.choice(LATIN_NAMES) if foreign else rng.choice(FAMILY_NAMES),
            given_names=f"{rng.choice(GIVEN_NAMES)} {number}",  # no two alike: stable order
            patronymic="" if foreign else rng.choice(PATRONYMICS),
            gender=rng.choice(list(Gender)),
            birth_date=birth if rng.random() < 0.4 else None,
            birth_year=birth.year,
            prisoner_number=f"{number:05d}" if foreign else "",
            status=rng.choices(statuses, weights=STATUS_WEIGHTS)[0],
            languages=rng.choice(["ru", "ru en", "be ru", "en", "de en"]),
            is_listed=rng.random() < 0.9,
            # Mail came back for some: they drop out of the pick, not out of the list.
            address_needs_checking=rng.random() < 0.05,
        )
        # A few are between prisons with no address yet ("in transit").
        prisoner.facility = None if rng.random() < 0.03 else facility
        prisoners.append(save_prisoner(prisoner))

    campaigns = [
        Campaign(
            kind=rng.choice(list(CampaignKind)),
            name=f"Evening {n}",
            starts_on=today - timedelta(days=rng.randrange(DAYS_OF_LOG)),
            goal=rng.choice([None, 50, 200, 1000]),
        )
        for n in range(max(5, prisoner_count // 30))
    ]
    db.session.add_all(campaigns)
    db.session.flush()  # ids for the bulk inserts below

    ids = [p.id for p in prisoners]
    # About one in twenty has never been written to: the list and the pick put them first.
    written = [i for i in ids if rng.random() >= 0.05]
    db.session.execute(
        insert(campaign_prisoners),
        [
            {"campaign_id": campaign.id, "prisoner_id": prisoner_id}
            for campaign in campaigns
            for prisoner_id in rng.sample(ids, min(10, len(ids)))
        ],
    )
    letter_rows = []
    total_letters = 0
    for _ in range(prisoner_count * rows_per_prisoner):
        sent_on = today - timedelta(days=rng.randrange(DAYS_OF_LOG))
        campaign = rng.choice(campaigns) if rng.random() < 0.2 else None
        prisoner_id = rng.choice(written)
        letters = rng.randint(1, 12)
        total_letters += letters
        letter_rows.append(
            {
                "prisoner_id": prisoner_id,
                "sent_on": sent_on,
                "letters": letters,
                "campaign_id": campaign.id if campaign else None,
                "via": SentVia.EVENING if campaign else SentVia.WEB,
                "recorded_on": sent_on,
            }
        )
    db.session.execute(insert(LetterSent), letter_rows)

    mail_rows = []
    for _ in range(prisoner_count * 2):
        returned = rng.random() < 0.3
        mail_rows.append(
            {
                "prisoner_id": rng.choice(ids),
                "kind": MailEventKind.RETURNED if returned else MailEventKind.REPLY,
                "happened_on": today - timedelta(days=rng.randrange(DAYS_OF_LOG)),
                "return_reason": rng.choice(list(ReturnReason)) if returned else None,
                "note": "",
                "created_at": datetime.now(UTC),
            }
        )
    db.session.execute(insert(MailEvent), mail_rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Autovacuum would analyse freshly filled tables within a minute or so in a live
        # database; without statistics the planner's first guesses are not what a running
        # site gets. (SQLite is left as the app leaves it: nothing there runs ANALYZE.)
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return Registry(
        prisoners=prisoner_count,
        letter_rows=len(letter_rows),
        letters=total_letters,
        mail_events=len(mail_rows),
        campaigns=len(campaigns),
        fill_seconds=time.perf_counter() - start,
        database=database_version(),
    )


def database_version() -> str:
    dialect = db.engine.dialect
    if dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with db.engine.connect():  # the server's version is known once connected
        version = ".".join(str(part) for part in dialect.server_version_info or ())
    return f"{'PostgreSQL' if dialect.name == 'postgresql' else dialect.name} {version}"


def wipe() -> None:
    for table in FILLED:
        db.session.execute(delete(table))
    db.session.commit()


# --- what is timed ----------------------------------------------------------------------------


def baseline(today: date) -> int:
    return len(db.session.execute(text(BASELINE_SQL)).all())


def by_need_first_page(today: date) -> int:
    return len(db.session.scalars(prisoners_by_need(today=today).limit(PAGE_SIZE)).all())


def public_list_page(today: date) -> int:
    """Page 1 of /prisoners without a search, built by the view's own function
    (``page_by_need``: the ordered page and a count of the plain query), facilities read as the
    template reads them (eagerly joined, so no query per row)."""
    page = page_by_need(prisoner_query(listed_only=True), per_page=PAGE_SIZE, page=1)
    for prisoner in page.items:  # what each card on the page shows of the facility
        if prisoner.facility is not None:
            _shown = (prisoner.facility.city, prisoner.facility.country_code)
    return len(page.items)


Operation = Callable[[date], Any]
OPERATIONS: list[tuple[str, Operation]] = [
    ("baseline: bare GROUP BY", baseline),
    ("overview(today)", dashboard.overview),
    ("  weekly_letters", dashboard.weekly_letters),
    ("  prisoner_activity", dashboard.prisoner_activity),
    ("  campaign_progress", lambda _today: dashboard.campaign_progress()),
    ("  mail_summary", dashboard.mail_summary),
    ("letter_log_csv()", lambda _today: export.letter_log_csv()),
    ("prisoners_by_need, first 50", by_need_first_page),
    ("public list, page 1 (view)", public_list_page),
    ("pick_candidates()", pick_candidates),
]


@dataclass
class Timing:
    wall: float = float("inf")
    cpu: float = 0.0
    statements: set[int] = field(default_factory=set)


@contextlib.contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the engine sends inside the block, BEGIN left out (see the docstring)."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(app: Flask, today: date, repeat: int) -> list[Timing]:
    """Best wall time of ``repeat`` runs of each operation, interleaved, each in a new app
    context (a new session: nothing carried over in the identity map between runs)."""
    timings = [Timing() for _ in OPERATIONS]
    for _ in range(repeat):
        for (_name, operation), timing in zip(OPERATIONS, timings, strict=True):
            # Garbage left by earlier runs is collected first, so a full collection it would
            # trigger does not land in a later run and make one operation pay for another (it
            # made some runs 0.06-0.09 s slower at 3,000 prisoners). Collections the operation's
            # own allocations trigger still count: a web worker pays for them too.
            gc.collect()
            with counting(app) as statements, app.app_context():
                wall, cpu = time.perf_counter(), time.process_time()
                operation(today)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            timing.statements.add(len(statements))
            if wall < timing.wall:
                timing.wall, timing.cpu = wall, cpu
    return timings


def make_app(url: str) -> Flask:
    # The first-run set-up link (no account exists in a benchmark database) would go to stderr
    # on every start and bury the figures.
    with contextlib.redirect_stderr(io.StringIO()):
        return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 40})


def run_size(
    url: str, prisoner_count: int, args: argparse.Namespace, today: date
) -> tuple[Registry, list[Timing]]:
    app = make_app(url)  # AUTO_MIGRATE is on by default: the schema comes from the migrations
    try:
        with app.app_context():
            # Only an empty registry: wiping afterwards must remove nothing but our own rows.
            if any(
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Prisoner, LetterSent)
            ):
                sys.exit(
                    f"{make_url(url).render_as_string(hide_password=True)} already holds "
                    "prisoners or letters; give an empty database (the benchmark deletes "
                    "everything it inserted, so it must have inserted everything there is)."
                )
            registry = fill(prisoner_count, args.rows_per_prisoner, today, args.seed)
        try:
            timings = measure(app, today, args.repeat)
        finally:
            if args.database:
                with app.app_context():
                    wipe()
    finally:
        with app.app_context():
            db.engine.dispose()
    return registry, timings


def describe(label: str, registry: Registry) -> str:
    return (
        f"{label}: {registry.prisoners:,} prisoners, {registry.letter_rows:,} letter-log rows "
        f"({registry.letters:,} letters), {registry.mail_events:,} mail events, "
        f"{registry.campaigns} campaigns (filled in {registry.fill_seconds:.1f} s)"
    )


def statements(timing: Timing) -> str:
    # Every run issues the same statements; if not, show the range rather than hide it.
    low, high = min(timing.statements), max(timing.statements)
    return str(low) if low == high else f"{low}-{high}"


def report(sizes: Sequence[tuple[str, Registry, list[Timing]]]) -> None:
    heading = f"{'':30}"
    columns = f"{'':30}"
    for label, _registry, _timings in sizes:
        heading += f" | {label:^30}"
        columns += f" | {'wall s':>8} {'cpu s':>7} {'×base':>6} {'SQL':>5}"
    if len(sizes) == 2:
        heading += " | large÷small"
    print(heading)
    print(columns)
    for index, (name, _operation) in enumerate(OPERATIONS):
        line = f"{name:30}"
        for _label, _registry, timings in sizes:
            timing, base = timings[index], timings[0]
            line += (
                f" | {timing.wall:8.4f} {timing.cpu:7.4f} {timing.wall / base.wall:6.1f} "
                f"{statements(timing):>5}"
            )
        if len(sizes) == 2:
            line += f" | {sizes[1][2][index].wall / sizes[0][2][index].wall:11.1f}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=300, help="prisoners, small registry")
    parser.add_argument("--large", type=int, default=3000, help="prisoners, large registry")
    parser.add_argument("--rows-per-prisoner", type=int, default=30, help="letter-log rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database",
        metavar="URL",
        help="an empty database to use instead of temporary SQLite files (its rows are "
        "deleted afterwards)",
    )
    args = parser.parse_args()
    if args.database and make_url(args.database).database == "test":
        sys.exit("Not the database named 'test': the CI suite uses it.")

    today = date.today()
    results: list[tuple[str, Registry, list[Timing]]] = []
    with tempfile.TemporaryDirectory() as directory:
        for label, count in (("small", args.small), ("large", args.large)):
            url = args.database or f"sqlite:///{Path(directory) / f'{label}.db'}"
            registry, timings = run_size(url, count, args, today)
            results.append((label, registry, timings))

    where = (
        make_url(args.database).render_as_string(hide_password=True)
        if args.database
        else "temporary SQLite files"
    )
    print(
        f"{results[0][1].database} ({where}); Python {platform.python_version()}, SQLAlchemy "
        f"{sqlalchemy.__version__}; today {today.isoformat()}"
    )
    for label, registry, _timings in results:
        print(describe(label, registry))
    print(
        f"best of {args.repeat} wall times, runs interleaved, a fresh session each; cpu = this "
        "process's CPU time in that run; ×base = ÷ the bare GROUP BY at the same size; "
        "SQL = statements issued (BEGIN excluded)\n"
    )
    report(results)
    if len(results) == 2:
        # The modules promise a fixed number of queries whatever the registry's size.
        grew = [
            name
            for (name, _operation), small, large in zip(
                OPERATIONS, results[0][2], results[1][2], strict=True
            )
            if small.statements != large.statements
        ]
        print(
            "\nSQL statements differ between the sizes for: " + ", ".join(grew)
            if grew
            else "\nSQL statements: the same at both sizes for every operation."
        )


if __name__ == "__main__":
    main()

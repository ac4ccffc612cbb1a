"""Login burst and large import benchmark: do visitors' pages survive them?

Run from the repository root::

    python bench/login_burst.py [--logins 80] [--rows 60000] [--database URL]

It serves the app with Werkzeug's threaded server on 127.0.0.1 (a random port), on a fresh
temporary SQLite file or on ``--database`` (an empty PostgreSQL database of your own: it is
migrated, and every row the benchmark adds is deleted at the end), with the production
Argon2 cost (argon2-cffi's defaults) and the login rate limits raised so that every login
reaches the password check. Then:

1. **At rest.** A visitor loads ``/prisoners`` (200 prisoners listed) ``--samples`` times in
   a row; the median is the latency at rest.
2. **Login burst.** ``--logins`` clients, each with its own session and CSRF token fetched
   beforehand, post a login with an unknown e-mail address at the same moment (a barrier),
   while the visitor keeps loading ``/prisoners``. Printed: the logins' status codes (a 500 is
   a failure; 200 is the "wrong e-mail or password" page), how long the burst took, and the
   visitor's median and worst latency during it, as a ratio to the median at rest (goal: the
   median ≤ 3×, no failed page).
3. **Large import.** ``--rows`` prisoners (spread over 100 facilities) imported through
   ``import_csv`` (all or nothing), as ``flask --app app prisoners import`` does, while the
   visitor keeps loading ``/prisoners`` and a second visitor keeps pressing "I sent it" on a
   listed prisoner's page (``POST /prisoners/<id>/sent``, its rate limit raised), each press
   a write that has to wait for the import's write lock. Printed: the import's wall time and
   how much of it went to writing the rows (``_write``, before the commit), the pages during
   it as above, and the presses' status codes and latencies (302 is a counted letter; a 500
   is a failure).

Every request goes to 127.0.0.1 only; the number of requests is bounded by the options and
every wait has a timeout.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import io
import logging
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from letters import create_app  # noqa: E402
from letters.csv_io import services as csv_services  # noqa: E402
from letters.csv_io.services import HEADER, import_csv  # noqa: E402
from letters.extensions import db  # noqa: E402
from letters.models import Facility, Prisoner  # noqa: E402

TIMEOUT = 120


class Visitor:
    """Loads one page again and again in a thread of its own, recording each latency."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.latencies: list[float] = []
        self.codes: Counter[int] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def load(self) -> float:
        start = time.perf_counter()
        try:
            # Only ever http://127.0.0.1 (built in main).
            with urllib.request.urlopen(self.url, timeout=TIMEOUT) as response:  # noqa: S310
                response.read()
                self.codes[response.status] += 1
        except urllib.error.HTTPError as error:
            self.codes[error.code] += 1
        return time.perf_counter() - start

    def _run(self) -> None:
        while not self._stop.is_set():
            self.latencies.append(self.load())

    def __enter__(self) -> Visitor:
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._stop.set()
        self._thread.join(TIMEOUT)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # the 302 after "I sent it" is the answer; the page it points to is not


class Writer(Visitor):
    """Presses "I sent it" on one prisoner's page again and again (a write per press)."""

    def __init__(self, base: str, prisoner_id: int) -> None:
        super().__init__(f"{base}/prisoners/{prisoner_id}/sent")
        jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(jar)
        self.opener = urllib.request.build_opener(cookies, _NoRedirect)
        with self.opener.open(f"{base}/prisoners/{prisoner_id}", timeout=TIMEOUT) as response:
            html = response.read().decode()
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert match, "no CSRF token on the profile"
        self.body = f"csrf_token={match.group(1)}&campaign_id=&back=profile".encode()

    def load(self) -> float:
        start = time.perf_counter()
        try:
            with self.opener.open(self.url, self.body, timeout=TIMEOUT) as response:
                response.read()
                self.codes[response.status] += 1
        except urllib.error.HTTPError as error:
            self.codes[error.code] += 1
        return time.perf_counter() - start


def login_client(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=TIMEOUT) as response:
        html = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on /login"
    return opener, match.group(1)


def burst(base: str, logins: int) -> tuple[Counter[int], float]:
    clients = [login_client(base) for _n in range(logins)]
    start = threading.Barrier(logins + 1, timeout=TIMEOUT)
    codes: Counter[int] = Counter()
    lock = threading.Lock()

    def post(n: int) -> None:
        opener, token = clients[n]
        body = f"email=nobody{n}%40example.org&password=not+the+password+{n}&csrf_token={token}"
        start.wait()
        try:
            with opener.open(f"{base}/login", body.encode(), timeout=TIMEOUT) as response:
                response.read()
                code = response.status
        except urllib.error.HTTPError as error:
            code = error.code
        with lock:
            codes[code] += 1

    threads = [threading.Thread(target=post, args=(n,)) for n in range(logins)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(TIMEOUT)
    return codes, time.perf_counter() - began


def csv_rows(rows: int) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(rows):
        facility = n % 100
        values = {name: "" for name in HEADER}
        values.update(
            family_name=f"Importova{n}",
            given_names="Anna",
            patronymic="Petrovna",
            birth_date=str(1950 + n % 50),
            facility=f"ФКУ ИК-{facility} УФСИН России по Пензенской области",
            street_address=f"ул. Каракозова, {facility + 1}",
            city="г. Пенза",
            region="Пензенская область",
            postal_code="440039",
            country="RU",
            languages="ru",
            status="sentenced",
        )
        writer.writerow([values[name] for name in HEADER])
    return buffer.getvalue().encode()


def during(visitor_url: str, work: Callable[[], Any]) -> tuple[Any, float, Visitor]:
    with Visitor(visitor_url) as visitor:
        time.sleep(0.05)  # the visitor is loading pages before the work starts
        began = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - began
    return result, elapsed, visitor


def report(name: str, visitor: Visitor, rest: float, what: str = "visitor") -> None:
    if not visitor.latencies:
        print(f"  {what} during {name}: nothing finished")
        return
    median = statistics.median(visitor.latencies)
    worst = max(visitor.latencies)
    print(
        f"  {what} during {name}: {len(visitor.latencies)} requests, codes {dict(visitor.codes)}, "
        f"median {median * 1000:.0f} ms ({median / rest:.1f}× rest), "
        f"worst {worst * 1000:.0f} ms ({worst / rest:.1f}× rest)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=80)
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'burst.db'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
                "AUTO_MIGRATE": True,
                "LOGIN_RATE_LIMIT": "100000 per minute",
                "LOGIN_GLOBAL_RATE_LIMIT": "100000 per minute",
                "SENT_RATE_LIMIT": "100000 per minute",
            }
        )
        app.instance_path = str(Path(tmp) / "instance")
        with app.app_context():
            if db.session.scalar(select(func.count()).select_from(Prisoner)):
                sys.exit("The database holds prisoners already; use an empty one.")
            # Tables empty now (all but the seeded writing aids) are emptied again at the end.
            empty = [
                table
                for table in db.metadata.sorted_tables
                if not db.session.scalar(select(func.count()).select_from(table))
            ]
            facility = Facility(
                name="ФКУ СИЗО-1 УФСИН России по Пензенской области",
                street_address="ул. Каракозова, 30",
                city="г. Пенза",
                country_area="Пензенская область",
                postal_code="440039",
                country_code="RU",
            )
            db.session.add(facility)
            for n in range(200):
                db.session.add(
                    Prisoner(family_name=f"Listova{n}", given_names="A", facility=facility)
                )
            db.session.commit()
            listed_id = db.session.scalar(select(func.min(Prisoner.id)))
            backend = f"{db.engine.dialect.name} {db.engine.dialect.server_version_info}"

        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            print(f"{backend}, Python {sys.version.split()[0]}")
            probe = Visitor(f"{base}/prisoners")
            probe.load()  # warm up
            rest = statistics.median(probe.load() for _n in range(args.samples))
            print(f"visitor at rest: median {rest * 1000:.0f} ms over {args.samples} pages")

            if args.logins:
                (codes, _elapsed), took, visitor = during(
                    f"{base}/prisoners", lambda: burst(base, args.logins)
                )
                print(
                    f"{args.logins} concurrent logins, unknown e-mails: {took:.1f} s, "
                    f"status codes {dict(codes)}"
                )
                report("the burst", visitor, rest)

            if args.rows:
                data = csv_rows(args.rows)

                writing: list[float] = []
                write = csv_services._write

                def timed_write(*args: Any) -> Any:
                    began = time.perf_counter()
                    try:
                        return write(*args)
                    finally:
                        writing.append(time.perf_counter() - began)

                def run_import() -> Any:
                    with app.app_context():
                        return import_csv(data)

                csv_services._write = timed_write  # type: ignore[assignment]

                writer = Writer(base, listed_id)
                writer.load()  # warm up: one letter counted before the import
                writer.latencies.clear()
                writer.codes.clear()
                with writer:
                    result, took, visitor = during(f"{base}/prisoners", run_import)
                print(
                    f"import of {args.rows} rows: {took:.1f} s, created {result.created}, "
                    f"errors {len(result.errors)}; writing the rows (before the commit) "
                    f"{sum(writing):.1f} s"
                )
                report("the import", visitor, rest)
                report("the import", writer, rest, what='"I sent it"')
        finally:
            server.shutdown()
            with app.app_context():
                # On the connection, not through the session: the session refuses to delete
                # audit entries (the audit trail is append-only through the app).
                with db.engine.begin() as connection:
                    for table in reversed(empty):
                        connection.execute(delete(table))
                db.engine.dispose()


if __name__ == "__main__":
    main()

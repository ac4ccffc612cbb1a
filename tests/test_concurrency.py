"""Counts stay exact when many "I sent it" clicks arrive at once (issue 5, item 1).

Each submission is one inserted row, so nothing can be lost by a read-modify-write race; what
these tests prove is that the database layer lets 50 writers through at once: no "database is
locked" on SQLite (WAL, busy timeout, BEGIN IMMEDIATE) and no lost rows on PostgreSQL. They run
on whichever database the suite uses (``TEST_DATABASE_URL`` for PostgreSQL).
"""

from __future__ import annotations

import http.client
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import csrf_token, make_prisoner
from flask import Flask
from sqlalchemy import event, func, select, text
from werkzeug.serving import make_server

from letters import create_app
from letters.campaigns.services import CampaignFields, progress, record_letters, save_campaign
from letters.database import SQLITE_CACHE_KIB, read_transaction
from letters.extensions import db
from letters.letterlog.services import letters_sent_count, record_letter_sent
from letters.letterlog.summary import summed
from letters.models import Campaign, CampaignKind, LetterSent, LoginFailure, Prisoner, utcnow

# Other threads and connections must see the rows: real commits, each test's own app
# contexts, and the database restored to a new install afterwards (conftest).
pytestmark = pytest.mark.commits

WRITERS = 50
# Generous: 50 transactions serialised by SQLite's write lock take well under a second here;
# a hang (a deadlock, a lost wake-up) fails the test instead of stalling the suite.
TIMEOUT = 60


@pytest.fixture
def busy_app(app: Flask) -> Flask:
    # 50 submissions from one address would trip the real limit (60 per hour) only by chance,
    # but the test must not depend on what else ran in this process; it is about the database.
    app.config["SENT_RATE_LIMIT"] = "10000 per minute"
    # The form's CSRF check is tested elsewhere (test_security); fetching 50 tokens would only
    # add 50 sessions to the test. Off for this test's app alone.
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def server(busy_app: Flask) -> Iterator[str]:
    """A real threaded HTTP server on the loopback interface, as tests/browser.py runs it."""
    httpd = make_server("127.0.0.1", 0, busy_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


def _listed_prisoner(app: Flask) -> int:
    with app.app_context():
        prisoner = make_prisoner()
        db.session.commit()
        return prisoner.id


def _rows_and_count(app: Flask, prisoner_id: int) -> tuple[int, int]:
    with app.app_context():
        rows = db.session.scalar(
            select(func.count(LetterSent.id)).where(LetterSent.prisoner_id == prisoner_id)
        )
        count = letters_sent_count(prisoner_id)
        db.session.rollback()
        return int(rows or 0), count


def test_fifty_concurrent_sent_requests_are_all_counted(busy_app: Flask, server: str) -> None:
    prisoner_id = _listed_prisoner(busy_app)
    address = urlsplit(server)
    start = threading.Barrier(WRITERS, timeout=TIMEOUT)

    def submit(_: int) -> tuple[int, str]:
        # One connection per writer, opened before the barrier so that the requests themselves,
        # not the TCP handshakes, are what overlap.
        connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=TIMEOUT
        )
        try:
            connection.connect()
            start.wait()
            connection.request(
                "POST",
                f"/prisoners/{prisoner_id}/sent",
                body="campaign_id=&back=profile",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(submit, n) for n in range(WRITERS)]
        results = [future.result(timeout=TIMEOUT) for future in futures]

    failures = [(status, body[:300]) for status, body in results if status not in (200, 302, 303)]
    assert failures == []
    assert not any("database is locked" in body for _, body in results)
    assert _rows_and_count(busy_app, prisoner_id) == (WRITERS, WRITERS)


def test_fifty_concurrent_service_calls_insert_fifty_rows(app: Flask) -> None:
    prisoner_id = _listed_prisoner(app)
    start = threading.Barrier(WRITERS, timeout=TIMEOUT)

    def record(_: int) -> None:
        # Its own app context, hence its own session and connection, as a request would have.
        with app.app_context():
            prisoner = db.session.get(Prisoner, prisoner_id)
            assert prisoner is not None
            # The read above ends its transaction here, so every writer reaches the insert
            # together rather than queueing behind a reader's lock from the start.
            db.session.commit()
            start.wait()
            record_letter_sent(prisoner)
            db.session.commit()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(record, n) for n in range(WRITERS)]
        for future in futures:
            future.result(timeout=TIMEOUT)  # re-raises "database is locked" or any other error

    assert _rows_and_count(app, prisoner_id) == (WRITERS, WRITERS)


def test_fifty_evenings_recorded_at_once_are_all_counted(app: Flask) -> None:
    """Fifty coordinators record the same evening's table at once (twelve letters to one
    person, one to another): every entry lands, as one row per person each time."""
    with app.app_context():
        first = make_prisoner()
        second = make_prisoner(first.facility, family_name="Шакурский", latin_name="")
        evening = save_campaign(
            None,
            CampaignFields(
                kind=CampaignKind.EVENING, name="Evening", prisoner_ids=[first.id, second.id]
            ),
        )
        db.session.commit()
        ids, evening_id = (first.id, second.id), evening.id
    start = threading.Barrier(WRITERS, timeout=TIMEOUT)

    def record(_: int) -> None:
        with app.app_context():
            campaign = db.session.get_one(Campaign, evening_id)
            counts = {ids[0]: 12, ids[1]: 1}
            # End the read transaction, so the writers meet at the barrier, not at a lock.
            db.session.commit()
            start.wait()
            record_letters(campaign, counts, date.today(), user=None)
            db.session.commit()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(record, n) for n in range(WRITERS)]
        for future in futures:
            future.result(timeout=TIMEOUT)

    assert _rows_and_count(app, ids[0]) == (WRITERS, 12 * WRITERS)
    assert _rows_and_count(app, ids[1]) == (WRITERS, WRITERS)
    with app.app_context():
        assert progress(db.session.get_one(Campaign, evening_id)).letters == 13 * WRITERS


def test_sqlite_connections_are_set_for_many_writers_and_a_large_log(tmp_path: Path) -> None:
    """What the counts above rely on, and the page cache the need-ordered lists want. Its own
    SQLite app, so the PostgreSQL run checks the SQLite settings too."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pragmas.db'}",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "AUTO_MIGRATE": False,
        }
    )
    with app.app_context():
        pragma = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "cache_size")
        }
        db.session.rollback()
        db.engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "busy_timeout": 15000,
        "foreign_keys": 1,
        "cache_size": -SQLITE_CACHE_KIB,
    }


# --- reads do not wait for writers (SQLite) ---------------------------------------------------


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a SQLite file of its own, migrated, whatever database the suite uses: the
    locking below is SQLite's."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'locks.db'}",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_page_view_is_served_while_a_writer_holds_the_lock(sqlite_app: Flask) -> None:
    """A visitor's page does not queue behind a login or an import: under WAL a read needs no
    lock, so page views begin a plain transaction, and only requests that may write take the
    write lock at BEGIN (and wait their turn for it)."""
    begins: list[str] = []
    with sqlite_app.app_context():
        prisoner_id = make_prisoner().id
        db.session.commit()
        engine = db.engine
    event.listen(
        engine,
        "before_cursor_execute",
        lambda *args: (
            begins.append(args[2]) if args[2].startswith(("BEGIN", "PRAGMA busy")) else None
        ),
    )
    writer = engine.raw_connection()
    try:
        writer.cursor().execute("BEGIN IMMEDIATE")  # someone else is writing, for a while
        client = sqlite_app.test_client()
        for path in ("/prisoners", f"/prisoners/{prisoner_id}", "/api/v1/prisoners"):
            with client.get(path) as response:  # closed, as a server closes each response
                assert response.status_code == 200
        # The pages read with a plain BEGIN. After its response the list offered to sum the
        # day's letter figures: that write gives up at once (busy timeout 0) rather than queue.
        assert begins.count("BEGIN IMMEDIATE") == 1
        assert begins[begins.index("BEGIN IMMEDIATE") - 1] == "PRAGMA busy_timeout=0"
        assert set(begins) == {"BEGIN", "BEGIN IMMEDIATE", "PRAGMA busy_timeout=0"}
        with sqlite_app.app_context(), read_transaction():
            assert not summed(date.today())  # given up: the writer still holds the lock
            db.session.remove()
    finally:
        writer.rollback()
        writer.close()
    # A request that may write takes the lock up-front.
    token = csrf_token(client, f"/prisoners/{prisoner_id}")
    begins.clear()
    response = client.post(
        f"/prisoners/{prisoner_id}/sent",
        data={"campaign_id": "", "back": "profile", "csrf_token": token},
    )
    assert response.status_code in (302, 303)
    assert "BEGIN IMMEDIATE" in begins


def test_expired_login_failures_leave_no_copy_in_the_database_files(
    sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The sweep deletes expired failures without waiting for a login, and then truncates the
    write-ahead log, which would otherwise keep copies of the deleted keys; secure_delete
    overwrites them in the database file itself."""
    from letters.auth import services

    # Today's letter figures summed first (the first page view of a day stores them): the page
    # below then writes nothing after the sweep has emptied the log.
    assert sqlite_app.test_client().get("/prisoners").status_code == 200
    with sqlite_app.test_request_context(method="POST"):
        for _n in range(3):
            assert services.authenticate("anna@example.org", "wrong password here") is None
        key = services.account_key("anna@example.org").encode()
    files = [tmp_path / "locks.db", tmp_path / "locks.db-wal"]
    assert any(key in path.read_bytes() for path in files if path.exists())

    monkeypatch.setattr(services, "_now", lambda: utcnow() + timedelta(seconds=61))
    with sqlite_app.app_context():
        services._cleanup_state().next_due = 0.0
        db.session.remove()
        db.engine.dispose()  # no pooled connection holds a snapshot of the old rows
    assert sqlite_app.test_client().get("/prisoners").status_code == 200

    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0
        db.session.remove()
    assert (tmp_path / "locks.db-wal").stat().st_size == 0
    assert not any(key in path.read_bytes() for path in files if path.exists())


@pytest.mark.parametrize("caller", ["POST request", "command"])
def test_an_import_plans_without_holding_the_write_lock(
    sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caller: str
) -> None:
    """Checking and planning a large file takes most of an import's time; meanwhile a
    visitor's "I sent it" (a write) must not queue for the lock (bench/login_burst.py). So the
    import ends the transaction it was called in and plans in one that only reads: another
    connection takes the write lock while the plan is complete and not yet written."""
    from letters.csv_io import services

    taken: list[bool] = []
    ending = services._end_keeping_objects

    def another_writer_first(session: Any) -> None:
        other = sqlite3.connect(tmp_path / "locks.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" at once if it is held
            other.execute("COMMIT")
            taken.append(True)
        except sqlite3.OperationalError:
            taken.append(False)
        finally:
            other.close()
        ending(session)

    monkeypatch.setattr(services, "_end_keeping_objects", another_writer_first)
    data = (Path(__file__).parent / "data" / "five_countries.csv").read_bytes()
    if caller == "POST request":
        with sqlite_app.test_request_context(method="POST"):
            db.session.execute(select(Prisoner.id))  # as the login check does: the lock taken
            result = services.import_csv(data)
            assert (result.errors, result.created) == ([], 7)
    else:
        path = tmp_path / "prisoners.csv"
        path.write_bytes(data)
        outcome = sqlite_app.test_cli_runner().invoke(args=["prisoners", "import", str(path)])
        assert outcome.exit_code == 0, outcome.output
    assert taken == [True]
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Prisoner)) == 7
        db.session.remove()

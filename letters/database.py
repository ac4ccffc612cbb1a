"""Database connection settings and migrating to the latest schema on start."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine

from .extensions import db

SQLITE_CACHE_KIB = 64 * 1024
SQLITE_BUSY_TIMEOUT_MS = 15000

#: Requests with these methods only read (docs/security.md#csrf-and-methods: nothing changes
#: state on a GET), so on SQLite their transactions do not take the write lock.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger(__name__)

# Set by read_transaction(): transactions begun now only read, whatever the request's method.
_reading: ContextVar[bool] = ContextVar("letters_read_transaction", default=False)
# Set by write_transaction(): transactions begun now write, whatever the request's method.
_writing: ContextVar[bool] = ContextVar("letters_write_transaction", default=False)
# Set by write_transaction(wait=False): on SQLite, give up at once if another writer holds the
# lock, rather than wait for the busy timeout.
_impatient: ContextVar[bool] = ContextVar("letters_impatient_transaction", default=False)


def init_app(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, enforced foreign keys, secure delete, and the write lock taken at
    BEGIN by every transaction that may write, and by none that only reads.

    A transaction that reads first and writes later has to upgrade to the write lock, and under
    WAL that fails at once with "database is locked" when another writer committed meanwhile
    (the busy timeout does not apply). So a transaction that may write takes the lock at BEGIN
    (``BEGIN IMMEDIATE``) and waits its turn, up to the busy timeout. A read never needs the
    lock: under WAL it reads a snapshot while a writer works, so page views use a plain
    ``BEGIN`` and never queue behind a login or an import (bench/login_burst.py).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Deleted rows (login failures' keyed hashes) are overwritten with zeros, not left in
        # free pages; checkpoint_wal clears the copies the write-ahead log still holds.
        cursor.execute("PRAGMA secure_delete=ON")
        # 64 MB of page cache per connection instead of SQLite's 2 MB: every list ordered by
        # need groups the whole letter log, which outgrows 2 MB at about 50,000 rows and then
        # reads from the OS page by page (bench/dashboard.py measured 2× per row).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        # An impatient transaction's connection waits its turn again for the next user.
        if record.info.pop("impatient", False):
            dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if _may_write():
            if _impatient.get():
                connection.exec_driver_sql("PRAGMA busy_timeout=0")
                connection.info["impatient"] = True
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _may_write() -> bool:
    """Whether a transaction starting now takes the write lock up-front.

    In a request, only if its method may change state (POST and the like); outside a request
    (commands, scripts, the tests' own sessions) always, as before; never inside
    ``read_transaction()``.
    """
    if _writing.get():
        return True
    if _reading.get():
        return False
    if has_request_context():
        return request.method not in READ_METHODS
    return True


@contextmanager
def read_transaction() -> Iterator[None]:
    """Transactions that begin inside the block only read: on SQLite a plain (deferred)
    ``BEGIN``, which takes no write lock, even in a POST request or a command; elsewhere
    nothing changes.

    For long reads before a short write (the CSV import plans every row, then writes): the
    caller ends the session's transaction before the block and at its end, and writes in a
    new transaction after it, which takes the lock as usual. Nothing in the block may write:
    under WAL, a deferred transaction that tries to write after another writer committed fails
    at once with "database is locked" (see ``_configure_sqlite``).
    """
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


@contextmanager
def write_transaction(*, wait: bool = True) -> Iterator[None]:
    """Transactions that begin inside the block may write: on SQLite ``BEGIN IMMEDIATE`` even
    outside a write request (something computed once for everyone, stored on a connection of
    its own). ``wait=False``: if another writer holds the lock, fail at once ("database is
    locked") instead of waiting up to the busy timeout. Elsewhere nothing changes."""
    writing, impatient = _writing.set(True), _impatient.set(not wait)
    try:
        yield
    finally:
        _impatient.reset(impatient)
        _writing.reset(writing)


@contextmanager
def without_waiting(connection: Connection) -> Iterator[None]:
    """On SQLite, statements in the block fail at once ("database is locked") instead of waiting
    up to the busy timeout for another writer; elsewhere nothing changes."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def checkpoint_wal(engine: Engine) -> bool:
    """Copy SQLite's write-ahead log into the database and truncate it to zero bytes, so rows
    deleted on purpose leave no copy in it. Returns whether it was done (always, but on SQLite).

    Never waits: with a reader or writer active it gives up (``False``) and the caller tries
    again later, rather than holding a visitor's request for the busy timeout.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return False
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        try:
            busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError as error:
            log.info("WAL checkpoint postponed: %s", error)
            busy = 1
        finally:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()
    finally:
        raw.close()
    return not busy


def upgrade_to_latest(app: Flask) -> None:
    """Bring the database to the newest migration (``LETTERS_AUTO_MIGRATE=0`` turns this off).

    Every worker of a server runs this as it starts; ``migration_lock`` lets one migrate while
    the others wait, then find the schema at its head and do nothing.
    """
    from flask_migrate import upgrade

    with app.app_context(), migration_lock(db.engine):
        upgrade()


#: The key of the PostgreSQL advisory lock held while migrating: any fixed number no other
#: program on the same database uses ("letters" in ASCII).
MIGRATION_LOCK_KEY = 0x6C657474657273


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Only one process migrates the database at a time; the others wait here.

    Four workers starting at once on an empty database would otherwise all create the same
    tables and columns, and all but one fail ("duplicate key value" on PostgreSQL, "duplicate
    column name" on SQLite, whose migrations commit as they go). PostgreSQL: a session
    advisory lock on a connection of its own, released when the block ends or the process
    dies. SQLite: an exclusive ``flock`` on a file beside the database, likewise released by
    the kernel if the process dies. An in-memory SQLite database belongs to one process.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
            connection.commit()  # the lock outlives the transaction; nothing is left open
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    import fcntl  # POSIX, where the app's servers run; imported here, where it is needed

    lock_path = Path(f"{database}.migrating")
    with lock_path.open("a+b") as lock_file:
        lock_path.chmod(0o600)
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)

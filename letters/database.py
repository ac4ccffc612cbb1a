"""Database connection settings and migrating to the latest schema on start."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SQLITE_CACHE_KIB = 64 * 1024


def init_app(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, enforced foreign keys, and BEGIN IMMEDIATE for every transaction.

    pysqlite starts transactions lazily and upgrades a reader to a writer mid-transaction, which
    fails at once with "database is locked" under concurrent writes. Taking the write lock at
    BEGIN makes concurrent requests wait their turn (up to the busy timeout) instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        # 64 MB of page cache per connection instead of SQLite's 2 MB: every list ordered by
        # need groups the whole letter log, which outgrows 2 MB at about 50,000 rows and then
        # reads from the OS page by page (bench/dashboard.py measured 2× per row).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade_to_latest(app: Flask) -> None:
    """Bring the database to the newest migration (``LETTERS_AUTO_MIGRATE=0`` turns this off)."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()

"""Migrations build exactly the schema the models describe, up and down, on a database of the
suite's kind (an empty one of their own: ``bare_app``)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from letters import ROOT
from letters.extensions import db


def _revisions() -> list[str]:
    script = ScriptDirectory(str(ROOT / "migrations"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_upgrade_from_empty_matches_the_models(bare_app: Flask) -> None:
    with bare_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []


def test_every_migration_downgrades_and_upgrades_again(bare_app: Flask) -> None:
    with bare_app.app_context():
        upgrade()
        for revision in reversed(_revisions()):
            downgrade(revision=f"{revision}-1" if revision != _revisions()[0] else "base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        for revision in _revisions():
            upgrade(revision=revision)
        assert {"prisoners", "facilities", "address_history", "users"} <= set(
            inspect(db.engine).get_table_names()
        )


def test_the_day_grain_migration_truncates_timestamps_and_leaves_none_behind(
    bare_app: Flask,
) -> None:
    """Rows from before the rule kept a time to the microsecond: after the upgrade each keeps
    its UTC day, and on SQLite the old table's freed pages hold no trace of the times."""
    stamp = datetime(2026, 11, 20, 13, 47, 21, 123456, tzinfo=UTC)
    with bare_app.app_context():
        upgrade(revision="3880bc8bd15c")
        now = datetime(2020, 1, 1, tzinfo=UTC)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO prisoners (id, family_name, given_names, patronymic, latin_name,"
                    " prisoner_number, unit, status, languages, language_notes, interests, bio,"
                    " is_listed, envelope_name, envelope_name_confirmed, search_text, created_at,"
                    " updated_at) VALUES (1, 'A', 'B', '', '', '', '', 'sentenced', '', '', '',"
                    " '', :yes, '', :no, '', :now, :now)"
                ),
                {"yes": True, "no": False, "now": now},
            )
            for n in range(20):
                connection.execute(
                    text(
                        "INSERT INTO letters_sent (prisoner_id, sent_on, letters, via,"
                        " created_at) VALUES (1, :day, 1, 'web', :stamp)"
                    ),
                    {"day": stamp.date(), "stamp": stamp + timedelta(seconds=n)},
                )
            connection.execute(
                text(
                    "INSERT INTO address_reports (prisoner_id, message, resolved, created_at)"
                    " VALUES (1, 'moved', :no, :stamp)"
                ),
                {"no": False, "stamp": stamp},
            )
        upgrade()
        with db.engine.connect() as connection:
            days = connection.execute(text("SELECT recorded_on FROM letters_sent")).scalars()
            assert {str(day) for day in days} == {"2026-11-20"}
            reported = connection.execute(text("SELECT reported_on FROM address_reports"))
            assert str(reported.scalar_one()) == "2026-11-20"
        sqlite_file = db.engine.url.database if db.engine.dialect.name == "sqlite" else None
        db.engine.dispose()
    if sqlite_file:
        # Everything into the file, as the next checkpoint would put it there, then read it.
        with contextlib.closing(sqlite3.connect(sqlite_file)) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stored = b"".join(p.read_bytes() for p in Path(sqlite_file).parent.glob("*.db*"))
        assert b"13:47:" not in stored


# Each worker imports the app, says it is ready, waits for the starting gun (a file), then
# creates the app, which migrates: so the four migrations overlap, as a server's workers' do.
WORKER = """
import os, sys, time
from letters import create_app
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.002)
create_app()
"""


def test_four_workers_starting_at_once_on_an_empty_database_migrate_it_once(
    bare_app: Flask, tmp_path: Path
) -> None:
    """A server's workers all start at once, and each runs the migrations: without the lock all
    but one failed on PostgreSQL ("duplicate key value violates unique constraint"), and on
    SQLite about one start in twelve ("duplicate column name": its migrations commit as they
    go)."""
    url = bare_app.config["SQLALCHEMY_DATABASE_URI"]
    gun = tmp_path / "go"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LETTERS_SECRET_KEY": "test-only-secret-key-0123456789abcdef0123",
        "LETTERS_AUTO_MIGRATE": "true",
    }
    workers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WORKER, str(gun), str(tmp_path / f"ready-{n}")],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for n in range(4)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    gun.touch()
    outputs = [worker.communicate(timeout=120)[0].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs
    with bare_app.app_context(), db.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert [row[0] for row in versions] == [_revisions()[-1]]

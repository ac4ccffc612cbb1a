"""Migrations build exactly the schema the models describe, up and down, on a database of the
suite's kind (an empty one of their own: ``bare_app``)."""

from __future__ import annotations

import contextlib
import sqlite3
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

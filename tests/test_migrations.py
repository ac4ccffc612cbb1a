"""Migrations build exactly the schema the models describe, up and down, on a database of the
suite's kind (an empty one of their own: ``bare_app``)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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

"""Migrations build exactly the schema the models describe, up and down, on this database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from letters import ROOT, create_app
from letters.extensions import db


@pytest.fixture
def bare_app(tmp_path: Path) -> Iterator[Flask]:
    """An app that does not migrate by itself, on an empty database of the suite's kind."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrations.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "AUTO_MIGRATE": False,
        }
    )
    yield app
    with app.app_context():
        upgrade()  # leave the shared test database usable for the next test
        db.engine.dispose()


def _revisions() -> list[str]:
    script = ScriptDirectory(str(ROOT / "migrations"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_upgrade_from_empty_matches_the_models(bare_app: Flask) -> None:
    with bare_app.app_context():
        downgrade(revision="base")
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

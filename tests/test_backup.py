"""Backups that restore: ``flask backup`` writes an encrypted, consistent copy; ``flask
restore`` puts it into an empty database, and the registry, the letter counts and the audit
trail come back identical (issue 14, item 6). On the suite's database kind, SQLite or
PostgreSQL; the restore goes into a new database of the same kind (``bare_app``)."""

from __future__ import annotations

import gzip
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import upgrade
from pyrage import x25519
from sqlalchemy import func, select

from letters.audit.recording import record_event
from letters.backup.snapshot import BackupError, restore_snapshot, write_snapshot
from letters.csv_io.services import export_csv
from letters.extensions import db
from letters.letterlog.services import record_letter_sent
from letters.models import AuditEntry, LetterSent, Prisoner, Role, User

# A backup reads committed rows through a connection of its own, as on a server.
pytestmark = pytest.mark.commits

PASSPHRASE = "seven unrelated words keep backups safe"


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def fill_registry(app: Flask) -> dict[str, Any]:
    """A registry as a group's (people, a facility, letters, an account, audit entries,
    committed); returns ``what_matters`` of it."""
    with app.app_context():
        _fill()
        return what_matters()


def _fill() -> None:
    facility = make_facility()
    for n in range(3):
        prisoner = make_prisoner(
            facility, family_name=f"Пчелинцев{n}", latin_name=f"Pchelintsev {n}"
        )
        db.session.flush()
        record_letter_sent(prisoner, letters=n + 1, sent_on=date(2026, 11, 1 + n))
    db.session.add(User(email="coord@abc.example", password_hash="x", role=Role.ADMIN))
    db.session.flush()
    record_event("prisoner", prisoner.id, "unlisted", prisoner_id=prisoner.id)
    db.session.commit()


def what_matters() -> dict[str, Any]:
    """What a restore must give back exactly."""
    audit = db.session.execute(
        select(AuditEntry.at, AuditEntry.entity, AuditEntry.action, AuditEntry.changes).order_by(
            AuditEntry.id
        )
    ).all()
    return {
        "export": export_csv(),
        "letters": db.session.execute(
            select(LetterSent.prisoner_id, func.sum(LetterSent.letters))
            .group_by(LetterSent.prisoner_id)
            .order_by(LetterSent.prisoner_id)
        ).all(),
        "audit": [tuple(row) for row in audit],
        "accounts": db.session.scalars(select(User.email)).all(),
    }


def run(runner: FlaskCliRunner, *args: str) -> Any:
    return runner.invoke(args=list(args))


def test_backup_wipe_restore_gives_back_the_same_registry_counts_and_trail(
    app: Flask, runner: FlaskCliRunner, bare_app: Flask, tmp_path: Path, passphrase_file: Path
) -> None:
    before = fill_registry(app)
    backup = tmp_path / "letters.age"

    result = run(runner, "backup", "--out", str(backup), "--passphrase-file", str(passphrase_file))
    assert result.exit_code == 0, result.output
    assert backup.stat().st_mode & 0o077 == 0  # private to its owner

    with bare_app.app_context():
        upgrade()  # a new install: the seeds, nothing else
        restored = bare_app.test_cli_runner().invoke(
            args=["restore", str(backup), "--passphrase-file", str(passphrase_file)]
        )
        assert restored.exit_code == 0, restored.output
        assert what_matters() == before
        # New rows continue after the restored ids (PostgreSQL's sequences were moved on).
        prisoner = make_prisoner(make_facility(name="ИК-2"))
        db.session.commit()
        assert prisoner.id > max(
            db.session.scalars(select(Prisoner.id).where(Prisoner.id != prisoner.id))
        )
        db.session.remove()


def test_a_seized_backup_without_its_key_shows_no_name(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, passphrase_file: Path
) -> None:
    fill_registry(app)
    backup = tmp_path / "letters.age"
    run(runner, "backup", "--out", str(backup), "--passphrase-file", str(passphrase_file))
    sealed = backup.read_bytes()
    assert sealed.startswith(b"age-encryption.org/v1")
    for clue in ("Пчелинцев", "Pchelintsev", "coord@abc.example"):
        assert clue.encode() not in sealed
    # Nor is it merely compressed: the age payload does not unpack.
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(sealed[sealed.index(b"\n---") :])


def test_a_recipient_backup_opens_only_with_its_identity(
    app: Flask, runner: FlaskCliRunner, bare_app: Flask, tmp_path: Path
) -> None:
    before = fill_registry(app)
    identity = x25519.Identity.generate()
    identity_file = tmp_path / "key.txt"
    identity_file.write_text(str(identity) + "\n", encoding="utf-8")
    backup = tmp_path / "letters.age"
    result = run(runner, "backup", "--out", str(backup), "--recipient", str(identity.to_public()))
    assert result.exit_code == 0, result.output

    stranger = tmp_path / "other.txt"
    stranger.write_text(str(x25519.Identity.generate()) + "\n", encoding="utf-8")
    with bare_app.app_context():
        upgrade()
        cli = bare_app.test_cli_runner()
        refused = cli.invoke(args=["restore", str(backup), "--identity", str(stranger)])
        assert refused.exit_code == 1
        assert "Cannot decrypt the backup" in refused.output
        assert (
            cli.invoke(args=["restore", str(backup), "--identity", str(identity_file)]).exit_code
            == 0
        )
        assert what_matters() == before
        db.session.remove()


def test_a_wrong_passphrase_is_refused_and_changes_nothing(
    app: Flask, runner: FlaskCliRunner, bare_app: Flask, tmp_path: Path, passphrase_file: Path
) -> None:
    fill_registry(app)
    backup = tmp_path / "letters.age"
    run(runner, "backup", "--out", str(backup), "--passphrase-file", str(passphrase_file))
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all\n", encoding="utf-8")
    with bare_app.app_context():
        upgrade()
        result = bare_app.test_cli_runner().invoke(
            args=["restore", str(backup), "--passphrase-file", str(wrong)]
        )
        assert result.exit_code == 1
        assert "wrong passphrase" in result.output
        assert db.session.scalar(select(func.count()).select_from(Prisoner)) == 0
        db.session.remove()


def test_restore_refuses_a_database_in_use(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, passphrase_file: Path
) -> None:
    before = fill_registry(app)
    backup = tmp_path / "letters.age"
    run(runner, "backup", "--out", str(backup), "--passphrase-file", str(passphrase_file))
    result = run(runner, "restore", str(backup), "--passphrase-file", str(passphrase_file))
    assert result.exit_code == 1
    assert "already holds data" in result.output
    assert "prisoners" in result.output
    with app.app_context():
        assert what_matters() == before


def test_a_short_passphrase_is_refused(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    short = tmp_path / "short"
    short.write_text("letters\n", encoding="utf-8")
    backup = tmp_path / "letters.age"
    result = run(runner, "backup", "--out", str(backup), "--passphrase-file", str(short))
    assert result.exit_code == 1
    assert "too short" in result.output
    assert not backup.exists()


def test_a_damaged_or_foreign_snapshot_is_refused_whole(app: Flask, bare_app: Flask) -> None:
    fill_registry(app)
    snapshot = io.BytesIO()
    with app.app_context():
        write_snapshot(db.engine, snapshot)
    whole = gzip.decompress(snapshot.getvalue()).decode().splitlines()
    with bare_app.app_context():
        upgrade()
        last_row = max(n for n, line in enumerate(whole) if line.startswith("["))
        cut = gzip.compress("\n".join(whole[:last_row]).encode())  # a row lost
        with pytest.raises(BackupError, match="incomplete"):
            restore_snapshot(db.engine, io.BytesIO(cut))
        with pytest.raises(BackupError, match="not a letters backup"):
            restore_snapshot(db.engine, io.BytesIO(gzip.compress(b'{"format": "other"}\n')))
        with pytest.raises(BackupError, match="damaged"):
            restore_snapshot(db.engine, io.BytesIO(b"not gzip at all"))
        # All or nothing: nothing of the cut backup stayed.
        assert db.session.scalar(select(func.count()).select_from(Prisoner)) == 0
        db.session.remove()

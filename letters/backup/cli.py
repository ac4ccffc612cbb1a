"""``flask --app app backup --out FILE`` and ``flask --app app restore FILE``.

The passphrase comes from ``--passphrase-file``, else ``LETTERS_BACKUP_PASSPHRASE``, else it is
asked for (hidden); never from the command line, where ``ps`` and the shell's history would
show it. ``--recipient age1…`` encrypts to age public keys instead; ``--identity FILE``
decrypts with the matching private key.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..extensions import db
from . import encryption
from .snapshot import BackupError, restore_snapshot, write_snapshot

PASSPHRASE_VARIABLE = "LETTERS_BACKUP_PASSPHRASE"  # noqa: S105 - the name of a variable

passphrase_file_option = click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"A file holding the passphrase (first line). Default: ${PASSPHRASE_VARIABLE}, "
    "else asked for.",
)


def _passphrase(path: Path | None, *, confirm: bool) -> str:
    if path is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if os.environ.get(PASSPHRASE_VARIABLE):
        return os.environ[PASSPHRASE_VARIABLE]
    return str(click.prompt(_("Passphrase"), hide_input=True, confirmation_prompt=confirm))


def _fail(error: BackupError) -> None:
    click.echo(_("Error: %(problem)s", problem=str(error)), err=True)
    sys.exit(1)


@click.command("backup")
@with_appcontext
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The encrypted backup file to write (e.g. letters-2026-11-29.age).",
)
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    metavar="AGE1…",
    help="Encrypt to this age public key instead of a passphrase; repeat for several.",
)
@passphrase_file_option
def backup_command(out: Path, recipients: tuple[str, ...], passphrase_file: Path | None) -> None:
    """Write an encrypted, consistent copy of the whole database to FILE."""
    secret = None if recipients else _passphrase(passphrase_file, confirm=True)
    # The unencrypted copy exists only in a private temporary directory, and only until it is
    # encrypted: it holds every name and address.
    with tempfile.TemporaryDirectory(prefix="letters-backup-") as work:
        plain = Path(work) / "snapshot.jsonl.gz"
        try:
            with plain.open("wb") as stream:
                counts = write_snapshot(db.engine, stream)
            partial = out.with_name(out.name + ".partial")
            encryption.encrypt(plain, partial, secret=secret, keys=recipients)
            partial.chmod(0o600)
            partial.replace(out)  # a half-written backup never has the final name
        except BackupError as error:
            _fail(error)
    rows = sum(counts.values())
    click.echo(
        _(
            "Backup written to %(file)s: %(rows)s rows in %(tables)s tables.",
            file=str(out),
            rows=rows,
            tables=len(counts),
        ),
        err=True,
    )


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--identity",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The age identity file (AGE-SECRET-KEY-1…) for a backup made with --recipient.",
)
@passphrase_file_option
def restore_command(file: Path, identity: Path | None, passphrase_file: Path | None) -> None:
    """Restore a backup into a new, empty database (at the backup's migration)."""
    secret = None if identity else _passphrase(passphrase_file, confirm=False)
    with tempfile.TemporaryDirectory(prefix="letters-restore-") as work:
        plain = Path(work) / "snapshot.jsonl.gz"
        try:
            encryption.decrypt(file, plain, secret=secret, identity=identity)
            with plain.open("rb") as stream:
                counts = restore_snapshot(db.engine, stream)
        except BackupError as error:
            _fail(error)
    rows = sum(counts.values())
    click.echo(
        _(
            "Restored %(rows)s rows in %(tables)s tables from %(file)s.",
            rows=rows,
            tables=len(counts),
            file=str(file),
        ),
        err=True,
    )

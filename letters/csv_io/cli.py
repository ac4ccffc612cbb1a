"""``flask --app app prisoners import FILE.csv [--dry-run]`` and ``… prisoners export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from .services import (
    export_chunks,
    import_csv,
    summary,
    write_csv,
)

prisoners = AppGroup("prisoners", help="Import and export the prisoner list as CSV.")


@prisoners.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and count, but save nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import prisoners from a CSV file: every row is checked first, then all or nothing."""
    result = import_csv(file.read_bytes(), dry_run=dry_run)
    for warning in result.warnings:
        click.echo(_("warning: %(problem)s", problem=str(warning)), err=True)
    if result.errors:
        for error in result.errors:
            click.echo(str(error), err=True)
        click.echo(summary(result), err=True)
        sys.exit(1)
    click.echo(summary(result))


@prisoners.command("export")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option("--bom", is_flag=True, help="Start with a byte-order mark, as Excel needs.")
def export_command(out: Path | None, bom: bool) -> None:
    """Export every prisoner, listed or not, as CSV."""
    if out is None:
        for chunk in export_chunks(bom=bom):
            click.echo(chunk, nl=False)
        return
    # newline="": rows end in CRLF as the CSV standard says, cells keep their own line breaks.
    with out.open("w", encoding="utf-8", newline="") as stream:
        count = write_csv(stream, bom=bom)
    message = _("%(count)s prisoner(s) written to %(file)s.", count=count, file=str(out))
    click.echo(message, err=True)

"""``flask --app app sources add URL [--name N]``, ``… list``, ``… sync [ID | --all]`` and
``… remove ID``: following other groups' lists from the server, and the nightly sync for cron
(it exits with 1 when a source could not be read at all, so that cron mails the output)."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..extensions import db
from ..models import Source
from ..validation import FieldError
from . import decisions, listing
from .sync import sync_source

sources = AppGroup("sources", help="Follow other groups' lists and read them.")


@sources.command("add")
@click.argument("url")
@click.option("--name", default="", help="How the group is called here.")
def add_command(url: str, name: str) -> None:
    """Follow the list of the group whose letters site is at URL."""
    try:
        source = decisions.add_source(url, name)
    except FieldError as exc:
        db.session.rollback()
        click.echo(_("error: %(problem)s", problem=str(exc)), err=True)
        sys.exit(1)
    db.session.commit()
    label = decisions.source_label(source)
    click.echo(_("Following %(name)s (#%(id)s).", name=label, id=source.id))


@sources.command("list")
def list_command() -> None:
    """The groups followed: id, name, address, last read, changes and new people to review."""
    for item in listing.summaries(date.today()):
        source = item.source
        last = source.last_success_on.isoformat() if source.last_success_on else _("never")
        line = "\t".join(
            (
                str(source.id),
                decisions.source_label(source),
                source.base_url,
                _("last read: %(day)s", day=last),
                _("changes: %(num)s", num=item.changes),
                _("new people: %(num)s", num=item.new_people),
            )
        )
        if item.unreachable:
            line += "\t" + _("not read for over a week")
        click.echo(line)


@sources.command("sync")
@click.argument("source_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Sync every source followed.")
def sync_command(source_id: int | None, every: bool) -> None:
    """Read one source's list (by id), or every source's with --all."""
    if every == (source_id is not None):
        raise click.UsageError(_("Give a source's id or --all."))
    if every:
        chosen = list(db.session.scalars(db.select(Source).order_by(Source.id)))
    else:
        one = db.session.get(Source, source_id)
        if one is None:
            click.echo(_("error: there is no source #%(id)s.", id=source_id), err=True)
            sys.exit(1)
        chosen = [one]
    failed = False
    for source in chosen:
        label = decisions.source_label(source)
        report = sync_source(source)
        db.session.commit()
        error = listing.report_error(report)
        if error:
            failed = True
            click.echo(_("%(name)s: failed: %(reason)s", name=label, reason=error), err=True)
            continue
        click.echo(f"{label}: {listing.report_summary(report)}")
        for line in listing.refusals(report):
            click.echo(f"  {line}")
    if failed:
        sys.exit(1)


@sources.command("remove")
@click.argument("source_id", type=int)
def remove_command(source_id: int) -> None:
    """Stop following a source: its links, changes and letter counts go; people stay."""
    source = db.session.get(Source, source_id)
    if source is None:
        click.echo(_("error: there is no source #%(id)s.", id=source_id), err=True)
        sys.exit(1)
    label = decisions.source_label(source)
    decisions.remove_source(source)
    db.session.commit()
    click.echo(_("%(name)s is no longer followed.", name=label))

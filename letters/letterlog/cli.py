"""``flask --app app letters summarize``: sum today's letter figures before anyone asks.

The first page of a day that needs them sums them anyway (``letterlog.summary``); run from
cron or a systemd timer just after midnight, this spares that visitor the wait:
``5 0 * * * cd /srv/letters && venv/bin/flask --app app letters summarize``.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from .services import public_count_day
from .summary import make_summary

letters = AppGroup("letters", help="The letter log.")


@letters.command("summarize")
def summarize_command() -> None:
    """Sum today's letter figures per prisoner (what lists and the pick are ordered by)."""
    day = public_count_day()
    if not make_summary(day):
        click.echo(
            _("The figures for %(day)s could not be summed now.", day=day.isoformat()), err=True
        )
        sys.exit(1)
    click.echo(_("Letter figures summed for %(day)s.", day=day.isoformat()), err=True)

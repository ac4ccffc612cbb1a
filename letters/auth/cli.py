"""``flask --app app users …``: the command group, and ``create`` (an account with a password
typed on the server). Listing, inviting and the rest are in :mod:`letters.accounts.cli`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..models import Role
from . import services

users = AppGroup("users", help="Coordinator accounts.")

F = TypeVar("F", bound=Callable[..., Any])


def _console_locale(command: F) -> F:
    """Messages in the default language: a console has no Accept-Language to go by."""

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return command(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.COORDINATOR.value,
    show_default=True,
    help="An admin is a coordinator who also manages accounts.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)
@_console_locale
def create_command(email: str, role: str, password_stdin: bool) -> None:
    """Create an account for EMAIL."""
    if password_stdin:
        # Only the line ending is removed: spaces can be part of a password.
        # open_file("-") is click's public way to stdin (get_text_stream is deprecated in 8.5).
        with click.open_file("-") as stdin:
            password = stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            _("Password"), hide_input=True, confirmation_prompt=_("Repeat the password")
        )
    try:
        user = services.create_user(email, password, Role(role))
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(_("Created %(role)s account %(email)s.", role=user.role.value, email=user.email))

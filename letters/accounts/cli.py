"""``flask --app app users list|invite|deactivate|reactivate|role|reset-second-factor``.

Added to the ``users`` group of :mod:`letters.auth.cli` (which keeps ``create``), calling the
same services as the accounts page, so the same rules hold: above all, the last active admin
cannot be deactivated or demoted. ``reset-second-factor`` is the way back for the only admin
who lost their phone and their recovery codes: whoever runs commands on the server is trusted
with everything anyway.
"""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask_babel import gettext as _

from ..auth.cli import _console_locale, users
from ..auth.first_run import local_link
from ..auth.services import AccountError
from ..extensions import db
from ..models import Role, User
from . import services

ROLES = click.Choice([role.value for role in Role])


def _account(email: str) -> User:
    user = services.account_by_email(email)
    if user is None:
        raise click.ClickException(_("No account has the e-mail address %(email)s.", email=email))
    return user


def _fail(error: AccountError) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(str(error))


def invitation_link(signed: str) -> tuple[str, str | None]:
    """The full link, and the path to use when the server is reached at another address
    (``None`` when the app knows its own address from ``SERVER_NAME``)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("SERVER_NAME"):
        with app.test_request_context():
            return url_for("accounts.accept_invitation", token=signed, _external=True), None
    return local_link(app, "accounts.accept_invitation", token=signed)


@users.command("list")
def list_command() -> None:
    """Print every account, tab-separated: e-mail address, role, active or deactivated,
    second factor on or off, day of the last login (- for never)."""
    for user in services.list_accounts():
        click.echo(
            "\t".join(
                [
                    user.email,
                    user.role.value,
                    "active" if user.is_active else "deactivated",
                    "second-factor-on" if user.has_second_factor else "second-factor-off",
                    user.last_login_on.isoformat() if user.last_login_on else "-",
                ]
            )
        )


@users.command("invite")
@click.argument("email")
@click.option(
    "--role",
    type=ROLES,
    default=Role.COORDINATOR.value,
    show_default=True,
    help="An admin is a coordinator who also manages accounts and the group's settings.",
)
@_console_locale
def invite_command(email: str, role: str) -> None:
    """Print a one-time link with which EMAIL creates their own account (valid for 72 hours)."""
    try:
        invitation, signed = services.invite(email, Role(role))
    except AccountError as error:
        raise _fail(error) from error
    db.session.commit()
    url, path = invitation_link(signed)
    hours = int(services.INVITATION_LIFETIME.total_seconds() // 3600)
    click.echo(
        _(
            "Invitation for %(email)s (%(role)s). Pass this link on by a channel your group "
            "trusts; it works once, within %(hours)d hours, and is not shown again:\n\n"
            "    %(url)s",
            email=invitation.email,
            role=invitation.role.value,
            hours=hours,
            url=url,
        )
    )
    if path is not None:
        click.echo(
            _(
                "\nIf the server is reached at another address, use the path %(path)s there.",
                path=path,
            )
        )


@users.command("deactivate")
@click.argument("email")
@_console_locale
def deactivate_command(email: str) -> None:
    """Log EMAIL out everywhere and keep them from logging in."""
    user = _account(email)
    try:
        changed = services.deactivate(user)
    except AccountError as error:
        raise _fail(error) from error
    db.session.commit()
    if changed:
        click.echo(_("%(email)s was deactivated and logged out everywhere.", email=user.email))
    else:
        click.echo(_("%(email)s was already deactivated.", email=user.email))


@users.command("reactivate")
@click.argument("email")
@_console_locale
def reactivate_command(email: str) -> None:
    """Let EMAIL log in again."""
    user = _account(email)
    changed = services.reactivate(user)
    db.session.commit()
    if changed:
        click.echo(_("%(email)s was reactivated and can log in again.", email=user.email))
    else:
        click.echo(_("%(email)s was already active.", email=user.email))


@users.command("role")
@click.argument("email")
@click.argument("role", type=ROLES)
@_console_locale
def role_command(email: str, role: str) -> None:
    """Give EMAIL the role ROLE (coordinator or admin)."""
    user = _account(email)
    try:
        changed = services.change_role(user, Role(role))
    except AccountError as error:
        raise _fail(error) from error
    db.session.commit()
    if changed:
        click.echo(_("%(email)s is now %(role)s.", email=user.email, role=role))
    else:
        click.echo(_("%(email)s was already %(role)s.", email=user.email, role=role))


@users.command("reset-second-factor")
@click.argument("email")
@_console_locale
def reset_second_factor_command(email: str) -> None:
    """Remove EMAIL's second factor and recovery codes (for a lost phone)."""
    user = _account(email)
    if services.reset_second_factor(user):
        db.session.commit()
        click.echo(
            _(
                "The second factor of %(email)s was removed, with their recovery codes. They "
                "log in with their password alone until they set up a new one.",
                email=user.email,
            )
        )
    else:
        click.echo(_("%(email)s has no second factor to reset.", email=user.email))

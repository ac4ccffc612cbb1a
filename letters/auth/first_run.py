"""First run: a one-time link that creates the first (admin) account.

While the database holds no account, every start prints a signed set-up link to stderr (never
stdout: CLI commands write CSV there). Whoever can read the server's console is the operator;
the link lets them create the first account in the browser without a default password. It is
one-time because the page refuses as soon as any account exists, and it expires after a day.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click
from flask import Flask, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import User
from .services import any_user_exists

# A salt of its own, so a set-up token can never pass for a session cookie or a CSRF token,
# which are signed with the same SECRET_KEY.
SETUP_SALT = "letters.auth.first-run"
SETUP_PAYLOAD = "create-first-account"
SETUP_TOKEN_MAX_AGE = 24 * 60 * 60  # seconds


def _serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SETUP_SALT)


def make_setup_token(app: Flask) -> str:
    """A signed, timestamped token for the set-up page; valid for ``SETUP_TOKEN_MAX_AGE``."""
    return _serializer(app).dumps(SETUP_PAYLOAD)


def setup_token_is_valid(token: str) -> bool:
    """Whether ``token`` was made by :func:`make_setup_token` with this key, within a day."""
    try:
        payload = _serializer(current_app).loads(token, max_age=SETUP_TOKEN_MAX_AGE)
    except BadData:
        return False
    return bool(payload == SETUP_PAYLOAD)


def setup_link(app: Flask, token: str) -> tuple[str, str]:
    """The full link for a local browser, and the path to use on any other address."""
    return local_link(app, "auth.setup", token=token)


def local_link(app: Flask, endpoint: str, **values: Any) -> tuple[str, str]:
    """A page's link for a browser on this machine (the host and port ``flask run`` was given,
    if any), and its path to use on any other address: for links printed on the console."""
    host = _run_option("host") or os.environ.get("FLASK_RUN_HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104  (listening on every address; loopback is one)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    port = _run_option("port") or os.environ.get("FLASK_RUN_PORT") or "5000"
    # A stand-in request gives url_for the app's URL rules (and APPLICATION_ROOT) outside of
    # any real request, without having to configure SERVER_NAME.
    with app.test_request_context():
        path = url_for(endpoint, **values)
    return f"http://{host}:{port}{path}", path


def _run_option(name: str) -> str | None:
    """``--port``/``--host`` as given to ``flask run`` (which loads the app inside its command)."""
    context = click.get_current_context(silent=True)
    value = context.params.get(name) if context is not None else None
    return str(value) if value else None


def announce_setup_link(app: Flask) -> None:
    """Print the set-up link to stderr when no account exists; otherwise print nothing.

    Never raises for a database problem: this runs inside ``create_app``, and a crash here
    would also stop ``flask db upgrade``, the command that fixes a missing schema.
    """
    context = click.get_current_context(silent=True)
    if context is not None and context.info_name != "run":
        # Another CLI command (import, export, print …): its output is not the place, and the
        # operator there has `flask users create`.
        return
    with app.app_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            if not inspect(db.engine).has_table(User.__tablename__):
                _say(
                    _(
                        "The database has no tables yet. Run `flask --app app db upgrade`, "
                        "then start the app again to get the link that creates the first "
                        "account."
                    )
                )
                return
            if any_user_exists():
                return
        except SQLAlchemyError as exc:
            # The class name only: the full message can contain the database address.
            _say(
                _(
                    "Could not check whether an account exists (%(error)s).",
                    error=type(exc).__name__,
                )
            )
            return
        url, path = setup_link(app, make_setup_token(app))
        _say(
            _(
                "No account exists yet. Open this link within 24 hours to create the first "
                "(admin) account:\n\n    %(url)s\n\nIf you reach the server at another "
                "address, open the path %(path)s there. The link stops working once an "
                "account exists.",
                url=url,
                path=path,
            )
        )


def _say(message: str) -> None:
    print(f"\n{message}\n", file=sys.stderr, flush=True)

"""How a session cookie becomes a user: by the rotating session token, never the user id."""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask_babel import lazy_gettext as _l
from flask_login import user_logged_in, user_login_confirmed
from sqlalchemy import select

from ..extensions import db, login_manager
from ..models import User

#: The key under which Flask-Login keeps its session identifier: a sha512 of the client's
#: network address and User-Agent. Given the User-Agent, the address can be brute-forced from
#: a captured cookie (the IPv4 space is small), so it is never kept.
IDENTIFIER_KEY = "_id"


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in as a coordinator to see this page.")
    # No IP-bound protection: "strong" and "basic" both compare the cookie with a hash of the
    # client's address, which would have to be stored in the cookie. A stolen cookie is
    # answered instead by the session token (replaced at logout and password change) and the
    # eight-hour lifetime. "basic" without the stored hash would only mark every session
    # stale, so there is nothing left for it to do: None.
    login_manager.session_protection = None
    user_logged_in.connect(_forget_identifier, app)
    user_login_confirmed.connect(_forget_identifier, app)


def _forget_identifier(_sender: Any, **_extra: Any) -> None:
    # Flask-Login writes the identifier at every login whatever the protection mode; drop it
    # before the cookie is written.
    session.pop(IDENTIFIER_KEY, None)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalars(
        select(User).where(User.session_token == session_token, User.is_active.is_(True))
    ).first()

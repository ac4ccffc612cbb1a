"""How a session cookie becomes a user, and the list of an account's logged-in browsers.

The cookie holds a random session token, never the user id. Each logged-in browser is one
``UserSession`` row keyed by the token's SHA-256; deleting the row ends that session on its
next request (logging out, "log out everywhere else", a password change, deactivation).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, user_logged_in, user_login_confirmed
from sqlalchemy import delete, select
from ua_parser import parse as parse_user_agent

from ..extensions import db, login_manager
from ..models import User, UserSession

#: The key under which Flask-Login keeps its session identifier: a sha512 of the client's
#: network address and User-Agent. Given the User-Agent, the address can be brute-forced from
#: a captured cookie (the IPv4 space is small), so it is never kept.
IDENTIFIER_KEY = "_id"
DEVICE_LENGTH = 100


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in as a coordinator to see this page.")
    # No IP-bound protection: "strong" and "basic" both compare the cookie with a hash of the
    # client's address, which would have to be stored in the cookie. A stolen cookie is
    # answered instead by the session row (deleted at logout, password change and
    # deactivation) and the eight-hour lifetime. "basic" without the stored hash would only
    # mark every session stale, so there is nothing left for it to do: None.
    login_manager.session_protection = None
    user_logged_in.connect(_forget_identifier, app)
    user_login_confirmed.connect(_forget_identifier, app)


def _forget_identifier(_sender: Any, **_extra: Any) -> None:
    # Flask-Login writes the identifier at every login whatever the protection mode; drop it
    # before the cookie is written.
    session.pop(IDENTIFIER_KEY, None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_label(user_agent: str) -> str:
    """ "Firefox on Linux", "Mobile Safari on iOS": enough to recognise one's own devices, and
    no version numbers or models that would single a browser out."""
    parsed = parse_user_agent(user_agent[:1000])
    browser = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    if browser and browser != "Other" and system and system != "Other":
        return f"{browser} on {system}"[:DEVICE_LENGTH]
    return (browser if browser and browser != "Other" else system if system != "Other" else "")[
        :DEVICE_LENGTH
    ]


def open_session(user: User, user_agent: str = "") -> str:
    """Add a new session for ``user`` (not committed) and return its token for the cookie.

    Also sets the token on ``user`` so Flask-Login's ``login_user`` stores it, and notes the
    day of this login.
    """
    token = secrets.token_urlsafe(32)
    today = date.today()
    db.session.add(
        UserSession(
            user=user,
            token_hash=token_hash(token),
            device=device_label(user_agent),
            created_on=today,
            last_seen_on=today,
        )
    )
    user.last_login_on = today
    user.session_token = token
    return token


def start_browser_session(user: User) -> None:
    """Log ``user`` in in this browser: a new session row (committed) and a new cookie.

    What every way in ends with: the login form, the first-run page, a password change, an
    accepted invitation. Nothing from before logging in carries over into the logged-in
    session.
    """
    if current_user.is_authenticated:
        # Someone logged in already (an invitation opened in a logged-in browser): the old
        # session must end with its cookie, not linger in the database.
        end_session(current_user.session_token)
    session.clear()
    open_session(user, request.headers.get("User-Agent", ""))
    db.session.commit()
    login_user(user)
    # A permanent session expires after PERMANENT_SESSION_LIFETIME (hours), not at some
    # unknown point when the browser is closed (browsers restore "session" cookies).
    session.permanent = True


def current_session(user: User) -> UserSession | None:
    """The session row of the browser ``user`` was loaded for (None outside a session)."""
    if not user.session_token:
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.token_hash == token_hash(user.session_token))
    )


def sessions_of(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.last_seen_on.desc(), UserSession.id.desc())
        )
    )


def end_session(token: str | None) -> None:
    """End one session by its token (not committed)."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def end_all_sessions(user: User, keep: str | None = None) -> int:
    """End every session of ``user`` except the one with token ``keep`` (not committed).
    Returns how many were ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        statement = statement.where(UserSession.token_hash != token_hash(keep))
    result = db.session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    row = db.session.execute(
        select(UserSession, User)
        .join(User, UserSession.user_id == User.id)
        .where(UserSession.token_hash == token_hash(session_token), User.is_active.is_(True))
    ).first()
    if row is None:
        return None
    user_session, user = row
    today = date.today()
    if user_session.last_seen_on != today:
        # At most one write per session per day; the day is all the sessions list shows.
        user_session.last_seen_on = today
        db.session.commit()
    user.session_token = session_token
    return user

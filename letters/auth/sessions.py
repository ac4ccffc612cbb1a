"""How a session cookie becomes a user: by the rotating session token, never the user id."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db, login_manager
from ..models import User


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in as a coordinator to see this page.")
    login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalars(
        select(User).where(User.session_token == session_token, User.is_active.is_(True))
    ).first()

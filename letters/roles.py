"""Role gates beyond "logged in". Coordinator pages use Flask-Login's ``login_required`` (every
account is at least a coordinator); ``admin_required`` is for accounts, the group's settings and
the audit trail. Stack under ``@bp.route``.

A top-level module, not part of ``auth``: the audit trail's pages need the gate, and ``auth``
records into the audit trail, so neither feature package may import the other's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from .extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """Admins only: anyone else logged in gets 403, an anonymous visitor the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]

"""``/healthz``: whether this server can serve, for a load balancer or a monitor.

It says only "ok" or what is wrong in general terms (the database cannot be reached; the
schema is not at the newest migration): no counts, no names, no error text, since anyone
can ask.
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from . import resources
from .extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@cache
def newest_migrations() -> frozenset[str]:
    """The head revision(s) of the migrations this code carries: fixed for a running server."""
    return frozenset(ScriptDirectory(str(resources.directory("migrations"))).get_heads())


def problem() -> str | None:
    """None when the database answers and its schema is at the newest migration, else what is
    wrong, in words safe to show anyone."""
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        log.exception("health check: the database cannot be reached")
        return "database unreachable"
    if current != newest_migrations():
        return "migrations not at head"
    return None


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    wrong = problem()
    if wrong is None:
        response, status = jsonify(status="ok"), 200
    else:
        response, status = jsonify(status="unavailable", problem=wrong), 503
    response.headers["Cache-Control"] = "no-store"
    return response, status

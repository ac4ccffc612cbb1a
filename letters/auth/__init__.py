"""Coordinator accounts: log in, log out, first-run set-up, password change."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402, F401  (registers the routes)

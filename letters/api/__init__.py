"""The read-only JSON API for group websites: listed prisoners only."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402, F401

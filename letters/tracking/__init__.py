"""Counting letters and keeping track: who needs a letter next, birthdays, the letter log."""

from flask import Blueprint

bp = Blueprint("tracking", __name__)

from . import views  # noqa: E402, F401

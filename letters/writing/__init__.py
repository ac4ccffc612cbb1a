"""Writing a letter to one prisoner: the page, the printed letter, and "I sent it"."""

from flask import Blueprint

bp = Blueprint("writing", __name__)

from . import views  # noqa: E402, F401

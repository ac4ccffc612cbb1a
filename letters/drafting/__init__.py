"""Writing aids kept by coordinators: letter templates, the phrasebook, words to avoid."""

from flask import Blueprint

bp = Blueprint("drafting", __name__)

from . import views  # noqa: E402, F401

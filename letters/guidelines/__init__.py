"""Guidelines for writers: what to write, what never to write, and how to post, per country."""

from flask import Blueprint

bp = Blueprint("guidelines", __name__)

from . import views  # noqa: E402, F401

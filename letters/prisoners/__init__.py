"""Prisoners: the public list and profiles, and the coordinators' registry."""

from flask import Blueprint

bp = Blueprint("prisoners", __name__)

from . import views  # noqa: E402, F401

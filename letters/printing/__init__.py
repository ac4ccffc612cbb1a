"""Printing: envelopes, letter sheets, address labels and evening packs as PDF."""

from flask import Blueprint

bp = Blueprint("printing", __name__)

from . import views  # noqa: E402, F401

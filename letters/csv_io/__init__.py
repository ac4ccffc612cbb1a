"""Importing and exporting the prisoner list as CSV, from the web and the command line."""

from flask import Blueprint

bp = Blueprint("csv_io", __name__, url_prefix="/manage/prisoners")

from . import views  # noqa: E402, F401

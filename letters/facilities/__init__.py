"""Facilities: prisons and mail centres, their addresses and what they allow."""

from flask import Blueprint

bp = Blueprint("facilities", __name__, url_prefix="/manage/facilities")

from . import views  # noqa: E402, F401

"""Campaigns and letter-writing evenings: chosen prisoners, a goal, progress and report-back."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)

from . import views  # noqa: E402, F401

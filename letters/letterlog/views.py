"""The letter log as a CSV download for coordinators."""

from __future__ import annotations

from datetime import date
from functools import partial

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_login import login_required

from ..downloads import CSV, streamed_download
from .export import letter_log_chunks

bp = Blueprint("letterlog", __name__)


@bp.route("/manage/letters.csv")
@login_required
def letters_csv() -> ResponseReturnValue:
    # A byte-order mark, as in the prisoner export: Excel then reads the Cyrillic as UTF-8.
    return streamed_download(
        partial(letter_log_chunks, bom=True), f"letters-{date.today().isoformat()}.csv", CSV
    )

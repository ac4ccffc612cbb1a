"""Upload a prisoner list, download the whole list, download a sample."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from flask import Blueprint, Response, render_template
from flask_login import login_required

from ..downloads import CSV, private_download, streamed_download
from .forms import ImportForm
from .services import COLUMNS, COUNT_LABELS, export_chunks, import_csv

bp = Blueprint("csv_io", __name__, url_prefix="/manage/prisoners")

# Prisoners in five countries; also tests/data/five_countries.csv, which a test keeps equal.
SAMPLE = Path(__file__).with_name("sample.csv")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_form() -> tuple[str, int]:
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        result = import_csv(form.file.data.read(), dry_run=form.dry_run.data)
    refused = form.is_submitted() and (bool(form.errors) or (result is not None and not result.ok))
    # The result is shown on the POST's own page (no redirect): importing the same file again
    # changes nothing, so a resubmitted form is harmless.
    page = render_template(
        "csv_io/import.html",
        form=form,
        result=result,
        columns=COLUMNS,
        count_labels=COUNT_LABELS,
    )
    return page, 422 if refused else 200


@bp.route("/export.csv")
@login_required
def export() -> Response:
    # A byte-order mark, so Excel reads the Cyrillic as UTF-8; the import accepts it.
    return streamed_download(
        partial(export_chunks, bom=True), f"prisoners-{date.today().isoformat()}.csv", CSV
    )


@bp.route("/sample.csv")
@login_required
def sample() -> Response:
    body = SAMPLE.read_bytes()
    return private_download(body, "prisoners-sample.csv", CSV)

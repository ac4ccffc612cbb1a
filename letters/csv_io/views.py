"""Upload a prisoner list, download the whole list, download a sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Response, render_template

from ..auth.decorators import coordinator_required
from . import bp
from .forms import ImportForm
from .services import COLUMNS, COUNT_LABELS, export_csv, import_csv

CSV_MIMETYPE = "text/csv; charset=utf-8"
# Prisoners in five countries; also tests/data/five_countries.csv, which a test keeps equal.
SAMPLE = Path(__file__).with_name("sample.csv")


def csv_download(body: bytes, filename: str) -> Response:
    """A CSV file as a download; shared by every CSV export (prisoners, the letter log)."""
    return Response(
        body,
        headers={
            "Content-Type": CSV_MIMETYPE,
            # The name is ours, never taken from the request.
            "Content-Disposition": f'attachment; filename="{filename}"',
            # A list of people and where they are held must not sit in a shared cache.
            "Cache-Control": "no-store",
        },
    )


@bp.route("/import", methods=["GET", "POST"])
@coordinator_required
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
@coordinator_required
def export() -> Response:
    # A byte-order mark, so Excel reads the Cyrillic as UTF-8; the import accepts it.
    body = export_csv(bom=True).encode("utf-8")
    return csv_download(body, f"prisoners-{date.today().isoformat()}.csv")


@bp.route("/sample.csv")
@coordinator_required
def sample() -> Response:
    body = SAMPLE.read_bytes()
    return csv_download(body, "prisoners-sample.csv")

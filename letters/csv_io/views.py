from flask import render_template

from ..auth.decorators import coordinator_required
from . import bp


@bp.route("/import", methods=["GET"])
@coordinator_required
def import_form() -> str:
    return render_template("csv_io/import.html")

from flask import render_template

from ..auth.decorators import coordinator_required
from . import bp


@bp.route("/")
@coordinator_required
def list() -> str:  # noqa: A001
    return render_template("facilities/list.html", facilities=[])

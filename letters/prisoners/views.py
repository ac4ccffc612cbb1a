from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..auth.decorators import coordinator_required
from . import bp


@bp.route("/")
def home() -> Response:
    return redirect(url_for("prisoners.public_list"))


@bp.route("/prisoners")
def public_list() -> str:
    return render_template("prisoners/public_list.html", prisoners=[])


@bp.route("/manage/prisoners")
@coordinator_required
def manage_list() -> str:
    return render_template("prisoners/manage_list.html", prisoners=[])

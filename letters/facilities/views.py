from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from ..extensions import db
from ..models import Facility
from . import services
from .forms import FacilityForm

bp = Blueprint("facilities", __name__, url_prefix="/manage/facilities")


@bp.route("/")
@login_required
def list() -> str:  # noqa: A001
    return render_template(
        "facilities/list.html",
        facilities=services.all_facilities(),
        counts=services.prisoner_counts(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    form = FacilityForm()
    if form.validate_on_submit():
        facility = Facility()
        errors = services.save_facility(facility, form.values())
        if not errors:
            db.session.commit()
            flash(_("%(name)s was added.", name=facility.name), "success")
            return redirect(url_for("facilities.edit", facility_id=facility.id))
        form.add_errors(errors)
    return render_template("facilities/create.html", form=form)


@bp.route("/<int:facility_id>/edit", methods=["GET", "POST"])
@login_required
def edit(facility_id: int) -> ResponseReturnValue:
    facility = db.get_or_404(Facility, facility_id)
    form = FacilityForm(data=FacilityForm.initial_data(facility))
    if form.validate_on_submit():
        errors = services.save_facility(facility, form.values())
        if not errors:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return redirect(url_for("facilities.edit", facility_id=facility.id))
        form.add_errors(errors)
    return render_template(
        "facilities/edit.html",
        form=form,
        facility=facility,
        prisoners=services.prisoners_held(facility),
    )

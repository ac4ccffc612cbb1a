from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..auth.decorators import coordinator_required
from ..extensions import db
from ..models import Facility
from . import bp, services
from .forms import FacilityForm


@bp.route("/")
@coordinator_required
def list() -> str:  # noqa: A001
    return render_template(
        "facilities/list.html",
        facilities=services.all_facilities(),
        counts=services.prisoner_counts(),
    )


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create() -> str | Response:
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
@coordinator_required
def edit(facility_id: int) -> str | Response:
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

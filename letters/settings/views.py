"""The group's own details, kept by admins: its name, return address and home country."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..auth.decorators import admin_required
from ..extensions import db
from ..validation import FieldError
from .forms import SettingsForm
from .services import group_settings, save_group_settings

bp = Blueprint("settings", __name__, url_prefix="/manage/settings")


@bp.route("", methods=["GET", "POST"])
# What every envelope prints as the sender, and the country letters are posted from: an
# admin's decision, like who has an account.
@admin_required
def edit() -> ResponseReturnValue:
    """The group's name, its return address for envelopes, and the country it posts from."""
    current = group_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        try:
            save_group_settings(
                form.group_name.data or "",
                form.return_address.data or "",
                form.home_country.data or "",
            )
        except FieldError as exc:
            form.home_country.errors = [*form.home_country.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("The group's settings were saved."), "success")
            return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form)

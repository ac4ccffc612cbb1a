"""The group's own details, kept by admins: its name, return address, home country, donation
instructions, and whether following groups may read its letters per day."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..roles import admin_required
from ..validation import FieldError
from .forms import SettingsForm
from .services import (
    HOME_COUNTRY_NEEDED,
    group_return_lines,
    group_settings,
    lacks_country,
    save_group_settings,
)

bp = Blueprint("settings", __name__, url_prefix="/manage/settings")


@bp.route("", methods=["GET", "POST"])
# What every envelope prints as the sender, and the country letters are posted from: an
# admin's decision, like who has an account.
@admin_required
def edit() -> ResponseReturnValue:
    """The group's name, its return address for envelopes, and the country it posts from."""
    current = group_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit() and _can_require_second_factor(form):
        try:
            save_group_settings(
                form.group_name.data or "",
                form.return_address.data or "",
                form.home_country.data or "",
                bool(form.require_second_factor.data),
                form.donation_instructions.data or "",
                bool(form.publish_letter_days.data),
            )
        except FieldError as exc:
            form.home_country.errors = [*form.home_country.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("The group's settings were saved."), "success")
            return redirect(url_for("settings.edit"))
    # Stored before the country was asked for: say so on every visit until it is fixed.
    warning = (
        HOME_COUNTRY_NEEDED
        if lacks_country(group_return_lines(current), current.home_country)
        else None
    )
    return render_template("settings/edit.html", form=form, warning=warning)


def _can_require_second_factor(form: SettingsForm) -> bool:
    # Whoever switches the requirement on proves first that enrolling works for them; else
    # they would switch it on and find themselves sent to enrol before they can go on.
    if form.require_second_factor.data and not current_user.has_second_factor:
        form.require_second_factor.errors = [
            *form.require_second_factor.errors,
            _("Set up your own second factor first (on your account page), then switch this on."),
        ]
        return False
    return True

"""Forms for inviting someone, changing a role, and accepting an invitation.

Address and password rules live in :mod:`letters.auth.services`; the views put a service's
refusal on the field it concerns.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length

from ..auth.forms import confirm_field, new_password_field
from ..auth.services import MAX_EMAIL_LENGTH
from ..form_helpers import Checked
from ..models import Role
from ..validation import check_single_line

ROLE_LABELS: dict[Role, LazyString] = {
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Admin"),
}


def _role_field() -> SelectField:
    return SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        default=Role.COORDINATOR.value,
        validators=[DataRequired()],
    )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=MAX_EMAIL_LENGTH), Checked(check_single_line)],
        description=_l("Their login name. The app sends no e-mail: you pass the link on yourself."),
        # Someone else's address: not one for the browser to fill in or remember as the admin's.
        render_kw={"autocomplete": "off", "maxlength": MAX_EMAIL_LENGTH},
    )
    role = _role_field()


class RoleForm(FlaskForm):
    role = _role_field()


class AcceptInvitationForm(FlaskForm):
    password = new_password_field(_l("Password"))
    confirm = confirm_field("password")

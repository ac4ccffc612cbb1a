"""Forms for logging in, first-run set-up, changing a password and the second factor.

Password rules live in :mod:`letters.auth.services`, not here, so the CLI and the web apply the
same ones; the views put a service's refusal on the field it concerns.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..form_helpers import Checked
from ..validation import check_single_line
from .services import MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

#: The longest code field accepted: a recovery code (16 characters) with dashes or spaces.
CODE_MAX_LENGTH = 32

_NEW_PASSWORD_ATTRS = {
    "autocomplete": "new-password",
    "minlength": MIN_PASSWORD_LENGTH,
    "maxlength": MAX_PASSWORD_LENGTH,
}


def _email_field() -> EmailField:
    return EmailField(
        _l("E-mail address"),
        # One line: an address is compared and stored as typed, never with a break in it.
        validators=[DataRequired(), Length(max=MAX_EMAIL_LENGTH), Checked(check_single_line)],
        render_kw={"autocomplete": "username", "maxlength": MAX_EMAIL_LENGTH},
    )


def new_password_field(label: LazyString) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired()],
        description=_l(
            "At least %(count)d characters. A few unrelated words make a strong password "
            "that is easy to remember.",
            count=MIN_PASSWORD_LENGTH,
        ),
        render_kw=_NEW_PASSWORD_ATTRS,
    )


def confirm_field(other: str) -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo(other, message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )


class SetupForm(FlaskForm):
    email = _email_field()
    password = new_password_field(_l("Password"))
    confirm = confirm_field("password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field(_l("New password"))
    confirm = confirm_field("new_password")


def _current_password_field() -> PasswordField:
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )


def _code_field(label: LazyString, description: LazyString, **render_kw: object) -> StringField:
    return StringField(
        label,
        # Long enough for a recovery code typed with spaces; anything longer is no code.
        validators=[DataRequired(), Length(max=CODE_MAX_LENGTH)],
        description=description,
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "off",
            "spellcheck": "false",
            "maxlength": CODE_MAX_LENGTH,
            **render_kw,
        },
    )


class LoginCodeForm(FlaskForm):
    """The second step of logging in: a code from the app, or a recovery code."""

    code = _code_field(
        _l("Code"),
        _l(
            "The six-digit code your authenticator app shows now, or one of your recovery "
            "codes if you do not have your phone."
        ),
        autofocus=True,
    )


class EnrolSecondFactorForm(FlaskForm):
    """Confirming a new authenticator app: a code from it, and the current password."""

    token = HiddenField(validators=[DataRequired()])
    code = _code_field(
        _l("Code from the app"),
        _l("The six-digit code the app shows after you scanned the QR code."),
        inputmode="numeric",
    )
    password = _current_password_field()


class TurnOffSecondFactorForm(FlaskForm):
    password = _current_password_field()
    code = _code_field(
        _l("Code"),
        _l("The six-digit code your authenticator app shows now, or a recovery code."),
    )


class RecoveryCodesForm(FlaskForm):
    password = _current_password_field()

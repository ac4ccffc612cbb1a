"""Small pieces every form uses: trimming input, running a validation rule as a field validator,
required-field messages and flashing errors on redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .validation import FieldError


def strip(value: Any) -> Any:
    """Trim, and store line breaks as LF whatever the browser sent (textareas send CRLF)."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class Checked:
    """A services check as a WTForms validator, so the form and the CSV import share one rule.

    ``Checked(check_length, "name")`` calls ``check_length(field.data, "name")`` and turns its
    ``FieldError`` into the field's error message.
    """

    def __init__(self, check: Callable[..., object], *args: Any) -> None:
        self.check = check
        self.args = args

    def __call__(self, form: FlaskForm, field: Any) -> None:
        try:
            self.check(field.data or "", *self.args)
        except FieldError as exc:
            raise ValidationError(str(exc)) from None


def offered(field: SelectField) -> str | None:
    """The field's value if it is one of its choices, else ``None``."""
    values = {choice.value for choice in field.choices or []}
    return field.data if field.data in values else None


def flash_errors(form: FlaskForm) -> None:
    """Flash each error of a form that redirects instead of showing itself again, naming the
    field unless the message already does ("Reason is required." needs no "Reason: ")."""
    for field in form:
        for message in field.errors:
            text, label = str(message), str(field.label.text)
            named = field.type == "CSRFTokenField" or label.casefold() in text.casefold()
            flash(text if named else f"{label}: {text}", "error")


def required(label: str) -> DataRequired:
    return DataRequired(message=_l("%(field)s is required.", field=label))


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: a coordinator unticks who is not written to this evening."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

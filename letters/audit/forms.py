"""The audit trail's filters (a GET form: filtering changes nothing)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput

from ..form_helpers import Checked, strip
from ..validation import FieldError, check_length, check_single_line, parse_date
from . import services


class AuditFilterForm(FlaskForm):
    """Entries about a person, by an account, between two days."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    prisoner = StringField(
        _l("Prisoner"),
        [Checked(check_length, "name"), Checked(check_single_line)],
        filters=[strip],
        description=_l("A name, or a number such as #12 for a prisoner since deleted."),
    )
    account = SelectField(_l("Account"), default="")
    since = StringField(_l("From"), [Checked(parse_date)], filters=[strip], widget=DateInput())
    until = StringField(_l("To"), [Checked(parse_date)], filters=[strip], widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account.choices = [
            SelectChoice("", _l("Any account")),
            SelectChoice(services.COMMAND_LINE_FILTER, _l("The server's command line")),
        ] + [SelectChoice(str(user.id), user.email) for user in services.accounts()]

    def validate_until(self, field: StringField) -> None:
        try:
            since, until = parse_date(self.since.data or ""), parse_date(field.data or "")
        except FieldError:
            return  # the day that is not a date has its own error
        if since and until and until < since:
            raise ValidationError(_l("The last day is before the first day."))

    def filters(self) -> services.AuditFilters:
        """The validated filters (call after ``validate()`` succeeded)."""
        account: int | str | None = self.account.data or None
        if account and account != services.COMMAND_LINE_FILTER:
            account = int(account)
        return services.AuditFilters(
            prisoner_ids=services.matching_prisoner_ids(self.prisoner.data or ""),
            account=account,
            since=parse_date(self.since.data or ""),
            until=parse_date(self.until.data or ""),
        )

    def args(self) -> dict[str, str]:
        """The filters as given, for links to the next page and the CSV."""
        return {
            name: str(getattr(self, name).data)
            for name in ("prisoner", "account", "since", "until")
            if getattr(self, name).data
        }

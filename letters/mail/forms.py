"""Forms for replies, returned letters and visitors' address reports."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.widgets import DateInput

from ..form_helpers import Checked, required, strip
from ..models import MAX_LENGTH, MAX_REPORT_CHARS, ReturnReason
from ..validation import parse_date, parse_past_day

RETURN_REASON_LABELS = {
    ReturnReason.MOVED: _l("Moved"),
    ReturnReason.RELEASED: _l("Released"),
    ReturnReason.REFUSED_BY_CENSOR: _l("Refused by the censor"),
    ReturnReason.UNKNOWN_ADDRESSEE: _l("Addressee unknown"),
    ReturnReason.OTHER: _l("Other"),
}


def _date_field(label: str, id: str) -> StringField:
    # Both forms sit on the prisoner's page: each date needs an id of its own, or the second
    # label would name the first form's field.
    return StringField(
        label,
        [required(label), Checked(parse_past_day)],
        id=id,
        filters=[strip],
        widget=DateInput(),
        default=lambda: date.today().isoformat(),
    )


class ReplyForm(FlaskForm):
    on = _date_field(_l("Reply received on"), "reply-on")

    def day(self) -> date:
        return parse_date(self.on.data or "") or date.today()


class ReturnForm(FlaskForm):
    on = _date_field(_l("Letter came back on"), "returned-on")
    reason = SelectField(
        _l("Reason"),
        [required(_l("Reason"))],
        choices=[SelectChoice("", _l("Choose a reason"))]
        + [SelectChoice(r.value, label) for r, label in RETURN_REASON_LABELS.items()],
    )
    note = StringField(
        _l("Note"),
        [Length(max=MAX_LENGTH["address_line"])],
        filters=[strip],
    )

    def day(self) -> date:
        return parse_date(self.on.data or "") or date.today()

    def chosen_reason(self) -> ReturnReason:
        return ReturnReason(self.reason.data)


class AddressReportForm(FlaskForm):
    message = TextAreaField(
        _l("What is wrong with the address?"),
        [
            required(_l("What is wrong with the address?")),
            Length(
                max=MAX_REPORT_CHARS,
                message=_l("Please keep it to %(max)d characters or fewer."),
            ),
        ],
        filters=[strip],
        description=_l("Please do not write your name or contact details: we do not need them."),
        id="report-message",
    )

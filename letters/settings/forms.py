"""The form for the group's own details."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

from ..display import country_choices
from ..form_helpers import Checked, strip
from ..models import MAX_LENGTH
from ..validation import check_length
from . import services


class SettingsForm(FlaskForm):
    """The group's own details: what prints top-left on envelopes by default."""

    group_name = StringField(
        _l("Group name"),
        [Checked(check_length, "address_line")],
        filters=[strip],
        render_kw={"maxlength": MAX_LENGTH["address_line"]},
    )
    return_address = TextAreaField(
        _l("Return address"),
        [Checked(services.check_return_address)],
        filters=[strip],
        description=_l(
            "Printed top-left on envelopes unless the writer chooses otherwise: one line per "
            "line, at most %(count)s lines of %(length)s characters. A group address or a "
            "post-office box keeps volunteers' home addresses away from the prison.",
            count=services.RETURN_ADDRESS_MAX_LINES,
            length=services.RETURN_ADDRESS_MAX_LINE_LENGTH,
        ),
        render_kw={"rows": services.RETURN_ADDRESS_MAX_LINES},
    )
    home_country = SelectField(
        _l("Home country"),
        description=_l(
            "Where the group posts its letters and where its return address is. Envelopes leave "
            "out the destination country when it is the same; on letters that go abroad the "
            "return address ends with this country, so a letter that cannot be delivered comes "
            "back (a returned letter is how the group learns that an address is stale). "
            "Needed when a return address is set."
        ),
    )
    require_second_factor = BooleanField(
        _l("Require a second factor for every account"),
        description=_l(
            "Every coordinator then needs a code from an authenticator app as well as their "
            "password; an account without one is sent to set it up right after logging in. "
            "Set up your own first."
        ),
    )

    donation_instructions = TextAreaField(
        _l("Donation instructions"),
        [Checked(services.check_donation_instructions)],
        filters=[strip],
        description=_l(
            "How supporters can give money: bank transfer, PayPal address, crypto, whatever the "
            "group uses. Markdown; shown on public calls and on the profiles of people with a "
            "payment reference. The site itself takes no money."
        ),
        render_kw={"rows": 8},
    )
    publish_letter_days = BooleanField(
        _l("Publish letters per day for groups that follow this list"),
        description=_l(
            "Only how many letters each listed person was sent each day crosses, never who "
            "wrote them."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.home_country.choices = [
            SelectChoice("", _l("Not set (always print the destination country)"))
        ] + [SelectChoice(code, label) for code, label in country_choices()]

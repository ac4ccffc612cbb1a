"""The facility form: postal address, how the envelope is laid out, and what mail may carry."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import NumberInput

from ..display import country_choices
from ..form_helpers import Checked, required, strip
from ..models import Facility
from ..validation import check_length, check_name_line_format, check_single_line
from .services import EDITABLE_FIELDS, MAX_TRANSIT_DAYS, save_facility

# Tri-state answers travel as "", "yes", "no": a select cannot carry None, True and False.
TRI_STATE = {"": None, "yes": True, "no": False}
TRI_STATE_VALUE = {value: key for key, value in TRI_STATE.items()}
TRI_STATE_FIELDS = (
    "facility_name_first",
    "allows_photos",
    "allows_cards",
    "allows_paper",
    "allows_envelopes",
    "allows_stamps",
)


def _allowance(label: str) -> SelectField:
    return SelectField(
        label,
        choices=[
            SelectChoice("", _l("Not known")),
            SelectChoice("yes", _l("Allowed")),
            SelectChoice("no", _l("Not allowed")),
        ],
    )


class FacilityForm(FlaskForm):
    """A facility; field names are the model's, so address errors land on their own field."""

    name = StringField(
        _l("Name"),
        [required(_l("Name")), Checked(check_length, "address_line"), Checked(check_single_line)],
        filters=[strip],
        description=_l(
            "As it goes on the envelope, e.g. ФКУ СИЗО-1 УФСИН России по Пензенской области"
        ),
    )
    label_name = StringField(
        _l("Short name for labels"),
        [Checked(check_length, "address_line"), Checked(check_single_line)],
        filters=[strip],
        description=_l(
            "Optional, e.g. СИЗО-1 УФСИН по Пензенской обл. Printed on address labels, and on "
            "envelopes when the full name would not fit at a size the post can read."
        ),
    )
    street_address = TextAreaField(
        _l("Street address"),
        [Checked(check_length, "street_address")],
        filters=[strip],
        description=_l("One line per line on the envelope: street and house, PO Box, …"),
    )
    city = StringField(
        _l("City"), [Checked(check_length, "short"), Checked(check_single_line)], filters=[strip]
    )
    city_area = StringField(
        _l("District"),
        [Checked(check_length, "short"), Checked(check_single_line)],
        filters=[strip],
    )
    country_area = StringField(
        _l("Region"),
        [Checked(check_length, "short"), Checked(check_single_line)],
        filters=[strip],
        description=_l("State, province or oblast, where the country uses them."),
    )
    postal_code = StringField(
        _l("Postal code"),
        [Checked(check_length, "postal_code"), Checked(check_single_line)],
        filters=[strip],
    )
    country_code = SelectField(_l("Country"), [required(_l("Country"))])
    facility_name_first = SelectField(
        _l("Facility name above the prisoner's name"),
        choices=[
            SelectChoice("", _l("As is usual in the country")),
            SelectChoice("yes", _l("Yes: facility first")),
            SelectChoice("no", _l("No: prisoner first")),
        ],
        description=_l(
            "German prisons (JVA) and US mail-scanning centres want the facility first."
        ),
    )
    name_line_format = StringField(
        _l("Name line format"),
        [
            Checked(check_length, "short"),
            Checked(check_name_line_format),
            Checked(check_single_line),
        ],
        filters=[strip],
        description=_l(
            "Only when the facility has its own rule, e.g. “{name}/{number}”. "
            "Empty: the country's custom."
        ),
    )
    allows_photos = _allowance(_l("Photos"))
    allows_cards = _allowance(_l("Cards"))
    allows_paper = _allowance(_l("Blank paper"))
    allows_envelopes = _allowance(_l("Envelopes"))
    allows_stamps = _allowance(_l("Stamps"))
    restrictions = TextAreaField(
        _l("Restrictions"),
        [Checked(check_length, "bio")],
        filters=[strip],
        description=_l(
            "Shown to letter writers: what the facility refuses (staples, stickers, …)."
        ),
    )
    transit_days = IntegerField(
        _l("Days a letter takes to arrive"),
        [
            Optional(),
            NumberRange(
                1,
                MAX_TRANSIT_DAYS,
                message=_l(
                    "Days a letter takes to arrive: a number from 1 to %(max)d.",
                    max=MAX_TRANSIT_DAYS,
                ),
            ),
        ],
        widget=NumberInput(min=1, max=MAX_TRANSIT_DAYS),
        description=_l(
            "Sets the post-by date for birthday cards. Leave empty for the usual time: 7 days "
            "within a country, 21 days to Russia or Belarus from abroad, 14 otherwise."
        ),
    )
    transit_notes = TextAreaField(
        _l("Notes for coordinators"),
        [Checked(check_length, "bio")],
        filters=[strip],
        description=_l("How mail reaches this place, delays, who to ask. Not shown publicly."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country_code.choices = [SelectChoice("", _l("Choose a country"))] + [
            SelectChoice(code, label) for code, label in country_choices()
        ]

    @staticmethod
    def initial_data(facility: Facility) -> dict[str, Any]:
        """The stored facility as the form shows it."""
        data = {name: getattr(facility, name) for name in EDITABLE_FIELDS}
        for name in TRI_STATE_FIELDS:
            data[name] = TRI_STATE_VALUE[data[name]]
        return data

    def values(self) -> dict[str, Any]:
        """Column name → value, ready for ``services.save_facility``."""
        values = {name: getattr(self, name).data or "" for name in EDITABLE_FIELDS}
        values["transit_days"] = self.transit_days.data  # a number, or None for the default
        for name in TRI_STATE_FIELDS:
            values[name] = TRI_STATE.get(values[name])
        values["country_code"] = values["country_code"].upper()
        return values

    def add_errors(self, errors: dict[str, str]) -> None:
        """Attach each message to its own field; one without a field goes to the form."""
        for name, message in errors.items():
            field = getattr(self, name, None) if name in EDITABLE_FIELDS else None
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                self.form_errors.append(message)


class NewFacilityForm(FacilityForm):
    """A facility added from inside another form (a new prisoner, a transfer).

    Its fields carry a prefix so they cannot clash with the outer form's; the outer form holds
    the CSRF token, so this one has none.
    """

    class Meta:
        csrf = False

    # What shows that a coordinator began describing a facility (the selects have defaults).
    TYPED_FIELDS = ("name", "label_name", "street_address", "city", "postal_code")

    def is_filled_in(self) -> bool:
        return any(getattr(self, name).data for name in self.TYPED_FIELDS)

    def create(self) -> Facility | None:
        """The facility described, added to the session (not committed), or ``None`` with the
        address errors on their fields. Call after ``validate()`` passed."""
        facility = Facility()
        errors = save_facility(facility, self.values())
        if errors:
            self.add_errors(errors)
            return None
        return facility

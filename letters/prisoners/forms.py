"""Forms for the registry: a prisoner, a transfer, list filters, and "I am posting from"."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput

from ..countries import CountryField
from ..display import (
    GENDER_LABELS,
    STATUS_LABELS,
    birth_text,
    country_label,
    language_name,
    languages_text,
)
from ..extensions import db
from ..facilities.services import all_facilities
from ..form_helpers import Checked, offered, required, strip
from ..models import Facility, Prisoner
from ..validation import (
    FieldError,
    check_length,
    check_single_line,
    parse_birth,
    parse_date,
    parse_day_from_2000,
    parse_gender,
    parse_languages,
    parse_release_date,
    parse_status,
)
from . import services


class PrisonerForm(FlaskForm):
    """Every field of a prisoner but the facility, which changes only through a transfer."""

    family_name = StringField(
        _l("Family name"),
        [required(_l("Family name")), Checked(check_length, "name"), Checked(check_single_line)],
        filters=[strip],
    )
    given_names = StringField(
        _l("Given names"),
        [required(_l("Given names")), Checked(check_length, "name"), Checked(check_single_line)],
        filters=[strip],
    )
    patronymic = StringField(
        _l("Patronymic"),
        [Checked(check_length, "name"), Checked(check_single_line)],
        filters=[strip],
    )
    latin_name = StringField(
        _l("Name in Latin letters"),
        [Checked(check_length, "name"), Checked(check_single_line)],
        filters=[strip],
        description=_l("As it prints on envelopes to countries that write in Latin letters."),
    )
    gender = SelectField(
        _l("Gender"),
        [Checked(parse_gender)],
        choices=[SelectChoice("", _l("Not known"))]
        + [SelectChoice(g.value, label) for g, label in GENDER_LABELS.items()],
        description=_l("Russian names are declined by gender on the envelope."),
    )
    birth = StringField(
        _l("Date or year of birth"),
        [Checked(parse_birth)],
        filters=[strip],
        description=_l("YYYY-MM-DD, or just the year (YYYY)."),
    )
    prisoner_number = StringField(
        _l("Prisoner number"),
        [Checked(check_length, "short"), Checked(check_single_line)],
        filters=[strip],
    )
    unit = StringField(
        _l("Unit"),
        [Checked(check_length, "address_line"), Checked(check_single_line)],
        filters=[strip],
        description=_l("Block, wing or cell, when the address needs it."),
    )
    status = SelectField(
        _l("Status"),
        [Checked(parse_status)],
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
    )
    release_date = StringField(
        _l("Release date"), [Checked(parse_release_date)], filters=[strip], widget=DateInput()
    )
    languages = StringField(
        _l("Languages they can read"),
        [Checked(check_length, "short"), Checked(parse_languages)],
        filters=[strip],
        description=_l("Two-letter codes separated by “;”, for example: ru; en"),
    )
    language_notes = TextAreaField(
        _l("Notes on languages"), [Checked(check_length, "note")], filters=[strip]
    )
    interests = TextAreaField(_l("Interests"), [Checked(check_length, "note")], filters=[strip])
    bio = TextAreaField(_l("About them"), [Checked(check_length, "bio")], filters=[strip])
    is_listed = BooleanField(_l("Listed on the public pages"), default=True)
    envelope_name = StringField(
        _l("Name on the envelope (override)"),
        [Checked(check_length, "name"), Checked(check_single_line)],
        filters=[strip],
        description=_l(
            "Replaces the computed name on the envelope, e.g. when the dative form is wrong. "
            "Leave empty to use the computed name."
        ),
    )
    envelope_name_confirmed = BooleanField(_l("I checked the name as it prints: confirmed"))

    @staticmethod
    def initial_data(prisoner: Prisoner) -> dict[str, Any]:
        """The stored prisoner as the form shows it."""
        return {
            "family_name": prisoner.family_name,
            "given_names": prisoner.given_names,
            "patronymic": prisoner.patronymic,
            "latin_name": prisoner.latin_name,
            "gender": prisoner.gender.value if prisoner.gender else "",
            "birth": birth_text(prisoner),
            "prisoner_number": prisoner.prisoner_number,
            "unit": prisoner.unit,
            "status": prisoner.status.value,
            "release_date": prisoner.release_date.isoformat() if prisoner.release_date else "",
            "languages": languages_text(prisoner),
            "language_notes": prisoner.language_notes,
            "interests": prisoner.interests,
            "bio": prisoner.bio,
            "is_listed": prisoner.is_listed,
            "envelope_name": prisoner.envelope_name,
            "envelope_name_confirmed": prisoner.envelope_name_confirmed,
        }

    def populate(self, prisoner: Prisoner) -> None:
        """Copy the validated values onto ``prisoner``; never touches its facility."""
        prisoner.family_name = self.family_name.data
        prisoner.given_names = self.given_names.data
        prisoner.patronymic = self.patronymic.data or ""
        prisoner.latin_name = self.latin_name.data or ""
        prisoner.gender = parse_gender(self.gender.data or "")
        prisoner.birth_year, prisoner.birth_date = parse_birth(self.birth.data or "")
        prisoner.prisoner_number = self.prisoner_number.data or ""
        prisoner.unit = self.unit.data or ""
        prisoner.status = parse_status(self.status.data or "")
        prisoner.release_date = parse_date(self.release_date.data or "")
        prisoner.language_codes = parse_languages(self.languages.data or "")
        prisoner.language_notes = self.language_notes.data or ""
        prisoner.interests = self.interests.data or ""
        prisoner.bio = self.bio.data or ""
        prisoner.is_listed = bool(self.is_listed.data)
        prisoner.envelope_name = self.envelope_name.data or ""
        prisoner.envelope_name_confirmed = bool(self.envelope_name_confirmed.data)


def facility_label(facility: Facility) -> str:
    place = ", ".join(p for p in (facility.city, country_label(facility.country_code)) if p)
    return f"{facility.name} — {place}"


class NewPrisonerForm(PrisonerForm):
    """A new prisoner is placed at a facility once; later moves are transfers."""

    facility_id = SelectField(
        _l("Facility"),
        description=_l("Leave as “not known yet” while nobody knows where they are held."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility_id.choices = [SelectChoice("", _l("Not known yet"))] + [
            SelectChoice(str(f.id), facility_label(f)) for f in all_facilities()
        ]

    def chosen_facility(self) -> Facility | None:
        if not self.facility_id.data:
            return None
        return db.session.get(Facility, int(self.facility_id.data))


class TransferForm(FlaskForm):
    """Move a prisoner to another facility; the old address stays in the history."""

    facility_id = SelectField(_l("New facility"), [required(_l("New facility"))])
    on = StringField(
        _l("Date of the transfer"),
        [required(_l("Date of the transfer")), Checked(parse_day_from_2000)],
        filters=[strip],
        widget=DateInput(),
        default=lambda: date.today().isoformat(),
    )
    unit = StringField(
        _l("Unit at the new facility"),
        [Checked(check_length, "address_line"), Checked(check_single_line)],
        filters=[strip],
        description=_l("Leave empty if the new address needs none."),
    )
    note = TextAreaField(_l("Note"), [Checked(check_length, "note")], filters=[strip])

    def __init__(self, prisoner: Prisoner, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prisoner = prisoner
        current = prisoner.facility_id
        self.facility_id.choices = [SelectChoice("", _l("Choose a facility"))] + [
            SelectChoice(str(f.id), facility_label(f)) for f in all_facilities() if f.id != current
        ]

    def chosen_facility(self) -> Facility:
        # The select offers existing facilities only, so the row is there.
        return db.session.get_one(Facility, int(self.facility_id.data))

    def validate_on(self, field: StringField) -> None:
        if self.facility_id.errors or field.errors or not self.facility_id.data:
            return
        on = parse_date(field.data or "")
        if on is None:
            return
        try:
            services.check_transfer(self.prisoner, self.chosen_facility(), on)
        except FieldError as exc:
            raise ValidationError(str(exc)) from None


class ListFilterForm(FlaskForm):
    """The coordinators' list: search by name, filter by country, status and language (GET)."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Name"), filters=[strip])
    country = SelectField(_l("Country"))
    status = SelectField(_l("Status"))
    language = SelectField(_l("Language"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", _l("Any country"))] + [
            SelectChoice(code, country_label(code)) for code in services.countries_in_use()
        ]
        self.status.choices = [SelectChoice("", _l("Any status"))] + [
            SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()
        ]
        self.language.choices = [SelectChoice("", _l("Any language"))] + [
            SelectChoice(code, language_name(code)) for code in services.languages_in_use()
        ]

    def filters(self) -> dict[str, str]:
        """The filters to apply; a value that is not among the choices is ignored.

        Not ``validate()``: a stale bookmark should filter less, not print errors.
        """
        return {
            "q": self.q.data or "",
            "country": offered(self.country) or "",
            "status": offered(self.status) or "",
            "language": offered(self.language) or "",
        }


class SearchForm(FlaskForm):
    """The public list's name search (GET)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), filters=[strip])


class PostedFromForm(FlaskForm):
    """ "I am posting from": the country line is printed only for mail from abroad (GET)."""

    class Meta:
        csrf = False

    # The query parameter is "from" (?from=DE), a Python keyword, hence the explicit name.
    posted_from = CountryField(_l("I am posting from"), name="from", id="from", remember=True)

    def country(self, default: str) -> str | None:
        """The chosen country, ``None`` when left empty ("abroad": the destination country is
        printed last), ``default`` while the text names no country (the field says why)."""
        if not self.validate():
            return default.upper() or None
        return self.posted_from.data or None

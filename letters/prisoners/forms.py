"""Forms for the registry: a prisoner, a transfer, list filters, and "I am posting from"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
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
)
from ..extensions import db
from ..facilities.forms import NewFacilityForm
from ..facilities.services import all_facilities
from ..form_helpers import Checked, MultiCheckboxField, offered, required, strip
from ..language_names import UnknownLanguages, parse_language_names
from ..models import MAX_LENGTH, Facility, Prisoner
from ..validation import (
    FieldError,
    check_length,
    check_single_line,
    parse_birth,
    parse_date,
    parse_day_from_2000,
    parse_gender,
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
    languages = MultiCheckboxField(
        _l("Languages they can read"),
        description=_l(
            "The first is the one the writing aids offer first: ticked languages count in the "
            "order shown, then the ones typed below."
        ),
    )
    other_languages = StringField(
        _l("Other languages"),
        [Checked(check_length, "short")],
        filters=[strip],
        description=_l(
            "Names in English or in the language of this page, or two-letter codes, separated "
            "by “;”, for example: Georgian; Armenian"
        ),
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
    payment_reference = StringField(
        _l("Payment reference"),
        [Checked(check_length, "reference"), Checked(check_single_line)],
        filters=[strip],
        description=_l(
            "What supporters write on a donation for this person, for example 205. Shown on the "
            "public profile with the group's donation instructions. Leave empty for none."
        ),
        render_kw={"maxlength": MAX_LENGTH["reference"]},
    )
    needs_note = TextAreaField(
        _l("What they need"),
        [Checked(check_length, "note")],
        filters=[strip],
        description=_l(
            "A short public note: commissary, books, lawyer's fees. Shown to anyone on the "
            "public profile."
        ),
        render_kw={"rows": 3},
    )

    def __init__(self, *args: Any, reads: Sequence[str] = (), **kwargs: Any) -> None:
        """``reads``: the prisoner's languages, offered first in their order (editing)."""
        super().__init__(*args, **kwargs)
        names = {code: capitalized(language_name(code)) for code in services.languages_in_use()}
        in_use = sorted(names, key=lambda code: names[code].casefold())
        self.languages.choices = [
            SelectChoice(code, capitalized(language_name(code)))
            for code in offered_languages(reads, in_use)
        ]

    def validate_other_languages(self, field: StringField) -> None:
        try:
            codes = parse_language_names(field.data or "", reading_locales())
        except UnknownLanguages as exc:
            # Quoted the way the page's language quotes («…» in Russian).
            words = ", ".join(_("“%(word)s”", word=word) for word in exc.words)
            raise ValidationError(
                _(
                    "%(field)s: no language is called %(words)s. Type its name in English or "
                    "in the language of this page, or its two-letter code, such as ka.",
                    field=field.label.text,
                    words=words,
                )
            ) from None
        try:
            check_length(" ".join(self.language_codes(codes)), "short")
        except FieldError as exc:
            raise ValidationError(str(exc)) from None

    def language_codes(self, typed: list[str] | None = None) -> list[str]:
        """The ticked languages in the order shown, then the typed ones in the order typed."""
        if typed is None:
            typed = parse_language_names(self.other_languages.data or "", reading_locales())
        return list(dict.fromkeys([*(self.languages.data or []), *typed]))

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
            "languages": prisoner.language_codes,
            "language_notes": prisoner.language_notes,
            "interests": prisoner.interests,
            "bio": prisoner.bio,
            "is_listed": prisoner.is_listed,
            "envelope_name": prisoner.envelope_name,
            "envelope_name_confirmed": prisoner.envelope_name_confirmed,
            "payment_reference": prisoner.payment_reference,
            "needs_note": prisoner.needs_note,
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
        prisoner.language_codes = self.language_codes()
        prisoner.language_notes = self.language_notes.data or ""
        prisoner.interests = self.interests.data or ""
        prisoner.bio = self.bio.data or ""
        prisoner.is_listed = bool(self.is_listed.data)
        prisoner.envelope_name = self.envelope_name.data or ""
        prisoner.envelope_name_confirmed = bool(self.envelope_name_confirmed.data)
        prisoner.payment_reference = self.payment_reference.data or ""
        prisoner.needs_note = self.needs_note.data or ""


# Offered as checkboxes on every prisoner form, with the languages anyone in the registry reads:
# the languages political prisoners in the region read most, then the groups' own.
COMMON_LANGUAGES = ("ru", "be", "uk", "en", "de", "fr", "es", "it", "pl")


def offered_languages(reads: Sequence[str], in_use: Sequence[str]) -> list[str]:
    """The languages offered as checkboxes: the prisoner's own first, in their order (so an
    unchanged form keeps it), then the common ones, then any other the registry uses (in the
    order given)."""
    return list(dict.fromkeys([*reads, *COMMON_LANGUAGES, *in_use]))


def reading_locales() -> tuple[str, ...]:
    """The languages a typed language name may be in: this page's, then every UI language."""
    return (str(get_locale() or "en"), *current_app.config["LANGUAGES"], "en")


def capitalized(name: str) -> str:
    # CLDR writes Russian language names in lower case ("русский"); a label starts a line.
    return name[:1].upper() + name[1:]


def facility_label(facility: Facility) -> str:
    place = ", ".join(p for p in (facility.city, country_label(facility.country_code)) if p)
    return f"{facility.name} — {place}"


# The facility select's value for "a new facility, described in the sub-form".
NEW_FACILITY = "new"


class FacilityChoice:
    """A facility select that also offers a new facility, described in a sub-form on the same
    page, so a coordinator need not leave (and lose) what they typed to add one.

    Both parts are validated together; the new facility is created only when everything is
    right, in the session the caller commits, so the facility and what needs it are stored in
    one transaction or not at all.
    """

    facility_id: SelectField
    new_facility: NewFacilityForm
    created_facility: Facility | None

    def offer_facilities(self, first: SelectChoice, facilities: list[Facility]) -> None:
        self.new_facility = NewFacilityForm(prefix="facility")
        self.created_facility = None
        self.facility_id.choices = [
            first,
            SelectChoice(NEW_FACILITY, _l("A new facility (fill in below)")),
            *(SelectChoice(str(f.id), facility_label(f)) for f in facilities),
        ]

    def wants_new_facility(self) -> bool:
        return self.facility_id.data == NEW_FACILITY

    def validate_new_facility(self, valid: bool) -> bool:
        """``valid`` (the outer form's own verdict) and, when a new facility is chosen, the
        sub-form's; on success ``created_facility`` is the new facility, added to the session."""
        if not self.wants_new_facility():
            if self.new_facility.is_filled_in():
                # Typed but not chosen: silently dropping the typed address would lose work.
                self.facility_id.errors = [
                    *self.facility_id.errors,
                    _l(
                        "A new facility is filled in below: choose “A new facility (fill in "
                        "below)” here, or empty its fields."
                    ),
                ]
                return False
            return valid
        if not self.new_facility.validate():
            return False
        # The address is checked against the country's rules even while the outer form has
        # errors, so one submit shows every problem.
        facility = self.new_facility.create()
        if facility is None:
            return False
        if not valid:
            db.session.expunge(facility)  # nothing is stored until every part is right
            return False
        self.created_facility = facility
        return True


class NewPrisonerForm(FacilityChoice, PrisonerForm):
    """A new prisoner is placed at a facility once; later moves are transfers."""

    facility_id = SelectField(
        _l("Facility"),
        description=_l("Leave as “not known yet” while nobody knows where they are held."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_facilities(SelectChoice("", _l("Not known yet")), all_facilities())

    def validate(self, extra_validators: Any = None) -> bool:
        return self.validate_new_facility(super().validate(extra_validators))

    def chosen_facility(self) -> Facility | None:
        if self.wants_new_facility():
            return self.created_facility
        if not self.facility_id.data:
            return None
        return db.session.get(Facility, int(self.facility_id.data))


class TransferForm(FacilityChoice, FlaskForm):
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
        self.offer_facilities(
            SelectChoice("", _l("Choose a facility")),
            [f for f in all_facilities() if f.id != current],
        )

    def validate(self, extra_validators: Any = None) -> bool:
        return self.validate_new_facility(super().validate(extra_validators))

    def chosen_facility(self) -> Facility:
        if self.wants_new_facility():
            if self.created_facility is None:
                raise RuntimeError("chosen_facility() is for a form that passed validate()")
            return self.created_facility
        # The select offers existing facilities only, so the row is there.
        return db.session.get_one(Facility, int(self.facility_id.data))

    def validate_on(self, field: StringField) -> None:
        if self.facility_id.errors or field.errors or not self.facility_id.data:
            return
        on = parse_date(field.data or "")
        if on is None:
            return
        # A new facility is not created yet: the date rules do not depend on which one it is.
        target = Facility() if self.wants_new_facility() else self.chosen_facility()
        try:
            services.check_transfer(self.prisoner, target, on)
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
